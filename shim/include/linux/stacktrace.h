/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Saving and printing stack traces (CONFIG_STACKTRACE). shim: the trace is
 * the calling thread's, unwound by the C library's backtrace().
 */
#ifndef __LINUX_STACKTRACE_H
#define __LINUX_STACKTRACE_H

#include <linux/types.h>

void stack_trace_print(const unsigned long *entries, unsigned int nr_entries, int spaces);
int stack_trace_snprint(char *buf, size_t size, const unsigned long *entries,
			unsigned int nr_entries, int spaces);
unsigned int stack_trace_save(unsigned long *store, unsigned int size, unsigned int skipnr);

#endif
