// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The harness checks itself: a world teardown must fail on each kind of
 * problem a test can leave behind, or a green run means nothing.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/*
 * Run @fn(@arg) with stderr captured; returns what it printed (free() it).
 * Reports print their traces to stderr, so that is what is checked.
 */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	char *text;
	long len;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);

	len = ftell(tmp);
	assert_true(len >= 0);
	text = calloc(1, len + 1);
	assert_non_null(text);
	rewind(tmp);
	assert_int_equal(fread(text, 1, len, tmp), (size_t)len);
	fclose(tmp);
	fputs(text, stderr);
	return text;
}

/* The text of @text from @marker on, or fail. */
static const char *after(const char *text, const char *marker)
{
	const char *p = strstr(text, marker);

	assert_non_null(p);
	return p;
}

static noinline void warn_from_static_function(void *unused)
{
	WARN_ON(1);
}

/* A WARN's call trace names the static function that raised it. */
static void test_warn_trace_names_static_function(void **state)
{
	struct sw_world *w = fresh();
	char *text = capture_stderr(warn_from_static_function, NULL);

	assert_non_null(strstr(after(text, "Call trace:"), "warn_from_static_function+0x"));
	free(text);
	assert_int_equal(sw_world_destroy(w), 1);
}

static noinline void take_a_then_b(struct mutex *a, struct mutex *b)
{
	mutex_lock(a);
	mutex_lock(b);
	mutex_unlock(b);
	mutex_unlock(a);
}

static noinline void take_b_then_a(void *arg)
{
	struct mutex *m = arg;

	take_a_then_b(&m[1], &m[0]);
}

/*
 * A lockdep report names static functions both in the stack it recorded
 * for the existing dependency and in the call trace of the new one.
 */
static void test_lockdep_trace_names_static_function(void **state)
{
	struct sw_world *w = fresh();
	struct mutex m[2];
	const char *recorded, *call;
	char *text;

	mutex_init(&m[0]);
	mutex_init(&m[1]);
	take_a_then_b(&m[0], &m[1]);
	text = capture_stderr(take_b_then_a, m);

	recorded = after(text, "stacks that recorded the existing dependencies:");
	call = after(recorded, "Call trace:");
	assert_non_null(strstr(recorded, "take_a_then_b+0x"));
	assert_true(strstr(recorded, "take_a_then_b+0x") < call);
	assert_non_null(strstr(call, "take_b_then_a+0x"));
	free(text);
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

static void *failing_worker(void *arg)
{
	assert_int_equal(1, 2);
	return NULL;
}

static void child_worker_fails(void)
{
	pthread_t t;

	if (!pthread_create(&t, NULL, failing_worker, NULL))
		pthread_join(t, NULL);
}

static void *idle_worker(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void child_main_fails_under_worker(void)
{
	pthread_t t;

	sw_test_thread_start(&t, idle_worker, NULL);
	assert_int_equal(3, 4);
}

/*
 * An assertion failing on a worker thread can't longjmp to the test on
 * the main thread: the suite aborts, naming the assertion.
 */
static void test_worker_assertion_aborts_naming_it(void **state)
{
	sw_test_child_aborts(child_worker_fails, "assertion failed on a worker thread",
			     "test_harness.c:");
}

/*
 * One failing on the main thread while a worker the test started still
 * runs aborts too: the teardown would free the world under the worker.
 */
static void test_assertion_with_live_worker_aborts_naming_it(void **state)
{
	sw_test_child_aborts(child_main_fails_under_worker,
			     "assertion failed with 1 worker thread(s) of the test not yet joined",
			     "test_harness.c:");
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
		cmocka_unit_test(test_warn_trace_names_static_function),
		cmocka_unit_test(test_lockdep_trace_names_static_function),
		cmocka_unit_test(test_harness_failure_reaches_handler),
		cmocka_unit_test(test_worker_assertion_aborts_naming_it),
		cmocka_unit_test(test_assertion_with_live_worker_aborts_naming_it),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
