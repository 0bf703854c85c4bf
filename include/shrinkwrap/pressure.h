/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Memory pressure on the world's device: its shrinker's count_objects()
 * and scan_objects() called as reclaim calls them. Implemented in
 * harness/pressure.c (the reclaim engine's own back doors: introspect.h).
 */
#ifndef SHRINKWRAP_PRESSURE_H
#define SHRINKWRAP_PRESSURE_H

struct sw_world;

unsigned long sw_shrinker_count(struct sw_world *w, unsigned int gfp);
unsigned long sw_shrinker_scan(struct sw_world *w, unsigned long nr_to_scan,
			       unsigned int gfp);

#endif
