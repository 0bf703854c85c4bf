// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Process address spaces for CPU mappings of GEM objects: VMAs with a PTE
 * array, PFN insertion from fault handlers, and unmap_mapping_range() that
 * zaps the VMAs of a mapping overlapping a range of file offsets, found in
 * the mapping's i_mmap interval tree.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "internal.h"
#include <shrinkwrap/introspect.h>

static long vma_live;

/**
 * sw_vma_live() - VMAs not yet freed.
 *
 * Return: the count.
 */
long sw_vma_live(void)
{
	return __atomic_load_n(&vma_live, __ATOMIC_RELAXED);
}

/**
 * sw_mm_create() - a new, empty address space.
 *
 * Return: the mm or NULL.
 */
struct mm_struct *sw_mm_create(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	INIT_LIST_HEAD(&mm->mmap_list);
	mm->next_addr = 0x100000000UL;
	return mm;
}

/**
 * sw_mm_destroy() - free an address space with no VMA left.
 * @mm: the mm.
 */
void sw_mm_destroy(struct mm_struct *mm)
{
	WARN(!list_empty(&mm->mmap_list), "mm freed with VMAs mapped\n");
	sw_rwsem_destroy(&mm->mmap_lock);
	kfree(mm);
}

/**
 * sw_vma_alloc() - allocate a VMA of @len bytes in @mm (not yet linked).
 * @mm: the address space.
 * @len: length, page aligned.
 *
 * Return: the VMA or NULL.
 */
struct vm_area_struct *sw_vma_alloc(struct mm_struct *mm, unsigned long len)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma), GFP_KERNEL);

	if (!vma)
		return NULL;
	vma->shim_ptes = kcalloc(len >> PAGE_SHIFT, sizeof(unsigned long), GFP_KERNEL);
	if (!vma->shim_ptes) {
		kfree(vma);
		return NULL;
	}
	vma->vm_mm = mm;
	vma->vm_start = __atomic_fetch_add(&mm->next_addr, len + PAGE_SIZE,
					   __ATOMIC_RELAXED);
	vma->vm_end = vma->vm_start + len;
	INIT_LIST_HEAD(&vma->shim_mm_node);
	RB_CLEAR_NODE(&vma->shared.rb);
	__atomic_add_fetch(&vma_live, 1, __ATOMIC_RELAXED);
	return vma;
}

/**
 * sw_vma_link() - make @vma visible in its mm and in @mapping's i_mmap.
 * @vma: the VMA; mmap_lock held for writing.
 * @mapping: the file mapping it maps, or NULL.
 */
void sw_vma_link(struct vm_area_struct *vma, struct address_space *mapping)
{
	mmap_assert_locked(vma->vm_mm);
	list_add_tail(&vma->shim_mm_node, &vma->vm_mm->mmap_list);
	if (mapping) {
		down_write(&mapping->i_mmap_rwsem);
		vma_interval_tree_insert(vma, &mapping->i_mmap);
		up_write(&mapping->i_mmap_rwsem);
	}
}

/**
 * sw_vma_unlink_free() - unlink, zap and free a VMA.
 * @vma: the VMA; mmap_lock held for writing.
 * @mapping: the mapping it was linked to, or NULL.
 */
void sw_vma_unlink_free(struct vm_area_struct *vma, struct address_space *mapping)
{
	mmap_assert_locked(vma->vm_mm);
	if (mapping) {
		down_write(&mapping->i_mmap_rwsem);
		vma_interval_tree_remove(vma, &mapping->i_mmap);
		up_write(&mapping->i_mmap_rwsem);
	}
	list_del_init(&vma->shim_mm_node);
	kfree(vma->shim_ptes);
	kfree(vma);
	__atomic_sub_fetch(&vma_live, 1, __ATOMIC_RELAXED);
}

/**
 * vmf_insert_pfn() - install a PTE for @pfn at @addr.
 * @vma: the VMA; its mm's mmap_lock must be held.
 * @addr: user address inside @vma.
 * @pfn: page frame.
 *
 * Return: VM_FAULT_NOPAGE, VM_FAULT_SIGBUS for an address outside @vma, or
 * VM_FAULT_OOM when no page table can be allocated for the PTE.
 */
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn)
{
	unsigned long idx;

	mmap_assert_locked(vma->vm_mm);
	if (WARN_ON(addr < vma->vm_start || addr >= vma->vm_end))
		return VM_FAULT_SIGBUS;
	if (WARN_ON(!pfn_valid(pfn)))
		return VM_FAULT_SIGBUS;
	if (sw_fault_op_fails("vmf_insert_pfn: page table", -ENOMEM))
		return VM_FAULT_OOM;
	idx = (addr - vma->vm_start) >> PAGE_SHIFT;
	spin_lock(&vma->vm_mm->page_table_lock);
	vma->shim_ptes[idx] = pfn;
	spin_unlock(&vma->vm_mm->page_table_lock);
	return VM_FAULT_NOPAGE;
}

/**
 * vmf_insert_page() - install a PTE for @page at @addr.
 * @vma: the VMA.
 * @addr: user address.
 * @page: the page.
 *
 * Return: see vmf_insert_pfn().
 */
vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr,
			   struct page *page)
{
	return vmf_insert_pfn(vma, addr, page_to_pfn(page));
}

/**
 * unmap_mapping_range() - zap the PTEs of every VMA of @mapping that maps
 * file bytes [@holebegin, @holebegin + @holelen).
 * @mapping: the address space.
 * @holebegin: first byte.
 * @holelen: length in bytes, 0 for "to the end".
 * @even_cows: unused (no private COW pages here).
 */
void unmap_mapping_range(struct address_space *mapping, loff_t const holebegin,
			 loff_t const holelen, int even_cows)
{
	pgoff_t first = holebegin >> PAGE_SHIFT;
	pgoff_t last = ULONG_MAX;
	struct vm_area_struct *vma;

	if (holelen) {
		pgoff_t pages = (holelen + PAGE_SIZE - 1) >> PAGE_SHIFT;

		/* A range reaching past the largest offset means "to the end". */
		if (first + pages - 1 >= first)
			last = first + pages - 1;
	}

	down_read(&mapping->i_mmap_rwsem);
	vma_interval_tree_foreach(vma, &mapping->i_mmap, first, last) {
		pgoff_t vstart = vma->vm_pgoff;
		pgoff_t s = max(first, vstart);
		pgoff_t e = min(last, vstart + vma_pages(vma) - 1), i;

		spin_lock(&vma->vm_mm->page_table_lock);
		for (i = s; i <= e; i++)
			vma->shim_ptes[i - vstart] = 0;
		spin_unlock(&vma->vm_mm->page_table_lock);
	}
	up_read(&mapping->i_mmap_rwsem);
}
