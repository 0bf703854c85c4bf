// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * LRU scan cost of the panthor shrinker, per BO, as the number of BOs grows.
 *
 * For each N, builds N one-page BOs on one LRU and times, per BO:
 *   count      the shrinker's count() (constant: it reads the LRU counters);
 *   contended  a scan that can't take any BO (every resv held elsewhere),
 *              the cost reclaim pays for contended BOs it counts as remaining;
 *   unused     a scan evicting every BO of the unused LRU;
 *   mmapped    the same from the mmapped LRU: each BO's CPU mapping is zapped
 *              too (unmap_mapping_range() over the device's i_mmap tree, so
 *              this should stay flat as N grows, as in the kernel);
 *   vm         the same from a VM's LRU: GPU mappings are torn down too;
 *   validate   restoring every BO of the VM (swap-in and GPU map).
 * The figures include the shim's own costs (its page allocator, swap store,
 * locks with lockdep), so compare rows and sizes, not absolute kernel cost.
 *
 * Prints a table, writes lru.csv (n,row,ns_per_bo).
 */
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/shrinker.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/mmap.h>
#include <shrinkwrap/vm.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/report.h>
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
#include "bench_util.h"

static const char *const rows[] = {
	"count", "contended", "unused", "mmapped", "vm", "validate",
};

static int populate(struct sw_bo **bos, long n)
{
	for (long i = 0; i < n; i++) {
		if (panthor_gem_pin(sw_bo_obj(bos[i]))) {
			fprintf(stderr, "sw_lru_bench: out of memory populating\n");
			return 1;
		}
		panthor_gem_unpin(sw_bo_obj(bos[i]));
	}
	return 0;
}

static int check_scan(const char *what, unsigned long got, unsigned long want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "sw_lru_bench: %s scan returned %lu, not %lu\n", what, got, want);
	return 1;
}

/* Time every row at @n BOs into @ns (total ns per row). */
static int measure(long n, double *ns)
{
	struct sw_world_config cfg = { .mem_pages = 2 * n + 1024, .swap_pages = 2 * n };
	struct drm_gem_object **objs;
	struct bench_holder h;
	struct sw_bo **bos;
	struct sw_map **maps;
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	struct sw_vm *vm;
	int err = 1;
	double t0;

	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	p = sw_proc_create(w, "bench", 0);
	f = sw_file_open(p);
	vm = sw_vm_create(f);
	bos = calloc(n, sizeof(*bos));
	maps = calloc(n, sizeof(*maps));
	objs = calloc(n, sizeof(*objs));
	if (!p || !f || !vm || !bos || !maps || !objs)
		goto out;
	for (long i = 0; i < n; i++) {
		bos[i] = sw_bo_create(f, PAGE_SIZE, 0);
		if (!bos[i])
			goto out;
		objs[i] = &sw_bo_obj(bos[i])->base;
	}
	if (populate(bos, n))
		goto out;

	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		sw_shrinker_count(w, GFP_KERNEL);
	ns[0] = bench_now_ns() - t0;

	if (bench_hold_start(&h, objs, n)) {
		bench_hold_stop(&h);
		goto out;
	}
	t0 = bench_now_ns();
	err = check_scan("contended", sw_shrinker_scan(w, n, GFP_NOWAIT), 0);
	ns[1] = bench_now_ns() - t0;
	bench_hold_stop(&h);
	if (err)
		goto out;

	t0 = bench_now_ns();
	err = check_scan("unused", sw_shrinker_scan(w, n, GFP_NOWAIT), n);
	ns[2] = bench_now_ns() - t0;
	if (err)
		goto out;

	err = 1;
	for (long i = 0; i < n; i++) {
		char byte = 1;

		if (sw_mmap(p, bos[i], 0, &maps[i]) || sw_cpu_write(maps[i], 0, &byte, 1)) {
			fprintf(stderr, "sw_lru_bench: mmap/touch failed\n");
			goto out;
		}
	}
	t0 = bench_now_ns();
	err = check_scan("mmapped", sw_shrinker_scan(w, n, GFP_NOWAIT), n);
	ns[3] = bench_now_ns() - t0;
	for (long i = 0; i < n; i++) {
		sw_munmap(maps[i]);
		maps[i] = NULL;
	}
	if (err)
		goto out;

	err = 1;
	for (long i = 0; i < n; i++) {
		if (sw_vm_bind(vm, bos[i], 0, PAGE_SIZE, (1ULL << 32) + (uint64_t)i * PAGE_SIZE, 0)) {
			fprintf(stderr, "sw_lru_bench: bind failed\n");
			goto out;
		}
	}
	t0 = bench_now_ns();
	err = check_scan("vm", sw_shrinker_scan(w, n, GFP_KERNEL), n);
	ns[4] = bench_now_ns() - t0;
	if (err)
		goto out;

	t0 = bench_now_ns();
	err = sw_vm_validate(vm);
	ns[5] = bench_now_ns() - t0;
	if (err)
		fprintf(stderr, "sw_lru_bench: validate: %d\n", err);

out:
	free(objs);
	free(maps);
	free(bos);
	if (sw_world_destroy(w)) {
		fprintf(stderr, "sw_lru_bench: teardown problems at %ld BOs\n", n);
		err = 1;
	}
	return err;
}

int main(int argc, char **argv)
{
	static const long full[] = { 1000, 3000, 10000, 30000 };
	static const long quick[] = { 8, 32 };
	double ns[ARRAY_SIZE(rows)];
	const long *sizes;
	struct bench_opts o;
	int nsizes, err;
	FILE *csv;

	err = bench_parse(argc, argv, "panthor shrinker cost per BO by LRU, as N grows", &o);
	if (err)
		return err < 0 ? 0 : err;
	sizes = o.quick ? quick : full;
	nsizes = o.quick ? ARRAY_SIZE(quick) : ARRAY_SIZE(full);
	sw_report_quiet(true);
	csv = bench_csv_open(&o, "lru", "n,row,ns_per_bo");
	if (!csv)
		return 1;

	printf("panthor shrinker, ns per one-page BO\n%8s", "BOs");
	for (int r = 0; r < (int)ARRAY_SIZE(rows); r++)
		printf(" %10s", rows[r]);
	printf("\n");
	for (int i = 0; i < nsizes && !err; i++) {
		err = measure(sizes[i], ns);
		if (err)
			break;
		printf("%8ld", sizes[i]);
		for (int r = 0; r < (int)ARRAY_SIZE(rows); r++) {
			printf(" %10.0f", ns[r] / sizes[i]);
			fprintf(csv, "%ld,%s,%.1f\n", sizes[i], rows[r], ns[r] / sizes[i]);
		}
		printf("\n");
		fflush(stdout);
	}
	err |= bench_csv_close(csv, &o, "lru");
	return err;
}
