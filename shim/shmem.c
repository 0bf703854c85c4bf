// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * shmem-like object backing. Each slot of a mapping is empty (reads as
 * zeroes), resident (a page in the object's page cache) or swapped (a swap
 * slot). A page whose only reference is the page cache's is written to swap
 * at once when swap has room, which is what reclaim would eventually do.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/shmem_fs.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <shrinkwrap/report.h>

#include "internal.h"
#include <shrinkwrap/introspect.h>

struct shmem_slot {
	struct page	*page;
	long		swap;		/* slot + 1, 0 when not swapped */
};

static void mapping_init(struct address_space *m)
{
	spin_lock_init(&m->i_pages_lock);
	init_rwsem(&m->i_mmap_rwsem);
	m->i_mmap = RB_ROOT_CACHED;
	m->gfp_mask = GFP_HIGHUSER_MOVABLE;
	m->slots = NULL;
	m->nr_slots = 0;
	m->nrpages = 0;
}

static struct inode *inode_alloc(void)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	mapping_init(&inode->i_data);
	inode->i_mapping = &inode->i_data;
	return inode;
}

/**
 * alloc_anon_inode_shim() - an inode whose mapping only tracks VMAs (the
 * DRM device's fake-offset space).
 *
 * Return: the inode or NULL.
 */
struct inode *alloc_anon_inode_shim(void)
{
	return inode_alloc();
}

/**
 * free_anon_inode_shim() - free an inode from alloc_anon_inode_shim().
 * @inode: the inode; no VMA may still be linked to it.
 */
void free_anon_inode_shim(struct inode *inode)
{
	WARN(!RB_EMPTY_ROOT(&inode->i_data.i_mmap.rb_root), "anon inode freed with VMAs mapped\n");
	sw_rwsem_destroy(&inode->i_data.i_mmap_rwsem);
	kfree(inode);
}

/**
 * shmem_file_setup() - create a shmem file of @size bytes.
 * @name: name (unused).
 * @size: size in bytes, a multiple of PAGE_SIZE.
 * @flags: VM_* flags (unused).
 *
 * Return: the file or ERR_PTR(-ENOMEM).
 */
struct file *shmem_file_setup(const char *name, loff_t size, unsigned long flags)
{
	struct file *file = kzalloc(sizeof(*file), GFP_KERNEL);
	struct inode *inode;

	if (!file)
		return ERR_PTR(-ENOMEM);
	inode = inode_alloc();
	if (!inode) {
		kfree(file);
		return ERR_PTR(-ENOMEM);
	}
	inode->i_size = size;
	inode->i_data.nr_slots = size >> PAGE_SHIFT;
	inode->i_data.slots = kcalloc(inode->i_data.nr_slots, sizeof(struct shmem_slot),
				      GFP_KERNEL);
	if (!inode->i_data.slots && inode->i_data.nr_slots) {
		kfree(inode);
		kfree(file);
		return ERR_PTR(-ENOMEM);
	}
	file->f_inode = inode;
	file->f_mapping = inode->i_mapping;
	atomic_long_set(&file->f_count, 1);
	return file;
}

/**
 * shmem_writeback_shim() - write the page at @index to swap if only the
 * page cache holds it and swap has room.
 * @m: the shmem mapping.
 * @index: page index.
 */
void shmem_writeback_shim(struct address_space *m, pgoff_t index)
{
	struct shmem_slot *slot = &m->slots[index];
	struct page *page;
	long swap;

	spin_lock(&m->i_pages_lock);
	page = slot->page;
	if (!page || page_ref_count(page) != 1) {
		spin_unlock(&m->i_pages_lock);
		return;
	}
	swap = swap_alloc_slot_shim();
	if (swap < 0) {
		spin_unlock(&m->i_pages_lock);
		return;
	}
	swap_write_shim(swap, page_address(page));
	slot->page = NULL;
	slot->swap = swap + 1;
	m->nrpages--;
	spin_unlock(&m->i_pages_lock);
	put_page(page);
}

/**
 * shmem_read_mapping_page_gfp() - get the page at @index, swapping it in or
 * allocating a zeroed one as needed.
 * @mapping: the shmem mapping.
 * @index: page index.
 * @gfp: allocation flags for a new page.
 *
 * Return: the page with a reference for the caller, ERR_PTR(-ENOMEM), or
 * ERR_PTR(-EIO) when reading it back from swap fails (it stays in swap).
 */
struct page *shmem_read_mapping_page_gfp(struct address_space *mapping,
					 pgoff_t index, gfp_t gfp)
{
	struct shmem_slot *slot;
	struct page *page, *new;

	if (WARN_ON(index >= mapping->nr_slots))
		return ERR_PTR(-EINVAL);
	slot = &mapping->slots[index];

	spin_lock(&mapping->i_pages_lock);
	page = slot->page;
	if (page)
		get_page(page);
	spin_unlock(&mapping->i_pages_lock);
	if (page)
		return page;

	new = alloc_page(gfp);
	if (!new)
		return ERR_PTR(-ENOMEM);

	spin_lock(&mapping->i_pages_lock);
	if (slot->page) {
		/* Raced with another reader: use its page. */
		page = slot->page;
		get_page(page);
		spin_unlock(&mapping->i_pages_lock);
		put_page(new);
		return page;
	}
	if (slot->swap && sw_fault_op_fails("shmem swap-in read", -EIO)) {
		spin_unlock(&mapping->i_pages_lock);
		put_page(new);
		return ERR_PTR(-EIO);
	}
	if (slot->swap) {
		swap_read_shim(slot->swap - 1, page_address(new));
		swap_free_slot_shim(slot->swap - 1);
		slot->swap = 0;
		__atomic_add_fetch(&mapping->nr_swap_ins, 1, __ATOMIC_RELAXED);
	} else {
		memset(page_address(new), 0, PAGE_SIZE);
	}
	new->mapping = mapping;
	new->index = index;
	slot->page = new;
	mapping->nrpages++;
	get_page(new);		/* one for the cache, one for the caller */
	spin_unlock(&mapping->i_pages_lock);
	return new;
}

/**
 * shmem_truncate_range() - drop pages and swap of [start, end].
 * @inode: the shmem inode.
 * @start: first byte.
 * @end: last byte (inclusive), -1 for the end.
 */
void shmem_truncate_range(struct inode *inode, loff_t start, loff_t end)
{
	struct address_space *m = inode->i_mapping;
	pgoff_t i, first = start >> PAGE_SHIFT;
	pgoff_t last = end < 0 ? m->nr_slots : (pgoff_t)(end >> PAGE_SHIFT) + 1;

	for (i = first; i < last && i < m->nr_slots; i++) {
		struct shmem_slot *slot = &m->slots[i];
		struct page *page;

		spin_lock(&m->i_pages_lock);
		page = slot->page;
		slot->page = NULL;
		if (page)
			m->nrpages--;
		if (slot->swap) {
			swap_free_slot_shim(slot->swap - 1);
			slot->swap = 0;
		}
		spin_unlock(&m->i_pages_lock);
		if (page) {
			WARN(page_ref_count(page) != 1,
			     "truncating a shmem page still in use (ref %d)\n",
			     page_ref_count(page));
			page->mapping = NULL;
			put_page(page);
		}
	}
}

/**
 * shmem_slot_state_shim() - where the page at @index lives.
 * @mapping: the shmem mapping.
 * @index: page index.
 *
 * Return: empty, resident or swapped.
 */
enum shmem_slot_state_shim shmem_slot_state_shim(struct address_space *mapping,
						 pgoff_t index)
{
	enum shmem_slot_state_shim state = SHMEM_SLOT_EMPTY;

	spin_lock(&mapping->i_pages_lock);
	if (mapping->slots[index].page)
		state = SHMEM_SLOT_RESIDENT;
	else if (mapping->slots[index].swap)
		state = SHMEM_SLOT_SWAPPED;
	spin_unlock(&mapping->i_pages_lock);
	return state;
}

/**
 * fput() - drop a file reference; the last one frees a shmem file's pages,
 * swap and inode.
 * @file: the file.
 */
void fput(struct file *file)
{
	struct inode *inode;

	if (!atomic_long_dec_and_test(&file->f_count))
		return;
	inode = file->f_inode;
	if (inode) {
		shmem_truncate_range(inode, 0, -1);
		kfree(inode->i_data.slots);
		sw_rwsem_destroy(&inode->i_data.i_mmap_rwsem);
		kfree(inode);
	}
	kfree(file);
}

/**
 * sw_mapping_swap_ins() - pages of @mapping read back from swap so far.
 * @mapping: a shmem mapping.
 *
 * Return: the count; it only grows.
 */
unsigned long sw_mapping_swap_ins(const struct address_space *mapping)
{
	return __atomic_load_n(&mapping->nr_swap_ins, __ATOMIC_RELAXED);
}
