// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reclaim invariants, checked at quiescent points by tests and the stress
 * and model tests: each BO is on exactly the LRU of its state, LRU counts
 * are the sums of their BOs' pages, gpu_mapped_count is the GPU-mapped
 * pages, a pinned BO has its pages.
 */
#include <stdio.h>

#include <linux/kernel.h>
#include <drm/drm_gem.h>

#include <shrinkwrap/world.h>

#include "panthor_device.h"
#include "panthor_gem.h"

static long lru_pages(struct drm_gem_lru *lru, int *bad, const char *name)
{
	struct drm_gem_object *obj;
	long pages = 0;

	list_for_each_entry(obj, &lru->list, lru_node) {
		pages += obj->size >> PAGE_SHIFT;
		if (obj->lru != lru) {
			fprintf(stderr, "invariant: BO %p on %s list but obj->lru=%p\n",
				obj, name, obj->lru);
			(*bad)++;
		}
	}
	if (pages != lru->count) {
		fprintf(stderr, "invariant: %s count %ld, its BOs have %ld pages\n",
			name, lru->count, pages);
		(*bad)++;
	}
	return pages;
}

/**
 * sw_check_invariants() - check the reclaim invariants of the world.
 * @w: the world; no BO may change state while this runs.
 *
 * Return: number of violations (each printed).
 */
int sw_check_invariants(struct sw_world *w)
{
	struct panthor_device *ptdev = sw_world_device(w);
	struct panthor_gem_object *bo;
	long gpu_mapped = 0;
	int bad = 0;

	mutex_lock(&ptdev->gems.lock);
	mutex_lock(&ptdev->reclaim.lock);
	lru_pages(&ptdev->reclaim.unused, &bad, "unused");
	lru_pages(&ptdev->reclaim.mmapped, &bad, "mmapped");
	lru_pages(&ptdev->reclaim.gpu_mapped_shared, &bad, "gpu_mapped_shared");
	lru_pages(&ptdev->reclaim.unreclaimable, &bad, "unreclaimable");

	list_for_each_entry(bo, &ptdev->gems.node, debugfs.node) {
		struct drm_gem_lru *want = NULL;
		bool pinned = refcount_read(&bo->backing.pin_count) > 0;

		switch (bo->reclaim_state) {
		case PANTHOR_GEM_UNUSED:
			want = &ptdev->reclaim.unused;
			break;
		case PANTHOR_GEM_MMAPPED:
			want = &ptdev->reclaim.mmapped;
			break;
		case PANTHOR_GEM_GPU_MAPPED_SHARED:
			want = &ptdev->reclaim.gpu_mapped_shared;
			fallthrough;
		case PANTHOR_GEM_GPU_MAPPED_PRIVATE:
			gpu_mapped += bo->base.size >> PAGE_SHIFT;
			break;
		case PANTHOR_GEM_UNRECLAIMABLE:
			break;
		}
		if (bo->reclaim_state == PANTHOR_GEM_UNRECLAIMABLE && bo->base.lru)
			want = &ptdev->reclaim.unreclaimable;
		if (bo->reclaim_state != PANTHOR_GEM_GPU_MAPPED_PRIVATE && bo->base.lru != want) {
			fprintf(stderr, "invariant: BO %p in state %d is on LRU %p, not %p\n",
				bo, bo->reclaim_state, bo->base.lru, want);
			bad++;
		}
		if (pinned && !bo->backing.pages) {
			fprintf(stderr, "invariant: pinned BO %p has no pages\n", bo);
			bad++;
		}
		if ((pinned || !bo->backing.pages) &&
		    bo->reclaim_state != PANTHOR_GEM_UNRECLAIMABLE) {
			fprintf(stderr, "invariant: BO %p pinned or without pages in state %d\n",
				bo, bo->reclaim_state);
			bad++;
		}
		if (bo->reclaim_state == PANTHOR_GEM_MMAPPED &&
		    !refcount_read(&bo->cmap.mmap_count)) {
			fprintf(stderr, "invariant: BO %p MMAPPED with mmap_count 0\n", bo);
			bad++;
		}
	}
	if (gpu_mapped != ptdev->reclaim.gpu_mapped_count) {
		fprintf(stderr, "invariant: gpu_mapped_count %ld, GPU-mapped BOs have %ld pages\n",
			ptdev->reclaim.gpu_mapped_count, gpu_mapped);
		bad++;
	}
	mutex_unlock(&ptdev->reclaim.lock);
	mutex_unlock(&ptdev->gems.lock);
	return bad;
}
