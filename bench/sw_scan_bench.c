// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_gem_lru_scan() cost per object, from 1e3 to 1e6 objects on one LRU:
 *   floor     a bare walk of the same list under the LRU lock, reading each
 *             object (the least any scan can cost), measured in the same run;
 *   decline   the callback declines every object: everything remains;
 *   evict     the callback evicts every object (takes it off the LRU);
 *   evict p%  as evict, with a fraction p of the resvs held by another
 *             thread: those trylocks fail and the objects remain.
 * Objects are bare one-page GEM objects (no backing store: the figures are
 * the scan's own), linked in a shuffled order so that the walk does not
 * follow memory order (see bench_objs_create() for their memory). Each
 * figure is the best of several runs (one at 1e6 objects).
 *
 * Prints a table, writes scan.csv (n,mode,ns_per_obj,ratio_to_floor).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/dma-resv.h>
#include <drm/drm_gem.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/report.h>

#include "panthor_device.h"
#include "bench_util.h"

struct mode {
	const char *name;
	int contended_every;	/* 0: none; k: every k-th object in LRU order */
	bool evict;
	bool floor;
};

static const struct mode modes[] = {
	{ "floor", 0, false, true },
	{ "decline", 0, false, false },
	{ "evict", 0, true, false },
	{ "evict_1%", 100, true, false },
	{ "evict_10%", 10, true, false },
	{ "evict_50%", 2, true, false },
};

static volatile unsigned long sink;

static bool decline(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return false;
}

static bool evict(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	drm_gem_lru_remove(obj);
	return true;
}

/* Link the objects on @lru in the order of @order. */
static void fill(struct drm_gem_lru *lru, struct drm_gem_object **order, long n)
{
	mutex_lock(lru->lock);
	for (long i = 0; i < n; i++)
		drm_gem_lru_move_tail_locked(lru, order[i]);
	mutex_unlock(lru->lock);
}

/* The floor: lock, visit every object as a scan does at least, unlock. */
static unsigned long bare_walk(struct drm_gem_lru *lru)
{
	struct drm_gem_object *obj;
	unsigned long sum = 0;

	mutex_lock(lru->lock);
	list_for_each_entry(obj, &lru->list, lru_node)
		sum += obj->size + kref_read(&obj->refcount);
	mutex_unlock(lru->lock);
	return sum;
}

/* One timed run of @m over @n objects; the LRU is refilled first. */
static double run_once(const struct mode *m, struct drm_gem_lru *lru,
		       struct drm_gem_object **order, long n, int *err)
{
	struct drm_gem_object **held = NULL;
	unsigned long remaining = 0, freed, expect;
	struct bench_holder h;
	long nheld = 0;
	double t0, t;

	fill(lru, order, n);
	if (m->contended_every) {
		held = malloc(sizeof(*held) * (n / m->contended_every + 1));
		if (!held) {
			*err = 1;
			return 0;
		}
		for (long i = 0; i < n; i += m->contended_every)
			held[nheld++] = order[i];
		if (bench_hold_start(&h, held, nheld)) {
			bench_hold_stop(&h);
			free(held);
			*err = 1;
			return 0;
		}
	}

	t0 = bench_now_ns();
	if (m->floor) {
		sink = bare_walk(lru);
		freed = 0;
	} else {
		freed = drm_gem_lru_scan(lru, UINT_MAX, &remaining, m->evict ? evict : decline,
					 NULL);
	}
	t = bench_now_ns() - t0;

	if (held) {
		bench_hold_stop(&h);
		free(held);
	}
	expect = m->evict ? n - nheld : 0;
	if (freed != expect || (!m->floor && remaining != n - expect)) {
		fprintf(stderr, "sw_scan_bench: %s over %ld: freed %lu remaining %lu, expected %lu %lu\n",
			m->name, n, freed, remaining, expect, n - expect);
		*err = 1;
	}
	return t;
}

static int bench_size(FILE *csv, struct drm_device *dev, long n, bool quick)
{
	struct drm_gem_object *objs, **order;
	double best[ARRAY_SIZE(modes)];
	struct drm_gem_lru lru;
	struct mutex lock;
	int reps = quick ? 2 : clamp(2000000L / n, 1L, 50L), err = 0;
	unsigned long long rng = 12345;

	objs = bench_objs_create(dev, n);
	order = malloc(sizeof(*order) * n);
	if (!objs || !order) {
		free(order);
		return 1;
	}
	for (long i = 0; i < n; i++)
		order[i] = &objs[i];
	for (long i = n - 1; i > 0; i--) {
		long j;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		j = (long)((rng >> 33) % (unsigned long long)(i + 1));
		swap(order[i], order[j]);
	}
	mutex_init(&lock);
	drm_gem_lru_init(&lru, &lock);

	for (int mi = 0; mi < (int)ARRAY_SIZE(modes) && !err; mi++) {
		best[mi] = 1e300;
		for (int r = 0; r < reps && !err; r++)
			best[mi] = min(best[mi], run_once(&modes[mi], &lru, order, n, &err));
	}
	if (!err) {
		printf("%9ld", n);
		for (int mi = 0; mi < (int)ARRAY_SIZE(modes); mi++)
			printf(" %9.1f", best[mi] / n);
		printf(" |");
		for (int mi = 1; mi < (int)ARRAY_SIZE(modes); mi++)
			printf(" %8.1fx", best[mi] / best[0]);
		printf("\n");
		for (int mi = 0; mi < (int)ARRAY_SIZE(modes); mi++)
			fprintf(csv, "%ld,%s,%.2f,%.3f\n", n, modes[mi].name, best[mi] / n,
				best[mi] / best[0]);
	}
	bench_objs_destroy(objs, n);
	mutex_destroy(&lock);
	free(order);
	return err;
}

int main(int argc, char **argv)
{
	static const long full[] = { 1000, 10000, 100000, 1000000 };
	static const long quick[] = { 16, 64 };
	struct sw_world_config cfg = { .mem_pages = 4096, .swap_pages = 0 };
	const long *sizes;
	struct bench_opts o;
	struct sw_world *w;
	int nsizes, err = 0, problems;
	FILE *csv;

	err = bench_parse(argc, argv, "drm_gem_lru_scan() cost per object against a bare walk", &o);
	if (err)
		return err < 0 ? 0 : err;
	sizes = o.quick ? quick : full;
	nsizes = o.quick ? ARRAY_SIZE(quick) : ARRAY_SIZE(full);

	sw_report_quiet(true);
	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	csv = bench_csv_open(&o, "scan", "n,mode,ns_per_obj,ratio_to_floor");
	if (!csv) {
		sw_world_destroy(w);
		return 1;
	}

	printf("drm_gem_lru_scan() cost: ns per object (best of several runs) | ratio to the floor\n");
	printf("%9s", "objects");
	for (int mi = 0; mi < (int)ARRAY_SIZE(modes); mi++)
		printf(" %9s", modes[mi].name);
	printf(" |");
	for (int mi = 1; mi < (int)ARRAY_SIZE(modes); mi++)
		printf(" %9s", modes[mi].name);
	printf("\n");
	for (int i = 0; i < nsizes && !err; i++)
		err = bench_size(csv, &sw_world_device(w)->base, sizes[i], o.quick);

	err |= bench_csv_close(csv, &o, "scan");
	problems = sw_world_destroy(w);
	if (problems) {
		printf("FAILED: %d teardown problem(s)\n", problems);
		return 1;
	}
	return err;
}
