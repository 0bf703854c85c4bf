// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * panthor GPU VMs: the VA space (drm_gpuvm), its page tables (io-pgtable,
 * ARM LPAE stage 1 with a 4 KiB granule), VM_BIND map/unmap, and the two
 * halves of GPU-side reclaim: tearing down the mappings of a BO being
 * evicted, and restoring them when the VM is validated for a submission.
 *
 * Each VM also keeps an LRU of the BOs mapped only in it, and the device
 * keeps the VMs holding such BOs in LRU order (least recently active
 * first), so the shrinker reclaims from idle VMs before busy ones.
 *
 * Left out from the driver: address-space slots and the MMU registers
 * (the lock-region command is bookkeeping here), heaps, asynchronous
 * VM_BIND jobs and the automatic kernel VA allocator.
 */

#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include <drm/drm_exec.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_print.h>
#include <drm/panthor_drm.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

/* Input address bits of a VM: four levels of 4 KiB tables. */
#define PANTHOR_VM_VA_BITS	48

#define PANTHOR_VM_MAP_FLAGS \
	(DRM_PANTHOR_VM_BIND_OP_MAP_READONLY | \
	 DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC | \
	 DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED)

/**
 * struct panthor_mmu - MMU state shared by every VM of a device.
 */
struct panthor_mmu {
	/** @pt_cache: 4 KiB page-table pages, preallocated per operation. */
	struct kmem_cache *pt_cache;
};

/**
 * struct panthor_vma - a GPU mapping.
 */
struct panthor_vma {
	/** @base: the VA range, linked to its vm_bo. */
	struct drm_gpuva base;

	/** @node: link in panthor_vm_op_ctx::returned_vmas once unmapped. */
	struct list_head node;

	/** @flags: DRM_PANTHOR_VM_BIND_OP_MAP_* flags. */
	u32 flags;

	/**
	 * @evicted: the range has no page-table entries because the BO was
	 * evicted; validation maps it again. Changed under the VM op_lock
	 * with the BO resv held.
	 */
	bool evicted;
};

/**
 * struct panthor_vm - a GPU VM.
 */
struct panthor_vm {
	/** @base: the GPU VA space; its kref is the VM's refcount. */
	struct drm_gpuvm base;

	/** @ptdev: the device. */
	struct panthor_device *ptdev;

	/** @destroyed: panthor_vm_destroy() was called. */
	bool destroyed;

	/** @unusable: a page-table update failed half-way; no more jobs. */
	bool unusable;

	/**
	 * @op_lock: serialises page-table updates and VA tree changes of
	 * this VM. Never held while allocating.
	 */
	struct mutex op_lock;

	/** @op_ctx: the operation running, under @op_lock. */
	struct panthor_vm_op_ctx *op_ctx;

	/** @pgtbl_ops: the page tables. */
	struct io_pgtable_ops *pgtbl_ops;

	/** @root_page_table: top-level table, allocated with the VM. */
	void *root_page_table;

	/** @locked_region: range locked for a page-table update, under @op_lock. */
	struct {
		/** @locked_region.start: start, 0 with @size when unlocked. */
		u64 start;

		/** @locked_region.size: size. */
		u64 size;
	} locked_region;

	/**
	 * @pool_node: link in the VM pool of the DRM file that created the
	 * VM, under the pool's lock; empty for kernel VMs.
	 */
	struct list_head pool_node;

	/** @active_cnt: jobs of this VM on the GPU. */
	atomic_t active_cnt;

	/** @reclaim: reclaim bookkeeping, under panthor_device::reclaim.lock. */
	struct {
		/** @reclaim.lru: BOs GPU-mapped in this VM only. */
		struct drm_gem_lru lru;

		/** @reclaim.lru_node: link in panthor_device::reclaim.vms. */
		struct list_head lru_node;
	} reclaim;
};

static struct panthor_vm *to_panthor_vm(struct drm_gpuvm *gpuvm)
{
	return container_of(gpuvm, struct panthor_vm, base);
}

static struct panthor_vma *to_panthor_vma(struct drm_gpuva *va)
{
	return container_of(va, struct panthor_vma, base);
}

/**
 * struct panthor_vm_pool - the VMs of a DRM file.
 */
struct panthor_vm_pool {
	/**
	 * @lock: protects @vms. Held across the per-file operations
	 * (force reclaim and claim) so the VMs they walk stay in the pool;
	 * never taken from reclaim.
	 */
	struct mutex lock;

	/** @vms: list of panthor_vm::pool_node, each holding a VM reference. */
	struct list_head vms;
};

/**
 * struct panthor_vm_op_ctx - everything an operation on a VM's page tables
 * may need, allocated before the VM op_lock is taken: nothing is allocated
 * with op_lock held, so reclaim can trylock it.
 */
struct panthor_vm_op_ctx {
	/** @rsvd_page_tables: page-table pages the operation may consume. */
	struct {
		/** @rsvd_page_tables.count: pages reserved. */
		u32 count;

		/** @rsvd_page_tables.ptr: pages consumed so far. */
		u32 ptr;

		/** @rsvd_page_tables.pages: the pages. */
		void **pages;
	} rsvd_page_tables;

	/** @preallocated_vmas: a new mapping, and the two ends of a split one. */
	struct panthor_vma *preallocated_vmas[3];

	/** @flags: DRM_PANTHOR_VM_BIND_OP_* flags and operation type. */
	u32 flags;

	/** @va: the range operated on. */
	struct {
		/** @va.addr: start. */
		u64 addr;

		/** @va.range: size. */
		u64 range;
	} va;

	/** @map: map operations only. */
	struct {
		/** @map.bo_offset: offset in the BO. */
		u64 bo_offset;

		/**
		 * @map.bo: the BO, referenced and pinned until the operation is
		 * cleaned up, so its sg table can be read under op_lock alone.
		 */
		struct panthor_gem_object *bo;

		/** @map.vm_bo: the VM <-> BO link the new mapping goes on. */
		struct drm_gpuvm_bo *vm_bo;
	} map;

	/**
	 * @returned_vmas: mappings removed by the operation, freed with their
	 * vm_bo reference once op_lock is released.
	 */
	struct list_head returned_vmas;
};

static struct dma_resv *panthor_vm_resv(struct panthor_vm *vm)
{
	return drm_gpuvm_resv(&vm->base);
}

/**
 * panthor_vm_gpuvm() - the drm_gpuvm of a VM.
 * @vm: the VM.
 *
 * For code outside this file that walks drm_gpuvm lists (vm_bos, the evict
 * list) and must recognise the VM they belong to.
 *
 * Return: the VM's drm_gpuvm.
 */
struct drm_gpuvm *panthor_vm_gpuvm(struct panthor_vm *vm)
{
	return &vm->base;
}

/**
 * panthor_vm_from_gpuvm() - the panthor VM around a drm_gpuvm.
 * @gpuvm: a drm_gpuvm created by panthor_vm_create().
 *
 * Return: its VM.
 */
struct panthor_vm *panthor_vm_from_gpuvm(struct drm_gpuvm *gpuvm)
{
	return to_panthor_vm(gpuvm);
}

/**
 * panthor_vm_op_lock() - the lock serialising page-table updates of a VM.
 * @vm: the VM.
 *
 * Reclaim only trylocks it; holding it from outside makes a VM's eviction
 * back off, which is what tests use it for.
 *
 * Return: the VM's op_lock.
 */
struct mutex *panthor_vm_op_lock(struct panthor_vm *vm)
{
	return &vm->op_lock;
}

/**
 * panthor_vm_reclaim_lru() - the LRU of the BOs GPU-mapped in this VM only.
 * @vm: the VM.
 *
 * Protected by panthor_device::reclaim.lock.
 *
 * Return: the VM's LRU.
 */
struct drm_gem_lru *panthor_vm_reclaim_lru(struct panthor_vm *vm)
{
	return &vm->reclaim.lru;
}

/**
 * panthor_vm_on_reclaim_list() - is a VM on a list of VMs to reclaim from?
 * @vm: the VM; panthor_device::reclaim.lock must be held for a stable answer.
 *
 * Return: true if the VM is on panthor_device::reclaim.vms (or on the
 * private list of a scan that took it).
 */
bool panthor_vm_on_reclaim_list(struct panthor_vm *vm)
{
	return !list_empty(&vm->reclaim.lru_node);
}

/**
 * panthor_vm_from_reclaim_node() - the VM an entry of the device VM list is.
 * @node: an entry of panthor_device::reclaim.vms (not the list head).
 *
 * Return: the VM.
 */
struct panthor_vm *panthor_vm_from_reclaim_node(struct list_head *node)
{
	return list_entry(node, struct panthor_vm, reclaim.lru_node);
}

/**
 * panthor_vma_is_evicted() - has reclaim torn down this mapping?
 * @va: a mapping of a panthor VM.
 *
 * Changed under the VM op_lock with the BO resv held; a stable answer
 * needs one of them.
 *
 * Return: true if the range has no page-table entries because its BO was
 * evicted (validation maps it again).
 */
bool panthor_vma_is_evicted(struct drm_gpuva *va)
{
	return READ_ONCE(to_panthor_vma(va)->evicted);
}

/**
 * panthor_vm_root_gem() - the GEM whose resv the VM and its private BOs share.
 * @vm: the VM.
 *
 * Return: the root GEM.
 */
struct drm_gem_object *panthor_vm_root_gem(struct panthor_vm *vm)
{
	return vm->base.r_obj;
}

/**
 * panthor_vm_pgtbl_ops() - the page tables of a VM, as the GPU MMU walks them.
 * @vm: the VM.
 *
 * Return: the io-pgtable operations of @vm.
 */
struct io_pgtable_ops *panthor_vm_pgtbl_ops(struct panthor_vm *vm)
{
	return vm->pgtbl_ops;
}

/*
 * Page-table memory. The root table comes with the VM; every other table
 * comes from the pages the running operation reserved, so nothing is
 * allocated under op_lock.
 */
static void *alloc_pt(void *cookie, size_t size, gfp_t gfp)
{
	struct panthor_vm *vm = cookie;
	struct panthor_vm_op_ctx *op_ctx = vm->op_ctx;
	void *page;

	if (drm_WARN_ON(&vm->ptdev->base, size != SZ_4K))
		return NULL;

	if (!vm->root_page_table) {
		drm_WARN_ON(&vm->ptdev->base, op_ctx);
		page = kmem_cache_zalloc(vm->ptdev->mmu->pt_cache, gfp);
		vm->root_page_table = page;
		return page;
	}

	if (drm_WARN_ON(&vm->ptdev->base, !op_ctx) ||
	    drm_WARN_ON(&vm->ptdev->base,
			op_ctx->rsvd_page_tables.ptr >= op_ctx->rsvd_page_tables.count))
		return NULL;

	page = op_ctx->rsvd_page_tables.pages[op_ctx->rsvd_page_tables.ptr++];
	memset(page, 0, SZ_4K);
	return page;
}

static void free_pt(void *cookie, void *data, size_t size)
{
	struct panthor_vm *vm = cookie;

	if (data == vm->root_page_table)
		vm->root_page_table = NULL;

	kmem_cache_free(vm->ptdev->mmu->pt_cache, data);
}

/* TLB maintenance rides on the lock-region command: nothing to do here. */
static void mmu_tlb_flush_all(void *cookie)
{
}

static void mmu_tlb_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops mmu_tlb_ops = {
	.tlb_flush_all = mmu_tlb_flush_all,
	.tlb_flush_walk = mmu_tlb_flush_walk,
};

/*
 * The GPU MMU blocks accesses to a locked region while its page tables
 * change. The hardware command is not modelled: this keeps the bookkeeping
 * and checks that regions do not nest.
 */
static void panthor_vm_lock_region(struct panthor_vm *vm, u64 start, u64 size)
{
	lockdep_assert_held(&vm->op_lock);
	drm_WARN_ON(&vm->ptdev->base, vm->locked_region.size);

	vm->locked_region.start = start;
	vm->locked_region.size = size;
}

static void panthor_vm_unlock_region(struct panthor_vm *vm)
{
	lockdep_assert_held(&vm->op_lock);

	vm->locked_region.start = 0;
	vm->locked_region.size = 0;
}

/* Page tables only change inside the region locked for the update. */
static void panthor_vm_assert_in_locked_region(struct panthor_vm *vm, u64 iova, u64 size)
{
	lockdep_assert_held(&vm->op_lock);
	drm_WARN_ON(&vm->ptdev->base,
		    iova < vm->locked_region.start ||
		    iova + size > vm->locked_region.start + vm->locked_region.size);
}

static int flags_to_prot(u32 flags)
{
	int prot = IOMMU_READ;

	if (!(flags & DRM_PANTHOR_VM_BIND_OP_MAP_READONLY))
		prot |= IOMMU_WRITE;
	if (flags & DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)
		prot |= IOMMU_NOEXEC;
	if (!(flags & DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED))
		prot |= IOMMU_CACHE;

	return prot;
}

static void panthor_vm_unmap_pages(struct panthor_vm *vm, u64 iova, u64 size)
{
	struct io_pgtable_ops *ops = vm->pgtbl_ops;
	u64 done = 0;

	panthor_vm_assert_in_locked_region(vm, iova, size);

	while (done < size) {
		size_t unmapped;

		unmapped = ops->unmap_pages(ops, iova + done, SZ_4K,
					    (size - done) >> PAGE_SHIFT, NULL);
		if (!unmapped) {
			/*
			 * A hole: io-pgtable has complained already. Step over
			 * it rather than stop, so no entry after it is left
			 * pointing at pages about to be freed.
			 */
			drm_err(&vm->ptdev->base, "nothing mapped at %#llx\n", iova + done);
			unmapped = SZ_4K;
		}

		done += unmapped;
	}
}

/*
 * Map @size bytes of @sgt starting at @offset to @iova, 4 KiB at a time
 * (a later partial unmap never has to split a block). On failure, what was
 * mapped is unmapped again.
 */
static int panthor_vm_map_pages(struct panthor_vm *vm, u64 iova, int prot,
				struct sg_table *sgt, u64 offset, u64 size)
{
	struct io_pgtable_ops *ops = vm->pgtbl_ops;
	u64 start_iova = iova;
	struct scatterlist *sg;
	unsigned int i;
	int ret = 0;

	panthor_vm_assert_in_locked_region(vm, iova, size);

	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t paddr = sg_dma_address(sg);
		u64 len = sg_dma_len(sg);

		if (!size)
			break;

		if (offset >= len) {
			offset -= len;
			continue;
		}

		paddr += offset;
		len = min(len - offset, size);
		offset = 0;
		size -= len;

		while (len) {
			size_t mapped = 0;

			ret = ops->map_pages(ops, iova, paddr, SZ_4K, len >> PAGE_SHIFT,
					     prot, GFP_KERNEL, &mapped);
			iova += mapped;
			paddr += mapped;
			len -= mapped;

			if (!ret && drm_WARN_ON(&vm->ptdev->base, !mapped))
				ret = -EINVAL;
			if (ret)
				goto err_unmap;
		}
	}

	if (drm_WARN_ON(&vm->ptdev->base, size)) {
		ret = -EINVAL;
		goto err_unmap;
	}

	return 0;

err_unmap:
	panthor_vm_unmap_pages(vm, start_iova, iova - start_iova);
	return ret;
}

static void panthor_vm_init_op_ctx(struct panthor_vm_op_ctx *op_ctx, u64 size, u64 va,
				   u32 flags)
{
	memset(op_ctx, 0, sizeof(*op_ctx));
	INIT_LIST_HEAD(&op_ctx->returned_vmas);
	op_ctx->flags = flags;
	op_ctx->va.addr = va;
	op_ctx->va.range = size;
}

/* Tables a 4 KiB mapping of the range may need below the root: L1, L2, L3. */
static u32 pt_count_for_range(u64 va, u64 size)
{
	static const unsigned int block_shift[] = { 39, 30, 21 };
	u32 count = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(block_shift); i++) {
		u64 block = 1ULL << block_shift[i];

		count += (ALIGN(va + size, block) - ALIGN_DOWN(va, block)) >> block_shift[i];
	}

	return count;
}

static int panthor_vm_op_ctx_prealloc_pts(struct panthor_vm *vm,
					  struct panthor_vm_op_ctx *op_ctx)
{
	u32 count = pt_count_for_range(op_ctx->va.addr, op_ctx->va.range);
	void **pages;
	int got;

	pages = kcalloc(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	got = kmem_cache_alloc_bulk(vm->ptdev->mmu->pt_cache, GFP_KERNEL, count, pages);
	if (got != count) {
		kfree(pages);
		return -ENOMEM;
	}

	op_ctx->rsvd_page_tables.pages = pages;
	op_ctx->rsvd_page_tables.count = count;
	return 0;
}

static int panthor_vm_op_ctx_prealloc_vmas(struct panthor_vm_op_ctx *op_ctx, u32 count)
{
	for (u32 i = 0; i < count; i++) {
		op_ctx->preallocated_vmas[i] = kzalloc(sizeof(struct panthor_vma), GFP_KERNEL);
		if (!op_ctx->preallocated_vmas[i])
			return -ENOMEM;
	}

	return 0;
}

static struct panthor_vma *panthor_vm_op_ctx_get_vma(struct panthor_vm_op_ctx *op_ctx)
{
	for (u32 i = 0; i < ARRAY_SIZE(op_ctx->preallocated_vmas); i++) {
		struct panthor_vma *vma = op_ctx->preallocated_vmas[i];

		if (vma) {
			op_ctx->preallocated_vmas[i] = NULL;
			INIT_LIST_HEAD(&vma->node);
			return vma;
		}
	}

	return NULL;
}

static void panthor_vm_op_ctx_return_vma(struct panthor_vm_op_ctx *op_ctx,
					 struct panthor_vma *vma)
{
	for (u32 i = 0; i < ARRAY_SIZE(op_ctx->preallocated_vmas); i++) {
		if (!op_ctx->preallocated_vmas[i]) {
			op_ctx->preallocated_vmas[i] = vma;
			return;
		}
	}

	WARN_ON_ONCE(1);
	kfree(vma);
}

/*
 * End a change to the vm_bos of @bo made with @vm_resv and the BO's gpuva
 * lock held: release both, and if @changed, re-evaluate the BO's reclaim
 * state (its number of VMs changed). A BO sharing the VM resv is
 * re-evaluated before the locks go, so nobody sees it in its old state;
 * another BO needs its own resv, which is taken once the VM resv is
 * released (no ticket orders the two here).
 */
static void panthor_vm_bo_change_done(struct dma_resv *vm_resv, struct panthor_gem_object *bo,
				      bool changed)
{
	bool shares_resv = vm_resv == bo->base.resv;

	dma_resv_assert_held(vm_resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	if (changed && shares_resv)
		panthor_gem_update_reclaim_state_locked(bo, NULL);
	mutex_unlock(panthor_gem_gpuva_lock(bo));
	dma_resv_unlock(vm_resv);

	if (changed && !shares_resv) {
		dma_resv_lock(bo->base.resv, NULL);
		panthor_gem_update_reclaim_state(bo);
		dma_resv_unlock(bo->base.resv);
	}
}

/*
 * Drop a vm_bo reference taken by an operation. The last one unlinks the
 * vm_bo from the VM's lists (under the VM resv) and from the GEM (under
 * the gpuva lock); the BO then has one VM less, so its reclaim state is
 * re-evaluated under its own resv.
 */
static void panthor_vm_bo_put(struct drm_gpuvm_bo *vm_bo)
{
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	struct dma_resv *vm_resv = drm_gpuvm_resv(gpuvm);
	bool freed;

	/* The vm_bo may hold the last references to both. */
	drm_gem_object_get(&bo->base);
	drm_gpuvm_get(gpuvm);

	dma_resv_lock(vm_resv, NULL);
	mutex_lock(panthor_gem_gpuva_lock(bo));
	freed = drm_gpuvm_bo_put(vm_bo);
	panthor_vm_bo_change_done(vm_resv, bo, freed);

	drm_gpuvm_put(gpuvm);
	drm_gem_object_put(&bo->base);
}

static void panthor_vm_cleanup_op_ctx(struct panthor_vm_op_ctx *op_ctx,
				      struct panthor_vm *vm)
{
	struct panthor_vma *vma, *tmp;

	for (u32 i = op_ctx->rsvd_page_tables.ptr; i < op_ctx->rsvd_page_tables.count; i++)
		kmem_cache_free(vm->ptdev->mmu->pt_cache, op_ctx->rsvd_page_tables.pages[i]);
	kfree(op_ctx->rsvd_page_tables.pages);
	op_ctx->rsvd_page_tables.pages = NULL;
	op_ctx->rsvd_page_tables.count = 0;
	op_ctx->rsvd_page_tables.ptr = 0;

	if (op_ctx->map.vm_bo) {
		panthor_vm_bo_put(op_ctx->map.vm_bo);
		op_ctx->map.vm_bo = NULL;
	}

	for (u32 i = 0; i < ARRAY_SIZE(op_ctx->preallocated_vmas); i++) {
		kfree(op_ctx->preallocated_vmas[i]);
		op_ctx->preallocated_vmas[i] = NULL;
	}

	list_for_each_entry_safe(vma, tmp, &op_ctx->returned_vmas, node) {
		list_del(&vma->node);
		panthor_vm_bo_put(vma->base.vm_bo);
		kfree(vma);
	}

	/* Unpinned last: the BO's state then accounts for the new mapping. */
	if (op_ctx->map.bo) {
		panthor_gem_unpin(op_ctx->map.bo);
		drm_gem_object_put(&op_ctx->map.bo->base);
		op_ctx->map.bo = NULL;
	}
}

static int panthor_vm_check_range(struct panthor_vm *vm, u64 va, u64 size)
{
	if (!size || !IS_ALIGNED(va | size, PAGE_SIZE)) {
		drm_dbg(&vm->ptdev->base, "unaligned or empty VA range [%#llx, +%#llx)\n",
			va, size);
		return -EINVAL;
	}

	if (!drm_gpuvm_range_valid(&vm->base, va, size)) {
		drm_dbg(&vm->ptdev->base, "VA range [%#llx, +%#llx) outside the VM\n", va, size);
		return -EINVAL;
	}

	return 0;
}

static int panthor_vm_prepare_map_op_ctx(struct panthor_vm_op_ctx *op_ctx,
					 struct panthor_vm *vm,
					 struct panthor_gem_object *bo,
					 u64 offset, u64 size, u64 va, u32 flags)
{
	struct drm_gpuvm_bo *preallocated_vm_bo;
	struct sg_table *sgt;
	int ret;

	if (!bo || (flags & ~PANTHOR_VM_MAP_FLAGS))
		return -EINVAL;

	ret = panthor_vm_check_range(vm, va, size);
	if (ret)
		return ret;

	if (!IS_ALIGNED(offset, PAGE_SIZE) || size > bo->base.size ||
	    offset > bo->base.size - size) {
		drm_dbg(&vm->ptdev->base, "BO range [%#llx, +%#llx) outside the BO (%zu bytes)\n",
			offset, size, bo->base.size);
		return -EINVAL;
	}

	/* A BO sharing a VM's resv can't be mapped anywhere else. */
	if (bo->exclusive_vm_root_gem && bo->exclusive_vm_root_gem != panthor_vm_root_gem(vm))
		return -EINVAL;

	panthor_vm_init_op_ctx(op_ctx, size, va, flags | DRM_PANTHOR_VM_BIND_OP_TYPE_MAP);

	ret = panthor_vm_op_ctx_prealloc_vmas(op_ctx, 3);
	if (ret)
		goto err_cleanup;

	/* Pinned for the operation: the pages can't go while they are mapped. */
	ret = panthor_gem_pin(bo);
	if (ret)
		goto err_cleanup;

	drm_gem_object_get(&bo->base);
	op_ctx->map.bo = bo;
	op_ctx->map.bo_offset = offset;

	sgt = panthor_gem_get_dev_sgt(bo);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_cleanup;
	}

	preallocated_vm_bo = drm_gpuvm_bo_create(&vm->base, &bo->base);
	if (!preallocated_vm_bo) {
		ret = -ENOMEM;
		goto err_cleanup;
	}

	dma_resv_lock(panthor_vm_resv(vm), NULL);
	mutex_lock(panthor_gem_gpuva_lock(bo));
	op_ctx->map.vm_bo = drm_gpuvm_bo_obtain_prealloc(preallocated_vm_bo);
	drm_gpuvm_bo_extobj_add(op_ctx->map.vm_bo);
	panthor_vm_bo_change_done(panthor_vm_resv(vm), bo, true);

	ret = panthor_vm_op_ctx_prealloc_pts(vm, op_ctx);
	if (ret)
		goto err_cleanup;

	return 0;

err_cleanup:
	panthor_vm_cleanup_op_ctx(op_ctx, vm);
	return ret;
}

static int panthor_vm_prepare_unmap_op_ctx(struct panthor_vm_op_ctx *op_ctx,
					   struct panthor_vm *vm, u64 va, u64 size)
{
	int ret;

	ret = panthor_vm_check_range(vm, va, size);
	if (ret)
		return ret;

	panthor_vm_init_op_ctx(op_ctx, size, va, DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP);

	/* Mappings are 4 KiB-granular: a split needs two VMAs, no table. */
	ret = panthor_vm_op_ctx_prealloc_vmas(op_ctx, 2);
	if (ret)
		panthor_vm_cleanup_op_ctx(op_ctx, vm);

	return ret;
}

static void panthor_vma_link(struct panthor_vma *vma, struct drm_gpuvm_bo *vm_bo)
{
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);

	mutex_lock(panthor_gem_gpuva_lock(bo));
	drm_gpuva_link(&vma->base, vm_bo);
	mutex_unlock(panthor_gem_gpuva_lock(bo));
}

/*
 * Unlink a mapping and hand it to the operation context: its vm_bo
 * reference is dropped at cleanup, outside op_lock, because the last one
 * takes the VM resv.
 */
static void panthor_vma_unlink(struct panthor_vm *vm, struct panthor_vma *vma)
{
	struct panthor_gem_object *bo = to_panthor_bo(vma->base.gem.obj);
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_get(vma->base.vm_bo);

	mutex_lock(panthor_gem_gpuva_lock(bo));
	drm_gpuva_unlink(&vma->base);
	mutex_unlock(panthor_gem_gpuva_lock(bo));

	vma->base.vm_bo = vm_bo;
	list_add_tail(&vma->node, &vm->op_ctx->returned_vmas);
}

static int panthor_gpuva_sm_step_map(struct drm_gpuva_op *op, void *priv)
{
	struct panthor_vm *vm = priv;
	struct panthor_vm_op_ctx *op_ctx = vm->op_ctx;
	struct panthor_vma *vma = panthor_vm_op_ctx_get_vma(op_ctx);
	int ret;

	if (drm_WARN_ON(&vm->ptdev->base, !vma))
		return -EINVAL;

	vma->flags = op_ctx->flags & PANTHOR_VM_MAP_FLAGS;

	/*
	 * The BO is pinned by the operation, so its pages and sg table are
	 * there even if its vm_bo is evicted: the new range is mapped live.
	 */
	ret = panthor_vm_map_pages(vm, op->map.va.addr, flags_to_prot(vma->flags),
				   op_ctx->map.bo->dmap.sgt, op->map.gem.offset,
				   op->map.va.range);
	if (ret) {
		panthor_vm_op_ctx_return_vma(op_ctx, vma);
		return ret;
	}

	drm_gpuva_map(&vm->base, &vma->base, &op->map);
	panthor_vma_link(vma, op_ctx->map.vm_bo);
	return 0;
}

/* A piece of a split mapping: same flags, evicted if the whole was. */
static struct panthor_vma *panthor_vma_split_piece(struct panthor_vm_op_ctx *op_ctx,
						   struct panthor_vma *whole)
{
	struct panthor_vma *vma = panthor_vm_op_ctx_get_vma(op_ctx);

	if (vma) {
		vma->flags = whole->flags;
		vma->evicted = whole->evicted;
	}
	return vma;
}

static int panthor_gpuva_sm_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct panthor_vma *unmap_vma = to_panthor_vma(op->remap.unmap->va);
	struct panthor_vm *vm = priv;
	struct panthor_vm_op_ctx *op_ctx = vm->op_ctx;
	struct panthor_vma *prev_vma = NULL, *next_vma = NULL;
	u64 unmap_start, unmap_range;

	/* Both pieces first: nothing is torn down if one is missing. */
	if (op->remap.prev)
		prev_vma = panthor_vma_split_piece(op_ctx, unmap_vma);
	if (op->remap.next)
		next_vma = panthor_vma_split_piece(op_ctx, unmap_vma);
	if (drm_WARN_ON(&vm->ptdev->base, (op->remap.prev && !prev_vma) ||
					  (op->remap.next && !next_vma))) {
		if (prev_vma)
			panthor_vm_op_ctx_return_vma(op_ctx, prev_vma);
		if (next_vma)
			panthor_vm_op_ctx_return_vma(op_ctx, next_vma);
		return -EINVAL;
	}

	drm_gpuva_op_remap_to_unmap_range(&op->remap, &unmap_start, &unmap_range);

	/* An evicted range has no entries left, nor pages behind it. */
	if (!unmap_vma->evicted)
		panthor_vm_unmap_pages(vm, unmap_start, unmap_range);

	drm_gpuva_remap(prev_vma ? &prev_vma->base : NULL,
			next_vma ? &next_vma->base : NULL, &op->remap);

	if (prev_vma)
		panthor_vma_link(prev_vma, unmap_vma->base.vm_bo);
	if (next_vma)
		panthor_vma_link(next_vma, unmap_vma->base.vm_bo);

	panthor_vma_unlink(vm, unmap_vma);
	return 0;
}

static int panthor_gpuva_sm_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct panthor_vma *unmap_vma = to_panthor_vma(op->unmap.va);
	struct panthor_vm *vm = priv;

	if (!unmap_vma->evicted)
		panthor_vm_unmap_pages(vm, unmap_vma->base.va.addr, unmap_vma->base.va.range);

	drm_gpuva_unmap(&op->unmap);
	panthor_vma_unlink(vm, unmap_vma);
	return 0;
}

static int panthor_vm_exec_op(struct panthor_vm *vm, struct panthor_vm_op_ctx *op)
{
	int ret;

	mutex_lock(&vm->op_lock);
	vm->op_ctx = op;
	panthor_vm_lock_region(vm, op->va.addr, op->va.range);

	switch (op->flags & DRM_PANTHOR_VM_BIND_OP_TYPE_MASK) {
	case DRM_PANTHOR_VM_BIND_OP_TYPE_MAP:
	{
		struct drm_gpuvm_map_req req = {
			.map.va.addr = op->va.addr,
			.map.va.range = op->va.range,
			.map.gem.obj = &op->map.bo->base,
			.map.gem.offset = op->map.bo_offset,
		};

		ret = drm_gpuvm_sm_map(&vm->base, vm, &req);
		break;
	}
	case DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP:
		ret = drm_gpuvm_sm_unmap(&vm->base, vm, op->va.addr, op->va.range);
		break;
	default:
		ret = -EINVAL;
		break;
	}

	/* A split/merge that failed half-way left the tables inconsistent. */
	if (ret)
		WRITE_ONCE(vm->unusable, true);

	panthor_vm_unlock_region(vm);
	vm->op_ctx = NULL;
	mutex_unlock(&vm->op_lock);

	return ret;
}

/**
 * panthor_vm_map_bo_range() - map part of a BO in a VM (a synchronous
 * VM_BIND map).
 * @vm: the VM.
 * @bo: the BO.
 * @offset: offset in the BO, page aligned.
 * @size: bytes to map, page aligned.
 * @va: GPU virtual address, page aligned.
 * @flags: DRM_PANTHOR_VM_BIND_OP_MAP_* flags.
 *
 * Whatever was mapped in the range is unmapped first. The BO is pinned and
 * referenced while the operation runs; once done it is GPU-mapped, not
 * pinned.
 *
 * Return: 0, -EINVAL for a bad range or flags, or an allocation error.
 */
int panthor_vm_map_bo_range(struct panthor_vm *vm, struct panthor_gem_object *bo,
			    u64 offset, u64 size, u64 va, u32 flags)
{
	struct panthor_vm_op_ctx op_ctx;
	int ret;

	ret = panthor_vm_prepare_map_op_ctx(&op_ctx, vm, bo, offset, size, va, flags);
	if (ret)
		return ret;

	ret = panthor_vm_exec_op(vm, &op_ctx);
	panthor_vm_cleanup_op_ctx(&op_ctx, vm);

	return ret;
}

/**
 * panthor_vm_unmap_range() - unmap a VA range (a synchronous VM_BIND unmap).
 * @vm: the VM.
 * @va: start, page aligned.
 * @size: bytes, page aligned.
 *
 * Mappings straddling the range are split; evicted ranges are only dropped
 * from the VA tree, their page tables and pages are already gone.
 *
 * Return: 0, -EINVAL for a bad range, or an allocation error.
 */
int panthor_vm_unmap_range(struct panthor_vm *vm, u64 va, u64 size)
{
	struct panthor_vm_op_ctx op_ctx;
	int ret;

	ret = panthor_vm_prepare_unmap_op_ctx(&op_ctx, vm, va, size);
	if (ret)
		return ret;

	ret = panthor_vm_exec_op(vm, &op_ctx);
	panthor_vm_cleanup_op_ctx(&op_ctx, vm);

	return ret;
}

/**
 * panthor_vm_bo_is_mapped_locked() - does a vm_bo still have page-table
 * entries?
 * @vm_bo: the vm_bo; its BO's resv and gpuva lock must be held.
 *
 * An evicted vm_bo has none, except for ranges bound since its eviction:
 * those are mapped live (the bind pins the BO) until the next eviction or
 * the validation that restores the others.
 *
 * Return: true if some range of @vm_bo is mapped.
 */
bool panthor_vm_bo_is_mapped_locked(struct drm_gpuvm_bo *vm_bo)
{
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);
	struct drm_gpuva *va;

	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	if (!vm_bo->evicted)
		return true;

	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		if (!to_panthor_vma(va)->evicted)
			return true;
	}

	return false;
}

/**
 * panthor_vm_update_bo_reclaim_lru_locked() - put a private GPU-mapped BO
 * at the tail of its VM's LRU, and the VM on the device VM list.
 * @bo: the BO; its resv, its gpuva lock and the reclaim lock must be held.
 *
 * vm_bos without mappings left are skipped: a BO mapped in two VMs and
 * restored in one is private to that one.
 */
void panthor_vm_update_bo_reclaim_lru_locked(struct panthor_gem_object *bo)
{
	struct panthor_device *ptdev = to_panthor_device(bo->base.dev);
	struct panthor_vm *vm = NULL;
	struct drm_gpuvm_bo *vm_bo;

	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));
	lockdep_assert_held(&ptdev->reclaim.lock);

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		if (!panthor_vm_bo_is_mapped_locked(vm_bo))
			continue;

		/* A private BO has exactly one live mapping VM. */
		if (drm_WARN_ON(&ptdev->base, vm))
			break;

		vm = to_panthor_vm(vm_bo->vm);
	}

	if (drm_WARN_ON(&ptdev->base, !vm))
		return;

	drm_gem_lru_move_tail_locked(&vm->reclaim.lru, &bo->base);
	if (list_empty(&vm->reclaim.lru_node))
		list_move(&vm->reclaim.lru_node, &ptdev->reclaim.vms);
}

/**
 * panthor_vm_evict_bo_mappings_locked() - tear down the GPU mappings of a
 * BO being evicted.
 * @bo: the BO; its resv, its gpuva lock and the resv of every VM it is
 * mapped in must be held.
 *
 * Each VM's op_lock is only trylocked (this runs in reclaim). Ranges
 * already evicted are skipped: their entries are gone, and unmapping them
 * again is a bug io-pgtable warns about. Each vm_bo is marked evicted once
 * its ranges are unmapped, so a failure on a later VM leaves a consistent
 * partial eviction that validation repairs.
 *
 * Return: 0, or -EDEADLK if a VM op_lock is contended.
 */
int panthor_vm_evict_bo_mappings_locked(struct panthor_gem_object *bo)
{
	struct drm_gpuvm_bo *vm_bo;

	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		struct panthor_vm *vm = to_panthor_vm(vm_bo->vm);
		struct drm_gpuva *va;

		/*
		 * An evicted vm_bo is not skipped whole: a range bound since
		 * its eviction is live and must go like the others.
		 */
		if (!mutex_trylock(&vm->op_lock))
			return -EDEADLK;

		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			struct panthor_vma *vma = to_panthor_vma(va);

			if (vma->evicted)
				continue;

			panthor_vm_lock_region(vm, va->va.addr, va->va.range);
			panthor_vm_unmap_pages(vm, va->va.addr, va->va.range);
			panthor_vm_unlock_region(vm);
			vma->evicted = true;
		}

		drm_gpuvm_bo_evict(vm_bo, true);
		mutex_unlock(&vm->op_lock);
	}

	return 0;
}

/*
 * Find the first evicted mapping of @vm_bo and set @op_ctx up to restore
 * it. op_lock is only held for the lookup: page tables for the restore are
 * allocated without it.
 */
static struct panthor_vma *select_evicted_vma(struct drm_gpuvm_bo *vm_bo,
					      struct panthor_vm_op_ctx *op_ctx)
{
	struct panthor_vm *vm = to_panthor_vm(vm_bo->vm);
	struct panthor_vma *found = NULL;
	struct drm_gpuva *va;

	mutex_lock(&vm->op_lock);
	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		struct panthor_vma *vma = to_panthor_vma(va);

		if (!vma->evicted)
			continue;

		panthor_vm_init_op_ctx(op_ctx, va->va.range, va->va.addr,
				       vma->flags | DRM_PANTHOR_VM_BIND_OP_TYPE_MAP);
		op_ctx->map.bo_offset = va->gem.offset;
		found = vma;
		break;
	}
	mutex_unlock(&vm->op_lock);

	return found;
}

static int remap_evicted_vma(struct drm_gpuvm_bo *vm_bo, struct panthor_vma *evicted,
			     struct panthor_vm_op_ctx *op_ctx)
{
	struct panthor_vm *vm = to_panthor_vm(vm_bo->vm);
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);
	struct drm_gpuva *va;
	bool still_there = false;
	int ret;

	ret = panthor_vm_op_ctx_prealloc_pts(vm, op_ctx);
	if (ret)
		goto out_cleanup;

	mutex_lock(&vm->op_lock);

	/*
	 * The mapping may have been unmapped while op_lock was dropped, and
	 * another allocated at the same address. Eviction and restore both
	 * run with the BO resv held, which we hold: a mapping of this vm_bo
	 * at that address that is still marked evicted is ours.
	 */
	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		if (to_panthor_vma(va) == evicted) {
			still_there = evicted->evicted;
			break;
		}
	}

	if (still_there) {
		vm->op_ctx = op_ctx;
		panthor_vm_lock_region(vm, evicted->base.va.addr, evicted->base.va.range);
		ret = panthor_vm_map_pages(vm, evicted->base.va.addr,
					   flags_to_prot(evicted->flags), bo->dmap.sgt,
					   evicted->base.gem.offset, evicted->base.va.range);
		if (!ret)
			evicted->evicted = false;
		panthor_vm_unlock_region(vm);
		vm->op_ctx = NULL;
	}

	mutex_unlock(&vm->op_lock);

out_cleanup:
	panthor_vm_cleanup_op_ctx(op_ctx, vm);
	return ret;
}

static int panthor_vm_restore_vmas(struct drm_gpuvm_bo *vm_bo)
{
	struct panthor_vm *vm = to_panthor_vm(vm_bo->vm);
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);
	struct panthor_vm_op_ctx op_ctx;
	struct panthor_vma *vma;

	if (drm_WARN_ON_ONCE(&vm->ptdev->base, !bo->dmap.sgt))
		return -EINVAL;

	while ((vma = select_evicted_vma(vm_bo, &op_ctx))) {
		int ret = remap_evicted_vma(vm_bo, vma, &op_ctx);

		if (ret)
			return ret;
	}

	return 0;
}

/*
 * drm_gpuvm_validate() hook, for each vm_bo on the VM's evict list, with
 * the VM resv and the BO resv held: bring the pages back whatever happened
 * to the BO meanwhile (a CPU fault or a pin may have repopulated it
 * already), map every evicted range again, then count the BO as GPU-mapped.
 */
static int panthor_vm_bo_validate(struct drm_gpuvm_bo *vm_bo, struct drm_exec *exec)
{
	struct panthor_gem_object *bo = to_panthor_bo(vm_bo->obj);
	int ret;

	dma_resv_assert_held(bo->base.resv);

	ret = panthor_gem_swapin_locked(bo);
	if (!ret)
		ret = panthor_vm_restore_vmas(vm_bo);
	if (!ret)
		drm_gpuvm_bo_evict(vm_bo, false);

	/*
	 * Whatever failed, the pages may be back (a failed sg table keeps
	 * them): the BO must not stay parked as unreclaimable.
	 */
	panthor_gem_update_reclaim_state(bo);
	return ret;
}

static void panthor_vm_free(struct drm_gpuvm *gpuvm)
{
	struct panthor_vm *vm = to_panthor_vm(gpuvm);
	struct panthor_device *ptdev = vm->ptdev;

	mutex_lock(&ptdev->reclaim.lock);
	list_del_init(&vm->reclaim.lru_node);
	drm_WARN_ON(&ptdev->base, vm->reclaim.lru.count);
	mutex_unlock(&ptdev->reclaim.lock);

	free_io_pgtable_ops(vm->pgtbl_ops);
	drm_WARN_ON(&ptdev->base, vm->root_page_table);

	mutex_destroy(&vm->op_lock);
	kfree(vm);
}

static const struct drm_gpuvm_ops panthor_gpuvm_ops = {
	.vm_free = panthor_vm_free,
	.sm_step_map = panthor_gpuva_sm_step_map,
	.sm_step_remap = panthor_gpuva_sm_step_remap,
	.sm_step_unmap = panthor_gpuva_sm_step_unmap,
	.vm_bo_validate = panthor_vm_bo_validate,
};

/**
 * panthor_vm_create() - create a VM.
 * @ptdev: the device.
 * @for_mcu: the firmware's VM.
 * @kernel_va_start: start of the range reserved for kernel mappings.
 * @kernel_va_size: size of that range.
 *
 * The VA space spans PANTHOR_VM_VA_BITS bits; the VM and the BOs created
 * for it alone share one resv. As in the driver, the kernel range is not
 * reserved in the VA space: it is where kernel BOs get mapped, and the
 * ioctl layer keeps user binds out of it.
 *
 * Return: the VM with one reference, or an ERR_PTR.
 */
struct panthor_vm *panthor_vm_create(struct panthor_device *ptdev, bool for_mcu,
				     u64 kernel_va_start, u64 kernel_va_size)
{
	u64 va_range = 1ULL << PANTHOR_VM_VA_BITS;
	struct io_pgtable_cfg pgtbl_cfg;
	struct drm_gem_object *dummy_gem;
	struct panthor_vm *vm;
	int ret;

	if (kernel_va_size > va_range || kernel_va_start > va_range - kernel_va_size)
		return ERR_PTR(-EINVAL);

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	dummy_gem = drm_gpuvm_resv_object_alloc(&ptdev->base);
	if (!dummy_gem) {
		ret = -ENOMEM;
		goto err_free_vm;
	}

	mutex_init(&vm->op_lock);
	vm->ptdev = ptdev;
	atomic_set(&vm->active_cnt, 0);
	drm_gem_lru_init(&vm->reclaim.lru, &ptdev->reclaim.lock);
	INIT_LIST_HEAD(&vm->reclaim.lru_node);
	INIT_LIST_HEAD(&vm->pool_node);

	pgtbl_cfg = (struct io_pgtable_cfg) {
		.pgsize_bitmap = SZ_4K,
		.ias = PANTHOR_VM_VA_BITS,
		.oas = 48,
		.coherent_walk = ptdev->coherent,
		.tlb = &mmu_tlb_ops,
		.iommu_dev = ptdev->base.dev,
		.alloc = alloc_pt,
		.free = free_pt,
	};

	/* The configuration is fixed and valid: only allocations can fail. */
	vm->pgtbl_ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &pgtbl_cfg, vm);
	if (!vm->pgtbl_ops) {
		ret = -ENOMEM;
		goto err_put_dummy;
	}

	drm_gpuvm_init(&vm->base, for_mcu ? "panthor-MCU-VM" : "panthor-GPU-VM",
		       DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_IMMEDIATE_MODE, &ptdev->base, dummy_gem,
		       0, va_range, 0, 0, &panthor_gpuvm_ops);
	drm_gem_object_put(dummy_gem);

	return vm;

err_put_dummy:
	drm_gem_object_put(dummy_gem);
	mutex_destroy(&vm->op_lock);
err_free_vm:
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * panthor_vm_get() - take a reference on a VM.
 * @vm: the VM, or NULL.
 *
 * Return: @vm.
 */
struct panthor_vm *panthor_vm_get(struct panthor_vm *vm)
{
	if (vm)
		drm_gpuvm_get(&vm->base);

	return vm;
}

/**
 * panthor_vm_put() - drop a reference on a VM.
 * @vm: the VM, or NULL.
 */
void panthor_vm_put(struct panthor_vm *vm)
{
	if (vm)
		drm_gpuvm_put(&vm->base);
}

/**
 * panthor_vm_destroy() - unmap everything from a VM and drop the creator's
 * reference.
 * @vm: the VM, or NULL.
 *
 * Mappings are what keeps BOs tied to the VM: once they are gone, the
 * vm_bos go, and with them their VM references.
 */
void panthor_vm_destroy(struct panthor_vm *vm)
{
	if (!vm)
		return;

	WRITE_ONCE(vm->destroyed, true);
	drm_WARN_ON(&vm->ptdev->base,
		    panthor_vm_unmap_range(vm, vm->base.mm_start, vm->base.mm_range));
	panthor_vm_put(vm);
}

/**
 * panthor_vm_active() - a job of this VM is about to run on the GPU.
 * @vm: the VM.
 *
 * The first active job moves the VM to the tail of the device VM list:
 * the shrinker reclaims its private BOs last. If the job then does not
 * run, the VM is merely reclaimed a little later than it should be.
 *
 * Return: 0, or -EINVAL for a VM that can't run jobs any more.
 */
int panthor_vm_active(struct panthor_vm *vm)
{
	struct panthor_device *ptdev = vm->ptdev;

	if (READ_ONCE(vm->unusable) || READ_ONCE(vm->destroyed))
		return -EINVAL;

	if (atomic_inc_return(&vm->active_cnt) > 1)
		return 0;

	/*
	 * A VM on some list may be mid-scan, its LRU count lowered by the
	 * BOs the scan holds aside: it moves all the same, or the scan would
	 * put it back at the head.
	 */
	mutex_lock(&ptdev->reclaim.lock);
	if (vm->reclaim.lru.count || !list_empty(&vm->reclaim.lru_node))
		list_move_tail(&vm->reclaim.lru_node, &ptdev->reclaim.vms);
	mutex_unlock(&ptdev->reclaim.lock);

	return 0;
}

/**
 * panthor_vm_idle() - a job of this VM left the GPU.
 * @vm: the VM.
 */
void panthor_vm_idle(struct panthor_vm *vm)
{
	drm_WARN_ON(&vm->ptdev->base, atomic_dec_return(&vm->active_cnt) < 0);
}

/**
 * panthor_vm_prepare_mapped_bos_resvs() - lock a VM and every BO mapped in
 * it for a job, and make sure everything is resident and mapped.
 * @exec: the locking context, inside drm_exec_until_all_locked().
 * @vm: the VM.
 * @slot_count: fence slots to reserve in each resv.
 *
 * Shared BOs reach the VM's evict list when drm_gpuvm_prepare_objects()
 * locks them (drm_gpuvm has no other way to see them evicted), so the
 * objects are prepared before the VM is validated.
 *
 * Return: 0, -EDEADLK on contention (retry the loop), or an error of the
 * restore path.
 */
int panthor_vm_prepare_mapped_bos_resvs(struct drm_exec *exec, struct panthor_vm *vm,
					u32 slot_count)
{
	int ret;

	ret = drm_gpuvm_prepare_vm(&vm->base, exec, slot_count);
	if (ret)
		return ret;

	ret = drm_gpuvm_prepare_objects(&vm->base, exec, slot_count);
	if (ret)
		return ret;

	return drm_gpuvm_validate(&vm->base, exec);
}

/**
 * panthor_vm_update_resvs() - add a job's fence to the resvs of a VM and of
 * the shared BOs mapped in it.
 * @vm: the VM.
 * @exec: the locking context that prepared them.
 * @fence: the job's done fence.
 * @private_usage: usage for the VM resv (shared by its private BOs).
 * @extobj_usage: usage for each shared BO's resv.
 */
void panthor_vm_update_resvs(struct panthor_vm *vm, struct drm_exec *exec,
			     struct dma_fence *fence, enum dma_resv_usage private_usage,
			     enum dma_resv_usage extobj_usage)
{
	drm_gpuvm_resv_add_fence(&vm->base, exec, fence, private_usage, extobj_usage);
}

/**
 * panthor_vm_validate() - restore every evicted mapping of a VM.
 * @vm: the VM.
 *
 * What a submission does before its job runs, without the job: lock the VM
 * and its BOs, swap evicted BOs in and map them again.
 *
 * Return: 0 or a negative errno.
 */
int panthor_vm_validate(struct panthor_vm *vm)
{
	struct drm_exec exec;
	int ret = 0;

	drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(&exec) {
		ret = panthor_vm_prepare_mapped_bos_resvs(&exec, vm, 0);
		drm_exec_retry_on_contention(&exec);
	}
	drm_exec_fini(&exec);

	return ret;
}

/**
 * panthor_vm_pool_create() - give a DRM file its (empty) VM pool.
 * @pfile: the file.
 *
 * Return: 0 or -ENOMEM.
 */
int panthor_vm_pool_create(struct panthor_file *pfile)
{
	struct panthor_vm_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return -ENOMEM;

	mutex_init(&pool->lock);
	INIT_LIST_HEAD(&pool->vms);
	pfile->vms = pool;
	return 0;
}

/**
 * panthor_vm_pool_destroy() - destroy every VM left in a file's pool, then
 * the pool, as closing the file does.
 * @pfile: the file; nothing else may use its pool any more.
 */
void panthor_vm_pool_destroy(struct panthor_file *pfile)
{
	struct panthor_vm_pool *pool = pfile->vms;
	struct panthor_vm *vm;

	if (!pool)
		return;

	while ((vm = list_first_entry_or_null(&pool->vms, struct panthor_vm, pool_node)))
		panthor_vm_pool_destroy_vm(pool, vm);

	mutex_destroy(&pool->lock);
	kfree(pool);
	pfile->vms = NULL;
}

/**
 * panthor_vm_pool_create_vm() - create a user VM owned by a file's pool.
 * @ptdev: the device.
 * @pool: the pool of the file creating it.
 * @kernel_va_start: start of the range reserved for kernel BOs.
 * @kernel_va_size: its size.
 *
 * Return: the VM, which stays valid until panthor_vm_pool_destroy_vm() (the
 * pool holds the creation reference), or an ERR_PTR.
 */
struct panthor_vm *panthor_vm_pool_create_vm(struct panthor_device *ptdev,
					     struct panthor_vm_pool *pool,
					     u64 kernel_va_start, u64 kernel_va_size)
{
	struct panthor_vm *vm;

	vm = panthor_vm_create(ptdev, false, kernel_va_start, kernel_va_size);
	if (IS_ERR(vm))
		return vm;

	mutex_lock(&pool->lock);
	list_add_tail(&vm->pool_node, &pool->vms);
	mutex_unlock(&pool->lock);

	return vm;
}

/**
 * panthor_vm_pool_destroy_vm() - take a VM out of its file's pool and
 * destroy it, as the VM_DESTROY ioctl does.
 * @pool: the pool.
 * @vm: the VM.
 *
 * Return: 0, or -EINVAL if @vm is not in @pool.
 */
int panthor_vm_pool_destroy_vm(struct panthor_vm_pool *pool, struct panthor_vm *vm)
{
	struct panthor_vm *pos;
	bool found = false;

	mutex_lock(&pool->lock);
	list_for_each_entry(pos, &pool->vms, pool_node) {
		if (pos == vm) {
			list_del_init(&vm->pool_node);
			found = true;
			break;
		}
	}
	mutex_unlock(&pool->lock);

	if (!found)
		return -EINVAL;

	panthor_vm_destroy(vm);
	return 0;
}

/**
 * panthor_mmu_force_reclaim() - evict the BOs mapped only in the VMs of a
 * file, whatever the memory pressure.
 * @pfile: the file.
 *
 * Each VM's LRU of private BOs is scanned whole with the shrinker's own
 * eviction callback, so the same trylock-only rules apply and contended
 * BOs are merely counted as remaining. BOs mapped in several VMs are left
 * alone: they may be another process's too. Nothing is reclaimed without
 * swap, as for the shrinker: the contents would be lost.
 */
void panthor_mmu_force_reclaim(struct panthor_file *pfile)
{
	struct panthor_device *ptdev = pfile->ptdev;
	struct panthor_vm_pool *pool = pfile->vms;
	unsigned long freed = 0, remaining = 0;
	struct panthor_vm *vm;

	if (get_nr_swap_pages() <= 0)
		return;

	mutex_lock(&pool->lock);
	list_for_each_entry(vm, &pool->vms, pool_node) {
		unsigned long nr = READ_ONCE(vm->reclaim.lru.count);

		if (!nr)
			continue;

		freed += drm_gem_lru_scan(&vm->reclaim.lru, min_t(unsigned long, nr, UINT_MAX),
					  &remaining, panthor_gem_try_evict, NULL);
	}
	mutex_unlock(&pool->lock);

	drm_dbg(&ptdev->base, "force reclaim of tgid %d: freed %lu pages (%lu bytes), %lu remaining\n",
		pfile->tgid, freed, freed << PAGE_SHIFT, remaining);
}

/**
 * panthor_mmu_force_claim() - swap every VM of a file back in.
 * @pfile: the file.
 *
 * Each VM is validated as a submission would validate it: drm_exec locks
 * the VM resv and the resv of every BO shared with other VMs, which puts
 * evicted shared BOs on the VM's evict list too, and drm_gpuvm_validate()
 * swaps each evicted BO in and maps its ranges again.
 */
void panthor_mmu_force_claim(struct panthor_file *pfile)
{
	struct panthor_vm_pool *pool = pfile->vms;
	struct panthor_vm *vm;

	mutex_lock(&pool->lock);
	list_for_each_entry(vm, &pool->vms, pool_node) {
		int ret = panthor_vm_validate(vm);

		if (ret)
			drm_dbg(&vm->ptdev->base, "claim of tgid %d: validate failed: %d\n",
				pfile->tgid, ret);
	}
	mutex_unlock(&pool->lock);
}

/**
 * panthor_mmu_reclaim_priv_bos() - reclaim private GPU-mapped BOs, VM by
 * VM in LRU order.
 * @ptdev: the device.
 * @nr_to_scan: pages to free.
 * @remaining: incremented by pages that stay reclaimable.
 * @shrink: the eviction callback for drm_gem_lru_scan().
 *
 * The VM list is taken whole. Each VM is pinned with a reference (VMs
 * being destroyed are dropped from the list) and scanned with the reclaim
 * lock released. VMs with BOs left keep their order and go back at the
 * head of the device list, ahead of the VMs not scanned; a VM that became
 * active meanwhile was moved by panthor_vm_active() and stays there.
 *
 * Return: pages freed.
 */
unsigned long
panthor_mmu_reclaim_priv_bos(struct panthor_device *ptdev, unsigned int nr_to_scan,
			     unsigned long *remaining,
			     bool (*shrink)(struct drm_gem_object *obj,
					    struct ww_acquire_ctx *ticket))
{
	unsigned long freed = 0;
	LIST_HEAD(remaining_vms);
	LIST_HEAD(vms);

	mutex_lock(&ptdev->reclaim.lock);
	list_splice_init(&ptdev->reclaim.vms, &vms);

	while (freed < nr_to_scan) {
		struct panthor_vm *vm;

		vm = list_first_entry_or_null(&vms, typeof(*vm), reclaim.lru_node);
		if (!vm)
			break;

		if (!kref_get_unless_zero(&vm->base.kref)) {
			list_del_init(&vm->reclaim.lru_node);
			continue;
		}

		mutex_unlock(&ptdev->reclaim.lock);

		freed += drm_gem_lru_scan(&vm->reclaim.lru, nr_to_scan - freed,
					  remaining, shrink, NULL);

		mutex_lock(&ptdev->reclaim.lock);

		/*
		 * Still first on our private list: nobody moved it meanwhile.
		 * Off every list: activation moved it and a concurrent scan
		 * took it and dropped it, finding its LRU empty because our
		 * scan had its BOs on the side; they are back now, so is it.
		 */
		if (vm->reclaim.lru_node.prev == &vms || list_empty(&vm->reclaim.lru_node)) {
			list_del_init(&vm->reclaim.lru_node);
			if (vm->reclaim.lru.count > 0)
				list_add_tail(&vm->reclaim.lru_node, &remaining_vms);
		}

		mutex_unlock(&ptdev->reclaim.lock);

		/* The last reference may free the VM, which takes the reclaim lock. */
		drm_gpuvm_put(&vm->base);

		mutex_lock(&ptdev->reclaim.lock);
	}

	list_splice_tail(&vms, &remaining_vms);
	list_splice(&remaining_vms, &ptdev->reclaim.vms);
	mutex_unlock(&ptdev->reclaim.lock);

	return freed;
}

/**
 * panthor_mmu_init() - set up the MMU state of a device.
 * @ptdev: the device.
 *
 * Return: 0 or -ENOMEM.
 */
int panthor_mmu_init(struct panthor_device *ptdev)
{
	struct panthor_mmu *mmu;

	mmu = kzalloc(sizeof(*mmu), GFP_KERNEL);
	if (!mmu)
		return -ENOMEM;

	mmu->pt_cache = kmem_cache_create("panthor-mmu-pt", SZ_4K, SZ_4K, 0, NULL);
	if (!mmu->pt_cache) {
		kfree(mmu);
		return -ENOMEM;
	}

	ptdev->mmu = mmu;
	return 0;
}

/**
 * panthor_mmu_unplug() - tear down what panthor_mmu_init() set up.
 * @ptdev: the device; every VM must be gone.
 */
void panthor_mmu_unplug(struct panthor_device *ptdev)
{
	struct panthor_mmu *mmu = ptdev->mmu;

	if (!mmu)
		return;

	kmem_cache_destroy(mmu->pt_cache);
	kfree(mmu);
	ptdev->mmu = NULL;
}
