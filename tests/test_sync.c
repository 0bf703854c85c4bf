// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * BO sync (CPU cache maintenance) against reclaim.
 * R-SYNC-UNDER-RESV (seed 20810-20893): the resv is held for the whole
 * walk, a BO without pages returns early, and sync never swaps a BO in.
 */
#include <pthread.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/dma-mapping.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 8
#define SIZE (PAGES * PAGE_SIZE)

static struct sw_bo *new_bo(void **state, struct sw_proc **pp)
{
	struct sw_proc *p = sw_proc_create(*state, "sync", 0);

	if (pp)
		*pp = p;
	return sw_bo_create(sw_file_open(p), SIZE, 0);
}

static void test_sync_never_populated(void **state)
{
	struct sw_bo *bo = new_bo(state, NULL);
	unsigned long syncs = sw_dma_sync_count();

	assert_int_equal(panthor_gem_sync(sw_bo_obj(bo),
					  DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE,
					  0, SIZE), 0);
	assert_null(sw_bo_obj(bo)->backing.pages);
	assert_int_equal(sw_dma_sync_count(), syncs);
}

static void test_sync_evicted_does_not_swap_in(void **state)
{
	struct sw_bo *bo = new_bo(state, NULL);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	struct sw_mm_stats before, after;

	assert_int_equal(panthor_gem_pin(obj), 0);
	panthor_gem_unpin(obj);
	assert_int_equal(sw_shrinker_scan(*state, PAGES, GFP_KERNEL), PAGES);
	sw_mm_stats(&before);
	assert_int_equal(panthor_gem_sync(obj, DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH, 0, SIZE), 0);
	sw_mm_stats(&after);
	assert_null(obj->backing.pages);
	assert_int_equal(after.swap_ins, before.swap_ins);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);
}

static void test_sync_populated_range(void **state)
{
	struct sw_bo *bo = new_bo(state, NULL);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	unsigned long syncs;

	assert_int_equal(panthor_gem_pin(obj), 0);
	syncs = sw_dma_sync_count();
	assert_int_equal(panthor_gem_sync(obj, DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH,
					  PAGE_SIZE, 2 * PAGE_SIZE), 0);
	assert_true(sw_dma_sync_count() > syncs);
	assert_int_equal(panthor_gem_sync(obj, DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH,
					  PAGE_SIZE, SIZE), -EINVAL);
	assert_int_equal(panthor_gem_sync(obj, DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH,
					  ~0ULL, 2), -EINVAL);
	assert_int_equal(panthor_gem_sync(obj, 7, 0, SIZE), -EINVAL);
	panthor_gem_unpin(obj);
}

struct race {
	struct sw_world *w;
	struct sw_bo *bo;
	int stop;
	unsigned long syncs, scans, populates;
};

static void *syncer(void *arg)
{
	struct race *r = arg;

	while (!smp_load_acquire(&r->stop)) {
		assert_int_equal(panthor_gem_sync(sw_bo_obj(r->bo),
				 DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE, 0, SIZE), 0);
		__atomic_add_fetch(&r->syncs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *shrinker(void *arg)
{
	struct race *r = arg;

	while (!smp_load_acquire(&r->stop)) {
		sw_shrinker_scan(r->w, PAGES, GFP_KERNEL);
		__atomic_add_fetch(&r->scans, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * A sync racing with eviction: the mock DMA layer WARNs on a sync of a
 * freed page, which is what a sync outside the resv would hit.
 */
static void test_sync_races_eviction(void **state)
{
	struct race r = { .w = *state };
	time_t deadline;
	pthread_t t[2];
	int i;

	r.bo = new_bo(state, NULL);
	sw_test_thread_start(&t[0], syncer, &r);
	sw_test_thread_start(&t[1], shrinker, &r);
	/*
	 * At least 300 rounds, and until both other threads really ran: for
	 * two minutes at most, a bound in time since memcheck's scheduler can
	 * starve a thread for a count of rounds that takes that long.
	 */
	deadline = time(NULL) + 120;
	for (i = 0; i < 300 || ((__atomic_load_n(&r.syncs, __ATOMIC_RELAXED) < 20 ||
				 __atomic_load_n(&r.scans, __ATOMIC_RELAXED) < 20) &&
				time(NULL) < deadline); i++) {
		assert_int_equal(panthor_gem_pin(sw_bo_obj(r.bo)), 0);
		panthor_gem_unpin(sw_bo_obj(r.bo));
		r.populates++;
	}
	smp_store_release(&r.stop, 1);
	sw_test_thread_join(t[0]);
	sw_test_thread_join(t[1]);
	assert_true(r.syncs > 0 && r.scans > 0);
	assert_int_equal(sw_check_invariants(r.w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_sync_never_populated),
		SW_TEST(test_sync_evicted_does_not_swap_in),
		SW_TEST(test_sync_populated_range),
		SW_TEST(test_sync_races_eviction),
	};

	return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
