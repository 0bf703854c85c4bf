// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The harness checks itself: a world teardown must fail on each kind of
 * problem a test can leave behind, or a green run means nothing.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <drm/drm_gem.h>

#include "sw_test.h"
#include "panthor_gem.h"

/*
 * test_lockdep_report_fails inverts a lock order on purpose: lockdep must
 * see it, TSan's own deadlock detector need not.
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "detect_deadlocks=0";
}

/* Leaked on purpose; kept reachable so LeakSanitizer and valgrind stay quiet. */
static void *deliberate_leak;

static struct sw_world *fresh(void)
{
	struct sw_world *w = sw_world_create(NULL);

	assert_non_null(w);
	return w;
}

static void test_clean_world_passes(void **state)
{
	struct sw_world *w = fresh();
	struct sw_proc *p = sw_proc_create(w, "clean", 0);
	struct sw_bo *bo = sw_bo_create(sw_file_open(p), 4 * PAGE_SIZE, 0);
	struct sw_map *m;
	char byte = 1;

	assert_int_equal(sw_mmap(p, bo, 0, &m), 0);
	assert_int_equal(sw_cpu_write(m, 0, &byte, 1), 0);
	/* Left open on purpose: teardown closes what the test left. */
	assert_int_equal(sw_world_destroy(w), 0);
}

static void test_unexpected_warn_fails(void **state)
{
	struct sw_world *w = fresh();

	WARN_ON(1);
	assert_int_equal(sw_world_destroy(w), 1);
}

static void test_expected_warn_passes(void **state)
{
	struct sw_world *w = fresh();

	sw_expect_reports(SW_REPORT_WARN, 1);
	WARN_ON(1);
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
	assert_int_equal(sw_world_destroy(w), 0);
}

static void warn_once_site(void)
{
	WARN_ON_ONCE(1);
}

static void test_warn_once_rearms_per_world(void **state)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct sw_world *w = fresh();

		sw_expect_reports(SW_REPORT_WARN, 1);
		warn_once_site();
		warn_once_site();
		assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
		assert_int_equal(sw_world_destroy(w), 0);
	}
}

static void test_leaked_object_fails(void **state)
{
	struct sw_world *w = fresh();
	void *p = kmalloc(32, GFP_KERNEL);

	assert_non_null(p);
	assert_true(sw_world_destroy(w) >= 1);
	assert_true(strstr(sw_report_last(), "test_harness.c") != NULL);
	kfree(p);
}

static void test_leaked_page_fails(void **state)
{
	struct sw_world *w = fresh();
	struct page *page = alloc_page(GFP_KERNEL);

	assert_non_null(page);
	/* The pool goes away with the world: the page is reported, not freed. */
	assert_true(sw_world_destroy(w) >= 1);
}

static void test_leaked_bo_reference_fails(void **state)
{
	struct sw_world *w = fresh();
	struct sw_proc *p = sw_proc_create(w, "leak", 0);
	struct sw_bo *bo = sw_bo_create(sw_file_open(p), PAGE_SIZE, 0);

	drm_gem_object_get(&sw_bo_obj(bo)->base);
	deliberate_leak = sw_bo_obj(bo);
	assert_true(sw_world_destroy(w) >= 1);
}

static void test_held_lock_fails(void **state)
{
	struct sw_world *w = fresh();
	static struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	assert_true(sw_world_destroy(w) >= 1);
	mutex_unlock(&m);
	sw_reports_reset();
}

static void test_lockdep_report_fails(void **state)
{
	struct sw_world *w = fresh();
	struct mutex a, b;

	mutex_init(&a);
	mutex_init(&b);
	mutex_lock(&a);
	mutex_lock(&b);
	mutex_unlock(&b);
	mutex_unlock(&a);
	mutex_lock(&b);
	mutex_lock(&a);
	mutex_unlock(&a);
	mutex_unlock(&b);
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);
	assert_true(sw_world_destroy(w) >= 1);
}

static char harness_msg[256];

static void record_harness_failure(const char *msg)
{
	snprintf(harness_msg, sizeof(harness_msg), "%s", msg);
}

/* A harness call that cannot make its object fails the test, not the suite. */
static void test_harness_failure_reaches_handler(void **state)
{
	struct sw_world *w = fresh();
	struct sw_proc *p = sw_proc_create(w, "hfail", 0);
	struct sw_file *f = sw_file_open(p);

	harness_msg[0] = 0;
	sw_harness_set_fail_handler(record_harness_failure);
	sw_fault_fail_next(SW_FAULT_KMALLOC, 1);
	assert_null(sw_bo_create(f, 4096, 0));
	sw_fault_reset();
	sw_harness_set_fail_handler(NULL);
	assert_non_null(strstr(harness_msg, "sw_bo_create(4096)"));
	assert_int_equal(sw_world_destroy(w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_world_passes),
		cmocka_unit_test(test_unexpected_warn_fails),
		cmocka_unit_test(test_expected_warn_passes),
		cmocka_unit_test(test_warn_once_rearms_per_world),
		cmocka_unit_test(test_leaked_object_fails),
		cmocka_unit_test(test_leaked_page_fails),
		cmocka_unit_test(test_leaked_bo_reference_fails),
		cmocka_unit_test(test_held_lock_fails),
		cmocka_unit_test(test_lockdep_report_fails),
		cmocka_unit_test(test_harness_failure_reaches_handler),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
