// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_gem_lru conformance: the kernel's contract for counts, ordering and
 * drm_gem_lru_scan(), on plain GEM objects with test callbacks.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <drm/drm_gem.h>
#include <drm/drm_device.h>

#include "sw_test.h"
#include "panthor_device.h"

struct tobj {
	struct drm_gem_object base;
	int shrink_calls;
	bool freed;
};

static struct mutex lru_lock;
static struct drm_gem_lru lru_a, lru_b;
static int frees;

static void tobj_free(struct drm_gem_object *obj)
{
	drm_gem_object_release(obj);
	frees++;
	kfree(container_of(obj, struct tobj, base));
}

static const struct drm_gem_object_funcs tobj_funcs = {
	.free = tobj_free,
};

static struct tobj *tobj_new(void **state, unsigned long pages)
{
	struct drm_device *ddev = &sw_world_device(*state)->base;
	struct tobj *t = kzalloc(sizeof(*t), GFP_KERNEL);

	assert_non_null(t);
	t->base.funcs = &tobj_funcs;
	drm_gem_private_object_init(ddev, &t->base, pages * PAGE_SIZE);
	return t;
}

static int setup(void **state)
{
	int ret = sw_setup(state);

	mutex_init(&lru_lock);
	drm_gem_lru_init(&lru_a, &lru_lock);
	drm_gem_lru_init(&lru_b, &lru_lock);
	frees = 0;
	return ret;
}

static bool shrink_ok(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	dma_resv_assert_held(obj->resv);
	container_of(obj, struct tobj, base)->shrink_calls++;
	drm_gem_lru_remove(obj);
	return true;
}

static bool shrink_fail(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	container_of(obj, struct tobj, base)->shrink_calls++;
	return false;
}

static bool shrink_fail_move(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	container_of(obj, struct tobj, base)->shrink_calls++;
	drm_gem_lru_move_tail(&lru_b, obj);
	return false;
}

static bool shrink_lies(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return true;	/* claims success but leaves the object on the LRU */
}

static bool shrink_drop_ref(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	/* The owner lets go during the scan: the scan's put frees it. */
	drm_gem_object_put(obj);
	return false;
}

static bool shrink_ticket(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	assert_non_null(ticket);
	assert_ptr_equal(dma_resv_locking_ctx(obj->resv), ticket);
	drm_gem_lru_remove(obj);
	return true;
}

static void put_all(struct tobj **t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		drm_gem_object_put(&t[i]->base);
}

/* Counts follow membership; moving keeps one LRU per object; remove is idempotent. */
static void test_move_and_remove(void **state)
{
	struct tobj *t[2] = { tobj_new(state, 2), tobj_new(state, 3) };

	drm_gem_lru_move_tail(&lru_a, &t[0]->base);
	drm_gem_lru_move_tail(&lru_a, &t[1]->base);
	assert_int_equal(lru_a.count, 5);
	drm_gem_lru_move_tail(&lru_b, &t[0]->base);
	assert_int_equal(lru_a.count, 3);
	assert_int_equal(lru_b.count, 2);
	assert_ptr_equal(t[0]->base.lru, &lru_b);
	drm_gem_lru_remove(&t[0]->base);
	drm_gem_lru_remove(&t[0]->base);
	assert_int_equal(lru_b.count, 0);
	assert_null(t[0]->base.lru);

	/* move_tail of a member sends it to the tail. */
	drm_gem_lru_move_tail(&lru_a, &t[0]->base);
	drm_gem_lru_move_tail(&lru_a, &t[1]->base);
	assert_ptr_equal(list_first_entry(&lru_a.list, struct drm_gem_object, lru_node),
			 &t[0]->base);
	put_all(t, 2);
	assert_int_equal(lru_a.count, 0);	/* release takes objects off */
	assert_int_equal(frees, 2);
}

/* move_tail_locked asserts the LRU lock. */
static void test_move_tail_locked_asserts(void **state)
{
	struct tobj *t = tobj_new(state, 1);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	drm_gem_lru_move_tail_locked(&lru_a, &t->base);
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);
	drm_gem_object_put(&t->base);
}

/* Successful shrinks free pages, in LRU order, up to nr_to_scan. */
static void test_scan_success_and_budget(void **state)
{
	struct tobj *t[3] = { tobj_new(state, 2), tobj_new(state, 2), tobj_new(state, 2) };
	unsigned long remaining = 0;
	int i;

	for (i = 0; i < 3; i++)
		drm_gem_lru_move_tail(&lru_a, &t[i]->base);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 3, &remaining, shrink_ok, NULL), 4);
	assert_int_equal(remaining, 0);
	assert_int_equal(t[0]->shrink_calls + t[1]->shrink_calls + t[2]->shrink_calls, 2);
	assert_int_equal(t[2]->shrink_calls, 0);
	assert_int_equal(lru_a.count, 2);
	put_all(t, 3);
}

/*
 * R-LRU-SCAN-REMAINING (patch 1/9): an object whose resv is contended, or
 * whose shrink failed while it stayed on the scan list, counts as
 * remaining; one the callback moved to another LRU does not.
 */
static void test_scan_remaining(void **state)
{
	struct tobj *busy = tobj_new(state, 1), *fail = tobj_new(state, 2);
	struct tobj *moved = tobj_new(state, 4);
	unsigned long remaining = 0;
	struct tobj *t[3] = { busy, fail, moved };

	drm_gem_lru_move_tail(&lru_a, &busy->base);
	drm_gem_lru_move_tail(&lru_a, &fail->base);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_fail, NULL), 0);
	assert_int_equal(remaining, 3);

	remaining = 0;
	dma_resv_lock(busy->base.resv, NULL);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_fail, NULL), 0);
	dma_resv_unlock(busy->base.resv);
	assert_int_equal(busy->shrink_calls, 1);	/* not called while contended */
	assert_int_equal(remaining, 3);

	remaining = 0;
	drm_gem_lru_move_tail(&lru_a, &moved->base);
	drm_gem_lru_remove(&busy->base);
	drm_gem_lru_remove(&fail->base);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_fail_move, NULL), 0);
	assert_int_equal(remaining, 0);
	assert_ptr_equal(moved->base.lru, &lru_b);
	assert_int_equal(lru_a.count, 0);
	assert_int_equal(lru_b.count, 4);
	put_all(t, 3);
}

/* Objects left after a scan go back to the tail in their old order. */
static void test_scan_keeps_order(void **state)
{
	struct tobj *t[3] = { tobj_new(state, 1), tobj_new(state, 1), tobj_new(state, 1) };
	struct tobj *late = tobj_new(state, 1);
	unsigned long remaining = 0;
	struct drm_gem_object *obj;
	int i = 0;

	drm_gem_lru_move_tail(&lru_a, &t[0]->base);
	drm_gem_lru_move_tail(&lru_a, &t[1]->base);
	drm_gem_lru_move_tail(&lru_a, &t[2]->base);
	drm_gem_lru_move_tail(&lru_a, &late->base);
	drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_fail, NULL);
	list_for_each_entry(obj, &lru_a.list, lru_node) {
		if (i < 3)
			assert_ptr_equal(obj, &t[i]->base);
		i++;
	}
	assert_int_equal(i, 4);
	assert_int_equal(lru_a.count, 4);
	put_all(t, 3);
	drm_gem_object_put(&late->base);
}

/* The success contract: a shrunk object must have left the LRU, or WARN. */
static void test_scan_success_contract(void **state)
{
	struct tobj *t = tobj_new(state, 1);
	unsigned long remaining = 0;

	drm_gem_lru_move_tail(&lru_a, &t->base);
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 1, &remaining, shrink_lies, NULL), 1);
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
	assert_int_equal(lru_a.count, 1);
	drm_gem_object_put(&t->base);
}

/* An object freed during the scan leaves both lists consistent. */
static void test_scan_object_freed_during_scan(void **state)
{
	struct tobj *t[2] = { tobj_new(state, 2), tobj_new(state, 3) };
	unsigned long remaining = 0;

	drm_gem_lru_move_tail(&lru_a, &t[0]->base);
	drm_gem_lru_move_tail(&lru_a, &t[1]->base);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_drop_ref, NULL), 0);
	assert_int_equal(frees, 2);
	assert_int_equal(lru_a.count, 0);
	assert_true(list_empty(&lru_a.list));
}

/* An object whose last reference is already gone is skipped, never shrunk. */
static void test_scan_skips_dying_object(void **state)
{
	struct tobj *t = tobj_new(state, 2);
	unsigned long remaining = 0;

	drm_gem_lru_move_tail(&lru_a, &t->base);
	refcount_set(&t->base.refcount.refcount, 0);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 100, &remaining, shrink_ok, NULL), 0);
	assert_int_equal(t->shrink_calls, 0);
	assert_int_equal(remaining, 0);
	assert_int_equal(lru_a.count, 2);
	refcount_set(&t->base.refcount.refcount, 1);
	drm_gem_object_put(&t->base);
}

/* With a ticket, each resv is trylocked under it and the ticket is handed on. */
static void test_scan_with_ticket(void **state)
{
	struct tobj *t[2] = { tobj_new(state, 1), tobj_new(state, 1) };
	struct ww_acquire_ctx ticket;
	unsigned long remaining = 0;

	drm_gem_lru_move_tail(&lru_a, &t[0]->base);
	drm_gem_lru_move_tail(&lru_a, &t[1]->base);
	assert_int_equal(drm_gem_lru_scan(&lru_a, 2, &remaining, shrink_ticket, &ticket), 2);
	put_all(t, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move_and_remove, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_move_tail_locked_asserts, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_success_and_budget, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_remaining, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_keeps_order, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_success_contract, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_object_freed_during_scan, setup,
						sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_skips_dying_object, setup, sw_teardown),
		cmocka_unit_test_setup_teardown(test_scan_with_ticket, setup, sw_teardown),
	};

	return cmocka_run_group_tests_name("gem_lru", tests, NULL, NULL);
}
