/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * CPU mappings of BOs in a process's address space, and CPU reads and
 * writes through them that fault pages in through the driver's fault
 * handler as the MM core would. Implemented in harness/mmap.c.
 */
#ifndef SHRINKWRAP_MMAP_H
#define SHRINKWRAP_MMAP_H

#include <stdbool.h>
#include <stddef.h>

struct vm_area_struct;
struct sw_proc;
struct sw_bo;
struct sw_map;

enum sw_map_flags {
	SW_MAP_PRIVATE = 1 << 0,	/* a COW mapping (must be refused) */
};
int sw_mmap(struct sw_proc *p, struct sw_bo *bo, unsigned int flags, struct sw_map **out);
/** sw_mmap_dup() - copy a mapping as fork() does (vm_ops->open). */
int sw_mmap_dup(struct sw_map *m, struct sw_proc *child, struct sw_map **out);
void sw_munmap(struct sw_map *m);

enum sw_fault_mode {
	SW_FAULT_RETRY,		/* the core default: retry allowed, mmap_lock may drop */
	SW_FAULT_NORETRY,	/* no retry: the handler populates with mmap_lock held */
	SW_FAULT_RETRY_NOWAIT,	/* retry allowed but no waiting (GUP-like) */
};

/**
 * sw_cpu_access() - CPU reads or writes through a mapping, faulting pages
 * in through the driver's fault handler as the MM core would.
 * @m: the mapping.
 * @offset: byte offset in the mapping.
 * @buf: data.
 * @len: bytes.
 * @write: true to write @buf, false to read into it.
 * @mode: how faults are raised.
 *
 * Return: 0, or -EFAULT if a fault returned SIGBUS/an error.
 */
int sw_cpu_access(struct sw_map *m, size_t offset, void *buf, size_t len, bool write,
		  enum sw_fault_mode mode);
int sw_cpu_write(struct sw_map *m, size_t offset, const void *buf, size_t len);
int sw_cpu_read(struct sw_map *m, size_t offset, void *buf, size_t len);
/** sw_map_present_pages() - pages of @m with a PTE. */
unsigned long sw_map_present_pages(struct sw_map *m);
/** sw_map_pfn() - the pfn of @m's PTE for page @idx (0: not present). */
unsigned long sw_map_pfn(struct sw_map *m, unsigned long idx);
struct vm_area_struct *sw_map_vma(struct sw_map *m);
struct sw_proc *sw_map_proc(struct sw_map *m);
/** sw_map_faults() - calls of the fault handler through @m. */
unsigned long sw_map_faults(struct sw_map *m);

#endif
