// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Memory pressure as the kernel applies it: the nr_to_scan sequence of
 * shrink_slab() for given counts and priorities, watermarks and gfp flags,
 * kswapd and direct reclaim racing each other and a workload, swap running
 * out, and a seeded data-integrity run that compares every page of a BO
 * with a model after each swap round trip.
 *
 * SW_PRESSURE_SEED replays the integrity run, SW_PRESSURE_OPS sets its
 * operation count (default 100000) and SW_PRESSURE_SOAK=<seconds> makes
 * it a soak that runs for that long instead.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sw_test.h"

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/shrinker.h>
#include <linux/sched.h>
#include <drm/drm_gem.h>

#include "panthor_gem.h"

#define MAX_SCANS 64

/*
 * The test command's count, under ASan, TSan and memcheck alike (about
 * 8 s, 30 s and 2 min); helgrind, which is there for the orderings and
 * runs 1e4 operations in 2 min, does 1e3.
 */
#define SW_INTEGRITY_OPS	100000
#define SW_INTEGRITY_OPS_HELGRIND 1000

/* A shrinker whose count and scans the test controls and records. */
struct probe {
	struct shrinker *shrinker;
	unsigned long count;		/* what count_objects() says */
	unsigned long nr_scans;
	unsigned long scans[MAX_SCANS];	/* nr_to_scan of each scan */
	unsigned long stop_at;		/* scan number (1-based) to SHRINK_STOP */
	bool half_scanned;		/* report nr_scanned = nr_to_scan / 2 */
	bool consume;			/* scanned objects are gone from the count */
	int *alive;			/* freed memory the callbacks touch */
	/* Atomics: scans from kswapd, with PF_MEMALLOC, after death. */
	unsigned long kswapd_scans, memalloc_scans, dead_scans;
};

static unsigned long probe_dead_scans;

static unsigned long probe_count(struct shrinker *s, struct shrink_control *sc)
{
	struct probe *p = s->private_data;

	return READ_ONCE(p->count);
}

static unsigned long probe_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct probe *p = s->private_data;

	if (current_is_kswapd())
		__atomic_add_fetch(&p->kswapd_scans, 1, __ATOMIC_RELAXED);
	if (current->flags & PF_MEMALLOC)
		__atomic_add_fetch(&p->memalloc_scans, 1, __ATOMIC_RELAXED);
	if (p->alive) {
		/* Scans from any thread: count, and free nothing. */
		if (READ_ONCE(*p->alive) != 1)
			__atomic_add_fetch(&probe_dead_scans, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (p->consume)
		WRITE_ONCE(p->count, p->count - min(p->count, sc->nr_to_scan));
	if (p->nr_scans < MAX_SCANS)
		p->scans[p->nr_scans] = sc->nr_to_scan;
	if (++p->nr_scans == p->stop_at)
		return SHRINK_STOP;
	if (p->half_scanned)
		sc->nr_scanned = sc->nr_to_scan / 2;
	return sc->nr_to_scan;
}

static void probe_register(struct probe *p, unsigned long count, int seeks, long batch)
{
	p->count = count;
	p->shrinker = shrinker_alloc(0, "probe");
	assert_non_null(p->shrinker);
	p->shrinker->count_objects = probe_count;
	p->shrinker->scan_objects = probe_scan;
	p->shrinker->seeks = seeks;
	p->shrinker->batch = batch;
	p->shrinker->private_data = p;
	shrinker_register(p->shrinker);
}

static void assert_scans(struct probe *p, const unsigned long *want, unsigned long n,
			 long deferred)
{
	unsigned long i;

	assert_int_equal(p->nr_scans, n);
	for (i = 0; i < n; i++)
		assert_int_equal(p->scans[i], want[i]);
	assert_int_equal(atomic_long_read(p->shrinker->nr_deferred), deferred);
	p->nr_scans = 0;
}

static int setup_quiet(void **state)
{
	/* No kswapd: nothing but the test calls the shrinkers. */
	struct sw_world_config cfg = { .mem_pages = 4096, .swap_pages = 8192,
				       .no_kswapd = true };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

/* ---- shrink_slab() conformance ----------------------------------------- */

static void test_shrink_slab_batches_and_defers_as_the_kernel(void **state)
{
	static const unsigned long p2[] = { 128, 128, 128 };
	static const unsigned long p2_again[] = { 128, 128, 128, 128 };
	struct probe p = { 0 };

	/* 1000 objects, DEFAULT_SEEKS, SHRINK_BATCH. */
	probe_register(&p, 1000, DEFAULT_SEEKS, 0);
	/* (1000 >> 12) * 4 / 2 = 0: nothing to scan, nothing deferred. */
	shrink_slab(GFP_KERNEL, 0, NULL, DEF_PRIORITY);
	assert_scans(&p, NULL, 0, 0);
	/* (1000 >> 2) * 4 / 2 = 500: three batches; 116 deferred. */
	assert_int_equal(shrink_slab(GFP_KERNEL, 0, NULL, 2), 384);
	assert_scans(&p, p2, ARRAY_SIZE(p2), 116);
	/* 500 + (116 >> 2) = 529: four batches; 116 + 500 - 512 = 104 deferred. */
	assert_int_equal(shrink_slab(GFP_KERNEL, 0, NULL, 2), 512);
	assert_scans(&p, p2_again, ARRAY_SIZE(p2_again), 104);
	shrinker_free(p.shrinker);
}

static void test_shrink_slab_small_caches_and_caps(void **state)
{
	static const unsigned long one_batch[] = { 128 };
	static const unsigned long all[] = { 100 };
	static const unsigned long custom[] = { 32 };
	struct probe p = { 0 }, q = { 0 }, r = { 0 };

	/* Fewer objects than a batch, priority 0: total_scan capped at 2 * 100. */
	probe_register(&p, 100, DEFAULT_SEEKS, 0);
	shrink_slab(GFP_KERNEL, 0, NULL, 0);
	assert_scans(&p, one_batch, 1, 72);
	/* 72 deferred + 200 capped to 200: one batch; 72 + 200 - 128 = 144. */
	shrink_slab(GFP_KERNEL, 0, NULL, 0);
	assert_scans(&p, one_batch, 1, 144);
	shrinker_free(p.shrinker);

	/* total_scan (100) >= freeable (50): one scan of all of it. */
	probe_register(&q, 50, DEFAULT_SEEKS, 0);
	shrink_slab(GFP_KERNEL, 0, NULL, 0);
	assert_scans(&q, all, 1, 0);
	shrinker_free(q.shrinker);

	/* seeks 0: delta is freeable / 2 whatever the priority; batch 32. */
	probe_register(&r, 100, 0, 32);
	shrink_slab(GFP_KERNEL, 0, NULL, DEF_PRIORITY);
	assert_scans(&r, custom, 1, 18);
	shrinker_free(r.shrinker);
}

static void test_shrink_slab_stop_empty_and_partial_scans(void **state)
{
	static const unsigned long stopped[] = { 128, 128, 128 };
	static const unsigned long halves[] = { 128, 128, 128, 128, 128, 128 };
	struct probe p = { 0 }, q = { 0 }, r = { 0 };

	/* SHRINK_STOP on the third batch: 2000 - 256 scanned = 1744 deferred. */
	p.stop_at = 3;
	probe_register(&p, 1000, DEFAULT_SEEKS, 0);
	assert_int_equal(shrink_slab(GFP_KERNEL, 0, NULL, 0), 256);
	assert_scans(&p, stopped, ARRAY_SIZE(stopped), 1744);
	shrinker_free(p.shrinker);

	/* SHRINK_EMPTY: no scan, nothing freed. */
	probe_register(&q, SHRINK_EMPTY, DEFAULT_SEEKS, 0);
	assert_int_equal(shrink_slab(GFP_KERNEL, 0, NULL, 0), 0);
	assert_scans(&q, NULL, 0, 0);
	shrinker_free(q.shrinker);

	/* A scan that only got through half: total_scan drops by nr_scanned. */
	r.half_scanned = true;
	probe_register(&r, 1000, DEFAULT_SEEKS, 0);
	shrink_slab(GFP_KERNEL, 0, NULL, 2);
	assert_scans(&r, halves, ARRAY_SIZE(halves), 500 - 6 * 64);
	shrinker_free(r.shrinker);
}

static void test_direct_reclaim_raises_priority_until_enough(void **state)
{
	static const unsigned long want[] = { 128, 128, 128 };
	struct probe p = { 0 };

	/*
	 * 4096 objects: priorities 12..7 only defer (2, 6, 14, 30, 62, 126);
	 * 6 scans one batch (126 >> 6 + 128 = 129), 5 two (126 >> 5 + 256 =
	 * 259): 384 >= 200, so reclaim stops there with 126 deferred.
	 */
	probe_register(&p, 4096, DEFAULT_SEEKS, 0);
	assert_int_equal(sw_reclaim(GFP_KERNEL, 200), 384);
	assert_scans(&p, want, ARRAY_SIZE(want), 126);
	/* Direct reclaim runs as PF_MEMALLOC (no recursion), not as kswapd. */
	assert_int_equal(p.memalloc_scans, 3);
	assert_int_equal(p.kswapd_scans, 0);
	shrinker_free(p.shrinker);
}

/* ---- watermarks and gfp flags ------------------------------------------ */

static int setup_small(void **state)
{
	/* 256 pages: min 32, low 40, high 48 by the kernel's formula (floored). */
	struct sw_world_config cfg = { .mem_pages = 256, .swap_pages = 64, .no_kswapd = true };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

static void test_default_watermarks_follow_the_kernel_formula(void **state)
{
	struct sw_mm_stats st;

	/* 1 MiB: min_free_kbytes = max(sqrt(16 * 1024), 128) = 128 KiB = 32 pages. */
	sw_mm_stats(&st);
	assert_int_equal(st.wmark_min, 32);
	assert_int_equal(st.wmark_low, 40);
	assert_int_equal(st.wmark_high, 48);
	assert_int_equal(sw_mm_set_watermarks(50, 40, 60), -EINVAL);
	assert_int_equal(sw_mm_set_watermarks(10, 20, 256), -EINVAL);
}

static void test_gfp_flags_and_the_min_reserve(void **state)
{
	struct page *pages[256];
	struct sw_mm_stats st;
	unsigned long n = 0, i;
	struct page *page;

	/* Nothing to reclaim: GFP_KERNEL stops at the min watermark. */
	while ((page = alloc_page(GFP_KERNEL | __GFP_NOWARN)))
		pages[n++] = page;
	sw_mm_stats(&st);
	assert_int_equal(st.free_pages, 32);
	assert_int_equal(st.alloc_warnings, 0);
	/* The kernel would have run the OOM killer for the last one. */
	assert_int_equal(st.oom_invocations, 1);

	/* GFP_NOWAIT neither: it has no reserve. */
	assert_null(alloc_page(GFP_NOWAIT));
	/* GFP_ATOMIC (__GFP_HIGH, non-blocking) may go to 32 - 16 - 4 = 12. */
	while ((page = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		pages[n++] = page;
	sw_mm_stats(&st);
	assert_int_equal(st.free_pages, 12);

	/* PF_MEMALLOC (reclaim itself) may take the rest, never recursing. */
	current->flags |= PF_MEMALLOC;
	while ((page = alloc_page(GFP_KERNEL | __GFP_NOWARN)))
		pages[n++] = page;
	current->flags &= ~PF_MEMALLOC;
	sw_mm_stats(&st);
	assert_int_equal(st.free_pages, 0);

	/* A failure without __GFP_NOWARN is reported as warn_alloc() does. */
	assert_null(alloc_page(GFP_KERNEL | __GFP_RETRY_MAYFAIL));
	sw_mm_stats(&st);
	assert_int_equal(st.alloc_warnings, 1);
	assert_int_equal(st.oom_invocations, 1);
	/*
	 * Plain GFP_KERNEL is too small to fail in the kernel: it would
	 * invoke the OOM killer (counted here) where __GFP_RETRY_MAYFAIL and
	 * __GFP_NORETRY give up.
	 */
	assert_null(alloc_page(GFP_KERNEL));
	assert_null(alloc_page(GFP_KERNEL | __GFP_NORETRY));
	sw_mm_stats(&st);
	assert_int_equal(st.alloc_warnings, 3);
	assert_int_equal(st.oom_invocations, 2);

	/*
	 * __GFP_NOFAIL without direct reclaim cannot be honoured: 6.12 WARNs
	 * once, __GFP_NOWARN or not, and fails it.
	 */
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_null(alloc_page(GFP_NOWAIT | __GFP_NOFAIL));
	assert_null(alloc_page(GFP_ATOMIC | __GFP_NOFAIL));
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
}

/* ---- kswapd ------------------------------------------------------------ */

#define BO_PAGES 16

static void bo_fill(struct sw_bo *bo, unsigned int seed)
{
	void *va;

	assert_int_equal(sw_bo_vmap(bo, &va), 0);
	sw_pattern_fill(va, BO_PAGES * PAGE_SIZE, seed);
	sw_bo_vunmap(bo, va);
}

static int bo_check(struct sw_bo *bo, unsigned int seed)
{
	void *va;
	int ret = sw_bo_vmap(bo, &va);

	if (ret)
		return ret;
	ret = sw_pattern_check(va, BO_PAGES * PAGE_SIZE, seed) ? 0 : -EIO;
	sw_bo_vunmap(bo, va);
	return ret;
}

static int setup_kswapd(void **state)
{
	struct sw_world_config cfg = { .mem_pages = 512, .swap_pages = 2048 };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

static void test_kswapd_reclaims_to_the_high_watermark(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "kswapd");
	struct sw_reclaim_stats rs;
	struct sw_mm_stats st;
	struct page *pages[32];
	struct sw_bo *bo[32];
	int n = 0, np = 0, i;

	/* BOs down to just above the low watermark: nobody reclaims yet. */
	for (sw_mm_stats(&st); st.free_pages > st.wmark_low + BO_PAGES + 4 && n < 32;
	     sw_mm_stats(&st)) {
		bo[n] = sw_bo_create(c.f, BO_PAGES * PAGE_SIZE, 0);
		bo_fill(bo[n], n + 1);
		n++;
	}
	sw_reclaim_stats_reset();
	/* Single pages past low, never near min: kswapd alone reclaims. */
	for (sw_mm_stats(&st); st.free_pages > st.wmark_low - 2 && np < 32; sw_mm_stats(&st)) {
		pages[np] = alloc_page(GFP_KERNEL);
		assert_non_null(pages[np++]);
	}
	sw_kswapd_park(true);
	sw_reclaim_stats(&rs);
	sw_mm_stats(&st);
	assert_true(rs.kswapd_wakeups > 0);
	assert_true(rs.kswapd_freed > 0);
	assert_int_equal(rs.direct_reclaims, 0);
	/* It reclaimed until more than the high watermark was free, then slept. */
	assert_true(st.free_pages > st.wmark_high);
	assert_int_equal(sw_check_invariants(c.w), 0);
	sw_kswapd_park(false);
	for (i = 0; i < np; i++)
		__free_page(pages[i]);
	for (i = 0; i < n; i++) {
		assert_int_equal(bo_check(bo[i], i + 1), 0);
		sw_bo_close(bo[i]);
	}
}

static void test_kswapd_wakes_below_low_only_with_its_flag(void **state)
{
	struct page *pages[512];
	struct sw_reclaim_stats rs;
	struct sw_mm_stats st;
	struct probe p = { .consume = true };
	unsigned long n = 0, i;

	probe_register(&p, 1000, DEFAULT_SEEKS, 0);
	sw_reclaim_stats_reset();
	sw_mm_stats(&st);
	/* Down to the low watermark and past it, without __GFP_KSWAPD_RECLAIM. */
	while (n < st.total_pages - st.wmark_low + 2) {
		pages[n] = alloc_page(GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM);
		assert_non_null(pages[n++]);
	}
	sw_reclaim_stats(&rs);
	assert_int_equal(rs.kswapd_wakeups, 0);
	/* With it: kswapd wakes, and runs the shrinkers as kswapd. */
	pages[n] = alloc_page(GFP_KERNEL);
	assert_non_null(pages[n++]);
	sw_kswapd_park(true);
	sw_reclaim_stats(&rs);
	assert_int_equal(rs.kswapd_wakeups, 1);
	assert_true(rs.kswapd_runs >= 1);
	assert_true(__atomic_load_n(&p.kswapd_scans, __ATOMIC_RELAXED) > 0);
	assert_int_equal(__atomic_load_n(&p.kswapd_scans, __ATOMIC_RELAXED),
			 __atomic_load_n(&p.memalloc_scans, __ATOMIC_RELAXED));
	sw_kswapd_park(false);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	shrinker_free(p.shrinker);
	/* The test thread itself is neither. */
	assert_false(current_is_kswapd());
	assert_false(current->flags & PF_MEMALLOC);
}

/* ---- kswapd and direct reclaim racing the workload --------------------- */

#define RACE_WORKERS 2
#define RACE_SLOTS 24

struct race {
	struct sw_world *w;
	struct sw_file *f;
	/* Workers keep going after their first pass until this is set. */
	int stop;
	/* Workers through their first pass (RACE_PASS BOs each). */
	int passed;
	unsigned long ops, errors, nomem;
	pthread_mutex_t lock;
};

/* BOs each worker writes at least; more if reclaim has not been seen yet. */
#define RACE_PASS (getenv("SW_UNDER_VALGRIND") ? 30 : 240)

static void *race_worker(void *arg)
{
	struct race *r = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self();
	int pass = RACE_PASS;
	struct sw_bo *bo[RACE_SLOTS] = { 0 };
	int i, k;

	/* Two workers keep 2 * 24 * 16 pages live on a 512-page budget. */
	for (i = 0; i < pass || !smp_load_acquire(&r->stop); i++) {
		if (i == pass)
			__atomic_add_fetch(&r->passed, 1, __ATOMIC_RELEASE);
		k = i % RACE_SLOTS;
		if (bo[k]) {
			int ret = bo_check(bo[k], seed + k);

			if (ret == -EIO)
				__atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
			else if (ret)
				__atomic_add_fetch(&r->nomem, 1, __ATOMIC_RELAXED);
			sw_bo_close(bo[k]);
			bo[k] = NULL;
		}
		pthread_mutex_lock(&r->lock);
		bo[k] = sw_bo_create(r->f, BO_PAGES * PAGE_SIZE, 0);
		pthread_mutex_unlock(&r->lock);
		if (!bo[k])
			continue;
		{
			void *va;

			if (sw_bo_vmap(bo[k], &va)) {
				__atomic_add_fetch(&r->nomem, 1, __ATOMIC_RELAXED);
				sw_bo_close(bo[k]);
				bo[k] = NULL;
				continue;
			}
			sw_pattern_fill(va, BO_PAGES * PAGE_SIZE, seed + k);
			sw_bo_vunmap(bo[k], va);
		}
		__atomic_add_fetch(&r->ops, 1, __ATOMIC_RELAXED);
	}
	for (k = 0; k < RACE_SLOTS; k++) {
		if (!bo[k])
			continue;
		if (bo_check(bo[k], seed + k) == -EIO)
			__atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
		sw_bo_close(bo[k]);
	}
	return NULL;
}

static void *race_direct(void *arg)
{
	struct race *r = arg;
	struct page *pages[96];
	int n, i;

	/*
	 * Grab pages in bursts: the pool drops past low (kswapd) and min
	 * (direct reclaim in this thread's allocations, and in the workers').
	 */
	while (!smp_load_acquire(&r->stop)) {
		for (n = 0; n < 96; n++) {
			pages[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
			if (!pages[n])
				break;
		}
		usleep(1000);
		for (i = 0; i < n; i++)
			__free_page(pages[i]);
		usleep(1000);
	}
	return NULL;
}

static void *race_shrinker_churn(void *arg)
{
	struct race *r = arg;

	/*
	 * Shrinkers come and go while kswapd and direct reclaim walk the
	 * list: each one's private data dies as soon as shrinker_free()
	 * returns, so a walker still in it would touch freed memory.
	 */
	while (!smp_load_acquire(&r->stop)) {
		struct probe *p = calloc(1, sizeof(*p));

		p->alive = malloc(sizeof(int));
		*p->alive = 1;
		probe_register(p, 1 << 20, DEFAULT_SEEKS, 0);
		usleep(100);
		shrinker_free(p->shrinker);
		*p->alive = 0;
		free(p->alive);
		free(p);
	}
	return NULL;
}

/*
 * Both reclaimers have freed pages while the workers ran, and every worker
 * has finished its first pass. A fixed count of BOs is not enough: under
 * valgrind, which runs one thread at a time, kswapd can do all the
 * reclaim of a short run, and direct reclaim none.
 */
static bool race_reclaimed(void *arg)
{
	struct race *r = arg;
	struct sw_reclaim_stats rs;

	sw_reclaim_stats(&rs);
	return __atomic_load_n(&r->passed, __ATOMIC_ACQUIRE) == RACE_WORKERS &&
	       rs.kswapd_freed && rs.direct_freed;
}

static void test_kswapd_and_direct_reclaim_race_the_workload(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "race");
	struct race r = { .w = c.w, .f = c.f };
	pthread_t wk[RACE_WORKERS], direct, churn;
	struct sw_reclaim_stats rs;
	bool reclaimed;
	int i;

	pthread_mutex_init(&r.lock, NULL);
	sw_reclaim_stats_reset();
	sw_test_thread_start(&direct, race_direct, &r);
	sw_test_thread_start(&churn, race_shrinker_churn, &r);
	for (i = 0; i < RACE_WORKERS; i++)
		sw_test_thread_start(&wk[i], race_worker, &r);
	/* Assert only after every thread is joined: they use the world. */
	/* Natively this takes about a second; well under the watchdog either way. */
	reclaimed = sw_test_wait_until(race_reclaimed, &r, getenv("SW_UNDER_VALGRIND") ? 240 : 60);
	smp_store_release(&r.stop, 1);
	for (i = 0; i < RACE_WORKERS; i++)
		sw_test_thread_join(wk[i]);
	sw_test_thread_join(direct);
	sw_test_thread_join(churn);
	pthread_mutex_destroy(&r.lock);
	assert_int_equal(__atomic_load_n(&probe_dead_scans, __ATOMIC_RELAXED), 0);

	sw_reclaim_stats(&rs);
	fprintf(stderr, "race: %lu BOs written, %lu failed for memory; kswapd %lu runs "
		"freed %lu (%lu wakeups), direct %lu runs freed %lu\n", r.ops, r.nomem, rs.kswapd_runs,
		rs.kswapd_freed, rs.kswapd_wakeups, rs.direct_reclaims, rs.direct_freed);
	assert_int_equal(r.errors, 0);
	assert_true(reclaimed);
	assert_true(rs.kswapd_freed > 0);
	assert_true(rs.direct_freed > 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* ---- swap exhaustion --------------------------------------------------- */

static void test_swap_exhaustion_stops_reclaim_and_fails_cleanly(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "swapfull");
	struct sw_bo *bo[64];
	struct sw_mm_stats st;
	int n, i, ret = 0;
	void *va;

	/* 256 pages, 64 swap slots (4 BOs' worth): fill both. */
	for (n = 0; n < 64; n++) {
		bo[n] = sw_bo_create(c.f, BO_PAGES * PAGE_SIZE, 0);
		ret = sw_bo_vmap(bo[n], &va);
		if (ret)
			break;
		sw_pattern_fill(va, BO_PAGES * PAGE_SIZE, n + 1);
		sw_bo_vunmap(bo[n], va);
	}
	assert_int_equal(ret, -ENOMEM);
	assert_true(n > 4);
	sw_bo_close(bo[n]);

	/* Swap is full: the shrinker has nothing it can do, and says so. */
	sw_mm_stats(&st);
	assert_int_equal(st.swap_free, 0);
	assert_int_equal(get_nr_swap_pages(), 0);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), 0);
	assert_int_equal(sw_reclaim(GFP_KERNEL, 64), 0);
	assert_int_equal(sw_check_invariants(c.w), 0);

	/* Nothing was lost: newest (resident) first, each freed after its check. */
	for (i = n - 1; i >= 0; i--) {
		assert_int_equal(bo_check(bo[i], i + 1), 0);
		sw_bo_close(bo[i]);
	}
}

/* ---- the data-integrity run -------------------------------------------- */

#define INT_BOS		64
#define INT_VMS		10
#define INT_MAX_SIZE	(4UL << 20)
/* Each BO at its own address: 8 MiB apart, so ranges never meet. */
#define INT_VA(i)	(0x1000000ULL + (unsigned long long)(i) * (8ULL << 20))

enum int_op {
	OP_CPU_WRITE, OP_CPU_READ, OP_VMAP_WRITE, OP_VMAP_READ, OP_GPU_WRITE, OP_GPU_READ,
	OP_RECREATE, OP_NR
};

struct int_bo {
	struct sw_bo *bo;
	struct sw_map *map;
	struct sw_vm *vm;
	unsigned long long va;
	size_t size;
	unsigned char *model;
	/* Pages of the BO read back from swap when it was last compared. */
	unsigned long swap_ins;
};

struct integrity {
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	struct sw_vm *vm[INT_VMS];
	struct int_bo bo[INT_BOS];
	unsigned long long rng;
	unsigned long ops[OP_NR], nomem, round_trips, pages_compared;
	unsigned long lost, corrupted;
	unsigned char *buf;
};

static unsigned long long int_next(struct integrity *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

/* Sizes from 4 KiB to 4 MiB: every 16th BO 4 MiB, the rest 4 to 256 KiB. */
static bool int_big(int i)
{
	return i % 16 == 0;
}

static size_t int_size(struct integrity *s, int i)
{
	if (int_big(i))
		return INT_MAX_SIZE;
	return PAGE_SIZE << (int_next(s) % 7);
}

/* Pages of BO @i read back from swap since it was created. */
static unsigned long int_swap_ins(struct int_bo *b)
{
	return sw_mapping_swap_ins(sw_bo_obj(b->bo)->base.filp->f_mapping);
}

static int int_create(struct integrity *s, int i)
{
	struct int_bo *b = &s->bo[i];
	int ret;

	b->size = int_size(s, i);
	ret = sw_bo_create_err(s->f, b->size, 0, &b->bo);
	if (ret)
		return ret;
	ret = sw_mmap(s->p, b->bo, 0, &b->map);
	if (!ret)
		ret = sw_vm_bind(b->vm, b->bo, 0, b->size, b->va, 0);
	if (ret) {
		if (b->map)
			sw_munmap(b->map);
		sw_bo_close(b->bo);
		b->bo = NULL;
		b->map = NULL;
		return ret;
	}
	/* A new BO reads as zeroes. */
	b->model = calloc(1, b->size);
	b->swap_ins = int_swap_ins(b);
	return 0;
}

static void int_destroy(struct integrity *s, int i)
{
	struct int_bo *b = &s->bo[i];

	if (!b->bo)
		return;
	assert_int_equal(sw_vm_unbind(b->vm, b->va, b->size), 0);
	sw_munmap(b->map);
	sw_bo_close(b->bo);
	free(b->model);
	b->bo = NULL;
	b->map = NULL;
	b->model = NULL;
}

/*
 * Compare every page of BO @i with its model; Return: 0 or -ENOMEM. The
 * BO is read through a vmap, which holds all of its pages while it is
 * compared: no page can go to swap and come back during the comparison,
 * so the swap-in count taken once the pages are in is exact. (Read through
 * the mmap, kswapd could evict the pages behind the read; every read then
 * moved the count and asked for another, and under CPU load a few 4 MiB
 * BOs were compared again on every operation.)
 */
static int int_compare(struct integrity *s, int i)
{
	struct int_bo *b = &s->bo[i];
	unsigned char *va;
	size_t off, k;

	if (sw_bo_vmap(b->bo, (void **)&va))
		return -ENOMEM;
	b->swap_ins = int_swap_ins(b);
	for (off = 0; off < b->size; off += PAGE_SIZE) {
		if (!memcmp(va + off, b->model + off, PAGE_SIZE))
			continue;
		for (k = off; k < off + PAGE_SIZE; k++)
			s->corrupted += va[k] != b->model[k];
		fprintf(stderr, "integrity: BO %d page %zu differs from the model\n", i,
			off / PAGE_SIZE);
	}
	sw_bo_vunmap(b->bo, va);
	s->pages_compared += b->size / PAGE_SIZE;
	return 0;
}

static void int_random_bytes(struct integrity *s, unsigned char *p, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		p[k] = (unsigned char)int_next(s);
}

/* Mostly CPU accesses through mmap; vmap, GPU jobs and re-creation less often. */
static enum int_op int_pick_op(struct integrity *s)
{
	static const unsigned char weight[OP_NR] = {
		[OP_CPU_WRITE] = 60, [OP_CPU_READ] = 60, [OP_VMAP_WRITE] = 16,
		[OP_VMAP_READ] = 16, [OP_GPU_WRITE] = 51, [OP_GPU_READ] = 51,
		[OP_RECREATE] = 2,
	};
	unsigned int r = int_next(s) % 256, op;

	for (op = 0; op < OP_NR - 1 && r >= weight[op]; op++)
		r -= weight[op];
	return op;
}

/* One operation on BO @i; Return: false if it failed for lack of memory. */
static bool int_op(struct integrity *s, int i, enum int_op op)
{
	struct int_bo *b = &s->bo[i];
	size_t pg = (int_next(s) % (b->size / PAGE_SIZE)) * PAGE_SIZE;
	size_t in = int_next(s) % PAGE_SIZE;
	size_t len = 1 + int_next(s) % min_t(size_t, 512, PAGE_SIZE - in);
	size_t off = pg + in;
	struct sw_gpu_access acc = { .va = b->va + off, .len = len };
	void *va;
	int ret;

	switch (op) {
	case OP_CPU_WRITE:
		/* Within one page: a write is all or nothing. */
		int_random_bytes(s, s->buf, len);
		if (sw_cpu_write(b->map, off, s->buf, len))
			return false;
		memcpy(b->model + off, s->buf, len);
		return true;
	case OP_CPU_READ:
		if (sw_cpu_read(b->map, off, s->buf, len))
			return false;
		if (memcmp(s->buf, b->model + off, len)) {
			fprintf(stderr, "integrity: BO %d: CPU read at %zu differs\n", i, off);
			s->corrupted += len;
		}
		return true;
	case OP_VMAP_WRITE:
	case OP_VMAP_READ:
		if (sw_bo_vmap(b->bo, &va))
			return false;
		if (op == OP_VMAP_WRITE) {
			int_random_bytes(s, (unsigned char *)va + off, len);
			memcpy(b->model + off, (unsigned char *)va + off, len);
		} else if (memcmp((unsigned char *)va + off, b->model + off, len)) {
			fprintf(stderr, "integrity: BO %d: vmap read at %zu differs\n", i, off);
			s->corrupted += len;
		}
		sw_bo_vunmap(b->bo, va);
		return true;
	case OP_GPU_WRITE:
		int_random_bytes(s, s->buf, len);
		acc.write = s->buf;
		ret = sw_submit_wait(b->vm, &acc, 1);
		if (ret == -ENOMEM)
			return false;
		assert_int_equal(ret, 0);
		memcpy(b->model + off, s->buf, len);
		return true;
	case OP_GPU_READ:
		/* The GPU checks what it reads: -EIO on a mismatch. */
		acc.expect = b->model + off;
		ret = sw_submit_wait(b->vm, &acc, 1);
		if (ret == -ENOMEM)
			return false;
		if (ret == -EIO) {
			fprintf(stderr, "integrity: BO %d: GPU read at %zu differs\n", i, off);
			s->corrupted += len;
			return true;
		}
		assert_int_equal(ret, 0);
		return true;
	case OP_RECREATE:
		int_destroy(s, i);
		return !int_create(s, i);
	case OP_NR:
		break;
	}
	return true;
}

static void test_data_integrity_through_swap(void **state)
{
	const char *seed_env = getenv("SW_PRESSURE_SEED");
	const char *ops_env = getenv("SW_PRESSURE_OPS");
	const char *soak_env = getenv("SW_PRESSURE_SOAK");
	const char *valgrind_tool;
	struct sw_world_config cfg = { .swap_pages = 16384 };
	static struct integrity s;
	unsigned long target, done = 0, total_pages = 0;
	unsigned long seed;
	time_t deadline = 0;
	int hot[3] = { 1, 2, 3 }, i, k;

	memset(&s, 0, sizeof(s));
	seed = seed_env ? strtoul(seed_env, NULL, 0) : (unsigned long)time(NULL);
	valgrind_tool = getenv("SW_UNDER_VALGRIND");
	target = ops_env ? strtoul(ops_env, NULL, 0) :
		 valgrind_tool && !strcmp(valgrind_tool, "helgrind") ?
		 SW_INTEGRITY_OPS_HELGRIND : SW_INTEGRITY_OPS;
	if (soak_env)
		deadline = time(NULL) + strtol(soak_env, NULL, 0);
	s.rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	fprintf(stderr, "integrity: seed %lu (replay with SW_PRESSURE_SEED=%lu)\n", seed, seed);

	/* Size the BOs first: the budget is a quarter of the working set. */
	for (i = 0; i < INT_BOS; i++)
		total_pages += int_size(&s, i) / PAGE_SIZE;
	cfg.mem_pages = total_pages / 4;
	s.rng = seed * 0x9e3779b97f4a7c15ULL + 1;

	sw_world_destroy(*state);
	*state = s.w = sw_world_create(&cfg);
	assert_non_null(s.w);
	s.p = sw_proc_create(s.w, "integrity", 0);
	s.f = sw_file_open(s.p);
	s.buf = malloc(INT_MAX_SIZE);
	/*
	 * A submit restores every BO of its VM: each 4 MiB BO has a VM of its
	 * own, the small ones share six (page tables count against the budget).
	 */
	for (i = 0; i < INT_VMS; i++)
		s.vm[i] = sw_vm_create(s.f);
	for (i = 0; i < INT_BOS; i++) {
		s.bo[i].vm = s.vm[int_big(i) ? i / 16 : 4 + i % 6];
		s.bo[i].va = INT_VA(i);
		/* Under pressure a creation may fail: the run retries it later. */
		if (int_create(&s, i))
			s.nomem++;
	}
	fprintf(stderr, "integrity: %d BOs, %lu pages, budget %lu pages\n", INT_BOS,
		total_pages, cfg.mem_pages);

	while (deadline ? time(NULL) < deadline : done < target) {
		enum int_op op;

		/*
		 * Mostly three hot small BOs, sometimes any (a 4 MiB one takes
		 * most of the budget): the others go to swap and come back.
		 */
		if (int_next(&s) % 256 == 0) {
			do {
				hot[0] = int_next(&s) % INT_BOS;
				hot[1] = int_next(&s) % INT_BOS;
				hot[2] = int_next(&s) % INT_BOS;
			} while (int_big(hot[0]) || int_big(hot[1]) || int_big(hot[2]));
		}
		i = int_next(&s) % 64 ? hot[int_next(&s) % 3] : int_next(&s) % INT_BOS;
		op = int_pick_op(&s);
		if (!s.bo[i].bo)
			op = OP_RECREATE;

		if (!int_op(&s, i, op))
			s.nomem++;
		s.ops[op]++;
		done++;
		/*
		 * Every BO with pages back from swap since its last comparison,
		 * whether this operation touched it or brought it back as a side
		 * effect (a submit restores every BO of its VM): compare it all.
		 */
		for (k = 0; k < INT_BOS; k++) {
			if (!s.bo[k].bo || int_swap_ins(&s.bo[k]) == s.bo[k].swap_ins)
				continue;
			s.round_trips++;
			if (int_compare(&s, k))
				s.nomem++;
		}
	}

	/*
	 * Last, every BO, small ones first, each freed once checked. Here a
	 * BO that cannot be read back counts as lost, so kswapd is parked:
	 * mid-pass, it holds the locks of BOs that direct reclaim (trylocks
	 * only) would evict for a 4 MiB vmap, and could fail it for memory.
	 */
	sw_kswapd_park(true);
	for (i = 0; i < 2 * INT_BOS; i++) {
		int k = i % INT_BOS;

		if (!s.bo[k].bo || int_big(k) != (i >= INT_BOS))
			continue;
		if (int_compare(&s, k)) {
			fprintf(stderr, "integrity: BO %d could not be read back\n", k);
			s.lost += s.bo[k].size;
		}
		int_destroy(&s, k);
	}
	sw_kswapd_park(false);
	for (i = 0; i < INT_VMS; i++)
		sw_vm_destroy(s.vm[i]);
	free(s.buf);

	fprintf(stderr, "integrity: %lu operations (cpu-write %lu cpu-read %lu vmap-write %lu "
		"vmap-read %lu gpu-write %lu gpu-read %lu recreate %lu), %lu failed for lack "
		"of memory; %lu swap round trips, %lu pages compared; lost %lu bytes, "
		"corrupted %lu bytes\n", done, s.ops[OP_CPU_WRITE], s.ops[OP_CPU_READ],
		s.ops[OP_VMAP_WRITE], s.ops[OP_VMAP_READ], s.ops[OP_GPU_WRITE],
		s.ops[OP_GPU_READ], s.ops[OP_RECREATE], s.nomem, s.round_trips,
		s.pages_compared, s.lost, s.corrupted);
	assert_true(s.round_trips > 0);
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.corrupted, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shrink_slab_batches_and_defers_as_the_kernel,
						setup_quiet, sw_teardown),
		cmocka_unit_test_setup_teardown(test_shrink_slab_small_caches_and_caps,
						setup_quiet, sw_teardown),
		cmocka_unit_test_setup_teardown(test_shrink_slab_stop_empty_and_partial_scans,
						setup_quiet, sw_teardown),
		cmocka_unit_test_setup_teardown(test_direct_reclaim_raises_priority_until_enough,
						setup_quiet, sw_teardown),
		cmocka_unit_test_setup_teardown(test_default_watermarks_follow_the_kernel_formula,
						setup_small, sw_teardown),
		cmocka_unit_test_setup_teardown(test_gfp_flags_and_the_min_reserve,
						setup_small, sw_teardown),
		cmocka_unit_test_setup_teardown(test_kswapd_reclaims_to_the_high_watermark,
						setup_kswapd, sw_teardown),
		cmocka_unit_test_setup_teardown(test_kswapd_wakes_below_low_only_with_its_flag,
						setup_kswapd, sw_teardown),
		cmocka_unit_test_setup_teardown(test_kswapd_and_direct_reclaim_race_the_workload,
						setup_kswapd, sw_teardown),
		cmocka_unit_test_setup_teardown(test_swap_exhaustion_stops_reclaim_and_fails_cleanly,
						setup_small, sw_teardown),
		cmocka_unit_test_setup_teardown(test_data_integrity_through_swap,
						setup_quiet, sw_teardown),
	};

	return cmocka_run_group_tests_name("pressure", tests, NULL, NULL);
}
