/* SPDX-License-Identifier: GPL-2.0 or MIT */
/* Interfaces between shim files that the kernel does not have. */
#ifndef SHIM_INTERNAL_H
#define SHIM_INTERNAL_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/introspect.h>
#include <linux/mmzone.h>

/* vmscan.c: direct reclaim for an allocation that found no free page. */
unsigned long try_to_free_pages_shim(gfp_t gfp_mask, unsigned long nr_pages);
/* vmscan.c: wake kswapd for an allocation that went below the low watermark. */
void wakeup_kswapd_shim(gfp_t gfp_mask);

/* page_alloc.c: are more than the pages of watermark @mark free? */
bool sw_mm_watermark_ok(enum zone_watermarks mark);

/* page_alloc.c: swap store. */
long swap_alloc_slot_shim(void);
void swap_free_slot_shim(long slot);
void swap_write_shim(long slot, const void *src);
void swap_read_shim(long slot, void *dst);

struct alloc_tag;

/* fault.c: does this allocation fail (the allocator returns NULL)? */
bool sw_fault_should_fail(enum sw_fault_kind kind, const struct alloc_tag *site);

/*
 * fault.c: does the kernel operation @name fail? It then returns @err (or
 * the NULL/ERR_PTR/VM_FAULT_* the kernel returns for that errno).
 */
bool sw_fault_op_fails(const char *name, int err);

/* slab.c: the allocation site being tagged (fault injection names it). */
struct alloc_tag *alloc_tag_current_shim(void);


/* shmem.c: write a page only the page cache holds to swap (if room). */
void shmem_writeback_shim(struct address_space *mapping, pgoff_t index);

/* shmem.c: where a shmem page currently is. */
enum shmem_slot_state_shim {
	SHMEM_SLOT_EMPTY,
	SHMEM_SLOT_RESIDENT,
	SHMEM_SLOT_SWAPPED,
};
enum shmem_slot_state_shim shmem_slot_state_shim(struct address_space *mapping,
						 pgoff_t index);

/* shmem.c: an inode with its own address space, as alloc_anon_inode() gives. */
struct inode *alloc_anon_inode_shim(void);
void free_anon_inode_shim(struct inode *inode);

/* lockdep.c: WARN if current is in a no-block section; @what would block. */
void no_block_check_wait_shim(const char *what);
/* lockdep.c: schedule()'s checks: "scheduling while atomic", a switch under RCU. */
void schedule_debug_shim(unsigned long ip);

/* interleave.c: for the blocking primitives of a scheduled run. */
bool sw_il_current(void);
bool sw_il_block(bool (*ready)(const void *arg), const void *arg, bool timed,
		 const char *what, unsigned long ip);

/* kernfs.c: the sysfs and debugfs files, for the FUSE server and the back doors. */
struct kernfs_file_shim;
int kernfs_getattr_shim(const char *path, umode_t *mode, bool *dir, size_t *size);
int kernfs_readdir_shim(const char *path, void (*fill)(void *ctx, const char *name, bool dir),
			void *ctx);
int kernfs_open_shim(const char *path, bool read, bool write, struct kernfs_file_shim **out);
ssize_t kernfs_read_shim(struct kernfs_file_shim *of, char *buf, size_t len, loff_t off);
ssize_t kernfs_write_shim(struct kernfs_file_shim *of, const char *buf, size_t len, loff_t off);
void kernfs_release_shim(struct kernfs_file_shim *of);

struct timespec;

/* lib_misc.c: @ts becomes the CLOCK_REALTIME time @usecs from now (for timed waits). */
void realtime_deadline_shim(struct timespec *ts, unsigned long usecs);

#endif
