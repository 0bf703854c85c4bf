// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The shrinker: count, scan order and budget, return values and the retry
 * counter, the debugfs shrink file, and reclaim driven by the page
 * allocator running out of memory.
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/shrinker.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)

/* R-COUNT-SHRINK-EMPTY (seed 15014-15028): nothing to count is SHRINK_EMPTY. */
static void test_count_empty_is_shrink_empty(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");

	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), SHRINK_EMPTY);
	sw_bo_create(c.f, SIZE, 0);	/* no pages: not counted */
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), SHRINK_EMPTY);
	sw_test_bo_unused(&c, SIZE);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), PAGES);
}

/* R-COUNT-SHRINK-EMPTY: without swap nothing can be reclaimed: count is 0. */
static void test_count_no_swap_is_zero(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");

	sw_test_bo_unused(&c, SIZE);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), 0);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), SHRINK_STOP);
	assert_int_equal(c.ptdev->reclaim.unused.count, PAGES);
}

/* count sums unused and mmapped pages, whatever the gfp. */
static void test_count_sums_lrus(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");

	sw_test_bo_unused(&c, SIZE);
	sw_test_bo_mmapped(&c, 2 * SIZE, NULL);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), 3 * PAGES);
	assert_int_equal(sw_shrinker_count(c.w, GFP_NOWAIT), 3 * PAGES);
}

/* R-SCAN-RETURNS-FREED (seed 10971-10977): a scan that frees returns the pages freed. */
static void test_scan_returns_freed(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	int i;

	for (i = 0; i < 3; i++)
		sw_test_bo_unused(&c, SIZE);
	atomic_set(&c.ptdev->reclaim.retry_count, 1);
	assert_int_equal(sw_shrinker_scan(c.w, 3 * PAGES, GFP_KERNEL), 3 * PAGES);
	assert_int_equal(atomic_read(&c.ptdev->reclaim.retry_count), 0);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), SHRINK_EMPTY);
}

/* The scan stops once nr_to_scan pages were freed, oldest first. */
static void test_scan_stops_at_budget(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_bo *bo[4];
	int i;

	for (i = 0; i < 4; i++)
		bo[i] = sw_test_bo_unused(&c, SIZE);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES + 1, GFP_KERNEL), 2 * PAGES);
	assert_null(sw_bo_obj(bo[0])->backing.pages);
	assert_null(sw_bo_obj(bo[1])->backing.pages);
	assert_non_null(sw_bo_obj(bo[2])->backing.pages);
	assert_non_null(sw_bo_obj(bo[3])->backing.pages);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* Unused BOs go before mmapped ones, even older mmapped ones. */
static void test_scan_unused_before_mmapped(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_map *m;
	struct sw_bo *mapped = sw_test_bo_mmapped(&c, SIZE, &m), *unused;

	unused = sw_test_bo_unused(&c, SIZE);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_null(sw_bo_obj(unused)->backing.pages);
	assert_non_null(sw_bo_obj(mapped)->backing.pages);
	assert_int_equal(sw_map_present_pages(m), 1);

	/* Then the mmapped one: its CPU mapping is zapped first. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_null(sw_bo_obj(mapped)->backing.pages);
	assert_int_equal(sw_map_present_pages(m), 0);
}

/*
 * Contended BOs count as remaining: the first scan that frees nothing
 * returns 0 (one retry), the second SHRINK_STOP, and the counter resets.
 */
static void test_scan_retry_then_stop(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_bo *bo = sw_test_bo_unused(&c, SIZE);
	struct dma_resv *resv = sw_bo_obj(bo)->base.resv;

	dma_resv_lock(resv, NULL);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), 0);
	assert_int_equal(atomic_read(&c.ptdev->reclaim.retry_count), 1);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), SHRINK_STOP);
	assert_int_equal(atomic_read(&c.ptdev->reclaim.retry_count), 0);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), 0);
	dma_resv_unlock(resv);

	/* Uncontended again: freed, and the counter is back to 0. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_int_equal(atomic_read(&c.ptdev->reclaim.retry_count), 0);
}

/* Nothing at all to reclaim: SHRINK_STOP at once. */
static void test_scan_nothing_is_stop(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");

	assert_int_equal(sw_shrinker_scan(c.w, 128, GFP_KERNEL), SHRINK_STOP);
	assert_int_equal(atomic_read(&c.ptdev->reclaim.retry_count), 0);
}

/*
 * A scan holds a reference, not the LRU slot: by the time it owns the resv
 * another scan may have evicted the BO. try_evict must then give up, not
 * evict a BO without pages (found by the stress test; v1 had the same hole:
 * its "harder to reclaim" check compares UNRECLAIMABLE with itself).
 */
static void test_try_evict_already_evicted(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_bo *bo = sw_test_bo_unused(&c, SIZE);
	struct drm_gem_object *obj = &sw_bo_obj(bo)->base;

	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	dma_resv_lock(obj->resv, NULL);
	assert_false(panthor_gem_try_evict(obj, NULL));
	dma_resv_unlock(obj->resv);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* Pinned BOs are never evicted, whatever the pressure. */
static void test_pinned_never_evicted(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_bo *bo = sw_test_bo_unused(&c, SIZE);

	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), 0);
	sw_reclaim(GFP_KERNEL, 1000);
	assert_non_null(sw_bo_obj(bo)->backing.pages);
	panthor_gem_unpin(sw_bo_obj(bo));
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/*
 * The debugfs shrink file: a write scans that many pages as GFP_KERNEL
 * reclaim; a read gives what the last scan freed, whoever ran it.
 */
static void test_debugfs_shrink(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	char buf[64];
	int i;

	for (i = 0; i < 3; i++)
		sw_test_bo_unused(&c, SIZE);

	assert_int_equal(sw_debugfs_read("dri/0/shrink", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "0x00000000\n");
	assert_int_equal(sw_debugfs_write("dri/0/shrink", "4\n"), 2);
	assert_int_equal(sw_debugfs_read("dri/0/shrink", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "0x00000004\n");

	/* A scan from memory pressure updates it too. */
	assert_true(sw_reclaim(GFP_KERNEL, 2 * PAGES) >= 2 * PAGES);
	sw_debugfs_read("dri/0/shrink", buf, sizeof(buf));
	assert_string_equal(buf, "0x00000008\n");	/* the last scan freed the last 2 BOs */
	assert_int_equal(sw_debugfs_write("dri/0/shrink", "bogus"), -EINVAL);
}

/* The debugfs gems file: a line per BO and totals that add up. */
static void test_debugfs_gems(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	char buf[4096];

	sw_test_bo_unused(&c, SIZE);
	sw_test_bo_mmapped(&c, 2 * SIZE, NULL);
	sw_bo_create(c.f, SIZE, 0);
	assert_true(sw_debugfs_read("dri/0/gems", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "unused"));
	assert_non_null(strstr(buf, "mmapped"));
	assert_non_null(strstr(buf, "unreclaimable"));
	assert_non_null(strstr(buf, "Total size: 65536, Total resident: 49152, "
				    "Total reclaimable: 49152"));

	sw_shrinker_scan(c.w, 3 * PAGES, GFP_KERNEL);
	sw_debugfs_read("dri/0/gems", buf, sizeof(buf));
	assert_non_null(strstr(buf, "Total size: 65536, Total resident: 0, "
				    "Total reclaimable: 0"));
}

/*
 * End to end: the working set is larger than memory. Allocations run
 * direct reclaim, the shrinker evicts the oldest BOs, and every BO still
 * reads back what was written to it.
 */
static void test_direct_reclaim_from_allocation(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	enum { NBO = 12, BO_PAGES = 64 };
	static char buf[BO_PAGES * PAGE_SIZE];
	struct sw_map *m[NBO];
	struct sw_reclaim_stats rs;
	struct sw_mm_stats ms;
	int i;

	/*
	 * 12 x 64 pages = 768 pages on a 256-page budget (setup below).
	 * kswapd is held off: left running it may keep ahead of the writes,
	 * and this is about the allocations reclaiming for themselves.
	 */
	sw_kswapd_park(true);
	for (i = 0; i < NBO; i++) {
		struct sw_bo *bo = sw_bo_create(c.f, sizeof(buf), 0);

		assert_int_equal(sw_mmap(c.p, bo, 0, &m[i]), 0);
		sw_pattern_fill(buf, sizeof(buf), i);
		assert_int_equal(sw_cpu_write(m[i], 0, buf, sizeof(buf)), 0);
	}
	for (i = 0; i < NBO; i++) {
		assert_int_equal(sw_cpu_read(m[i], 0, buf, sizeof(buf)), 0);
		assert_true(sw_pattern_check(buf, sizeof(buf), i));
	}
	sw_kswapd_park(false);
	sw_reclaim_stats(&rs);
	sw_mm_stats(&ms);
	assert_true(rs.direct_reclaims > 0);
	assert_true(ms.swap_outs >= (NBO * BO_PAGES) - ms.total_pages);
	assert_int_equal(ms.alloc_failures, 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

static int setup_small(void **state)
{
	struct sw_world_config cfg = { .mem_pages = 256, .swap_pages = 2048 };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

/* shrink_slab() arithmetic: a full pass at priority 0 scans in batches of 128. */
static void test_reclaim_batches(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "shrink");
	struct sw_reclaim_stats rs;
	int i;

	for (i = 0; i < 8; i++)
		sw_test_bo_unused(&c, 64 * PAGE_SIZE);	/* 512 pages */
	sw_reclaim_stats_reset();
	assert_int_equal(sw_reclaim(GFP_KERNEL, 512), 512);
	sw_reclaim_stats(&rs);
	/* Priorities 12..1 scan nothing (512 >> p) * 4 / 2 < 128; 0 does 1024 -> 4 batches. */
	assert_true(rs.scans >= 4);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), SHRINK_EMPTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_count_empty_is_shrink_empty),
		SW_TEST_NOSWAP(test_count_no_swap_is_zero),
		SW_TEST(test_count_sums_lrus),
		SW_TEST(test_scan_returns_freed),
		SW_TEST(test_scan_stops_at_budget),
		SW_TEST(test_scan_unused_before_mmapped),
		SW_TEST(test_scan_retry_then_stop),
		SW_TEST(test_scan_nothing_is_stop),
		SW_TEST(test_try_evict_already_evicted),
		SW_TEST(test_pinned_never_evicted),
		SW_TEST(test_debugfs_shrink),
		SW_TEST(test_debugfs_gems),
		cmocka_unit_test_setup_teardown(test_direct_reclaim_from_allocation,
						setup_small, sw_teardown),
		SW_TEST(test_reclaim_batches),
	};

	return cmocka_run_group_tests_name("shrinker", tests, NULL, NULL);
}
