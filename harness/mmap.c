// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * CPU mappings of BOs in a process's address space, and CPU accesses that
 * fault through the driver's handler as the MM core would:
 * include/shrinkwrap/mmap.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <drm/drm_gem.h>

#include <shrinkwrap/introspect.h>
#include <shrinkwrap/mmap.h>
#include <shrinkwrap/proc.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "world_priv.h"

static struct address_space *dev_mapping(struct sw_world *w)
{
	return w->ptdev->base.anon_inode->i_mapping;
}

static int map_obj(struct sw_proc *p, struct drm_gem_object *obj, vm_flags_t vm_flags,
		   unsigned long pgoff, struct sw_map **out,
		   int (*setup)(struct drm_gem_object *obj, struct vm_area_struct *vma))
{
	struct sw_world *w = p->w;
	struct vm_area_struct *vma;
	struct sw_map *m;
	int ret;

	sw_proc_enter(p);
	mmap_write_lock(p->mm);
	vma = sw_vma_alloc(p->mm, obj->size);
	if (!vma) {
		mmap_write_unlock(p->mm);
		return -ENOMEM;
	}
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	ret = setup(obj, vma);
	if (ret) {
		sw_vma_unlink_free(vma, NULL);
		mmap_write_unlock(p->mm);
		return ret;
	}
	sw_vma_link(vma, dev_mapping(w));
	mmap_write_unlock(p->mm);

	m = kzalloc(sizeof(*m), GFP_KERNEL | __GFP_NOFAIL);
	m->w = w;
	m->proc = p;
	m->vma = vma;
	m->obj = obj;
	mutex_lock(&w->lock);
	list_add_tail(&m->node, &w->maps);
	mutex_unlock(&w->lock);
	*out = m;
	return 0;
}

static int mmap_setup(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	return drm_gem_mmap_obj(obj, obj->size, vma);
}

/**
 * sw_mmap() - mmap(2) a whole BO at its fake offset in @p's address space.
 * @p: the process.
 * @bo: the BO.
 * @flags: SW_MAP_*.
 * @out: receives the mapping.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_mmap(struct sw_proc *p, struct sw_bo *bo, unsigned int flags, struct sw_map **out)
{
	vm_flags_t vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE;

	if (!(flags & SW_MAP_PRIVATE))
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	return map_obj(p, &bo->obj->base, vm_flags,
		       drm_vma_node_start(&bo->obj->base.vma_node), out, mmap_setup);
}

static int dup_setup(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	vma->vm_ops = obj->funcs->vm_ops;
	vma->vm_private_data = obj;
	if (vma->vm_ops && vma->vm_ops->open)
		vma->vm_ops->open(vma);
	return 0;
}

/**
 * sw_mmap_dup() - copy a mapping into @child, as fork() does.
 * @m: the mapping.
 * @child: the process receiving the copy.
 * @out: receives the copy.
 *
 * Return: 0 or a negative errno.
 */
int sw_mmap_dup(struct sw_map *m, struct sw_proc *child, struct sw_map **out)
{
	return map_obj(child, m->obj, m->vma->vm_flags, m->vma->vm_pgoff, out, dup_setup);
}

/**
 * sw_munmap() - munmap(2) a mapping: zap, vm_ops->close, free.
 * @m: the mapping.
 */
void sw_munmap(struct sw_map *m)
{
	struct sw_world *w = m->w;
	struct mm_struct *mm = m->proc->mm;

	sw_proc_enter(m->proc);
	mmap_write_lock(mm);
	if (m->vma->vm_ops && m->vma->vm_ops->close)
		m->vma->vm_ops->close(m->vma);
	sw_vma_unlink_free(m->vma, dev_mapping(w));
	mmap_write_unlock(mm);
	mutex_lock(&w->lock);
	list_del(&m->node);
	mutex_unlock(&w->lock);
	kfree(m);
}

/**
 * sw_cpu_access() - CPU access through a mapping, faulting as needed.
 * @m: the mapping.
 * @offset: byte offset.
 * @buf: data.
 * @len: bytes.
 * @write: direction.
 * @mode: fault flags to use.
 *
 * Return: 0 or -EFAULT.
 */
int sw_cpu_access(struct sw_map *m, size_t offset, void *buf, size_t len, bool write,
		  enum sw_fault_mode mode)
{
	struct vm_area_struct *vma = m->vma;
	struct mm_struct *mm = m->proc->mm;
	char *p = buf;

	if (offset + len > vma->vm_end - vma->vm_start)
		return -EFAULT;

	sw_proc_enter(m->proc);
	while (len) {
		unsigned long idx = offset >> PAGE_SHIFT;
		size_t in_page = offset & (PAGE_SIZE - 1);
		size_t chunk = min(len, PAGE_SIZE - in_page);
		enum fault_flag flags = FAULT_FLAG_USER | FAULT_FLAG_KILLABLE |
					FAULT_FLAG_INTERRUPTIBLE;
		int tries = 0;

		if (write)
			flags |= FAULT_FLAG_WRITE;
		if (mode != SW_FAULT_NORETRY)
			flags |= FAULT_FLAG_ALLOW_RETRY;
		if (mode == SW_FAULT_RETRY_NOWAIT)
			flags |= FAULT_FLAG_RETRY_NOWAIT;

		mmap_read_lock(mm);
		for (;;) {
			struct vm_fault vmf = { };
			unsigned long pfn;
			vm_fault_t ret;

			spin_lock(&mm->page_table_lock);
			pfn = vma->shim_ptes[idx];
			if (pfn) {
				char *kaddr = page_address(pfn_to_page(pfn));

				if (write)
					memcpy(kaddr + in_page, p, chunk);
				else
					memcpy(p, kaddr + in_page, chunk);
				spin_unlock(&mm->page_table_lock);
				break;
			}
			spin_unlock(&mm->page_table_lock);

			if (++tries > 1000) {
				mmap_read_unlock(mm);
				WARN(1, "fault on %#lx never completes\n",
				     vma->vm_start + (idx << PAGE_SHIFT));
				return -EFAULT;
			}
			vmf.vma = vma;
			vmf.address = vma->vm_start + (idx << PAGE_SHIFT);
			vmf.real_address = vmf.address + in_page;
			vmf.pgoff = vma->vm_pgoff + idx;
			vmf.flags = flags;
			vmf.gfp_mask = GFP_KERNEL;
			__atomic_add_fetch(&m->faults, 1, __ATOMIC_RELAXED);
			ret = vma->vm_ops->fault(&vmf);
			if (ret & VM_FAULT_RETRY) {
				/* The handler dropped mmap_lock unless told not to wait. */
				if (!(flags & FAULT_FLAG_RETRY_NOWAIT))
					mmap_read_lock(mm);
				flags |= FAULT_FLAG_TRIED;
				flags &= ~FAULT_FLAG_RETRY_NOWAIT;
				continue;
			}
			if (ret & VM_FAULT_ERROR) {
				mmap_read_unlock(mm);
				return -EFAULT;
			}
		}
		mmap_read_unlock(mm);

		p += chunk;
		offset += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * sw_cpu_write() - write through a mapping (default fault mode).
 * @m: the mapping.
 * @offset: byte offset.
 * @buf: data.
 * @len: bytes.
 *
 * Return: 0 or -EFAULT.
 */
int sw_cpu_write(struct sw_map *m, size_t offset, const void *buf, size_t len)
{
	return sw_cpu_access(m, offset, (void *)buf, len, true, SW_FAULT_RETRY);
}

/**
 * sw_cpu_read() - read through a mapping (default fault mode).
 * @m: the mapping.
 * @offset: byte offset.
 * @buf: data.
 * @len: bytes.
 *
 * Return: 0 or -EFAULT.
 */
int sw_cpu_read(struct sw_map *m, size_t offset, void *buf, size_t len)
{
	return sw_cpu_access(m, offset, buf, len, false, SW_FAULT_RETRY);
}

/**
 * sw_map_present_pages() - pages of a mapping with a PTE.
 * @m: the mapping.
 *
 * Return: the count.
 */
unsigned long sw_map_present_pages(struct sw_map *m)
{
	unsigned long i, n = 0, pages = (m->vma->vm_end - m->vma->vm_start) >> PAGE_SHIFT;

	spin_lock(&m->vma->vm_mm->page_table_lock);
	for (i = 0; i < pages; i++)
		n += m->vma->shim_ptes[i] != 0;
	spin_unlock(&m->vma->vm_mm->page_table_lock);
	return n;
}

/**
 * sw_map_pfn() - the pfn a mapping's PTE points at.
 * @m: the mapping.
 * @idx: page index in the mapping.
 *
 * Return: the pfn, 0 when not present.
 */
unsigned long sw_map_pfn(struct sw_map *m, unsigned long idx)
{
	unsigned long pfn;

	spin_lock(&m->vma->vm_mm->page_table_lock);
	pfn = m->vma->shim_ptes[idx];
	spin_unlock(&m->vma->vm_mm->page_table_lock);
	return pfn;
}

/**
 * sw_map_vma() - the VMA behind a mapping.
 * @m: the mapping.
 *
 * Return: the VMA.
 */
struct vm_area_struct *sw_map_vma(struct sw_map *m)
{
	return m->vma;
}

/**
 * sw_map_proc() - the process owning a mapping.
 * @m: the mapping.
 *
 * Return: the process.
 */
struct sw_proc *sw_map_proc(struct sw_map *m)
{
	return m->proc;
}

/**
 * sw_map_faults() - fault handler calls through a mapping.
 * @m: the mapping.
 *
 * Return: the count.
 */
unsigned long sw_map_faults(struct sw_map *m)
{
	return __atomic_load_n(&m->faults, __ATOMIC_RELAXED);
}
