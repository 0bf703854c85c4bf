/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Test back doors into the shim: what tests, the harness and tools may ask
 * of "the kernel" that the kernel API has no call for. Every one lives in
 * the shim; each section names its file. Nothing here is kernel API, so
 * lib/ never calls any of it (scripts/check-lib-includes.sh rejects it),
 * and shim/include, which mirrors the kernel headers, declares none of it.
 */
#ifndef SHRINKWRAP_INTROSPECT_H
#define SHRINKWRAP_INTROSPECT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/compiler_attributes.h>

struct address_space;
struct device;
struct dma_resv;
struct drm_device;
struct io_pgtable_ops;
struct lockdep_map;
struct mm_struct;
struct page;
struct rw_semaphore;
struct vm_area_struct;

/* shim/page_alloc.c: the page budget, the swap store and vmap. */
struct sw_mm_stats {
	unsigned long total_pages, free_pages, allocs, frees, alloc_failures;
	unsigned long swap_total, swap_free, swap_outs, swap_ins;
	unsigned long wmark_min, wmark_low, wmark_high;
	unsigned long alloc_warnings;	/* failures reported (not __GFP_NOWARN) */
	unsigned long oom_invocations;	/* where the kernel would run the OOM killer */
};
void sw_mm_stats(struct sw_mm_stats *stats);
int sw_mm_init(unsigned long nr_pages, unsigned long nr_swap_pages);
/** sw_mm_set_watermarks() - min <= low <= high < budget; all 0: kernel defaults. */
int sw_mm_set_watermarks(unsigned long min, unsigned long low, unsigned long high);
long sw_mm_fini(void);
bool sw_page_is_allocated(const struct page *page);
long sw_vmap_live(void);

/* shim/shmem.c: how many pages of @mapping came back from swap. */
unsigned long sw_mapping_swap_ins(const struct address_space *mapping);

/* shim/vmscan.c: the reclaim engine. */
/** sw_reclaim() - direct reclaim: shrink_slab() at rising priority. */
unsigned long sw_reclaim(unsigned int gfp, unsigned long nr_pages);
struct sw_reclaim_stats {
	unsigned long counts, scans, stops, freed, direct_reclaims;
	unsigned long direct_freed;	/* pages freed by direct reclaim */
	unsigned long kswapd_wakeups, kswapd_runs, kswapd_freed;
};
void sw_reclaim_stats(struct sw_reclaim_stats *stats);
void sw_reclaim_stats_reset(void);
long sw_shrinkers_registered(void);
/** sw_kswapd_start(), sw_kswapd_stop() - the world's kswapd thread. */
int sw_kswapd_start(void);
void sw_kswapd_stop(void);
/** sw_kswapd_park() - true: let kswapd finish its work and hold it off; false: undo. */
void sw_kswapd_park(bool park);

/* shim/mm.c: address spaces and VMAs of the harness's processes. */
struct mm_struct *sw_mm_create(void);
void sw_mm_destroy(struct mm_struct *mm);
struct vm_area_struct *sw_vma_alloc(struct mm_struct *mm, unsigned long len);
void sw_vma_link(struct vm_area_struct *vma, struct address_space *mapping);
void sw_vma_unlink_free(struct vm_area_struct *vma, struct address_space *mapping);
long sw_vma_live(void);

/* shim/sched.c: the task identity of the calling thread. */
void sw_task_set(pid_t tgid, const char *comm, unsigned long long caps);
void sw_task_signal(int pending);

/* shim/debugfs.c: debugfs and sysfs files, as read(2)/write(2) reach them. */
ssize_t sw_debugfs_read(const char *path, char *buf, size_t len);
ssize_t sw_debugfs_write(const char *path, const char *str);
ssize_t sw_sysfs_write(struct device *dev, const char *name, const char *str);
ssize_t sw_sysfs_read(struct device *dev, const char *name, char *buf);

/* shim/drm_gem.c: what drm_dev_init() sets up for GEM (anon inode, offsets). */
int sw_drm_dev_init(struct drm_device *dev, struct device *parent);
void sw_drm_dev_fini(struct drm_device *dev);

/* shim/dma_resv.c */
/** sw_dma_resv_lockdep_prime() - teach lockdep the kernel's orders around a resv. */
void sw_dma_resv_lockdep_prime(void);
unsigned int sw_dma_resv_fence_count(struct dma_resv *obj);

/* shim/scatterlist.c: dma_sync_sgtable_* calls made. */
unsigned long sw_dma_sync_count(void);

/* shim/io_pgtable.c */
/** sw_io_pgtable_mapped_pages() - 4 KiB pages of [@iova, @iova + @size) with a PTE. */
unsigned long sw_io_pgtable_mapped_pages(struct io_pgtable_ops *ops, unsigned long long iova,
					 unsigned long long size);
/** sw_io_pgtable_translate() - iova_to_phys() that also gives the IOMMU_* permissions. */
unsigned long long sw_io_pgtable_translate(struct io_pgtable_ops *ops, unsigned long long iova,
					   int *prot);
/** sw_io_pgtable_nr_tables() - table pages (or @cfg.alloc chunks) @ops owns. */
unsigned long sw_io_pgtable_nr_tables(struct io_pgtable_ops *ops);

/* shim/locking.c: release the pthread state of an rwsem (the kernel has none). */
void sw_rwsem_destroy(struct rw_semaphore *sem);

/*
 * shim/locking.c: run @fn(@arg) in the calling thread just before its next
 * trylock of the lock whose lockdep map is @map, once; @fn NULL cancels.
 * For tests that need another thread's work between a lookup and a trylock.
 */
void sw_before_trylock(const struct lockdep_map *map, void (*fn)(void *arg), void *arg);

/*
 * shim/lockdep.c: a section of the calling thread that may not block (a
 * reclaim context without __GFP_DIRECT_RECLAIM). Inside it, a fence wait
 * and a sleeping acquisition of a lock reclaim is not known to take WARN.
 */
void sw_no_block_begin(void);
void sw_no_block_end(void);

/*
 * shim/interleave.c: the deterministic scheduler under harness/interleave.c
 * (shrinkwrap/interleave.h is the API tests use).
 */
#define SW_IL_MAX_THREADS	4
#define SW_IL_MAX_DEPTH		8

/* The kinds of switch point. */
enum sw_il_kind {
	SW_IL_ATOMIC_READ,	/* an atomic_*()/refcount_*() read */
	SW_IL_ATOMIC,		/* any other atomic_*()/refcount_*()/kref_*() op */
	SW_IL_LOCK,		/* before a (blocking) lock attempt */
	SW_IL_TRYLOCK,		/* before a trylock */
	SW_IL_UNLOCK,		/* after a release */
	SW_IL_WAIT,		/* cannot progress: blocked or sleeping */
	SW_IL_SCHED,		/* cond_resched() */
	SW_IL_YIELD,		/* schedule(), yield(): others go first */
	SW_IL_POINT,		/* sw_interleave_point() in a test */
	SW_IL_EXIT,		/* the thread function returned */
};

enum sw_il_mode {
	SW_IL_PCT,		/* random priorities, @depth priority drops */
	SW_IL_CHOICES,		/* forced choices, then the default */
};

struct sw_il_strategy {
	enum sw_il_mode mode;
	uint64_t seed;			/* PCT */
	unsigned int depth;		/* PCT: priority-change points */
	unsigned long steps;		/* PCT: they fall in [0, steps) */
	const unsigned char *choices;	/* CHOICES: thread to run at each choice */
	unsigned int nr_choices;
	unsigned int stall_secs;	/* a thread this long between switch points: abort; 0: 120 */
};

/*
 * A choice point: more than one thread could run. @cur is the thread that
 * was running and could go on (0xff if none: it blocked, yielded or ended);
 * running another then is a preemption. @dflt is what the scheduler runs
 * when nothing forces a choice.
 */
struct sw_il_choice {
	unsigned char mask;
	unsigned char cur;
	unsigned char dflt;
	unsigned char chosen;
};

struct sw_il_run {
	unsigned long steps;		/* switch points passed */
	bool deadlock;			/* no thread could run */
	bool step_limit;		/* too many steps: preemption stopped */
	bool diverged;			/* a forced choice was not possible */
	uint64_t hash;			/* of the whole schedule */
	unsigned int nr_choices;
	const struct sw_il_choice *choices;
};

int sw_il_run(void (*const fn[])(void *arg), void *const arg[], unsigned int n,
	      const struct sw_il_strategy *s, struct sw_il_run *out);
void sw_il_point(enum sw_il_kind kind, const char *what, const void *obj, unsigned long ip)
	__sw_address_only(3);
void sw_il_print_schedule(FILE *f);

#endif
