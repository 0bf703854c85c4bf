/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * What every benchmark shares: options (--quick, --out DIR), a clock, CSV
 * output, bare GEM objects for LRU-level measurements, and a thread that
 * holds resvs so that scans find them contended.
 */
#ifndef SW_BENCH_UTIL_H
#define SW_BENCH_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct drm_device;
struct drm_gem_object;

struct bench_opts {
	bool quick;		/* tiny sizes: a smoke test, not figures */
	char out_dir[4096];	/* where the CSV files go */
};

/*
 * Parse --quick, --out DIR and --help. @what is the one-line description
 * for --help. Returns 0 to run, -1 after --help (exit 0), 1 on a bad option.
 */
int bench_parse(int argc, char **argv, const char *what, struct bench_opts *o);

/*
 * The calling thread's CPU time in nanoseconds: on a shared machine the
 * time it spends preempted does not count (cache pollution still does).
 */
double bench_now_ns(void);

/* Open @o->out_dir/@name.csv (creating the directory) and write @header. */
FILE *bench_csv_open(const struct bench_opts *o, const char *name, const char *header);

/* Close a CSV file and say where it went. Returns 0, or 1 on a write error. */
int bench_csv_close(FILE *f, const struct bench_opts *o, const char *name);

/*
 * @n bare GEM objects of one page each (no backing store), one reference
 * each, on no LRU. Returns the array, or NULL with a message.
 */
struct drm_gem_object *bench_objs_create(struct drm_device *dev, long n);
void bench_objs_destroy(struct drm_gem_object *objs, long n);

/* A thread holding the resvs of @objs, as a submit would, until released. */
struct bench_holder {
	struct drm_gem_object **objs;
	long n;
	int ret;
	pthread_t thread;
	pthread_barrier_t held, done;
};

/* Start holding; returns once every resv is held (0), or an error. */
int bench_hold_start(struct bench_holder *h, struct drm_gem_object **objs, long n);
void bench_hold_stop(struct bench_holder *h);

#endif
