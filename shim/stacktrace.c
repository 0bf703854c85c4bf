// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Stack traces (kernel/stacktrace.c): the one way WARN, BUG and lockdep
 * reports save and print a trace, each entry named by kallsyms.
 */
#include <execinfo.h>
#include <stdio.h>
#include <string.h>

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/stacktrace.h>

#define STACKTRACE_MAX	128

/**
 * stack_trace_save() - save the calling thread's stack trace.
 * @store: where to store the return addresses.
 * @size: room in @store.
 * @skipnr: entries to skip at the start, besides this function's own.
 *
 * Return: the number of entries stored.
 */
noinline unsigned int stack_trace_save(unsigned long *store, unsigned int size,
				       unsigned int skipnr)
{
	void *frames[STACKTRACE_MAX], *caller = __builtin_return_address(0);
	int i, start = 1, n = backtrace(frames, ARRAY_SIZE(frames));
	unsigned int nr = 0;

	/*
	 * Start at our caller: frames[0] is this function, or a sanitizer's
	 * backtrace() interceptor with this function next.
	 */
	for (i = 0; i < n; i++) {
		if (frames[i] == caller) {
			start = i;
			break;
		}
	}
	for (i = start + skipnr; i < n && nr < size; i++)
		store[nr++] = (unsigned long)frames[i];
	return nr;
}

/**
 * stack_trace_snprint() - print a stack trace into a buffer.
 * @buf: output.
 * @size: output size.
 * @entries: the trace.
 * @nr_entries: its number of entries.
 * @spaces: indentation of each line.
 *
 * One line per entry, the return address named as by sprint_backtrace().
 *
 * Return: the length the whole trace would take, as snprintf() counts it.
 */
int stack_trace_snprint(char *buf, size_t size, const unsigned long *entries,
			unsigned int nr_entries, int spaces)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned int i;
	int total = 0;

	/* shim: no WARN_ON(): reports print their trace under the report lock. */
	if (!entries)
		return 0;
	if (size)
		buf[0] = '\0';
	for (i = 0; i < nr_entries; i++) {
		int n;

		sprint_backtrace(sym, entries[i]);
		n = snprintf(buf, size, "%*c%s\n", 1 + spaces, ' ', sym);
		if (n < 0)
			break;
		total += n;
		if ((size_t)n >= size) {
			buf += size;
			size = 0;
		} else {
			buf += n;
			size -= n;
		}
	}
	return total;
}

/**
 * stack_trace_print() - print a stack trace with printk.
 * @entries: the trace.
 * @nr_entries: its number of entries.
 * @spaces: indentation of each line.
 */
void stack_trace_print(const unsigned long *entries, unsigned int nr_entries, int spaces)
{
	char line[KSYM_SYMBOL_LEN + 64];
	unsigned int i;

	/* shim: no WARN_ON(), as in stack_trace_snprint(). */
	if (!entries)
		return;
	for (i = 0; i < nr_entries; i++) {
		stack_trace_snprint(line, sizeof(line), &entries[i], 1, spaces);
		printk("%s", line);
	}
}
