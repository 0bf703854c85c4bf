// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The reclaim side of panthor VMs: each VM keeps an LRU of the BOs mapped
 * only in it, and the device keeps the VMs holding such BOs in LRU order
 * (least recently active first), so the shrinker reclaims from idle VMs
 * before busy ones.
 *
 * The VA management half of a VM (VM_BIND, page tables, validation) is not
 * part of shrinkwrap yet; see panthor_vm_evict_bo_mappings_locked().
 */

#include <linux/list.h>
#include <linux/mutex.h>

#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_print.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

/**
 * struct panthor_vm - a GPU VM.
 */
struct panthor_vm {
	/** @base: the GPU VA space; its kref is the VM's refcount. */
	struct drm_gpuvm base;

	/** @ptdev: the device. */
	struct panthor_device *ptdev;

	/** @op_lock: serialises page-table updates of this VM. */
	struct mutex op_lock;

	/** @reclaim: reclaim bookkeeping, under panthor_device::reclaim.lock. */
	struct {
		/** @reclaim.lru: BOs GPU-mapped in this VM only. */
		struct drm_gem_lru lru;

		/** @reclaim.lru_node: link in panthor_device::reclaim.vms. */
		struct list_head lru_node;
	} reclaim;
};

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
 * panthor_vm_update_bo_reclaim_lru_locked() - put a private GPU-mapped BO
 * at the tail of its VM's LRU, and the VM on the device VM list.
 * @bo: the BO; its resv, its gpuva lock and the reclaim lock must be held.
 *
 * Evicted vm_bos are skipped: a BO mapped in two VMs and restored in one
 * is private to that one.
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
		if (vm_bo->evicted)
			continue;

		/* A private BO has exactly one live mapping VM. */
		if (drm_WARN_ON(&ptdev->base, vm))
			break;

		vm = container_of(vm_bo->vm, struct panthor_vm, base);
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
 * @bo: the BO; its resv and gpuva lock must be held.
 *
 * Return: 0 when the BO has no live GPU mapping. GPU-side eviction needs
 * the VA half of the VM, which shrinkwrap does not have yet: a BO with a
 * live mapping WARNs and is refused with -EOPNOTSUPP, never evicted with
 * its page tables still pointing at its pages.
 */
int panthor_vm_evict_bo_mappings_locked(struct panthor_gem_object *bo)
{
	struct drm_gpuvm_bo *vm_bo;

	dma_resv_assert_held(bo->base.resv);
	lockdep_assert_held(panthor_gem_gpuva_lock(bo));

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		if (!vm_bo->evicted) {
			drm_WARN_ONCE(bo->base.dev, 1, "GPU-side eviction not implemented\n");
			return -EOPNOTSUPP;
		}
	}

	return 0;
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

		/* Still first on our private list: nobody moved it meanwhile. */
		if (vm->reclaim.lru_node.prev == &vms) {
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
