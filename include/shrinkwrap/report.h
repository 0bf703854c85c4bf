/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: reports raised by "the kernel" (WARN, lockdep, leaks).
 *
 * Everything the kernel would print a splat for is funnelled through
 * sw_report(): it prints the message with a backtrace and counts it per kind.
 * A test declares the reports it expects with sw_expect_reports(); the world
 * teardown fails the test if any report was raised that nobody expected.
 */
#ifndef SHRINKWRAP_REPORT_H
#define SHRINKWRAP_REPORT_H

#include <stdbool.h>
#include <stdarg.h>

enum sw_report_kind {
	SW_REPORT_WARN,		/* WARN*(), drm_WARN*(), refcount_t saturation */
	SW_REPORT_LOCKDEP,	/* any lockdep splat */
	SW_REPORT_LEAK,		/* leaked slab object or page at teardown */
	SW_REPORT_BUG,		/* BUG_ON(): also aborts */
	SW_REPORT_NR_KINDS,
};

/**
 * sw_report() - raise a report of @kind with a backtrace.
 * @kind: what kind of splat this is.
 * @fmt: printf-style message; a trailing newline is added if missing.
 */
void sw_report(enum sw_report_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sw_vreport(enum sw_report_kind kind, const char *fmt, va_list ap);

/** sw_report_count() - number of reports of @kind raised since the last reset. */
unsigned long sw_report_count(enum sw_report_kind kind);

/**
 * sw_expect_reports() - declare that the running test expects @n more
 * reports of @kind. Expected reports are still printed (prefixed
 * "expected"), but do not fail the test.
 */
void sw_expect_reports(enum sw_report_kind kind, unsigned long n);

/** sw_reports_unexpected() - reports raised beyond what was expected. */
unsigned long sw_reports_unexpected(enum sw_report_kind kind);

/** sw_reports_reset() - forget all counts and expectations (new world). */
void sw_reports_reset(void);

/** sw_report_quiet() - when true, expected reports skip the backtrace. */
void sw_report_quiet(bool quiet);

/** sw_report_last() - text of the last report raised (for assertions). */
const char *sw_report_last(void);

/** sw_report_generation() - bumps on each reset; *_ONCE sites re-arm on it. */
unsigned int sw_report_generation(void);

#endif
