/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page, struct mm_struct, struct vm_area_struct.
 * shim: a page is a real 4 KiB frame of the mock allocator; a VMA keeps its
 * own PTE array (pfn per page) instead of page tables.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/rbtree.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr) IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)

struct address_space;

struct page {
	unsigned long		flags;
	atomic_t		_refcount;
	struct list_head	lru;
	struct address_space	*mapping;
	pgoff_t			index;
	unsigned long		private;
	/* shim: the frame's address in the allocator's pool. */
	void			*virtual;
};

typedef unsigned long vm_flags_t;
typedef struct { unsigned long pgprot; } pgprot_t;
typedef unsigned int vm_fault_t;

struct mm_struct {
	struct rw_semaphore	mmap_lock;
	/* shim: protects every PTE of every VMA of this mm. */
	spinlock_t		page_table_lock;
	struct list_head	mmap_list;
	unsigned long		next_addr;
};

struct vm_operations_struct;
struct file;

struct vm_area_struct {
	unsigned long		vm_start;
	unsigned long		vm_end;
	struct mm_struct	*vm_mm;
	pgprot_t		vm_page_prot;
	vm_flags_t		vm_flags;
	unsigned long		vm_pgoff;
	struct file		*vm_file;
	const struct vm_operations_struct *vm_ops;
	void			*vm_private_data;
	/* shim: one pfn per page (0: not present), under page_table_lock. */
	unsigned long		*shim_ptes;
	struct list_head	shim_mm_node;
	/* Link in the file mapping's i_mmap interval tree, keyed by vm_pgoff. */
	struct {
		struct rb_node rb;
		unsigned long rb_subtree_last;
	} shared;
};

#endif
