// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * panthor GEM objects and their reclaim.
 *
 * Pages are allocated on first use (pin, vmap, CPU fault, device mapping)
 * and kept until the BO is evicted or freed. Each BO has a reclaim state
 * (enum panthor_gem_reclaim_state) that decides which LRU it is on; the
 * shrinker walks the LRUs from the easiest state to the hardest and evicts
 * BOs with trylocks only: reclaim can be entered with any lock held.
 */

#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

/**
 * DOC: Locking
 *
 * The locks of GEM backing, VMs and reclaim, from the outermost to the
 * innermost, with what each protects:
 *
 * - DRM file list lock (drm_device::filelist_mutex, core): the device's
 *   open files; the mem_reclaim and mem_claim knobs hold it, interruptibly,
 *   while they work on the files of one process, so none is closed under
 *   them.
 *
 * - VM pool lock (panthor_vm_pool::lock, one per file): the file's list of
 *   VMs; held across a forced reclaim or claim of the file's VMs, so it
 *   ranks above every lock below. Never taken from reclaim.
 *
 * - mmap_lock of a process (core mm): held by the CPU fault handler (read)
 *   and by mmap()/munmap() (write), which take the BO resv under it: a
 *   blocking fault either drops it before taking the resv (the core then
 *   retries the fault) or takes the resv under it.
 *
 * - VM resv (the resv of the VM's root GEM, shared by every BO created for
 *   that VM alone): the VM's drm_gpuvm lists (vm_bos, extobjs, evicted) and
 *   the lifetime of its vm_bos. Submission takes it together with the resvs
 *   of the shared BOs mapped in the VM, under one ww acquire context
 *   (drm_exec).
 *
 * - BO resv (dma_resv): the backing pages, the device sg table, the kernel
 *   vmap, the 0<->1 transitions of pin_count and mmap_count (n>1 changes
 *   are lockless), and with the gpuva lock the reclaim state. Allocating
 *   under it is allowed. A BO whose last reference went is back on its own
 *   resv for its free path, which nobody else can hold.
 *
 * - VM op_lock: the VA tree, the page tables, the running operation and
 *   the locked region, and each mapping's evicted flag (eviction and
 *   restore also hold the BO resv when they change it; readers hold either).
 *   Nothing is allocated under it (an operation preallocates everything
 *   first). Taken with or without resvs held.
 *
 * - BO gpuva lock (drm_gem_object::gpuva.lock, or the driver's own before
 *   6.18): the BO's list of vm_bos and their lists of mappings; with the
 *   BO resv, the reclaim state. Taken under the BO resv, under the VM resv
 *   (vm_bo creation and release) and under the op_lock (mapping link and
 *   unlink).
 *
 * - Device reclaim lock (panthor_device::reclaim.lock): every LRU (it is
 *   the lock of the device LRUs and of each VM's LRU, so it guards each
 *   BO's LRU membership), the device VM list and each VM's place on it,
 *   and gpu_mapped_count. Innermost: nothing is taken, allocated or waited
 *   for under it; LRU scans and the VM list walk drop it around each BO and
 *   each VM, and around dropping a VM reference (the VM free takes it).
 *
 * - Debugfs BO list lock (panthor_device::gems.lock): the list of every BO,
 *   taken alone when a BO is created or freed and by the gems file.
 *
 * The shrinker runs from allocations, which happen under any lock above the
 * op_lock (the file list and pool locks, mmap_lock, the resvs). It takes
 * the reclaim lock and the debugfs BO list lock (a scan may
 * drop a BO's last reference), and lockdep is told so at init, so that
 * allocating under either is reported. Everything else is only trylocked
 * in reclaim, and a BO whose lock is contended counts as remaining:
 * the BO resv (drm_gem_lru_scan()), then in try_evict() the gpuva lock, the
 * resv of every other VM the BO is mapped in (the bind path nests VM resv ->
 * gpuva lock, reclaim the other way), and each VM op_lock (the op_lock ->
 * gpuva lock order of VM operations, reversed). CPU mappings are zapped with
 * the BO resv held but before the gpuva lock is tried, so the gpuva lock
 * never nests with the mapping's i_mmap_rwsem. Reclaim waits for a BO's
 * fences (BOOKKEEP, at most PANTHOR_GEM_EVICT_WAIT_JIFFIES) only for
 * GPU-mapped BOs and only when its caller can block; a caller that can't
 * block never reaches them.
 */

/* Upper bound on the wait for the GPU to let go of a BO being evicted. */
#define PANTHOR_GEM_EVICT_WAIT_JIFFIES 10

static struct panthor_device *bo_to_ptdev(struct panthor_gem_object *bo)
{
	return to_panthor_device(bo->base.dev);
}

#ifndef PANTHOR_GEM_HAS_GPUVA_LOCK
/*
 * Before 6.18 the GEM core has no gpuva lock: the BO brings its own, tells
 * the core's lockdep checks about it, and initialises the gpuva list the
 * core only sets up for DRIVER_GEM_GPUVA drivers (drm_gem_object_init()
 * leaves it alone otherwise, so this may run first).
 */
static void panthor_gem_gpuva_init(struct panthor_gem_object *bo)
{
	mutex_init(&bo->gpuva_lock);
	drm_gem_gpuva_set_lock(&bo->base, &bo->gpuva_lock);
	drm_gem_gpuva_init(&bo->base);
}

static void panthor_gem_gpuva_fini(struct panthor_gem_object *bo)
{
	mutex_destroy(&bo->gpuva_lock);
}
#else
static inline void panthor_gem_gpuva_init(struct panthor_gem_object *bo) {}
static inline void panthor_gem_gpuva_fini(struct panthor_gem_object *bo) {}
#endif

#ifdef CONFIG_DEBUG_FS
static void panthor_gem_debugfs_bo_init(struct panthor_gem_object *bo)
{
	INIT_LIST_HEAD(&bo->debugfs.node);
}

/* Record the creator and list the BO in the gems file. */
static void panthor_gem_debugfs_bo_add(struct panthor_gem_object *bo)
{
	struct panthor_device *ptdev = bo_to_ptdev(bo);

	get_task_comm(bo->debugfs.creator.process_name, current);
	bo->debugfs.creator.tgid = task_tgid_nr(current);
	mutex_lock(&ptdev->gems.lock);
	list_add_tail(&bo->debugfs.node, &ptdev->gems.node);
	mutex_unlock(&ptdev->gems.lock);
}

/* Unlist a BO, if it was listed: creation may have failed before. */
static void panthor_gem_debugfs_bo_rm(struct panthor_gem_object *bo)
{
	struct panthor_device *ptdev = bo_to_ptdev(bo);

	if (list_empty(&bo->debugfs.node))
		return;

	mutex_lock(&ptdev->gems.lock);
	list_del_init(&bo->debugfs.node);
	mutex_unlock(&ptdev->gems.lock);
}

/* For reads of the shrink file. Racy, and fine: only debugfs reads it. */
static void panthor_gem_debugfs_record_scan(struct panthor_device *ptdev,
					    unsigned long freed)
{
	WRITE_ONCE(ptdev->reclaim.nr_pages_reclaimed_on_last_scan, freed);
}
#else
static inline void panthor_gem_debugfs_bo_init(struct panthor_gem_object *bo) {}
static inline void panthor_gem_debugfs_bo_add(struct panthor_gem_object *bo) {}
static inline void panthor_gem_debugfs_bo_rm(struct panthor_gem_object *bo) {}
static inline void panthor_gem_debugfs_record_scan(struct panthor_device *ptdev,
						   unsigned long freed) {}
#endif

static bool should_map_wc(struct panthor_gem_object *bo)
{
	if (bo->flags & DRM_PANTHOR_BO_WB_MMAP)
		return false;

	return !bo_to_ptdev(bo)->coherent;
}

static bool is_gpu_mapped_state(enum panthor_gem_reclaim_state state)
{
	return state == PANTHOR_GEM_GPU_MAPPED_PRIVATE ||
	       state == PANTHOR_GEM_GPU_MAPPED_SHARED;
}

/*
 * A BO counts as GPU-mapped through the vm_bos that still have page-table
 * entries: an evicted mapping has none left to tear down (but a range
 * bound into an evicted vm_bo is live).
 */
static bool is_gpu_mapped(struct panthor_gem_object *bo,
			  enum panthor_gem_reclaim_state *state)
{
	struct drm_gpuvm *vm = NULL;
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		if (!panthor_vm_bo_is_mapped_locked(vm_bo))
			continue;

		if (!vm) {
			*state = PANTHOR_GEM_GPU_MAPPED_PRIVATE;
			vm = vm_bo->vm;
		} else if (vm != vm_bo->vm) {
			*state = PANTHOR_GEM_GPU_MAPPED_SHARED;
			break;
		}
	}

	return vm;
}

static enum panthor_gem_reclaim_state
panthor_gem_evaluate_reclaim_state_locked(struct panthor_gem_object *bo)
{
	enum panthor_gem_reclaim_state gpu_state;

	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	if (!bo->backing.pages || refcount_read(&bo->backing.pin_count))
		return PANTHOR_GEM_UNRECLAIMABLE;

	if (is_gpu_mapped(bo, &gpu_state))
		return gpu_state;

	if (refcount_read(&bo->cmap.mmap_count))
		return PANTHOR_GEM_MMAPPED;

	return PANTHOR_GEM_UNUSED;
}

/**
 * panthor_gem_update_reclaim_state_locked() - re-evaluate the reclaim
 * state of a BO and move it to the LRU of its new state.
 * @bo: the BO; its resv and gpuva lock must be held.
 * @old_state: if not NULL, receives the state before the update.
 *
 * The GPU-mapped page count changes with the LRUs, under the reclaim lock,
 * so the shrinker's count never sees one without the other.
 */
void panthor_gem_update_reclaim_state_locked(struct panthor_gem_object *bo,
					     enum panthor_gem_reclaim_state *old_state)
{
	struct panthor_device *ptdev = bo_to_ptdev(bo);
	enum panthor_gem_reclaim_state old = bo->reclaim_state;
	enum panthor_gem_reclaim_state new;
	long pages = bo->base.size >> PAGE_SHIFT;

	if (old_state)
		*old_state = old;

	new = panthor_gem_evaluate_reclaim_state_locked(bo);
	if (new == old)
		return;

	mutex_lock(&ptdev->reclaim.lock);
	if (is_gpu_mapped_state(new) && !is_gpu_mapped_state(old))
		WRITE_ONCE(ptdev->reclaim.gpu_mapped_count,
			   ptdev->reclaim.gpu_mapped_count + pages);
	else if (!is_gpu_mapped_state(new) && is_gpu_mapped_state(old))
		WRITE_ONCE(ptdev->reclaim.gpu_mapped_count,
			   ptdev->reclaim.gpu_mapped_count - pages);

	switch (new) {
	case PANTHOR_GEM_UNUSED:
		drm_gem_lru_move_tail_locked(&ptdev->reclaim.unused, &bo->base);
		break;
	case PANTHOR_GEM_MMAPPED:
		drm_gem_lru_move_tail_locked(&ptdev->reclaim.mmapped, &bo->base);
		break;
	case PANTHOR_GEM_GPU_MAPPED_PRIVATE:
		panthor_vm_update_bo_reclaim_lru_locked(bo);
		break;
	case PANTHOR_GEM_GPU_MAPPED_SHARED:
		drm_gem_lru_move_tail_locked(&ptdev->reclaim.gpu_mapped_shared, &bo->base);
		break;
	case PANTHOR_GEM_UNRECLAIMABLE:
		/*
		 * Parked on a list no scan walks rather than taken off with
		 * drm_gem_lru_remove(): that one reads obj->lru without the
		 * lock and can miss a BO a concurrent scan is moving.
		 */
		drm_gem_lru_move_tail_locked(&ptdev->reclaim.unreclaimable, &bo->base);
		break;
	default:
		drm_WARN(&ptdev->base, 1, "unknown reclaim state %d\n", new);
		break;
	}
	mutex_unlock(&ptdev->reclaim.lock);

	/* Read locklessly by the debugfs gems file. */
	WRITE_ONCE(bo->reclaim_state, new);
}

/**
 * panthor_gem_update_reclaim_state() - panthor_gem_update_reclaim_state_locked()
 * for callers that hold the resv only.
 * @bo: the BO; its resv must be held. The gpuva lock is taken here.
 */
void panthor_gem_update_reclaim_state(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	mutex_lock(panthor_gem_gpuva_lock(bo));
	panthor_gem_update_reclaim_state_locked(bo, NULL);
	mutex_unlock(panthor_gem_gpuva_lock(bo));
}

static void panthor_gem_backing_cleanup_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	if (!bo->backing.pages)
		return;

	drm_gem_put_pages(&bo->base, bo->backing.pages, true, false);
	/* Marked: the debugfs gems file reads it without the resv. */
	WRITE_ONCE(bo->backing.pages, NULL);
}

static int panthor_gem_backing_get_pages_locked(struct panthor_gem_object *bo)
{
	struct page **pages;

	dma_resv_assert_held(bo->base.resv);

	if (bo->backing.pages)
		return 0;

	/* Never leave an error pointer behind: the next caller retries. */
	pages = drm_gem_get_pages(&bo->base);
	if (IS_ERR(pages)) {
		drm_dbg_kms(bo->base.dev, "Failed to get pages (%pe)\n", pages);
		return PTR_ERR(pages);
	}

	WRITE_ONCE(bo->backing.pages, pages);
	return 0;
}

static int panthor_gem_backing_pin_locked(struct panthor_gem_object *bo)
{
	int ret;

	dma_resv_assert_held(bo->base.resv);
	drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base));

	if (refcount_inc_not_zero(&bo->backing.pin_count))
		return 0;

	ret = panthor_gem_backing_get_pages_locked(bo);
	if (ret)
		return ret;

	refcount_set(&bo->backing.pin_count, 1);
	panthor_gem_update_reclaim_state(bo);
	return 0;
}

static void panthor_gem_backing_unpin_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);
	drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base));

	/*
	 * 1->0 is a single decrement-and-test: a lockless 1->2 increment
	 * racing with us leaves the count at 1, never lost. Pages stay until
	 * the BO is evicted or freed.
	 */
	if (refcount_dec_and_test(&bo->backing.pin_count))
		panthor_gem_update_reclaim_state(bo);
}

static void panthor_gem_dev_map_cleanup_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	if (!bo->dmap.sgt)
		return;

	dma_unmap_sgtable(drm_dev_dma_dev(bo->base.dev), bo->dmap.sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(bo->dmap.sgt);
	kfree(bo->dmap.sgt);
	bo->dmap.sgt = NULL;
}

static struct sg_table *
panthor_gem_dev_map_get_sgt_locked(struct panthor_gem_object *bo)
{
	struct sg_table *sgt;
	int ret;

	dma_resv_assert_held(bo->base.resv);

	if (bo->dmap.sgt)
		return bo->dmap.sgt;

	ret = panthor_gem_backing_get_pages_locked(bo);
	if (ret)
		return ERR_PTR(ret);

	sgt = drm_prime_pages_to_sg(bo->base.dev, bo->backing.pages,
				    bo->base.size >> PAGE_SHIFT);
	if (IS_ERR(sgt))
		return sgt;

	ret = dma_map_sgtable(drm_dev_dma_dev(bo->base.dev), sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		return ERR_PTR(ret);
	}

	bo->dmap.sgt = sgt;
	return sgt;
}

/**
 * panthor_gem_get_dev_sgt() - the device sg table of a BO, allocating pages
 * and mapping them as needed.
 * @bo: the BO.
 *
 * Return: the table (owned by the BO) or an ERR_PTR.
 */
struct sg_table *panthor_gem_get_dev_sgt(struct panthor_gem_object *bo)
{
	struct sg_table *sgt;

	dma_resv_lock(bo->base.resv, NULL);
	sgt = panthor_gem_dev_map_get_sgt_locked(bo);
	dma_resv_unlock(bo->base.resv);

	return sgt;
}

static int panthor_gem_prep_for_cpu_map_locked(struct panthor_gem_object *bo)
{
	if (should_map_wc(bo)) {
		struct sg_table *sgt = panthor_gem_dev_map_get_sgt_locked(bo);

		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
	}

	return 0;
}

static void panthor_gem_vmap_cleanup_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	if (!bo->cmap.vaddr)
		return;

	vunmap(bo->cmap.vaddr);
	bo->cmap.vaddr = NULL;
	panthor_gem_backing_unpin_locked(bo);
}

static void *panthor_gem_vmap_get_locked(struct panthor_gem_object *bo)
{
	pgprot_t prot = PAGE_KERNEL;
	void *vaddr;
	int ret;

	dma_resv_assert_held(bo->base.resv);

	if (drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base)))
		return ERR_PTR(-EINVAL);

	if (refcount_inc_not_zero(&bo->cmap.vaddr_use_count)) {
		drm_WARN_ON_ONCE(bo->base.dev, !bo->cmap.vaddr);
		return bo->cmap.vaddr;
	}

	/* A kernel mapping pins: vmapped BOs are never reclaimed. */
	ret = panthor_gem_backing_pin_locked(bo);
	if (ret)
		return ERR_PTR(ret);

	ret = panthor_gem_prep_for_cpu_map_locked(bo);
	if (ret)
		goto err_unpin;

	if (should_map_wc(bo))
		prot = pgprot_writecombine(prot);

	vaddr = vmap(bo->backing.pages, bo->base.size >> PAGE_SHIFT, VM_MAP, prot);
	if (!vaddr) {
		ret = -ENOMEM;
		goto err_unpin;
	}

	bo->cmap.vaddr = vaddr;
	refcount_set(&bo->cmap.vaddr_use_count, 1);
	return vaddr;

err_unpin:
	panthor_gem_backing_unpin_locked(bo);
	return ERR_PTR(ret);
}

static void panthor_gem_vmap_put_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	if (drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base)))
		return;

	if (refcount_dec_and_test(&bo->cmap.vaddr_use_count))
		panthor_gem_vmap_cleanup_locked(bo);
}

static void panthor_gem_free_object(struct drm_gem_object *obj)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);
	struct drm_gem_object *vm_root_gem = bo->exclusive_vm_root_gem;
	bool locked;

	panthor_gem_debugfs_bo_rm(bo);

	/*
	 * The cleanup helpers need the resv, and the last reference can be
	 * dropped by the shrinker's LRU walk, in reclaim, where blocking on a
	 * resv is not allowed. A resv shared with the exclusive VM may be
	 * held by a VM operation; but with the last reference gone nothing
	 * can reach this BO through the VM any more (every vm_bo held a
	 * reference), so the shared resv protects nothing of it: the BO goes
	 * back to its own, which nobody else can hold, and a trylock always
	 * succeeds.
	 */
	obj->resv = &obj->_resv;
	locked = dma_resv_trylock(obj->resv);
	drm_WARN_ON(obj->dev, !locked);

	panthor_gem_vmap_cleanup_locked(bo);
	panthor_gem_dev_map_cleanup_locked(bo);
	panthor_gem_backing_cleanup_locked(bo);

	if (locked)
		dma_resv_unlock(obj->resv);

	/*
	 * A scan may still be moving this BO between LRUs (it skips it only
	 * after moving it, when the reference can't be taken): park it under
	 * the lock (obj->lru is only read under it here: a lockless peek can
	 * see the NULL a moving scan leaves for a moment), so the peek in
	 * drm_gem_lru_remove() from drm_gem_object_release() can't miss it.
	 */
	mutex_lock(&bo_to_ptdev(bo)->reclaim.lock);
	if (obj->lru)
		drm_gem_lru_move_tail_locked(&bo_to_ptdev(bo)->reclaim.unreclaimable, obj);
	mutex_unlock(&bo_to_ptdev(bo)->reclaim.lock);

	drm_gem_object_release(obj);
	panthor_gem_gpuva_fini(bo);
	kfree(bo);
	drm_gem_object_put(vm_root_gem);
}

static int panthor_gem_pin_locked(struct drm_gem_object *obj)
{
	if (drm_gem_is_imported(obj))
		return 0;

	return panthor_gem_backing_pin_locked(to_panthor_bo(obj));
}

static void panthor_gem_unpin_locked(struct drm_gem_object *obj)
{
	if (!drm_gem_is_imported(obj))
		panthor_gem_backing_unpin_locked(to_panthor_bo(obj));
}

/**
 * panthor_gem_pin() - pin the pages of a BO (allocating them if needed).
 * @bo: the BO.
 *
 * Pinned BOs are never reclaimed. Nested pins take no lock.
 *
 * Return: 0 or a negative errno.
 */
int panthor_gem_pin(struct panthor_gem_object *bo)
{
	int ret;

	if (drm_gem_is_imported(&bo->base))
		return 0;

	if (refcount_inc_not_zero(&bo->backing.pin_count))
		return 0;

	dma_resv_lock(bo->base.resv, NULL);
	ret = panthor_gem_backing_pin_locked(bo);
	dma_resv_unlock(bo->base.resv);

	return ret;
}

/**
 * panthor_gem_unpin() - drop a pin taken with panthor_gem_pin().
 * @bo: the BO.
 *
 * Only the last unpin takes the resv (the BO may become reclaimable).
 */
void panthor_gem_unpin(struct panthor_gem_object *bo)
{
	if (drm_gem_is_imported(&bo->base))
		return;

	if (refcount_dec_not_one(&bo->backing.pin_count))
		return;

	dma_resv_lock(bo->base.resv, NULL);
	panthor_gem_backing_unpin_locked(bo);
	dma_resv_unlock(bo->base.resv);
}

/**
 * panthor_gem_swapin_locked() - bring the pages and the device mapping of
 * a BO back after eviction (GPU-side restore).
 * @bo: the BO; its resv must be held.
 *
 * Works whether or not the BO was pinned or repopulated by a CPU fault
 * meanwhile: it only makes sure pages and the sg table exist.
 *
 * Return: 0 or a negative errno.
 */
int panthor_gem_swapin_locked(struct panthor_gem_object *bo)
{
	struct sg_table *sgt;

	dma_resv_assert_held(bo->base.resv);

	if (drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base)))
		return -EINVAL;

	sgt = panthor_gem_dev_map_get_sgt_locked(bo);
	return PTR_ERR_OR_ZERO(sgt);
}

static void panthor_gem_evict_locked(struct panthor_gem_object *bo)
{
	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	if (drm_WARN_ON_ONCE(bo->base.dev, drm_gem_is_imported(&bo->base)))
		return;

	if (drm_WARN_ON_ONCE(bo->base.dev, refcount_read(&bo->backing.pin_count)))
		return;

	if (drm_WARN_ON_ONCE(bo->base.dev, !bo->backing.pages))
		return;

	panthor_gem_dev_map_cleanup_locked(bo);
	panthor_gem_backing_cleanup_locked(bo);
	panthor_gem_update_reclaim_state_locked(bo, NULL);
}

static int panthor_gem_vmap_locked(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);
	void *vaddr;

	dma_resv_assert_held(obj->resv);

	if (drm_gem_is_imported(obj))
		return -EOPNOTSUPP;

	vaddr = panthor_gem_vmap_get_locked(bo);
	if (IS_ERR(vaddr))
		return PTR_ERR(vaddr);

	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void panthor_gem_vunmap_locked(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);

	dma_resv_assert_held(obj->resv);

	if (drm_gem_is_imported(obj))
		return;

	drm_WARN_ON_ONCE(obj->dev, bo->cmap.vaddr != map->vaddr);
	panthor_gem_vmap_put_locked(bo);
}

static int panthor_gem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);

	if (drm_gem_is_imported(obj))
		return -EOPNOTSUPP;

	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;

	/*
	 * Pages are not allocated here but on the first fault. Only 0->1
	 * needs the resv; 1->n is lockless.
	 */
	if (!refcount_inc_not_zero(&bo->cmap.mmap_count)) {
		dma_resv_lock(obj->resv, NULL);
		if (!refcount_inc_not_zero(&bo->cmap.mmap_count)) {
			refcount_set(&bo->cmap.mmap_count, 1);
			/*
			 * Pages kept since an earlier mapping are mapped again:
			 * a fault that finds them present does not re-evaluate.
			 */
			panthor_gem_update_reclaim_state(bo);
		}
		dma_resv_unlock(obj->resv);
	}

	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	if (should_map_wc(bo))
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);

	return 0;
}

static enum drm_gem_object_status panthor_gem_status(struct drm_gem_object *obj)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);
	enum drm_gem_object_status res = 0;

	if (drm_gem_is_imported(obj) || READ_ONCE(bo->backing.pages))
		res |= DRM_GEM_OBJECT_RESIDENT;

	return res;
}

static vm_fault_t insert_page(struct vm_fault *vmf, struct page *page)
{
	return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(page));
}

static vm_fault_t nonblocking_page_setup(struct vm_fault *vmf, pgoff_t page_offset)
{
	struct panthor_gem_object *bo = to_panthor_bo(vmf->vma->vm_private_data);
	vm_fault_t ret;

	if (!dma_resv_trylock(bo->base.resv))
		return VM_FAULT_RETRY;

	if (bo->backing.pages)
		ret = insert_page(vmf, bo->backing.pages[page_offset]);
	else
		ret = VM_FAULT_RETRY;

	dma_resv_unlock(bo->base.resv);
	return ret;
}

static vm_fault_t blocking_page_setup(struct vm_fault *vmf, struct panthor_gem_object *bo,
				      pgoff_t page_offset, bool mmap_lock_held)
{
	vm_fault_t ret;
	int err;

	dma_resv_lock(bo->base.resv, NULL);

	err = panthor_gem_backing_get_pages_locked(bo);
	if (!err)
		err = panthor_gem_prep_for_cpu_map_locked(bo);

	/* Even on failure: the pages may have come back without the sg table. */
	panthor_gem_update_reclaim_state(bo);

	if (err) {
		ret = mmap_lock_held ? VM_FAULT_SIGBUS : VM_FAULT_RETRY;
	} else {
		if (mmap_lock_held)
			ret = insert_page(vmf, bo->backing.pages[page_offset]);
		else
			ret = VM_FAULT_RETRY;
	}

	dma_resv_unlock(bo->base.resv);
	return ret;
}

static vm_fault_t panthor_gem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct panthor_gem_object *bo = to_panthor_bo(vma->vm_private_data);
	pgoff_t num_pages = bo->base.size >> PAGE_SHIFT;
	pgoff_t page_offset;
	vm_fault_t ret;

	/* vm_pgoff holds the fake offset of the BO: subtract it. */
	page_offset = vmf->pgoff - vma->vm_pgoff;
	if (page_offset >= num_pages)
		return VM_FAULT_SIGBUS;

	ret = nonblocking_page_setup(vmf, page_offset);
	if (ret != VM_FAULT_RETRY)
		return ret;

	if (fault_flag_allow_retry_first(vmf->flags)) {
		/* No waiting allowed: the retry will come with mmap_lock held. */
		if (vmf->flags & FAULT_FLAG_RETRY_NOWAIT)
			return VM_FAULT_RETRY;

		/* Populate with mmap_lock dropped, then let the core retry. */
		drm_gem_object_get(&bo->base);
		mmap_read_unlock(vma->vm_mm);
		ret = blocking_page_setup(vmf, bo, page_offset, false);
		drm_gem_object_put(&bo->base);
		return ret;
	}

	return blocking_page_setup(vmf, bo, page_offset, true);
}

static void panthor_gem_vm_open(struct vm_area_struct *vma)
{
	struct panthor_gem_object *bo = to_panthor_bo(vma->vm_private_data);

	/* The VMA being copied holds a count already: it can't be zero. */
	if (!drm_gem_is_imported(&bo->base))
		drm_WARN_ON(bo->base.dev, !refcount_inc_not_zero(&bo->cmap.mmap_count));

	drm_gem_vm_open(vma);
}

static void panthor_gem_vm_close(struct vm_area_struct *vma)
{
	struct panthor_gem_object *bo = to_panthor_bo(vma->vm_private_data);

	if (drm_gem_is_imported(&bo->base))
		goto out;

	if (refcount_dec_not_one(&bo->cmap.mmap_count))
		goto out;

	/*
	 * 1->0 under the resv, as one decrement-and-test: a lockless 1->2
	 * from a concurrent mmap/vm_open between the check above and here
	 * just leaves the count at 1.
	 */
	dma_resv_lock(bo->base.resv, NULL);
	if (refcount_dec_and_test(&bo->cmap.mmap_count))
		panthor_gem_update_reclaim_state(bo);
	dma_resv_unlock(bo->base.resv);

out:
	drm_gem_object_put(&bo->base);
}

static const struct vm_operations_struct panthor_gem_vm_ops = {
	.fault = panthor_gem_fault,
	.open = panthor_gem_vm_open,
	.close = panthor_gem_vm_close,
};

static const struct drm_gem_object_funcs panthor_gem_funcs = {
	.free = panthor_gem_free_object,
	.pin = panthor_gem_pin_locked,
	.unpin = panthor_gem_unpin_locked,
	.vmap = panthor_gem_vmap_locked,
	.vunmap = panthor_gem_vunmap_locked,
	.mmap = panthor_gem_mmap,
	.status = panthor_gem_status,
	.vm_ops = &panthor_gem_vm_ops,
};

/**
 * panthor_gem_create() - create a BO; no pages are allocated yet.
 * @ddev: the device.
 * @size: size in bytes (rounded up to pages).
 * @flags: DRM_PANTHOR_BO_* flags.
 * @exclusive_vm: the only VM the BO may be mapped in (shares its resv), or NULL.
 * @usage_flags: unused here (debugfs usage bits in the driver).
 *
 * Return: the BO with one reference, or an ERR_PTR.
 */
struct panthor_gem_object *
panthor_gem_create(struct drm_device *ddev, size_t size, u32 flags,
		   struct panthor_vm *exclusive_vm, u32 usage_flags)
{
	struct panthor_gem_object *bo;
	int ret;

	if (!size)
		return ERR_PTR(-EINVAL);

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->base.funcs = &panthor_gem_funcs;
	bo->flags = flags;
	bo->reclaim_state = PANTHOR_GEM_UNRECLAIMABLE;
	panthor_gem_gpuva_init(bo);
	panthor_gem_debugfs_bo_init(bo);

	if (exclusive_vm) {
		bo->exclusive_vm_root_gem = panthor_vm_root_gem(exclusive_vm);
		drm_gem_object_get(bo->exclusive_vm_root_gem);
		bo->base.resv = bo->exclusive_vm_root_gem->resv;
	}

	ret = drm_gem_object_init(ddev, &bo->base, PAGE_ALIGN(size));
	if (ret) {
		drm_gem_object_put(bo->exclusive_vm_root_gem);
		panthor_gem_gpuva_fini(bo);
		kfree(bo);
		return ERR_PTR(ret);
	}

	/*
	 * Pages are kept around for long periods: keep them out of the
	 * movable zone, and let allocation fail rather than OOM-kill.
	 */
	mapping_set_gfp_mask(bo->base.filp->f_mapping,
			     GFP_HIGHUSER | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);

	/* From here on, the free path undoes everything. */
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}

	panthor_gem_debugfs_bo_add(bo);
	return bo;
}

/**
 * panthor_gem_sync() - CPU cache maintenance over a range of a BO.
 * @bo: the BO.
 * @type: DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH[_AND_INVALIDATE].
 * @offset: start of the range.
 * @size: length of the range.
 *
 * The resv is held for the whole walk so the pages can't be evicted under
 * it. A BO without pages (never populated, or evicted) has nothing in the
 * CPU caches to maintain: it is not swapped in for that.
 *
 * Return: 0, or -EINVAL for a bad type or a range outside the BO.
 */
int panthor_gem_sync(struct panthor_gem_object *bo, u32 type, u64 offset, u64 size)
{
	struct device *dma_dev = drm_dev_dma_dev(bo->base.dev);
	struct scatterlist *sgl;
	struct sg_table *sgt;
	u64 end, pos = 0;
	unsigned int i;
	int ret = 0;

	if (type != DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH &&
	    type != DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE)
		return -EINVAL;

	if (check_add_overflow(offset, size, &end) || end > bo->base.size)
		return -EINVAL;

	if (drm_gem_is_imported(&bo->base) || !size)
		return 0;

	dma_resv_lock(bo->base.resv, NULL);

	if (!bo->backing.pages)
		goto out_unlock;

	/* Pages exist: this maps them for the device, it allocates no page. */
	sgt = panthor_gem_dev_map_get_sgt_locked(bo);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto out_unlock;
	}

	for_each_sgtable_dma_sg(sgt, sgl, i) {
		u64 seg_start = pos, seg_end = pos + sg_dma_len(sgl);
		u64 s = max(seg_start, offset), e = min(seg_end, end);

		pos = seg_end;
		if (s >= e)
			continue;

		dma_sync_single_for_device(dma_dev, sg_dma_address(sgl) + (s - seg_start),
					   e - s, DMA_TO_DEVICE);
		if (type == DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE)
			dma_sync_single_for_cpu(dma_dev, sg_dma_address(sgl) + (s - seg_start),
						e - s, DMA_FROM_DEVICE);
	}

out_unlock:
	dma_resv_unlock(bo->base.resv);
	return ret;
}

static bool can_swap(void)
{
	return get_nr_swap_pages() > 0;
}

/*
 * Reclaiming GPU-mapped BOs may mean waiting for the GPU: only callers that
 * may sleep get to (kswapd reclaims with GFP_KERNEL, so it qualifies too).
 */
static bool can_block(struct shrink_control *sc)
{
	return gfpflags_allow_blocking(sc->gfp_mask);
}

/**
 * panthor_gem_shrinker_count() - pages the shrinker could free.
 * @shrinker: the shrinker.
 * @sc: the reclaim context.
 *
 * Return: 0 when there is no swap (contents can't be discarded), else the
 * pages on the unused and mmapped LRUs, plus GPU-mapped pages when the
 * caller can block; SHRINK_EMPTY when that is zero.
 */
static unsigned long panthor_gem_shrinker_count(struct shrinker *shrinker,
						struct shrink_control *sc)
{
	struct panthor_device *ptdev = shrinker->private_data;
	unsigned long count;

	if (!can_swap())
		return 0;

	count = READ_ONCE(ptdev->reclaim.unused.count);
	count += READ_ONCE(ptdev->reclaim.mmapped.count);

	if (can_block(sc))
		count += READ_ONCE(ptdev->reclaim.gpu_mapped_count);

	return count ? count : SHRINK_EMPTY;
}

static bool should_wait(enum panthor_gem_reclaim_state state)
{
	return is_gpu_mapped_state(state);
}

/* Unlock the resvs of the other VMs locked by try_evict, up to @last. */
static void unlock_vm_resvs(struct panthor_gem_object *bo, struct drm_gpuvm_bo *last)
{
	struct drm_gpuvm_bo *vm_bo;

	if (!last)
		return;

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		struct dma_resv *resv = drm_gpuvm_resv(vm_bo->vm);

		if (resv != bo->base.resv)
			dma_resv_unlock(resv);

		if (vm_bo == last)
			break;
	}
}

/*
 * Reclaim can be entered with almost any lock held and the paths that take
 * the BO's locks nest them differently (VM resv -> BO resv -> gpuva lock
 * when binding, BO resv -> gpuva lock -> VM resv here), so this only ever
 * trylocks and gives up on contention; the BO then counts as remaining.
 *
 * @ceiling is the hardest state the calling scan may reclaim: the scan
 * picks a BO from its LRU and only then gets its resv, and meanwhile the
 * BO may have moved to a harder LRU (a bind made it GPU-mapped), which a
 * scan of the unused LRU (run for callers that can't block) must not
 * reclaim: it would wait for the GPU.
 */
static bool try_evict(struct drm_gem_object *obj, enum panthor_gem_reclaim_state ceiling)
{
	struct panthor_gem_object *bo = to_panthor_bo(obj);
	struct drm_gpuvm_bo *vm_bo, *last_locked = NULL;
	enum panthor_gem_reclaim_state old_state;
	int ret = 0;

	dma_resv_assert_held(obj->resv);

	/*
	 * Zap the CPU mappings before taking the gpuva lock, so that lock
	 * never nests with the mapping's i_mmap lock. With the resv held, a
	 * fault can't map the pages back before they are gone.
	 */
	drm_vma_node_unmap(&obj->vma_node, obj->dev->anon_inode->i_mapping);

	if (!mutex_trylock(panthor_gem_gpuva_lock(bo)))
		return false;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct dma_resv *resv = drm_gpuvm_resv(vm_bo->vm);

		if (resv == obj->resv)
			continue;

		if (!dma_resv_trylock(resv)) {
			ret = -EDEADLK;
			goto out_unlock;
		}

		last_locked = vm_bo;
	}

	/*
	 * Harder to reclaim than when queued: its own LRU will get to it.
	 * UNRECLAIMABLE is checked on its own: the scan holds a reference,
	 * not the LRU membership, so between its pick and its resv trylock
	 * another scan may have evicted the BO already (old == new then).
	 */
	panthor_gem_update_reclaim_state_locked(bo, &old_state);
	if (old_state < bo->reclaim_state || bo->reclaim_state > ceiling ||
	    bo->reclaim_state == PANTHOR_GEM_UNRECLAIMABLE) {
		ret = -EAGAIN;
		goto out_unlock;
	}

	if (should_wait(bo->reclaim_state) &&
	    dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_BOOKKEEP, false,
				  PANTHOR_GEM_EVICT_WAIT_JIFFIES) <= 0) {
		ret = -ETIMEDOUT;
		goto out_unlock;
	}

	ret = panthor_vm_evict_bo_mappings_locked(bo);
	if (ret) {
		/*
		 * The VMs before the contended one lost their mappings
		 * already: the BO keeps its pages, in its new state.
		 */
		panthor_gem_update_reclaim_state_locked(bo, NULL);
		goto out_unlock;
	}

	panthor_gem_evict_locked(bo);

out_unlock:
	unlock_vm_resvs(bo, last_locked);
	mutex_unlock(panthor_gem_gpuva_lock(bo));

	return ret == 0;
}

/**
 * panthor_gem_try_evict() - evict a BO from any LRU, if it can be done
 * without waiting on any lock.
 * @obj: the BO; drm_gem_lru_scan() holds its resv.
 * @ticket: unused (every lock here is trylocked).
 *
 * The shrink callback of the GPU-mapped LRUs, scanned only for callers
 * that may block: GPU-mapped BOs wait at most 10 jiffies for the GPU.
 *
 * Return: true if the BO was evicted (it has then left every LRU).
 */
bool panthor_gem_try_evict(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return try_evict(obj, PANTHOR_GEM_GPU_MAPPED_SHARED);
}

static bool try_evict_unused(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return try_evict(obj, PANTHOR_GEM_UNUSED);
}

static bool try_evict_mmapped(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return try_evict(obj, PANTHOR_GEM_MMAPPED);
}

/* What is left of the scan target, as the LRU scans take it (unsigned int). */
static unsigned int scan_budget(struct shrink_control *sc, unsigned long freed)
{
	return min_t(unsigned long, sc->nr_to_scan - freed, UINT_MAX);
}

/**
 * panthor_gem_shrinker_scan() - evict up to sc->nr_to_scan pages.
 * @shrinker: the shrinker.
 * @sc: the reclaim context.
 *
 * LRUs are walked from the easiest state to the hardest: unused, mmapped,
 * then (only when the caller can block) private GPU-mapped BOs VM by VM
 * and shared GPU-mapped BOs. A caller that can't block never waits on a
 * fence nor blocks on a BO or VM lock, and counts the GPU-mapped pages as
 * remaining.
 *
 * Return: pages freed if any; else 0 once when something remains (the
 * core retries), then SHRINK_STOP.
 */
static unsigned long panthor_gem_shrinker_scan(struct shrinker *shrinker,
					       struct shrink_control *sc)
{
	struct panthor_device *ptdev = shrinker->private_data;
	unsigned long remaining = 0;
	unsigned long freed = 0;

	if (!can_swap())
		goto out;

	freed += drm_gem_lru_scan(&ptdev->reclaim.unused, scan_budget(sc, freed),
				  &remaining, try_evict_unused, NULL);
	if (freed >= sc->nr_to_scan)
		goto out;

	freed += drm_gem_lru_scan(&ptdev->reclaim.mmapped, scan_budget(sc, freed),
				  &remaining, try_evict_mmapped, NULL);
	if (freed >= sc->nr_to_scan)
		goto out;

	/*
	 * GPU-mapped BOs may need a wait for the GPU: they are left to a
	 * caller that can block, but they are still there to reclaim.
	 */
	if (!can_block(sc)) {
		remaining += READ_ONCE(ptdev->reclaim.gpu_mapped_count);
		goto out;
	}

	freed += panthor_mmu_reclaim_priv_bos(ptdev, scan_budget(sc, freed),
					      &remaining, panthor_gem_try_evict);
	if (freed >= sc->nr_to_scan)
		goto out;

	freed += drm_gem_lru_scan(&ptdev->reclaim.gpu_mapped_shared,
				  scan_budget(sc, freed), &remaining,
				  panthor_gem_try_evict, NULL);

out:
	panthor_gem_debugfs_record_scan(ptdev, freed);

	if (freed) {
		atomic_set(&ptdev->reclaim.retry_count, 0);
		return freed;
	}

	/* Something is left but contended: give it one more go. */
	if (remaining > 0 && atomic_inc_return(&ptdev->reclaim.retry_count) < 2)
		return 0;

	atomic_set(&ptdev->reclaim.retry_count, 0);
	return SHRINK_STOP;
}

/**
 * panthor_gem_shrinker_init() - set up the reclaim state and register the
 * shrinker.
 * @ptdev: the device.
 *
 * Return: 0 or a negative errno.
 */
int panthor_gem_shrinker_init(struct panthor_device *ptdev)
{
	struct shrinker *shrinker;
	int ret;

	ret = drmm_mutex_init(&ptdev->base, &ptdev->reclaim.lock);
	if (ret)
		return ret;

	INIT_LIST_HEAD(&ptdev->reclaim.vms);
	drm_gem_lru_init(&ptdev->reclaim.unused, &ptdev->reclaim.lock);
	drm_gem_lru_init(&ptdev->reclaim.mmapped, &ptdev->reclaim.lock);
	drm_gem_lru_init(&ptdev->reclaim.gpu_mapped_shared, &ptdev->reclaim.lock);
	drm_gem_lru_init(&ptdev->reclaim.unreclaimable, &ptdev->reclaim.lock);
	ptdev->reclaim.gpu_mapped_count = 0;
	atomic_set(&ptdev->reclaim.retry_count, 0);

	/* Reclaim takes the reclaim lock: tell lockdep before it happens. */
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&ptdev->reclaim.lock);
	fs_reclaim_release(GFP_KERNEL);

	shrinker = shrinker_alloc(0, "drm-panthor-gem");
	if (!shrinker)
		return -ENOMEM;

	shrinker->count_objects = panthor_gem_shrinker_count;
	shrinker->scan_objects = panthor_gem_shrinker_scan;
	shrinker->private_data = ptdev;
	ptdev->reclaim.shrinker = shrinker;

	shrinker_register(shrinker);
	return 0;
}

/**
 * panthor_gem_shrinker_unplug() - unregister and free the shrinker.
 * @ptdev: the device.
 */
void panthor_gem_shrinker_unplug(struct panthor_device *ptdev)
{
	if (ptdev->reclaim.shrinker)
		shrinker_free(ptdev->reclaim.shrinker);
	ptdev->reclaim.shrinker = NULL;
}

#ifdef CONFIG_DEBUG_FS
static const char *const reclaim_state_name[] = {
	[PANTHOR_GEM_UNUSED] = "unused",
	[PANTHOR_GEM_MMAPPED] = "mmapped",
	[PANTHOR_GEM_GPU_MAPPED_PRIVATE] = "gpu-private",
	[PANTHOR_GEM_GPU_MAPPED_SHARED] = "gpu-shared",
	[PANTHOR_GEM_UNRECLAIMABLE] = "unreclaimable",
};

/* Bits of the flags column of the gems file. */
#define PANTHOR_DEBUGFS_GEM_IMPORTED	BIT(0)
#define PANTHOR_DEBUGFS_GEM_EXPORTED	BIT(1)
#define PANTHOR_DEBUGFS_GEM_PINNED	BIT(2)
#define PANTHOR_DEBUGFS_GEM_MMAPPED	BIT(3)
#define PANTHOR_DEBUGFS_GEM_VMAPPED	BIT(4)

/**
 * panthor_gem_debugfs_gems_show() - the debugfs gems file: one line per BO
 * (creator as comm/tgid, GEM name, refcount, size, resident size, mmap
 * offset, reclaim state, flags: 0x1 imported, 0x2 exported, 0x4 pinned,
 * 0x8 mmapped, 0x10 vmapped), then totals (size, resident, reclaimable =
 * resident bytes of BOs whose state is not UNRECLAIMABLE).
 * @m: the seq_file; m->private is the drm_info_node of the file.
 * @data: unused.
 *
 * Return: 0.
 */
static int panthor_gem_debugfs_gems_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct panthor_device *ptdev = to_panthor_device(node->minor->dev);
	struct panthor_gem_object *bo;
	size_t total = 0, resident = 0, reclaimable = 0;

	seq_puts(m, "created-by                      name      refcount  size       "
		    "resident   mmap-offset         state          flags\n");

	mutex_lock(&ptdev->gems.lock);
	list_for_each_entry(bo, &ptdev->gems.node, debugfs.node) {
		enum panthor_gem_reclaim_state state = READ_ONCE(bo->reclaim_state);
		size_t res = READ_ONCE(bo->backing.pages) ? bo->base.size : 0;
		unsigned int refcount = kref_read(&bo->base.refcount);
		char creator[32];
		u32 flags = 0;

		if (!refcount)
			continue;

		if (bo->base.import_attach)
			flags |= PANTHOR_DEBUGFS_GEM_IMPORTED;
		if (bo->base.dma_buf)
			flags |= PANTHOR_DEBUGFS_GEM_EXPORTED;
		if (refcount_read(&bo->backing.pin_count))
			flags |= PANTHOR_DEBUGFS_GEM_PINNED;
		if (refcount_read(&bo->cmap.mmap_count))
			flags |= PANTHOR_DEBUGFS_GEM_MMAPPED;
		if (refcount_read(&bo->cmap.vaddr_use_count))
			flags |= PANTHOR_DEBUGFS_GEM_VMAPPED;

		snprintf(creator, sizeof(creator), "%s/%d", bo->debugfs.creator.process_name,
			 bo->debugfs.creator.tgid);
		seq_printf(m, "%-31s %-9d %-9u %-10zu %-10zu 0x%-17llx %-14s 0x%x\n",
			   creator, bo->base.name, refcount, bo->base.size, res,
			   (unsigned long long)drm_vma_node_offset_addr(&bo->base.vma_node),
			   state <= PANTHOR_GEM_UNRECLAIMABLE ? reclaim_state_name[state] : "?",
			   flags);
		total += bo->base.size;
		resident += res;
		if (state != PANTHOR_GEM_UNRECLAIMABLE)
			reclaimable += res;
	}
	mutex_unlock(&ptdev->gems.lock);

	seq_printf(m, "Total size: %zu, Total resident: %zu, Total reclaimable: %zu\n",
		   total, resident, reclaimable);
	return 0;
}

static const struct drm_info_list panthor_gem_debugfs_list[] = {
	{ "gems", panthor_gem_debugfs_gems_show, 0, NULL },
};

/**
 * panthor_gem_debugfs_shrink_get() - read side of debugfs shrink: pages
 * freed by the last scan, whoever ran it.
 * @data: the drm_device.
 * @val: receives the count.
 *
 * Return: 0.
 */
static int panthor_gem_debugfs_shrink_get(void *data, u64 *val)
{
	struct panthor_device *ptdev = to_panthor_device(data);

	*val = READ_ONCE(ptdev->reclaim.nr_pages_reclaimed_on_last_scan);
	return 0;
}

/**
 * panthor_gem_debugfs_shrink_set() - write side of debugfs shrink: scan
 * @val pages as a GFP_KERNEL direct reclaim would.
 * @data: the drm_device.
 * @val: pages to scan.
 *
 * Return: 0.
 */
static int panthor_gem_debugfs_shrink_set(void *data, u64 val)
{
	struct panthor_device *ptdev = to_panthor_device(data);
	struct shrink_control sc = {
		.gfp_mask = GFP_KERNEL,
		.nr_to_scan = val,
	};

	fs_reclaim_acquire(GFP_KERNEL);
	if (ptdev->reclaim.shrinker)
		panthor_gem_shrinker_scan(ptdev->reclaim.shrinker, &sc);
	fs_reclaim_release(GFP_KERNEL);

	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(panthor_gem_debugfs_shrink_fops,
			 panthor_gem_debugfs_shrink_get,
			 panthor_gem_debugfs_shrink_set,
			 "0x%08llx\n");

/**
 * panthor_gem_debugfs_init() - create the gems and shrink debugfs files.
 * @minor: the DRM minor whose debugfs directory gets them.
 */
void panthor_gem_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(panthor_gem_debugfs_list,
				 ARRAY_SIZE(panthor_gem_debugfs_list),
				 minor->debugfs_root, minor);
	debugfs_create_file("shrink", 0600, minor->debugfs_root, minor->dev,
			    &panthor_gem_debugfs_shrink_fops);
}
#endif
