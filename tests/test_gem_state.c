// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reclaim states of a BO and its LRU membership after every transition
 * that does not need a GPU VM: create, pin/unpin, vmap/vunmap, mmap,
 * CPU fault, last munmap, eviction, refault.
 */
#include <linux/kernel.h>
#include <linux/mm.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)

/* State, LRU and the LRU page counts, all at once. */
static void expect(struct sw_ctx *c, struct sw_bo *bo, enum panthor_gem_reclaim_state state,
		   long unused, long mmapped)
{
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(obj->reclaim_state, state);
	switch (state) {
	case PANTHOR_GEM_UNUSED:
		assert_ptr_equal(obj->base.lru, &c->ptdev->reclaim.unused);
		break;
	case PANTHOR_GEM_MMAPPED:
		assert_ptr_equal(obj->base.lru, &c->ptdev->reclaim.mmapped);
		break;
	default:
		/* Never populated: on no LRU; else parked, never scanned. */
		if (obj->base.lru)
			assert_ptr_equal(obj->base.lru, &c->ptdev->reclaim.unreclaimable);
		break;
	}
	assert_int_equal(c->ptdev->reclaim.unused.count, unused);
	assert_int_equal(c->ptdev->reclaim.mmapped.count, mmapped);
	assert_int_equal(c->ptdev->reclaim.gpu_mapped_count, 0);
	assert_int_equal(sw_check_invariants(c->w), 0);
}

/* R-STATE-INITIAL: a new BO has no pages, is UNRECLAIMABLE and on no LRU. */
static void test_new_bo_is_unreclaimable(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);

	assert_null(sw_bo_obj(bo)->backing.pages);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), SHRINK_EMPTY);
}

/* R-STATE-INITIAL: code compares states, so their order is part of the ABI. */
static void test_state_order(void **state)
{
	BUILD_BUG_ON(!(PANTHOR_GEM_UNUSED < PANTHOR_GEM_MMAPPED));
	BUILD_BUG_ON(!(PANTHOR_GEM_MMAPPED < PANTHOR_GEM_GPU_MAPPED_PRIVATE));
	BUILD_BUG_ON(!(PANTHOR_GEM_GPU_MAPPED_PRIVATE < PANTHOR_GEM_GPU_MAPPED_SHARED));
	BUILD_BUG_ON(!(PANTHOR_GEM_GPU_MAPPED_SHARED < PANTHOR_GEM_UNRECLAIMABLE));
}

/* Pin 0->1 allocates and pins: UNRECLAIMABLE; unpin 1->0: UNUSED (pages stay). */
static void test_pin_unpin(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(panthor_gem_pin(obj), 0);
	assert_non_null(obj->backing.pages);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);

	assert_int_equal(panthor_gem_pin(obj), 0);
	panthor_gem_unpin(obj);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);
	assert_int_equal(refcount_read(&obj->backing.pin_count), 1);

	panthor_gem_unpin(obj);
	assert_non_null(obj->backing.pages);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);
}

/* R-VMAP-PINS: a vmapped BO is pinned, hence unreclaimable until vunmap. */
static void test_vmap_pins(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	void *va, *va2;

	assert_int_equal(sw_bo_vmap(bo, &va), 0);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);
	assert_int_equal(sw_bo_vmap(bo, &va2), 0);
	assert_ptr_equal(va, va2);
	sw_bo_vunmap(bo, va2);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);

	/* Nothing to reclaim while vmapped. */
	assert_int_equal(sw_shrinker_scan(c.w, 100, GFP_KERNEL), SHRINK_STOP);
	assert_non_null(sw_bo_obj(bo)->backing.pages);

	sw_bo_vunmap(bo, va);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);
}

/*
 * mmap does not allocate; the first CPU fault does and makes the BO
 * MMAPPED; the last munmap makes it UNUSED.
 */
static void test_mmap_fault_munmap(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct sw_map *m, *m2;
	char byte = 1;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	assert_null(sw_bo_obj(bo)->backing.pages);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);
	assert_int_equal(refcount_read(&sw_bo_obj(bo)->cmap.mmap_count), 1);

	assert_int_equal(sw_cpu_write(m, 0, &byte, 1), 0);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);

	assert_int_equal(sw_mmap(c.p, bo, 0, &m2), 0);
	assert_int_equal(refcount_read(&sw_bo_obj(bo)->cmap.mmap_count), 2);
	sw_munmap(m);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
	sw_munmap(m2);
	assert_int_equal(refcount_read(&sw_bo_obj(bo)->cmap.mmap_count), 0);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);
}

/*
 * R-MMAP-COUNT-TRANSITIONS: mmap's 0->1 re-evaluates too. A BO that kept its
 * pages after its last munmap is MMAPPED again as soon as it is mapped
 * again: the fault that finds the pages present does not re-evaluate, so it
 * would otherwise stay on the unused LRU while mapped (bug list row 16).
 */
static void test_remap_after_last_munmap_is_mmapped(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_map *m;
	struct sw_bo *bo = sw_test_bo_mmapped(&c, SIZE, &m);
	char byte = 0;

	sw_munmap(m);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), 0);
	assert_int_equal(byte, 1);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
	sw_munmap(m);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);
}

/* A fork-like VMA copy (vm_open) counts as a mapping of its own. */
static void test_mmap_dup_counts(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_proc *child = sw_proc_create(c.w, "child", 0);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct sw_map *m, *copy;
	char byte = 7;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	assert_int_equal(sw_cpu_write(m, PAGE_SIZE, &byte, 1), 0);
	assert_int_equal(sw_mmap_dup(m, child, &copy), 0);
	assert_int_equal(refcount_read(&sw_bo_obj(bo)->cmap.mmap_count), 2);
	sw_munmap(m);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
	byte = 0;
	assert_int_equal(sw_cpu_read(copy, PAGE_SIZE, &byte, 1), 0);
	assert_int_equal(byte, 7);
	sw_munmap(copy);
	expect(&c, bo, PANTHOR_GEM_UNUSED, PAGES, 0);
}

/* Pinning an mmapped BO makes it unreclaimable; unpinning puts it back. */
static void test_pin_while_mmapped(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_test_bo_mmapped(&c, SIZE, NULL);

	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), 0);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);
	panthor_gem_unpin(sw_bo_obj(bo));
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
}

/* Eviction: pages gone, UNRECLAIMABLE, off every LRU; refault: MMAPPED again. */
static void test_evict_then_refault(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_map *m;
	struct sw_bo *bo = sw_test_bo_mmapped(&c, SIZE, &m);
	char byte = 0;

	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_null(sw_bo_obj(bo)->backing.pages);
	assert_int_equal(sw_map_present_pages(m), 0);
	expect(&c, bo, PANTHOR_GEM_UNRECLAIMABLE, 0, 0);

	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), 0);
	assert_int_equal(byte, 1);
	expect(&c, bo, PANTHOR_GEM_MMAPPED, 0, PAGES);
}

/* LRU order: BOs join the tail of their LRU in the order they got there. */
static void test_lru_order(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *a = sw_bo_create(c.f, SIZE, 0);
	struct sw_bo *b = sw_bo_create(c.f, 2 * SIZE, 0);
	struct drm_gem_object *first;

	assert_int_equal(panthor_gem_pin(sw_bo_obj(b)), 0);
	assert_int_equal(panthor_gem_pin(sw_bo_obj(a)), 0);
	panthor_gem_unpin(sw_bo_obj(b));
	panthor_gem_unpin(sw_bo_obj(a));
	first = list_first_entry(&c.ptdev->reclaim.unused.list, struct drm_gem_object, lru_node);
	assert_ptr_equal(first, &sw_bo_obj(b)->base);
	assert_int_equal(c.ptdev->reclaim.unused.count, 3 * PAGES);

	/* A scan of one page takes the oldest. */
	assert_int_equal(sw_shrinker_scan(c.w, 1, GFP_KERNEL), 2 * PAGES);
	assert_null(sw_bo_obj(b)->backing.pages);
	assert_non_null(sw_bo_obj(a)->backing.pages);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* Closing the last handle frees the BO and takes it off its LRU. */
static void test_free_leaves_lru(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "state");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);

	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), 0);
	panthor_gem_unpin(sw_bo_obj(bo));
	assert_int_equal(c.ptdev->reclaim.unused.count, PAGES);
	sw_bo_close(bo);
	assert_int_equal(c.ptdev->reclaim.unused.count, 0);
	assert_true(list_empty(&c.ptdev->reclaim.unused.list));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_new_bo_is_unreclaimable),
		SW_TEST(test_state_order),
		SW_TEST(test_pin_unpin),
		SW_TEST(test_vmap_pins),
		SW_TEST(test_mmap_fault_munmap),
		SW_TEST(test_remap_after_last_munmap_is_mmapped),
		SW_TEST(test_mmap_dup_counts),
		SW_TEST(test_pin_while_mmapped),
		SW_TEST(test_evict_then_refault),
		SW_TEST(test_lru_order),
		SW_TEST(test_free_leaves_lru),
	};

	return cmocka_run_group_tests_name("gem_state", tests, NULL, NULL);
}
