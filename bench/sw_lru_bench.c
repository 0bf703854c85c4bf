// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * LRU scan cost of the panthor shrinker.
 *
 * Builds N one-page BOs on one LRU and times, per BO:
 *   count   the shrinker's count() (constant: it reads the LRU counters);
 *   skip    a scan that can't take any BO (every resv held elsewhere), the
 *           cost reclaim pays for contended BOs it counts as remaining;
 *   evict   a scan that evicts every BO (unused LRU; mmapped LRU, where
 *           the CPU mappings are zapped too; a VM LRU, where the GPU
 *           mappings are torn down too);
 * and prints ns per BO for each. Figures, not pass/fail: run it on a quiet
 * machine with the release preset. The shim's own costs are in the figures.
 *
 * Usage: sw_lru_bench [N]   (default 4096)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/dma-resv.h>
#include <linux/shrinker.h>
#include <drm/drm_exec.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/mmap.h>
#include <shrinkwrap/vm.h>
#include <shrinkwrap/submit.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/invariants.h>
#include <shrinkwrap/introspect.h>
#include <shrinkwrap/report.h>
#include <shrinkwrap/fault.h>

#include "panthor_device.h"
#include "panthor_gem.h"

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

struct holder {
	struct sw_bo **bos;
	int n;
	pthread_barrier_t held, done;
};

/* Holds every BO's resv while the main thread scans. */
static void *hold_resvs(void *arg)
{
	struct holder *h = arg;
	struct drm_exec exec;
	int ret = 0;

	/* As a submit would: all of them under one acquire context. */
	drm_exec_init(&exec, 0, h->n);
	drm_exec_until_all_locked(&exec) {
		for (int i = 0; i < h->n && !ret; i++)
			ret = drm_exec_lock_obj(&exec, &sw_bo_obj(h->bos[i])->base);
		drm_exec_retry_on_contention(&exec);
	}
	if (ret)
		fprintf(stderr, "sw_lru_bench: locking the BOs: %d\n", ret);
	pthread_barrier_wait(&h->held);
	pthread_barrier_wait(&h->done);
	drm_exec_fini(&exec);
	return NULL;
}

static void populate(struct sw_bo **bos, int n)
{
	for (int i = 0; i < n; i++) {
		if (panthor_gem_pin(sw_bo_obj(bos[i]))) {
			fprintf(stderr, "sw_lru_bench: out of memory populating\n");
			exit(1);
		}
		panthor_gem_unpin(sw_bo_obj(bos[i]));
	}
}

static void report(const char *what, double ns, int n)
{
	printf("  %-34s %9.0f ns/BO  (%d BOs, %.2f ms)\n", what, ns / n, n, ns / 1e6);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4096;
	struct sw_world_config cfg;
	struct sw_bo **bos;
	struct sw_map **maps;
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	struct sw_vm *vm;
	struct holder h;
	pthread_t t;
	double t0;
	unsigned long r;
	int problems;

	if (n < 1 || n > 1 << 20) {
		fprintf(stderr, "usage: %s [N: 1..1048576 BOs]\n", argv[0]);
		return 2;
	}
	cfg = (struct sw_world_config) { .mem_pages = 2 * n + 1024, .swap_pages = 2 * n };
	sw_report_quiet(true);
	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	p = sw_proc_create(w, "bench", 0);
	f = sw_file_open(p);
	vm = sw_vm_create(f);
	bos = calloc(n, sizeof(*bos));
	maps = calloc(n, sizeof(*maps));
	if (!bos || !maps)
		return 1;
	for (int i = 0; i < n; i++)
		bos[i] = sw_bo_create(f, PAGE_SIZE, 0);
	populate(bos, n);

	printf("shrinkwrap LRU scan cost, %d one-page BOs per LRU\n", n);

	t0 = now_ns();
	for (int i = 0; i < n; i++)
		sw_shrinker_count(w, GFP_KERNEL);
	report("count()", now_ns() - t0, n);

	h.bos = bos;
	h.n = n;
	pthread_barrier_init(&h.held, NULL, 2);
	pthread_barrier_init(&h.done, NULL, 2);
	pthread_create(&t, NULL, hold_resvs, &h);
	pthread_barrier_wait(&h.held);
	t0 = now_ns();
	r = sw_shrinker_scan(w, n, GFP_NOWAIT);
	report("scan, every resv contended", now_ns() - t0, n);
	pthread_barrier_wait(&h.done);
	pthread_join(t, NULL);
	if (r != 0) {
		fprintf(stderr, "sw_lru_bench: contended scan returned %lu, not 0\n", r);
		return 1;
	}

	t0 = now_ns();
	r = sw_shrinker_scan(w, n, GFP_NOWAIT);
	report("scan, evict unused", now_ns() - t0, n);
	if (r != (unsigned long)n)
		fprintf(stderr, "sw_lru_bench: evicted %lu of %d\n", r, n);

	for (int i = 0; i < n; i++) {
		char byte = 1;

		if (sw_mmap(p, bos[i], 0, &maps[i]) || sw_cpu_write(maps[i], 0, &byte, 1)) {
			fprintf(stderr, "sw_lru_bench: mmap/touch failed\n");
			return 1;
		}
	}
	t0 = now_ns();
	r = sw_shrinker_scan(w, n, GFP_NOWAIT);
	report("scan, evict mmapped (zap CPU PTEs)", now_ns() - t0, n);
	for (int i = 0; i < n; i++)
		sw_munmap(maps[i]);

	for (int i = 0; i < n; i++) {
		if (sw_vm_bind(vm, bos[i], 0, PAGE_SIZE, (1ULL << 32) + (uint64_t)i * PAGE_SIZE, 0)) {
			fprintf(stderr, "sw_lru_bench: bind failed\n");
			return 1;
		}
	}
	t0 = now_ns();
	r = sw_shrinker_scan(w, n, GFP_KERNEL);
	report("scan, evict VM LRU (GPU PTEs)", now_ns() - t0, n);

	t0 = now_ns();
	r = sw_vm_validate(vm);
	report("validate, restore every BO", now_ns() - t0, n);

	free(maps);
	free(bos);
	problems = sw_world_destroy(w);
	if (problems) {
		printf("FAILED: %d teardown problem(s)\n", problems);
		return 1;
	}
	return 0;
}
