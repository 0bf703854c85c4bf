// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reclaim and restore throughput of unused BOs, in pages per second,
 * against a memcpy floor measured in the same run.
 *
 * For 4 KiB BOs and for 2 MiB BOs (the same total size):
 *   reclaim  every BO swapped out by direct reclaim: shrink_slab() at
 *            rising priority (sw_reclaim()) until all pages are freed;
 *   restore  every BO swapped in again (pinned and unpinned, as a first
 *            use after reclaim would);
 *   floor    memcpy() of the same number of pages, page by page, between
 *            two buffers of the same total size: the least a swap-out or
 *            swap-in of these pages can cost (best of three).
 * The shim's swap store is memory, so the floor is what a kernel swapping
 * to zram-like memory could at best approach.
 *
 * Prints a table, writes reclaim.csv (bo_kib,op,pages,pages_per_s,floor_pages_per_s,ratio).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/report.h>
#include <shrinkwrap/introspect.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "bench_util.h"

/* Pages per second of page-by-page memcpy over @pages pages, best of three. */
static double memcpy_floor(long pages)
{
	size_t bytes = (size_t)pages * PAGE_SIZE;
	char *src = malloc(bytes), *dst = malloc(bytes);
	double best = 1e300;

	if (!src || !dst) {
		free(src);
		free(dst);
		return 0;
	}
	memset(src, 0x5a, bytes);
	memset(dst, 0, bytes);
	for (int r = 0; r < 3; r++) {
		double t0 = bench_now_ns();

		for (long i = 0; i < pages; i++)
			memcpy(dst + i * PAGE_SIZE, src + i * PAGE_SIZE, PAGE_SIZE);
		/* Keep the copies. */
		__asm__ volatile("" : : "r"(dst) : "memory");
		best = min(best, bench_now_ns() - t0);
	}
	free(src);
	free(dst);
	return pages / (best / 1e9);
}

/* @rate[0] reclaim, @rate[1] restore, in pages/s, for @n BOs of @size bytes. */
static int measure(long n, size_t size, double *rate)
{
	long pages = n * (long)(size >> PAGE_SHIFT);
	struct sw_world_config cfg = { .mem_pages = pages + 4096, .swap_pages = pages + 1024 };
	unsigned long freed = 0, got;
	struct sw_bo **bos;
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	int err = 1, idle = 0;
	double t0;

	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	p = sw_proc_create(w, "bench", 0);
	f = p ? sw_file_open(p) : NULL;
	bos = calloc(n, sizeof(*bos));
	if (!f || !bos)
		goto out;
	for (long i = 0; i < n; i++) {
		bos[i] = sw_bo_create(f, size, 0);
		if (!bos[i] || panthor_gem_pin(sw_bo_obj(bos[i]))) {
			fprintf(stderr, "sw_reclaim_bench: creating or populating BO %ld\n", i);
			goto out;
		}
		panthor_gem_unpin(sw_bo_obj(bos[i]));
	}

	/* Direct reclaim until every page is out (three idle rounds: give up). */
	t0 = bench_now_ns();
	while (freed < (unsigned long)pages && idle < 3) {
		got = sw_reclaim(GFP_KERNEL, pages - freed);
		freed += got;
		idle = got ? 0 : idle + 1;
	}
	rate[0] = freed / ((bench_now_ns() - t0) / 1e9);
	if (freed != (unsigned long)pages) {
		fprintf(stderr, "sw_reclaim_bench: reclaimed %lu of %ld pages\n", freed, pages);
		goto out;
	}

	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (panthor_gem_pin(sw_bo_obj(bos[i]))) {
			fprintf(stderr, "sw_reclaim_bench: restoring BO %ld\n", i);
			goto out;
		}
		panthor_gem_unpin(sw_bo_obj(bos[i]));
	}
	rate[1] = pages / ((bench_now_ns() - t0) / 1e9);
	err = 0;
out:
	free(bos);
	if (sw_world_destroy(w)) {
		fprintf(stderr, "sw_reclaim_bench: teardown problems at %ld BOs\n", n);
		err = 1;
	}
	return err;
}

int main(int argc, char **argv)
{
	static const char *const ops[] = { "reclaim", "restore" };
	static const size_t sizes[] = { SZ_4K, SZ_2M };
	struct bench_opts o;
	long total_pages;
	double rate[2], floor;
	int err;
	FILE *csv;

	err = bench_parse(argc, argv, "reclaim and restore throughput against a memcpy floor", &o);
	if (err)
		return err < 0 ? 0 : err;
	/* 256 MiB of BOs; one 2 MiB BO's worth in the smoke test. */
	total_pages = o.quick ? 512 : 65536;
	sw_report_quiet(true);
	csv = bench_csv_open(&o, "reclaim", "bo_kib,op,pages,pages_per_s,floor_pages_per_s,ratio");
	if (!csv)
		return 1;

	floor = memcpy_floor(total_pages);
	if (!floor) {
		fprintf(stderr, "sw_reclaim_bench: no memory for the memcpy floor\n");
		return 1;
	}
	printf("unused BOs through shrink_slab(): pages/s, %ld pages (%ld MiB) per run\n",
	       total_pages, total_pages >> 8);
	printf("memcpy floor: %.0f pages/s (%.2f GiB/s)\n", floor, floor * PAGE_SIZE / (1 << 30));
	printf("%8s %8s %14s %10s %10s\n", "BO", "op", "pages/s", "GiB/s", "of floor");
	for (int s = 0; s < (int)ARRAY_SIZE(sizes) && !err; s++) {
		err = measure(total_pages / (long)(sizes[s] >> PAGE_SHIFT), sizes[s], rate);
		for (int op = 0; op < 2 && !err; op++) {
			printf("%6zu K %8s %14.0f %10.2f %9.1f%%\n", sizes[s] >> 10, ops[op], rate[op],
			       rate[op] * PAGE_SIZE / (1 << 30), 100 * rate[op] / floor);
			fprintf(csv, "%zu,%s,%ld,%.0f,%.0f,%.4f\n", sizes[s] >> 10, ops[op],
				total_pages, rate[op], floor, rate[op] / floor);
		}
		fflush(stdout);
	}
	err |= bench_csv_close(csv, &o, "reclaim");
	return err;
}
