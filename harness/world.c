// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The harness world: one panthor device on a page/swap budget, processes
 * with address spaces, DRM files, BOs and CPU mappings; and the end-of-test
 * checks (reports, leaks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/debugfs.h>
#include <linux/iosys-map.h>
#include <linux/lockdep.h>
#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_file.h>
#include <linux/device.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/report.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "world_priv.h"

static struct sw_world *the_world;

/**
 * sw_world_current() - the world being run.
 *
 * Return: it, or NULL.
 */
struct sw_world *sw_world_current(void)
{
	return the_world;
}

/**
 * sw_world_device() - the world's panthor device.
 * @w: the world.
 *
 * Return: the device.
 */
struct panthor_device *sw_world_device(struct sw_world *w)
{
	return w->ptdev;
}

/**
 * sw_world_create() - build a fresh world.
 * @cfg: configuration or NULL.
 *
 * Return: the world or NULL.
 */
struct sw_world *sw_world_create(const struct sw_world_config *cfg)
{
	struct sw_world_config defaults = {
		.mem_pages = 4096,
		.swap_pages = 8192,
	};
	struct sw_world *w;
	int ret;

	if (the_world) {
		fprintf(stderr, "sw_world_create: a world already exists\n");
		return NULL;
	}

	sw_reports_reset();
	lockdep_reset_world();
	sw_fault_reset();
	sw_reclaim_stats_reset();
	sw_task_set(1, "sw-main", 0);
	sw_task_signal(0);

	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = cfg ? *cfg : defaults;
	if (!w->cfg.mem_pages)
		w->cfg.mem_pages = defaults.mem_pages;
	ret = sw_mm_init(w->cfg.mem_pages, w->cfg.swap_pages);
	if (ret) {
		fprintf(stderr, "sw_world_create: page pool: %d\n", ret);
		free(w);
		return NULL;
	}
	sw_slab_mark_world();
	dma_resv_lockdep_prime_shim();

	mutex_init(&w->lock);
	INIT_LIST_HEAD(&w->procs);
	INIT_LIST_HEAD(&w->files);
	INIT_LIST_HEAD(&w->bos);
	INIT_LIST_HEAD(&w->maps);
	INIT_LIST_HEAD(&w->vms);
	w->next_tgid = 100;
	w->dev.init_name = "sw-panthor";

	w->ptdev = kzalloc(sizeof(*w->ptdev), GFP_KERNEL);
	if (!w->ptdev)
		goto err;
	w->ptdev->coherent = w->cfg.coherent;
	if (drm_dev_init_shim(&w->ptdev->base, &w->dev))
		goto err_free_ptdev;
	dev_set_drvdata(&w->dev, w->ptdev);
	ret = panthor_device_init(w->ptdev);
	if (ret) {
		fprintf(stderr, "sw_world_create: panthor_device_init: %d\n", ret);
		goto err_fini_dev;
	}

	if (sw_world_gpu_init(w))
		goto err_unplug;

	w->dri_dir = debugfs_create_dir("dri", NULL);
	w->minor.dev = &w->ptdev->base;
	w->minor.debugfs_root = debugfs_create_dir("0", w->dri_dir);
	w->ptdev->base.primary = &w->minor;
	panthor_gem_debugfs_init(&w->minor);

	the_world = w;
	return w;

err_unplug:
	panthor_device_unplug(w->ptdev);
err_fini_dev:
	drm_dev_fini_shim(&w->ptdev->base);
err_free_ptdev:
	kfree(w->ptdev);
err:
	sw_mm_fini();
	free(w);
	return NULL;
}

static int check(bool ok, const char *what)
{
	if (ok)
		return 0;
	fprintf(stderr, "world teardown: %s\n", what);
	return 1;
}

/**
 * sw_world_destroy() - tear down and check.
 * @w: the world.
 *
 * Return: problems found.
 */
int sw_world_destroy(struct sw_world *w)
{
	struct sw_proc *p, *ptmp;
	long leaks;
	int problems = 0, k;

	sw_task_set(1, "sw-main", 0);
	problems += check(lockdep_depth_current() == 0, "locks still held by the test");

	sw_world_gpu_fini(w);
	while (!list_empty(&w->maps))
		sw_munmap(list_first_entry(&w->maps, struct sw_map, node));
	sw_world_vms_fini(w);
	while (!list_empty(&w->bos))
		sw_bo_close(list_first_entry(&w->bos, struct sw_bo, node));
	while (!list_empty(&w->files))
		sw_file_close(list_first_entry(&w->files, struct sw_file, node));
	list_for_each_entry_safe(p, ptmp, &w->procs, node) {
		mm_free_shim(p->mm);
		list_del(&p->node);
		kfree(p);
	}

	debugfs_remove(w->dri_dir);
	panthor_device_unplug(w->ptdev);
	problems += check(sw_shrinkers_registered() == 0, "shrinker still registered");
	drm_dev_fini_shim(&w->ptdev->base);
	kfree(w->ptdev);
	mutex_destroy(&w->lock);

	problems += check(vma_live_shim() == 0, "VMAs leaked");
	problems += check(sw_vmap_live() == 0, "vmap areas leaked");
	leaks = sw_slab_report_leaks();
	problems += check(leaks == 0, "slab objects leaked");
	problems += check(sw_mm_fini() == 0, "pages or swap slots leaked");

	for (k = 0; k < SW_REPORT_NR_KINDS; k++) {
		unsigned long n = sw_reports_unexpected(k);

		if (n) {
			fprintf(stderr, "world teardown: %lu unexpected report(s) of kind %d\n",
				n, k);
			problems++;
		}
	}

	sw_fault_reset();
	the_world = NULL;
	free(w);
	return problems;
}

/**
 * sw_proc_create() - a process with its own address space.
 * @w: the world.
 * @comm: command name.
 * @caps: capability mask (1ULL << CAP_*).
 *
 * Return: the process.
 */
struct sw_proc *sw_proc_create(struct sw_world *w, const char *comm, unsigned long long caps)
{
	struct sw_proc *p = kzalloc(sizeof(*p), GFP_KERNEL | __GFP_NOFAIL);

	p->w = w;
	p->mm = mm_alloc_shim();
	BUG_ON(!p->mm);
	strscpy(p->comm, comm, sizeof(p->comm));
	p->caps = caps;
	mutex_lock(&w->lock);
	p->tgid = w->next_tgid++;
	list_add_tail(&p->node, &w->procs);
	mutex_unlock(&w->lock);
	return p;
}

/**
 * sw_proc_tgid() - a process's TGID.
 * @p: the process.
 *
 * Return: the TGID.
 */
pid_t sw_proc_tgid(struct sw_proc *p)
{
	return p->tgid;
}

/**
 * sw_proc_enter() - make the calling thread a thread of @p.
 * @p: the process.
 */
void sw_proc_enter(struct sw_proc *p)
{
	sw_task_set(p->tgid, p->comm, p->caps);
}

/**
 * sw_task_set_kswapd() - mark the calling thread as kswapd.
 * @kswapd: true to set PF_KSWAPD.
 */
void sw_task_set_kswapd(bool kswapd)
{
	if (kswapd)
		current->flags |= PF_KSWAPD;
	else
		current->flags &= ~PF_KSWAPD;
}

/**
 * sw_file_open() - open the DRM device as @p.
 * @p: the process.
 *
 * Return: the file.
 */
struct sw_file *sw_file_open(struct sw_proc *p)
{
	struct sw_file *f = kzalloc(sizeof(*f), GFP_KERNEL | __GFP_NOFAIL);

	f->w = p->w;
	f->proc = p;
	f->file.client_tgid_shim = p->tgid;
	f->file.minor = &p->w->minor;
	mutex_lock(&p->w->lock);
	list_add_tail(&f->node, &p->w->files);
	mutex_unlock(&p->w->lock);
	return f;
}

/**
 * sw_file_close() - close a DRM file: its BOs' handles are closed first.
 * @f: the file.
 */
void sw_file_close(struct sw_file *f)
{
	struct sw_world *w = f->w;
	struct sw_bo *bo, *tmp;

	list_for_each_entry_safe(bo, tmp, &w->bos, node)
		if (bo->file == f)
			sw_bo_close(bo);
	mutex_lock(&w->lock);
	list_del(&f->node);
	mutex_unlock(&w->lock);
	kfree(f);
}

/**
 * sw_bo_create_err() - create a BO through @f as the ioctl would.
 * @f: the DRM file.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 * @out: receives the BO handle.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_bo_create_err(struct sw_file *f, size_t size, unsigned int flags, struct sw_bo **out)
{
	return sw_bo_create_in(f, NULL, size, flags, out);
}

/**
 * sw_bo_create_in() - create a BO, private to @exclusive_vm if not NULL.
 * @f: the DRM file.
 * @exclusive_vm: the VM whose resv the BO shares, or NULL.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 * @out: receives the BO handle.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_bo_create_in(struct sw_file *f, struct panthor_vm *exclusive_vm, size_t size,
		    unsigned int flags, struct sw_bo **out)
{
	struct panthor_gem_object *obj;
	struct sw_bo *bo;

	sw_proc_enter(f->proc);
	obj = panthor_gem_create(&f->w->ptdev->base, size, flags, exclusive_vm, 0);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL | __GFP_NOFAIL);
	bo->w = f->w;
	bo->file = f;
	bo->obj = obj;
	mutex_lock(&f->w->lock);
	list_add_tail(&bo->node, &f->w->bos);
	mutex_unlock(&f->w->lock);
	*out = bo;
	return 0;
}

/**
 * sw_bo_create() - create a BO; aborts the test on failure.
 * @f: the DRM file.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 *
 * Return: the BO handle.
 */
struct sw_bo *sw_bo_create(struct sw_file *f, size_t size, unsigned int flags)
{
	struct sw_bo *bo = NULL;
	int ret = sw_bo_create_err(f, size, flags, &bo);

	if (ret) {
		fprintf(stderr, "sw_bo_create(%zu): %d\n", size, ret);
		abort();
	}
	return bo;
}

/**
 * sw_bo_close() - close the handle: drop its reference (and its vmaps).
 * @bo: the BO handle.
 */
void sw_bo_close(struct sw_bo *bo)
{
	struct sw_world *w = bo->w;

	while (bo->vmap_count > 0)
		sw_bo_vunmap(bo, bo->vmap.vaddr);
	mutex_lock(&w->lock);
	list_del(&bo->node);
	mutex_unlock(&w->lock);
	drm_gem_object_put(&bo->obj->base);
	kfree(bo);
}

/**
 * sw_bo_obj() - the driver object behind a handle.
 * @bo: the handle.
 *
 * Return: the panthor BO.
 */
struct panthor_gem_object *sw_bo_obj(struct sw_bo *bo)
{
	return bo->obj;
}

/**
 * sw_bo_size() - size of a BO.
 * @bo: the handle.
 *
 * Return: bytes.
 */
size_t sw_bo_size(struct sw_bo *bo)
{
	return bo->obj->base.size;
}

/**
 * sw_bo_vmap() - kernel-map a BO (as a kernel BO user would).
 * @bo: the handle.
 * @vaddr: receives the address.
 *
 * Return: 0 or a negative errno.
 */
int sw_bo_vmap(struct sw_bo *bo, void **vaddr)
{
	struct iosys_map map = { };
	int ret = drm_gem_vmap(&bo->obj->base, &map);

	if (ret)
		return ret;
	bo->vmap = map;
	bo->vmap_count++;
	*vaddr = map.vaddr;
	return 0;
}

/**
 * sw_bo_vunmap() - undo one sw_bo_vmap().
 * @bo: the handle.
 * @vaddr: the address it returned.
 */
void sw_bo_vunmap(struct sw_bo *bo, void *vaddr)
{
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(vaddr);

	drm_gem_vunmap(&bo->obj->base, &map);
	bo->vmap_count--;
}

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
	vma = vma_alloc_shim(p->mm, obj->size);
	if (!vma) {
		mmap_write_unlock(p->mm);
		return -ENOMEM;
	}
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	ret = setup(obj, vma);
	if (ret) {
		vma_unlink_free_shim(vma, NULL);
		mmap_write_unlock(p->mm);
		return ret;
	}
	vma_link_shim(vma, dev_mapping(w));
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
	vma_unlink_free_shim(m->vma, dev_mapping(w));
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
 * sw_proc_mm() - a process's address space.
 * @p: the process.
 *
 * Return: the mm.
 */
struct mm_struct *sw_proc_mm(struct sw_proc *p)
{
	return p->mm;
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

/**
 * sw_shrinker_count() - the device shrinker's count_objects().
 * @w: the world.
 * @gfp: reclaim context.
 *
 * Return: what count_objects() returned.
 */
unsigned long sw_shrinker_count(struct sw_world *w, unsigned int gfp)
{
	struct shrinker *s = w->ptdev->reclaim.shrinker;
	struct shrink_control sc = { .gfp_mask = gfp };

	return s->count_objects(s, &sc);
}

/**
 * sw_shrinker_scan() - the device shrinker's scan_objects(), run inside
 * fs_reclaim as reclaim runs it.
 * @w: the world.
 * @nr_to_scan: pages to scan.
 * @gfp: reclaim context.
 *
 * Return: what scan_objects() returned.
 */
unsigned long sw_shrinker_scan(struct sw_world *w, unsigned long nr_to_scan, unsigned int gfp)
{
	struct shrinker *s = w->ptdev->reclaim.shrinker;
	struct shrink_control sc = { .gfp_mask = gfp, .nr_to_scan = nr_to_scan,
				     .nr_scanned = nr_to_scan };
	unsigned int noreclaim;
	unsigned long ret;

	fs_reclaim_acquire(gfp);
	noreclaim = memalloc_noreclaim_save();
	ret = s->scan_objects(s, &sc);
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(gfp);
	return ret;
}
