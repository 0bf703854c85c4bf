/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * panthor VMs, reduced to their part in reclaim: the per-VM LRU of private
 * GPU-mapped BOs and the device list of VMs in LRU order.
 */
#ifndef __PANTHOR_MMU_H__
#define __PANTHOR_MMU_H__

#include <linux/types.h>
#include <linux/ww_mutex.h>

struct drm_gem_object;
struct panthor_device;
struct panthor_gem_object;
struct panthor_vm;

struct drm_gem_object *panthor_vm_root_gem(struct panthor_vm *vm);
void panthor_vm_update_bo_reclaim_lru_locked(struct panthor_gem_object *bo);
int panthor_vm_evict_bo_mappings_locked(struct panthor_gem_object *bo);
unsigned long
panthor_mmu_reclaim_priv_bos(struct panthor_device *ptdev, unsigned int nr_to_scan,
			     unsigned long *remaining,
			     bool (*shrink)(struct drm_gem_object *obj,
					    struct ww_acquire_ctx *ticket));

#endif
