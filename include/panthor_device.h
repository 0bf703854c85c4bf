/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * The panthor device, reduced to what GEM backing and reclaim need.
 */
#ifndef __PANTHOR_DEVICE_H__
#define __PANTHOR_DEVICE_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/shrinker.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>

struct attribute_group;
struct drm_file;
struct panthor_mmu;
struct panthor_vm_pool;

/**
 * struct panthor_device - the device.
 */
struct panthor_device {
	/** @base: the DRM device. */
	struct drm_device base;

	/** @coherent: true if the CPU and GPU caches are coherent. */
	bool coherent;

	/** @mmu: MMU state shared by the VMs (panthor_mmu.c). */
	struct panthor_mmu *mmu;

	/** @reclaim: BO reclaim state. */
	struct {
		/** @reclaim.shrinker: the shrinker, NULL until registered. */
		struct shrinker *shrinker;

		/**
		 * @reclaim.lock: protects every LRU below (the device ones and
		 * each VM's), the VM list and @reclaim.gpu_mapped_count.
		 */
		struct mutex lock;

		/**
		 * @reclaim.unused: BOs with pages that nothing maps: the cheapest
		 * to reclaim (no user mapping to tear down, no GPU to wait for).
		 */
		struct drm_gem_lru unused;

		/**
		 * @reclaim.mmapped: BOs with pages mapped by userspace only: their
		 * CPU mappings are zapped and fault the pages back in on access.
		 */
		struct drm_gem_lru mmapped;

		/**
		 * @reclaim.gpu_mapped_shared: BOs mapped in several VMs: the
		 * hardest to reclaim, every VM's mappings must be torn down.
		 */
		struct drm_gem_lru gpu_mapped_shared;

		/**
		 * @reclaim.unreclaimable: BOs that went UNRECLAIMABLE (pinned or
		 * evicted). Never scanned: it exists so that every LRU change
		 * of a BO happens under @reclaim.lock (drm_gem_lru_remove() can
		 * miss a BO that a concurrent scan is moving).
		 */
		struct drm_gem_lru unreclaimable;

		/**
		 * @reclaim.vms: VMs owning private GPU-mapped BOs, least recently
		 * active first.
		 */
		struct list_head vms;

		/**
		 * @reclaim.gpu_mapped_count: pages of GPU-mapped BOs, so that
		 * count() need not walk the VM LRUs. Changed under @reclaim.lock.
		 */
		long gpu_mapped_count;

		/**
		 * @reclaim.retry_count: scans in a row that freed nothing while
		 * something remained; the second one returns SHRINK_STOP.
		 */
		atomic_t retry_count;

#ifdef CONFIG_DEBUG_FS
		/**
		 * @reclaim.nr_pages_reclaimed_on_last_scan: pages freed by the
		 * last scan, for the debugfs shrink file (racy by design).
		 */
		unsigned long nr_pages_reclaimed_on_last_scan;
#endif
	} reclaim;

#ifdef CONFIG_DEBUG_FS
	/** @gems: every live BO, for the debugfs gems file. */
	struct {
		/** @gems.lock: protects @gems.node. */
		struct mutex lock;

		/** @gems.node: list of panthor_gem_object::debugfs.node. */
		struct list_head node;
	} gems;
#endif
};

/**
 * struct panthor_file - what the driver keeps per open of the DRM device.
 */
struct panthor_file {
	/** @ptdev: the device. */
	struct panthor_device *ptdev;

	/**
	 * @tgid: TGID of the process that opened the file, which the
	 * per-process knobs (mem_reclaim, mem_claim) select files by.
	 */
	pid_t tgid;

	/** @vms: the VMs created through this file. */
	struct panthor_vm_pool *vms;
};

static inline struct panthor_device *to_panthor_device(struct drm_device *ddev)
{
	return container_of(ddev, struct panthor_device, base);
}

int panthor_device_init(struct panthor_device *ptdev);
void panthor_device_unplug(struct panthor_device *ptdev);

int panthor_open(struct drm_device *ddev, struct drm_file *file);
void panthor_postclose(struct drm_device *ddev, struct drm_file *file);
int panthor_run_on_pfiles_of_tgid(struct panthor_device *ptdev, pid_t tgid,
				  void (*fn)(struct panthor_file *pfile));

extern const struct attribute_group *panthor_groups[];

#endif
