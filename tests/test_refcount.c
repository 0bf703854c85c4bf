// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * refcount_t and kref conformance: the kernel's saturation semantics and
 * WARNs (increment from 0, underflow, decrement to 0 via refcount_dec).
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/refcount.h>
#include <linux/kref.h>

#include "sw_test.h"

static void expect_warn(const char *text)
{
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
	assert_non_null(strstr(sw_report_last(), text));
}

static void test_basic_ops(void **state)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	assert_int_equal(refcount_read(&r), 2);
	assert_true(refcount_inc_not_zero(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	assert_int_equal(refcount_read(&r), 0);
	assert_false(refcount_inc_not_zero(&r));
	assert_int_equal(refcount_read(&r), 0);
}

/* dec_not_one: decrements unless one; never reaches zero. */
static void test_dec_not_one(void **state)
{
	refcount_t r = REFCOUNT_INIT(2);

	assert_true(refcount_dec_not_one(&r));
	assert_int_equal(refcount_read(&r), 1);
	assert_false(refcount_dec_not_one(&r));
	assert_int_equal(refcount_read(&r), 1);
	assert_true(refcount_dec_if_one(&r));
	assert_int_equal(refcount_read(&r), 0);
	assert_false(refcount_dec_if_one(&r));
}

static void test_inc_from_zero_warns_and_saturates(void **state)
{
	refcount_t r = REFCOUNT_INIT(0);

	sw_expect_reports(SW_REPORT_WARN, 1);
	refcount_inc(&r);
	expect_warn("addition on 0; use-after-free");
	assert_int_equal((int)refcount_read(&r), REFCOUNT_SATURATED);
	/* Saturated counters stay saturated; putting one WARNs again. */
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_false(refcount_dec_and_test(&r));
	assert_int_equal((int)refcount_read(&r), REFCOUNT_SATURATED);
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 2);
}

static void test_underflow_warns(void **state)
{
	refcount_t r = REFCOUNT_INIT(0);

	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_false(refcount_dec_and_test(&r));
	expect_warn("underflow; use-after-free");
	assert_int_equal((int)refcount_read(&r), REFCOUNT_SATURATED);
}

static void test_dec_to_zero_warns(void **state)
{
	refcount_t r = REFCOUNT_INIT(1);

	sw_expect_reports(SW_REPORT_WARN, 1);
	refcount_dec(&r);
	expect_warn("decrement hit 0; leaking memory");
}

static void test_overflow_saturates(void **state)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_MAX);

	sw_expect_reports(SW_REPORT_WARN, 1);
	refcount_inc(&r);
	expect_warn("saturated; leaking memory");
	assert_int_equal((int)refcount_read(&r), REFCOUNT_SATURATED);
}

static void test_inc_not_zero_overflow_saturates(void **state)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_MAX);

	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_true(refcount_inc_not_zero(&r));
	expect_warn("saturated; leaking memory");
}

static int released;

static void release(struct kref *k)
{
	released++;
}

static void test_kref(void **state)
{
	struct kref k;

	released = 0;
	kref_init(&k);
	kref_get(&k);
	assert_int_equal(kref_read(&k), 2);
	assert_int_equal(kref_put(&k, release), 0);
	assert_int_equal(kref_put(&k, release), 1);
	assert_int_equal(released, 1);
	assert_false(kref_get_unless_zero(&k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_basic_ops),
		SW_TEST(test_dec_not_one),
		SW_TEST(test_inc_from_zero_warns_and_saturates),
		SW_TEST(test_underflow_warns),
		SW_TEST(test_dec_to_zero_warns),
		SW_TEST(test_overflow_saturates),
		SW_TEST(test_inc_not_zero_overflow_saturates),
		SW_TEST(test_kref),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("refcount", tests, NULL, NULL);
}
