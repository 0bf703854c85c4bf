/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Differences between the kernel API the lib/ sources are written against
 * (the panthor shrinker series' base, early 2026, which the userspace shim
 * mirrors) and the oldest kernel they must still build against (6.12).
 * Each difference is named where it is handled; nothing else may go here.
 *
 * Every entry is gated on LINUX_VERSION_CODE. The shim says 6.19, so the
 * userspace build always sees the early-2026 side and none of the code
 * below. Only 6.12 and the 2026 base are checked (docs/kernel-6.12-api.md);
 * the version each entry names is the release that brought the change.
 */
#ifndef __PANTHOR_COMPAT_H__
#define __PANTHOR_COMPAT_H__

#include <linux/version.h>

/*
 * struct drm_gem_object grew a gpuva.lock mutex in 6.18; before that the
 * driver provides the lock protecting the GEM's gpuva list itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define PANTHOR_GEM_HAS_GPUVA_LOCK 1
#endif

/*
 * Since 6.18, a VM created with DRM_GPUVM_IMMEDIATE_MODE protects the
 * GEMs' gpuva lists with their gpuva.lock rather than their resv. Before
 * that, drm_gem_gpuva_set_lock() names the lock and the flag does not exist.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
#define DRM_GPUVM_IMMEDIATE_MODE 0
#endif

/*
 * uapi: DRM_PANTHOR_BO_WB_MMAP (cached CPU mappings) and the BO sync
 * operation types came with the BO sync ioctl in 6.19.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define DRM_PANTHOR_BO_WB_MMAP (1 << 1)
#define DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH 0
#define DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE 1
#endif

/*
 * drm_dev_dma_dev() (and drm_device.dma_dev, the override it returns) came
 * in 6.16. Before that the DMA device of a DRM device is always its parent.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#include <drm/drm_device.h>

static inline struct device *drm_dev_dma_dev(struct drm_device *dev)
{
	return dev->dev;
}
#endif

/*
 * drm_gem_lru_scan() got its ww_acquire_ctx ticket, which it also passes
 * to the shrink callback, in 6.17. Before that the core cannot call a
 * two-argument callback, so the lib brings its own scan with the newer
 * signature (lib/panthor_compat.c) and every call site is routed to it.
 * drm_gem.h is included first so that its own declaration keeps its name.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#include <linux/ww_mutex.h>
#include <drm/drm_gem.h>

#define PANTHOR_COMPAT_GEM_LRU_SCAN 1

unsigned long
panthor_compat_gem_lru_scan(struct drm_gem_lru *lru, unsigned int nr_to_scan,
			    unsigned long *remaining,
			    bool (*shrink)(struct drm_gem_object *obj,
					   struct ww_acquire_ctx *ticket),
			    struct ww_acquire_ctx *ticket);

#define drm_gem_lru_scan panthor_compat_gem_lru_scan
#endif

/*
 * drm_gpuvm_sm_map() takes its request as a struct drm_gpuvm_map_req
 * since 6.17; before that the range and the GEM were separate arguments.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#include <drm/drm_gpuvm.h>

struct drm_gpuvm_map_req {
	struct drm_gpuva_op_map map;
};

static inline int panthor_compat_gpuvm_sm_map(struct drm_gpuvm *gpuvm, void *priv,
					      const struct drm_gpuvm_map_req *req)
{
	return drm_gpuvm_sm_map(gpuvm, priv, req->map.va.addr, req->map.va.range,
				req->map.gem.obj, req->map.gem.offset);
}

#define drm_gpuvm_sm_map panthor_compat_gpuvm_sm_map
#endif

#endif
