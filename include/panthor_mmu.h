/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * panthor VMs: VA space, page tables, VM_BIND, and their part in reclaim
 * (the per-VM LRU of private GPU-mapped BOs, GPU-side eviction and
 * restore).
 */
#ifndef __PANTHOR_MMU_H__
#define __PANTHOR_MMU_H__

#include <linux/atomic.h>
#include <linux/dma-resv.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/ww_mutex.h>

#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>

struct dma_fence;
struct drm_exec;
struct drm_gem_object;
struct io_pgtable_ops;
struct panthor_device;
struct panthor_gem_object;
struct panthor_vm_op_ctx;

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

	/** @for_mcu: the firmware's VM. */
	bool for_mcu;

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

	/** @kernel_auto_va: the range kernel BOs are mapped in. */
	struct {
		/** @kernel_auto_va.start: first address. */
		u64 start;

		/** @kernel_auto_va.end: end of the range (exclusive). */
		u64 end;
	} kernel_auto_va;

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


static inline struct panthor_vm *to_panthor_vm(struct drm_gpuvm *gpuvm)
{
	return container_of(gpuvm, struct panthor_vm, base);
}

static inline struct panthor_vma *to_panthor_vma(struct drm_gpuva *va)
{
	return container_of(va, struct panthor_vma, base);
}

int panthor_mmu_init(struct panthor_device *ptdev);
void panthor_mmu_unplug(struct panthor_device *ptdev);

struct panthor_vm *panthor_vm_create(struct panthor_device *ptdev, bool for_mcu,
				     u64 kernel_va_start, u64 kernel_va_size);
struct panthor_vm *panthor_vm_get(struct panthor_vm *vm);
void panthor_vm_put(struct panthor_vm *vm);
void panthor_vm_destroy(struct panthor_vm *vm);

int panthor_vm_map_bo_range(struct panthor_vm *vm, struct panthor_gem_object *bo,
			    u64 offset, u64 size, u64 va, u32 flags);
int panthor_vm_unmap_range(struct panthor_vm *vm, u64 va, u64 size);

int panthor_vm_active(struct panthor_vm *vm);
void panthor_vm_idle(struct panthor_vm *vm);
int panthor_vm_prepare_mapped_bos_resvs(struct drm_exec *exec, struct panthor_vm *vm,
					u32 slot_count);
void panthor_vm_update_resvs(struct panthor_vm *vm, struct drm_exec *exec,
			     struct dma_fence *fence, enum dma_resv_usage private_usage,
			     enum dma_resv_usage extobj_usage);
int panthor_vm_validate(struct panthor_vm *vm);

struct drm_gem_object *panthor_vm_root_gem(struct panthor_vm *vm);
struct io_pgtable_ops *panthor_vm_pgtbl_ops(struct panthor_vm *vm);

bool panthor_vm_bo_is_mapped_locked(struct drm_gpuvm_bo *vm_bo);
void panthor_vm_update_bo_reclaim_lru_locked(struct panthor_gem_object *bo);
int panthor_vm_evict_bo_mappings_locked(struct panthor_gem_object *bo);
unsigned long
panthor_mmu_reclaim_priv_bos(struct panthor_device *ptdev, unsigned int nr_to_scan,
			     unsigned long *remaining,
			     bool (*shrink)(struct drm_gem_object *obj,
					    struct ww_acquire_ctx *ticket));

#endif
