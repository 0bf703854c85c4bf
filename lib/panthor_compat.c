// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Kernel-only helpers behind the entries of panthor_compat.h that need
 * more than a macro. Each one is built only for the kernels that lack the
 * API it stands in for; in the userspace build this file is empty.
 */

#include <linux/bug.h>
#include <linux/dma-resv.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ww_mutex.h>

#include <drm/drm_gem.h>

#include "panthor_compat.h"

#ifdef PANTHOR_COMPAT_GEM_LRU_SCAN
/**
 * panthor_compat_gem_lru_scan() - drm_gem_lru_scan() with the acquire
 * ticket of the newer API, for kernels whose core scan lacks it.
 * @lru: the LRU to scan.
 * @nr_to_scan: stop once this many pages were freed.
 * @remaining: incremented by the pages of objects left reclaimable: resv
 *	contended, or @shrink failed and left the object where the scan put it.
 * @shrink: called with the object's resv held; returns true when it shrank
 *	the object, which must then have left @lru.
 * @ticket: optional acquire context the resv is trylocked under; it is
 *	initialised and finished around each object.
 *
 * The contract of the core helper: each object is first moved to a
 * scan-local LRU sharing @lru's lock, so objects moved elsewhere or freed
 * meanwhile need no special case; objects whose last reference is being
 * dropped are skipped; whatever is still on the local LRU at the end goes
 * back to the tail of @lru, in the order it was visited.
 *
 * Return: pages freed.
 */
unsigned long
panthor_compat_gem_lru_scan(struct drm_gem_lru *lru, unsigned int nr_to_scan,
			    unsigned long *remaining,
			    bool (*shrink)(struct drm_gem_object *obj,
					   struct ww_acquire_ctx *ticket),
			    struct ww_acquire_ctx *ticket)
{
	struct drm_gem_lru visited;
	struct drm_gem_object *obj;
	unsigned long freed = 0;

	drm_gem_lru_init(&visited, lru->lock);

	mutex_lock(lru->lock);

	while (freed < nr_to_scan) {
		unsigned long pages;

		obj = list_first_entry_or_null(&lru->list, struct drm_gem_object,
					       lru_node);
		if (!obj)
			break;

		drm_gem_lru_move_tail_locked(&visited, obj);

		/* Being freed: its free path takes it off the LRU. */
		if (!kref_get_unless_zero(&obj->refcount))
			continue;

		/* Our reference keeps the object alive without the LRU lock. */
		mutex_unlock(lru->lock);
		pages = obj->size >> PAGE_SHIFT;

		if (ticket)
			ww_acquire_init(ticket, &reservation_ww_class);

		/* Only a trylock: reclaim can be entered with this resv held. */
		if (!ww_mutex_trylock(&obj->resv->lock, ticket)) {
			*remaining += pages;
		} else {
			if (shrink(obj, ticket)) {
				freed += pages;

				/* A shrunk object has left the reclaim LRUs. */
				WARN_ON(obj->lru == &visited);
				WARN_ON(obj->lru == lru);
			} else if (READ_ONCE(obj->lru) == &visited) {
				/*
				 * Not shrunk and not moved by the callback: it
				 * is still reclaimable, just not now.
				 */
				*remaining += pages;
			}

			dma_resv_unlock(obj->resv);
		}

		if (ticket)
			ww_acquire_fini(ticket);

		drm_gem_object_put(obj);
		mutex_lock(lru->lock);
	}

	/* Hand what the scan left back to @lru, at its tail. */
	list_for_each_entry(obj, &visited.list, lru_node)
		obj->lru = lru;
	list_splice_tail(&visited.list, &lru->list);
	lru->count += visited.count;

	mutex_unlock(lru->lock);

	return freed;
}
#endif
