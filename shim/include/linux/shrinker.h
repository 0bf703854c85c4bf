/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shrinkers, as mm/shrinker.c runs them: count, then scan in batches with
 * the kernel's priority and deferral arithmetic (shim/vmscan.c).
 * shim: no NUMA or memcg awareness (nid is always 0, memcg NULL).
 */
#ifndef _LINUX_SHRINKER_H
#define _LINUX_SHRINKER_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>

struct mem_cgroup;

struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
	struct mem_cgroup *memcg;
};

#define SHRINK_STOP (~0UL)
#define SHRINK_EMPTY (~0UL - 1)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
	long batch;
	int seeks;
	unsigned int flags;
	refcount_t refcount;
	/* shim: set when refcount drops to 0 (kernel: struct completion done). */
	int done;
	struct rcu_head rcu;
	void *private_data;
	struct list_head list;
	atomic_long_t *nr_deferred;
	const char *name;
	/* shim: scan_objects() calls, for the tests. */
	unsigned long shim_scans;
};

#define DEFAULT_SEEKS 2

#define SHRINKER_REGISTERED	(1 << 0)
#define SHRINKER_ALLOCATED	(1 << 1)
#define SHRINKER_NUMA_AWARE	(1 << 2)
#define SHRINKER_MEMCG_AWARE	(1 << 3)
#define SHRINKER_NONSLAB	(1 << 4)

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void shrinker_register(struct shrinker *shrinker);
void shrinker_free(struct shrinker *shrinker);

/**
 * shrink_slab() - run every registered shrinker once at @priority.
 * @gfp_mask: the allocation context.
 * @nid: node (ignored).
 * @memcg: memory cgroup (ignored).
 * @priority: 12 (DEF_PRIORITY, gentle) down to 0 (scan everything).
 *
 * Return: objects freed.
 */
unsigned long shrink_slab(gfp_t gfp_mask, int nid, struct mem_cgroup *memcg,
			  int priority);

#define DEF_PRIORITY 12

#endif
