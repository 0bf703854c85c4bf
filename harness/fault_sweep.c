// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The systematic fault sweep: count a scenario's fault points, then fail
 * each in turn, every run in a fresh world, and check how each run ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/refcount.h>

#include <shrinkwrap/bo.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/fault_sweep.h>
#include <shrinkwrap/invariants.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/submit.h>
#include <shrinkwrap/world.h>

#include "panthor_gem.h"
#include "world_priv.h"

#define SW_SWEEP_MAX_BOS 8

/*
 * Points failed per run under the slow builds: each run is a fresh world,
 * and the sweeps make about 500 of them.
 */
#define SW_SWEEP_STRIDE_VALGRIND 8
#if defined(__SANITIZE_THREAD__)
#define SW_SWEEP_STRIDE 3
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SW_SWEEP_STRIDE 3
#endif
#endif
#ifndef SW_SWEEP_STRIDE
#define SW_SWEEP_STRIDE 1
#endif

/*
 * Allocations whose failure the kernel function copes with by design, so
 * the step that reached them succeeds: drm_exec_init() leaves its object
 * array to the first lock.
 */
static const char *const absorbed_sites[] = {
	"kmalloc: drm_exec_init ",
};

static bool site_absorbed(const char *site)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(absorbed_sites); i++)
		if (!strncmp(site, absorbed_sites[i], strlen(absorbed_sites[i])))
			return true;
	return false;
}

struct sw_sweep {
	const char *name;
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	void *arg;
	unsigned long run;		/* 0: the clean, counting run */
	unsigned long nr_points;	/* of the clean run, once known */
	unsigned long injected_seen;	/* injections accounted to a step */
	char site[192];			/* the site failed in this run */
	int problems;
	bool verbose;			/* SW_SWEEP_VERBOSE=1: name each run's site */
	unsigned int nr_bos;
	struct sw_bo *bos[SW_SWEEP_MAX_BOS];
};

/**
 * sw_sweep_world() - the world of the running scenario.
 * @s: the sweep.
 *
 * Return: the world.
 */
struct sw_world *sw_sweep_world(struct sw_sweep *s)
{
	return s->w;
}

/**
 * sw_sweep_proc() - the process of the running scenario.
 * @s: the sweep.
 *
 * Return: the process.
 */
struct sw_proc *sw_sweep_proc(struct sw_sweep *s)
{
	return s->p;
}

/**
 * sw_sweep_file() - the DRM file of the running scenario.
 * @s: the sweep.
 *
 * Return: the file.
 */
struct sw_file *sw_sweep_file(struct sw_sweep *s)
{
	return s->f;
}

/**
 * sw_sweep_arg() - the scenario's argument.
 * @s: the sweep.
 *
 * Return: the @arg of sw_fault_sweep().
 */
void *sw_sweep_arg(struct sw_sweep *s)
{
	return s->arg;
}

static void sweep_vfail(struct sw_sweep *s, const char *fmt, va_list ap)
{
	if (s->run)
		fprintf(stderr, "fault sweep %s: run %lu/%lu failing [%s]: ", s->name, s->run,
			s->nr_points, s->site[0] ? s->site : "not reached");
	else
		fprintf(stderr, "fault sweep %s: clean run: ", s->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	s->problems++;
}

/**
 * sw_sweep_fail() - report a problem of the running scenario.
 * @s: the sweep.
 * @fmt: message format.
 */
void sw_sweep_fail(struct sw_sweep *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sweep_vfail(s, fmt, ap);
	va_end(ap);
}

/**
 * sw_sweep_track() - check @bo for pins and reclaimability at the end.
 * @s: the sweep.
 * @bo: the BO; its handle must stay open until the scenario returns.
 */
void sw_sweep_track(struct sw_sweep *s, struct sw_bo *bo)
{
	if (s->nr_bos >= SW_SWEEP_MAX_BOS) {
		sw_sweep_fail(s, "more than %d BOs tracked", SW_SWEEP_MAX_BOS);
		return;
	}
	s->bos[s->nr_bos++] = bo;
}

/* Was a failure injected since the last step? Remember where. */
static bool took_injection(struct sw_sweep *s)
{
	unsigned long total = sw_fault_injected_total();
	bool fresh = total != s->injected_seen;

	s->injected_seen = total;
	if (fresh)
		snprintf(s->site, sizeof(s->site), "%s", sw_fault_last_site());
	return fresh;
}

/**
 * sw_sweep_step_mapped() - check a step's result against the injection.
 * @s: the sweep.
 * @what: the step, for messages.
 * @ret: what it returned.
 * @mapped: the errno the caller gets for any injected failure, or 0.
 * @may_absorb: an injected failure may be retried away (@ret 0).
 *
 * Return: true if the step failed.
 */
bool sw_sweep_step_mapped(struct sw_sweep *s, const char *what, int ret, int mapped,
			  bool may_absorb)
{
	bool injected = took_injection(s);
	int err = sw_fault_last_errno();

	if (!ret) {
		if (injected && !may_absorb && !site_absorbed(s->site))
			sw_sweep_fail(s, "%s returned 0: the injected %d was lost", what, err);
		return false;
	}

	if (!injected)
		sw_sweep_fail(s, "%s failed with %d, nothing injected", what, ret);
	else if (ret != err && (!mapped || ret != mapped))
		sw_sweep_fail(s, "%s returned %d, not the injected %d%s", what, ret, err,
			      mapped ? " nor its mapping" : "");
	return true;
}

/**
 * sw_sweep_step() - check a step's result against the injection.
 * @s: the sweep.
 * @what: the step, for messages.
 * @ret: what it returned.
 *
 * Return: true if the step failed.
 */
bool sw_sweep_step(struct sw_sweep *s, const char *what, int ret)
{
	return sw_sweep_step_mapped(s, what, ret, 0, false);
}

/**
 * sw_sweep_retried() - check the retry of a step that failed.
 * @s: the sweep.
 * @what: the step, for messages.
 * @ret: what the retry returned.
 *
 * Return: true if the retry failed.
 */
bool sw_sweep_retried(struct sw_sweep *s, const char *what, int ret)
{
	if (took_injection(s))
		sw_sweep_fail(s, "retry of %s: a second failure was injected", what);
	else if (ret)
		sw_sweep_fail(s, "retry of %s failed with %d: the failure left something behind",
			      what, ret);
	return ret != 0;
}

/**
 * sw_sweep_site() - the site failed in this run.
 * @s: the sweep.
 *
 * Return: "kind: site", or "" if no failure was injected yet.
 */
const char *sw_sweep_site(struct sw_sweep *s)
{
	return s->site;
}

/**
 * sw_sweep_step_void() - account an injection to a step without a result.
 * @s: the sweep.
 * @what: the step, for messages.
 */
void sw_sweep_step_void(struct sw_sweep *s, const char *what)
{
	took_injection(s);
}

/* CPU mappings of @obj the world still has. */
static unsigned int live_maps(struct sw_world *w, struct panthor_gem_object *obj)
{
	unsigned int n = 0;
	struct sw_map *m;

	mutex_lock(&w->lock);
	list_for_each_entry(m, &w->maps, node)
		n += m->obj == &obj->base;
	mutex_unlock(&w->lock);
	return n;
}

/*
 * Nothing is left pinned, vmapped or counted as mapped that is not, no
 * error pointer stands for the pages, and a full scan evicts every tracked
 * BO.
 */
static void check_reclaimable(struct sw_sweep *s, const struct sw_world_config *cfg)
{
	unsigned int i;

	for (i = 0; i < s->nr_bos; i++) {
		struct panthor_gem_object *obj = sw_bo_obj(s->bos[i]);
		unsigned int maps = live_maps(s->w, obj);

		if (IS_ERR(obj->backing.pages) || IS_ERR(obj->dmap.sgt))
			sw_sweep_fail(s, "BO #%u keeps an error pointer (pages %p, sgt %p)", i,
				      obj->backing.pages, obj->dmap.sgt);
		if (refcount_read(&obj->backing.pin_count) ||
		    refcount_read(&obj->cmap.vaddr_use_count) || obj->cmap.vaddr)
			sw_sweep_fail(s, "BO #%u left pinned (pin_count %u, vmaps %u, vaddr %p)", i,
				      refcount_read(&obj->backing.pin_count),
				      refcount_read(&obj->cmap.vaddr_use_count), obj->cmap.vaddr);
		if (refcount_read(&obj->cmap.mmap_count) != maps)
			sw_sweep_fail(s, "BO #%u mmap_count %u with %u mapping(s)", i,
				      refcount_read(&obj->cmap.mmap_count), maps);
	}

	sw_shrinker_scan(s->w, cfg->mem_pages, GFP_KERNEL);

	for (i = 0; i < s->nr_bos; i++) {
		struct panthor_gem_object *obj = sw_bo_obj(s->bos[i]);

		if (obj->backing.pages || obj->dmap.sgt)
			sw_sweep_fail(s, "BO #%u not reclaimed by a full scan (state %d%s)", i,
				      obj->reclaim_state, obj->dmap.sgt ? ", sg table left" : "");
	}
}

/* One run: the clean one (@s->run 0) counts the points. */
static int sweep_run(struct sw_sweep *s, const struct sw_world_config *cfg, sw_sweep_fn fn,
		     bool *covered)
{
	unsigned long reached;
	int bad;

	s->w = sw_world_create(cfg);
	if (!s->w) {
		fprintf(stderr, "fault sweep %s: run %lu: no world\n", s->name, s->run);
		return -EINVAL;
	}
	s->injected_seen = 0;
	s->site[0] = '\0';
	s->problems = 0;
	s->nr_bos = 0;
	s->p = sw_proc_create(s->w, "sweep", 0);
	s->f = sw_file_open(s->p);

	if (s->run)
		sw_fault_fail_point(s->run);
	else
		sw_fault_count_points();

	fn(s);

	reached = sw_fault_points();
	if (took_injection(s))
		sw_sweep_fail(s, "a failure was injected outside any step");
	*covered = sw_fault_injected_total() > 0;
	if (s->verbose && s->run)
		printf("fault sweep %s: run %lu/%lu failed [%s]\n", s->name, s->run, s->nr_points,
		       s->site);
	sw_fault_reset();

	if (!s->run)
		s->nr_points = reached;
	else if (!*covered)
		sw_sweep_fail(s, "point not reached (%lu points): the scenario is not deterministic",
			      reached);

	sw_gpu_idle(s->w);
	bad = sw_check_invariants(s->w);
	if (bad)
		sw_sweep_fail(s, "%d invariant violation(s) after the run", bad);
	check_reclaimable(s, cfg);
	bad = sw_check_invariants(s->w);
	if (bad)
		sw_sweep_fail(s, "%d invariant violation(s) after a full scan", bad);

	bad = sw_world_destroy(s->w);
	s->w = NULL;
	if (bad)
		sw_sweep_fail(s, "teardown found %d problem(s) (printed above)", bad);
	return 0;
}

/**
 * sw_fault_sweep() - run @fn clean, then once per fault point with that
 * point failed.
 * @name: the scenario's name.
 * @cfg: world configuration, or NULL.
 * @fn: the scenario.
 * @arg: its argument.
 * @res: receives the counts.
 *
 * Return: 0, or -EINVAL if a world could not be created.
 */
int sw_fault_sweep(const char *name, const struct sw_world_config *cfg, sw_sweep_fn fn,
		   void *arg, struct sw_sweep_result *res)
{
	struct sw_world_config defaults = { .mem_pages = 256, .swap_pages = 512 };
	const char *vg = getenv("SW_UNDER_VALGRIND");
	unsigned long stride = vg && *vg ? SW_SWEEP_STRIDE_VALGRIND : SW_SWEEP_STRIDE;
	const char *verbose = getenv("SW_SWEEP_VERBOSE");
	struct sw_sweep s = { .name = name, .arg = arg, .verbose = verbose && *verbose == '1' };
	bool covered;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!cfg)
		cfg = &defaults;

	ret = sweep_run(&s, cfg, fn, &covered);
	if (ret)
		return ret;
	res->points = s.nr_points;
	res->failed += s.problems > 0;

	for (s.run = 1; s.run <= s.nr_points; s.run += stride) {
		ret = sweep_run(&s, cfg, fn, &covered);
		if (ret)
			return ret;
		res->covered += covered;
		res->failed += s.problems > 0;
	}

	printf("fault sweep %s: %lu fault points, %lu covered, %lu failed\n", name,
	       res->points, res->covered, res->failed);
	return 0;
}
