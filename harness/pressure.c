// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Memory pressure on the world's device: its shrinker's count and scan
 * called as reclaim calls them: include/shrinkwrap/pressure.h.
 */
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>

#include <shrinkwrap/introspect.h>
#include <shrinkwrap/pressure.h>

#include "panthor_device.h"
#include "world_priv.h"

/**
 * sw_shrinker_count() - the device shrinker's count_objects().
 * @w: the world.
 * @gfp: reclaim context.
 *
 * Return: what count_objects() returned.
 */
unsigned long sw_shrinker_count(struct sw_world *w, unsigned int gfp)
{
	struct shrinker *s = w->ptdev->reclaim.shrinker;
	struct shrink_control sc = { .gfp_mask = gfp };
	unsigned long ret;

	/* count() may be called from any context: it never blocks. */
	sw_no_block_begin();
	ret = s->count_objects(s, &sc);
	sw_no_block_end();
	return ret;
}

/**
 * sw_shrinker_scan() - the device shrinker's scan_objects(), run inside
 * fs_reclaim as reclaim runs it; for a @gfp that does not allow blocking,
 * inside a no-block section (sw_no_block_begin()).
 * @w: the world.
 * @nr_to_scan: pages to scan.
 * @gfp: reclaim context.
 *
 * Return: what scan_objects() returned.
 */
unsigned long sw_shrinker_scan(struct sw_world *w, unsigned long nr_to_scan, unsigned int gfp)
{
	struct shrinker *s = w->ptdev->reclaim.shrinker;
	struct shrink_control sc = { .gfp_mask = gfp, .nr_to_scan = nr_to_scan,
				     .nr_scanned = nr_to_scan };
	unsigned int noreclaim;
	unsigned long ret;

	fs_reclaim_acquire(gfp);
	noreclaim = memalloc_noreclaim_save();
	if (!gfpflags_allow_blocking(gfp))
		sw_no_block_begin();
	ret = s->scan_objects(s, &sc);
	if (!gfpflags_allow_blocking(gfp))
		sw_no_block_end();
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(gfp);
	return ret;
}
