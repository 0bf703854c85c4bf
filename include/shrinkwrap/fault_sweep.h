/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: systematic fault sweep.
 *
 * A scenario runs once in a fresh world (with one process that has one DRM
 * file open, made before faults are armed) with its fault points counted
 * (include/shrinkwrap/fault.h), then once per point with exactly that point
 * failed, each time in a fresh world. Every run must end with:
 * - each step that saw the injected failure returning its errno (or the
 *   errno the kernel maps it to), and no step failing otherwise;
 * - that step, run again, succeeding (scenarios retry it and go on);
 * - the reclaim invariants holding;
 * - every BO the scenario tracks unpinned, and evicted by a full shrinker
 *   scan (nothing left pinned or referenced);
 * - a clean teardown: no unexpected WARN or lockdep report, no leak.
 * Problems are printed with the run and the failed site, and counted.
 */
#ifndef SHRINKWRAP_FAULT_SWEEP_H
#define SHRINKWRAP_FAULT_SWEEP_H

#include <stdbool.h>

#include <shrinkwrap/world.h>

struct sw_sweep;
struct sw_bo;

/* A scenario: steps reported through sw_sweep_step*(); it stops at a failed one. */
typedef void (*sw_sweep_fn)(struct sw_sweep *s);

struct sw_sweep_result {
	unsigned long points;	/* fault points of the clean run */
	unsigned long covered;	/* runs whose point was reached and failed */
	unsigned long failed;	/* runs, the clean one included, that broke a rule */
};

/**
 * sw_fault_sweep() - sweep @fn's fault points.
 * @name: the scenario's name, for messages.
 * @cfg: the world of each run, or NULL for the defaults.
 * @fn: the scenario.
 * @arg: handed to @fn through sw_sweep_arg().
 * @res: receives the counts.
 *
 * Under valgrind (SW_UNDER_VALGRIND=1) only every eighth point is failed,
 * under ThreadSanitizer every third.
 * SW_SWEEP_VERBOSE=1 prints the site each run failed.
 *
 * Return: 0, or -EINVAL if a world could not be created.
 */
int sw_fault_sweep(const char *name, const struct sw_world_config *cfg, sw_sweep_fn fn,
		   void *arg, struct sw_sweep_result *res);

/** sw_sweep_world() - the world of the running scenario. */
struct sw_world *sw_sweep_world(struct sw_sweep *s);

/** sw_sweep_proc() - the run's process. */
struct sw_proc *sw_sweep_proc(struct sw_sweep *s);

/** sw_sweep_file() - the run's DRM file, opened by sw_sweep_proc(). */
struct sw_file *sw_sweep_file(struct sw_sweep *s);

/** sw_sweep_arg() - the @arg given to sw_fault_sweep(). */
void *sw_sweep_arg(struct sw_sweep *s);

/**
 * sw_sweep_track() - check at the end of the run that @bo is unpinned and
 * that a full shrinker scan evicts it. At most 8 BOs.
 */
void sw_sweep_track(struct sw_sweep *s, struct sw_bo *bo);

/**
 * sw_sweep_step() - a step returned @ret: if a failure was injected during
 * it, @ret must be its errno; if none was, @ret must be 0.
 *
 * Return: true if the step failed (the scenario then stops).
 */
bool sw_sweep_step(struct sw_sweep *s, const char *what, int ret);

/**
 * sw_sweep_step_mapped() - as sw_sweep_step(), for a step whose caller gets
 * @mapped for any injected failure (a SIGBUS fault: -EFAULT), or nothing at
 * all if @may_absorb (a fault the core retries).
 *
 * Return: true if the step failed.
 */
bool sw_sweep_step_mapped(struct sw_sweep *s, const char *what, int ret, int mapped,
			  bool may_absorb);

/**
 * sw_sweep_retried() - a step that failed on the injected fault was run
 * again (nothing is injected twice): it must succeed, the failure having
 * left nothing behind (R-PAGES-ERRPTR: the next request tries again).
 *
 * Return: true if the retry failed too (the scenario then stops).
 */
bool sw_sweep_retried(struct sw_sweep *s, const char *what, int ret);

/** sw_sweep_site() - the site failed in this run so far ("" if none yet). */
const char *sw_sweep_site(struct sw_sweep *s);

/**
 * sw_sweep_step_void() - a step that returns nothing (a scan, an unmap): an
 * injected failure is absorbed by it, as the kernel's would be.
 */
void sw_sweep_step_void(struct sw_sweep *s, const char *what);

/** sw_sweep_fail() - the scenario found a problem of its own (printed, counted). */
void sw_sweep_fail(struct sw_sweep *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
