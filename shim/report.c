// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reports: what the kernel would print a splat for. Each report is printed
 * with a backtrace and counted per kind; the test fixture fails a test that
 * raised any report it did not declare as expected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <shrinkwrap/report.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/stacktrace.h>

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long report_count[SW_REPORT_NR_KINDS];
static unsigned long report_expected[SW_REPORT_NR_KINDS];
static unsigned long report_unexpected[SW_REPORT_NR_KINDS];
static unsigned int report_gen = 1;
static bool report_quiet;
static char report_last[1024];

static const char *const kind_name[SW_REPORT_NR_KINDS] = {
	[SW_REPORT_WARN] = "WARNING",
	[SW_REPORT_LOCKDEP] = "LOCKDEP",
	[SW_REPORT_LEAK] = "LEAK",
	[SW_REPORT_BUG] = "BUG",
};

/* The trace of the code that raised the report, from sw_report()'s caller up. */
static noinline void print_backtrace(void)
{
	unsigned long entries[32];
	unsigned int n;

	/* Skip this function and sw_vreport(). */
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 2);
	fputs("Call trace:\n", stderr);
	stack_trace_print(entries, n, 1);
}

/**
 * sw_vreport() - raise a report; see sw_report().
 * @kind: report kind.
 * @fmt: message format.
 * @ap: arguments.
 */
void sw_vreport(enum sw_report_kind kind, const char *fmt, va_list ap)
{
	bool expected;
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg)
		msg = strdup("(report text lost: out of memory)");

	pthread_mutex_lock(&report_lock);
	report_count[kind]++;
	expected = report_expected[kind] > 0;
	if (expected)
		report_expected[kind]--;
	else
		report_unexpected[kind]++;
	snprintf(report_last, sizeof(report_last), "%s", msg);

	fprintf(stderr, "------------[ %s%s ]------------\n%s%s",
		expected ? "expected " : "", kind_name[kind], msg,
		msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
	if (!expected || !report_quiet)
		print_backtrace();
	fprintf(stderr, "---[ end %s ]---\n", kind_name[kind]);
	pthread_mutex_unlock(&report_lock);
	free(msg);
}

/**
 * sw_report() - raise a report of @kind with a backtrace.
 * @kind: report kind.
 * @fmt: message format.
 */
void sw_report(enum sw_report_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sw_vreport(kind, fmt, ap);
	va_end(ap);
}

/**
 * sw_report_count() - reports of @kind since the last reset.
 * @kind: report kind.
 *
 * Return: the count.
 */
unsigned long sw_report_count(enum sw_report_kind kind)
{
	unsigned long n;

	pthread_mutex_lock(&report_lock);
	n = report_count[kind];
	pthread_mutex_unlock(&report_lock);
	return n;
}

/**
 * sw_expect_reports() - declare @n more expected reports of @kind.
 * @kind: report kind.
 * @n: how many.
 */
void sw_expect_reports(enum sw_report_kind kind, unsigned long n)
{
	pthread_mutex_lock(&report_lock);
	report_expected[kind] += n;
	pthread_mutex_unlock(&report_lock);
}

/**
 * sw_reports_unexpected() - reports of @kind nobody expected.
 * @kind: report kind.
 *
 * Return: the count.
 */
unsigned long sw_reports_unexpected(enum sw_report_kind kind)
{
	unsigned long n;

	pthread_mutex_lock(&report_lock);
	n = report_unexpected[kind];
	pthread_mutex_unlock(&report_lock);
	return n;
}

/** sw_reports_reset() - forget counts and expectations, re-arm *_ONCE. */
void sw_reports_reset(void)
{
	pthread_mutex_lock(&report_lock);
	memset(report_count, 0, sizeof(report_count));
	memset(report_expected, 0, sizeof(report_expected));
	memset(report_unexpected, 0, sizeof(report_unexpected));
	report_last[0] = '\0';
	__atomic_add_fetch(&report_gen, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&report_lock);
}

/**
 * sw_report_quiet() - skip backtraces of expected reports.
 * @quiet: true to skip.
 */
void sw_report_quiet(bool quiet)
{
	report_quiet = quiet;
}

/**
 * sw_report_last() - the text of the last report.
 *
 * Return: a static buffer, valid until the next report.
 */
const char *sw_report_last(void)
{
	return report_last;
}

/**
 * sw_report_generation() - current reset generation.
 *
 * Return: the generation number.
 */
unsigned int sw_report_generation(void)
{
	return __atomic_load_n(&report_gen, __ATOMIC_RELAXED);
}

/**
 * __warn_once_generation() - generation *_ONCE sites compare against.
 *
 * Return: the generation number.
 */
unsigned int __warn_once_generation(void)
{
	return sw_report_generation();
}

/**
 * __warn_printf() - the body of WARN(): a counted report with backtrace.
 * @file: source file.
 * @line: source line.
 * @func: function.
 * @fmt: message.
 */
void __warn_printf(const char *file, int line, const char *func, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sw_report(SW_REPORT_WARN, "WARNING: %s:%d at %s\n%s", file, line, func, msg);
}

/**
 * __bug() - BUG(): report and abort.
 * @file: source file.
 * @line: source line.
 * @func: function.
 * @cond: the condition text.
 */
void __bug(const char *file, int line, const char *func, const char *cond)
{
	sw_report(SW_REPORT_BUG, "kernel BUG at %s:%d (%s): %s", file, line, func, cond);
	abort();
}
