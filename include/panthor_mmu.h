/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * panthor VMs: VA space, page tables, VM_BIND, and their part in reclaim
 * (the per-VM LRU of private GPU-mapped BOs, GPU-side eviction and
 * restore).
 */
#ifndef __PANTHOR_MMU_H__
#define __PANTHOR_MMU_H__

#include <linux/dma-resv.h>
#include <linux/types.h>
#include <linux/ww_mutex.h>

#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>

struct dma_fence;
struct drm_exec;
struct drm_gem_object;
struct io_pgtable_ops;
struct list_head;
struct mutex;
struct panthor_device;
struct panthor_file;
struct panthor_gem_object;
struct panthor_vm_pool;
struct panthor_vm;

int panthor_mmu_init(struct panthor_device *ptdev);
void panthor_mmu_unplug(struct panthor_device *ptdev);

struct panthor_vm *panthor_vm_create(struct panthor_device *ptdev, bool for_mcu,
				     u64 kernel_va_start, u64 kernel_va_size);
struct panthor_vm *panthor_vm_get(struct panthor_vm *vm);
void panthor_vm_put(struct panthor_vm *vm);
void panthor_vm_destroy(struct panthor_vm *vm);

int panthor_vm_pool_create(struct panthor_file *pfile);
void panthor_vm_pool_destroy(struct panthor_file *pfile);
struct panthor_vm *panthor_vm_pool_create_vm(struct panthor_device *ptdev,
					     struct panthor_vm_pool *pool,
					     u64 kernel_va_start, u64 kernel_va_size);
int panthor_vm_pool_destroy_vm(struct panthor_vm_pool *pool, struct panthor_vm *vm);
void panthor_mmu_force_reclaim(struct panthor_file *pfile);
void panthor_mmu_force_claim(struct panthor_file *pfile);

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

/* Accessors for code that may not see the VM structs (tests, the harness). */
struct drm_gpuvm *panthor_vm_gpuvm(struct panthor_vm *vm);
struct panthor_vm *panthor_vm_from_gpuvm(struct drm_gpuvm *gpuvm);
struct mutex *panthor_vm_op_lock(struct panthor_vm *vm);
struct drm_gem_lru *panthor_vm_reclaim_lru(struct panthor_vm *vm);
bool panthor_vm_on_reclaim_list(struct panthor_vm *vm);
struct panthor_vm *panthor_vm_from_reclaim_node(struct list_head *node);
bool panthor_vma_is_evicted(struct drm_gpuva *va);

bool panthor_vm_bo_is_mapped_locked(struct drm_gpuvm_bo *vm_bo);
void panthor_vm_update_bo_reclaim_lru_locked(struct panthor_gem_object *bo);
int panthor_vm_evict_bo_mappings_locked(struct panthor_gem_object *bo);
unsigned long
panthor_mmu_reclaim_priv_bos(struct panthor_device *ptdev, unsigned int nr_to_scan,
			     unsigned long *remaining,
			     bool (*shrink)(struct drm_gem_object *obj,
					    struct ww_acquire_ctx *ticket));

#endif
