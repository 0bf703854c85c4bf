/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * panthor GEM objects: lazily allocated shmem backing, CPU and device
 * mappings, and the reclaim state that places a BO on an LRU.
 */
#ifndef __PANTHOR_GEM_H__
#define __PANTHOR_GEM_H__

#include <linux/iosys-map.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/shrinker.h>
#include <linux/ww_mutex.h>

#include <drm/drm_gem.h>
#include <drm/panthor_drm.h>

#include "panthor_compat.h"

struct panthor_device;
struct panthor_vm;
struct sg_table;
struct drm_minor;

/**
 * enum panthor_gem_reclaim_state - how hard a BO is to reclaim.
 *
 * Ordered from easiest to hardest: try_evict() compares states to detect a
 * BO that became harder to reclaim since it was put on its LRU.
 */
enum panthor_gem_reclaim_state {
	/** @PANTHOR_GEM_UNUSED: has pages, nothing maps them. */
	PANTHOR_GEM_UNUSED,

	/** @PANTHOR_GEM_MMAPPED: has pages, mapped by userspace only. */
	PANTHOR_GEM_MMAPPED,

	/** @PANTHOR_GEM_GPU_MAPPED_PRIVATE: mapped in exactly one VM. */
	PANTHOR_GEM_GPU_MAPPED_PRIVATE,

	/** @PANTHOR_GEM_GPU_MAPPED_SHARED: mapped in several VMs. */
	PANTHOR_GEM_GPU_MAPPED_SHARED,

	/**
	 * @PANTHOR_GEM_UNRECLAIMABLE: no pages, or pinned. Every BO starts
	 * here: pages are only allocated when first needed.
	 */
	PANTHOR_GEM_UNRECLAIMABLE,
};

/**
 * struct panthor_gem_backing - memory backing of a BO.
 */
struct panthor_gem_backing {
	/**
	 * @pages: pages from drm_gem_get_pages(), or NULL: never an error
	 * pointer. Allocated on first use, kept until eviction or free.
	 */
	struct page **pages;

	/** @pin_count: pin requests; 0<->1 only under the BO resv. */
	refcount_t pin_count;
};

/**
 * struct panthor_gem_cpu_map - CPU mappings of a BO.
 */
struct panthor_gem_cpu_map {
	/** @vaddr: kernel mapping from vmap(), NULL if none. */
	void *vaddr;

	/** @vaddr_use_count: vmap() users; a vmapped BO is pinned. */
	refcount_t vaddr_use_count;

	/** @mmap_count: live userspace VMAs; 0<->1 only under the BO resv. */
	refcount_t mmap_count;
};

/**
 * struct panthor_gem_dev_map - device mapping of a BO.
 */
struct panthor_gem_dev_map {
	/** @sgt: DMA-mapped sg table over @backing.pages, or NULL. */
	struct sg_table *sgt;
};

/**
 * struct panthor_gem_debugfs - bookkeeping for the debugfs gems file.
 */
struct panthor_gem_debugfs {
	/** @node: link in panthor_device::gems.node. */
	struct list_head node;

	/** @creator: the process that created the BO. */
	struct {
		/** @creator.process_name: its comm. */
		char process_name[16];

		/** @creator.tgid: its TGID. */
		pid_t tgid;
	} creator;
};

/**
 * struct panthor_gem_object - a panthor buffer object.
 */
struct panthor_gem_object {
	/** @base: the GEM object. */
	struct drm_gem_object base;

	/** @backing: memory backing. */
	struct panthor_gem_backing backing;

	/** @cmap: CPU mappings. */
	struct panthor_gem_cpu_map cmap;

	/** @dmap: device mapping. */
	struct panthor_gem_dev_map dmap;

	/**
	 * @reclaim_state: state last evaluated, which decides the LRU the
	 * BO is on. Changed with the resv and the gpuva lock held.
	 */
	enum panthor_gem_reclaim_state reclaim_state;

#ifndef PANTHOR_GEM_HAS_GPUVA_LOCK
	/** @gpuva_lock: protects base.gpuva.list (compat, see panthor_compat.h). */
	struct mutex gpuva_lock;
#endif

	/**
	 * @exclusive_vm_root_gem: root GEM of the only VM this BO may be
	 * mapped in, whose resv it shares; NULL for shareable BOs.
	 */
	struct drm_gem_object *exclusive_vm_root_gem;

	/** @flags: DRM_PANTHOR_BO_* creation flags. */
	u32 flags;

#ifdef CONFIG_DEBUG_FS
	/** @debugfs: debugfs bookkeeping. */
	struct panthor_gem_debugfs debugfs;
#endif
};

#define to_panthor_bo(obj) container_of_const(obj, struct panthor_gem_object, base)

#ifdef PANTHOR_GEM_HAS_GPUVA_LOCK
/**
 * panthor_gem_gpuva_lock() - the lock protecting the BO's gpuva list.
 * @bo: the BO.
 *
 * Return: the mutex.
 */
static inline struct mutex *panthor_gem_gpuva_lock(struct panthor_gem_object *bo)
{
	return &bo->base.gpuva.lock;
}
#else
/* Before 6.18 the lock is the driver's own (see panthor_compat.h). */
static inline struct mutex *panthor_gem_gpuva_lock(struct panthor_gem_object *bo)
{
	return &bo->gpuva_lock;
}
#endif

struct panthor_gem_object *
panthor_gem_create(struct drm_device *ddev, size_t size, u32 flags,
		   struct panthor_vm *exclusive_vm, u32 usage_flags);

int panthor_gem_pin(struct panthor_gem_object *bo);
void panthor_gem_unpin(struct panthor_gem_object *bo);
struct sg_table *panthor_gem_get_dev_sgt(struct panthor_gem_object *bo);
int panthor_gem_sync(struct panthor_gem_object *bo, u32 type, u64 offset, u64 size);
int panthor_gem_swapin_locked(struct panthor_gem_object *bo);

void panthor_gem_update_reclaim_state_locked(struct panthor_gem_object *bo,
					     enum panthor_gem_reclaim_state *old_state);
void panthor_gem_update_reclaim_state(struct panthor_gem_object *bo);
bool panthor_gem_try_evict(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket);

int panthor_gem_shrinker_init(struct panthor_device *ptdev);
void panthor_gem_shrinker_unplug(struct panthor_device *ptdev);

#ifdef CONFIG_DEBUG_FS
void panthor_gem_debugfs_init(struct drm_minor *minor);
#endif

#endif
