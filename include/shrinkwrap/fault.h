/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: allocation fault injection and accounting.
 *
 * Any allocation made through the shim (kmalloc family, kmem_cache, pages)
 * can be failed on purpose: the next N of a kind, the Nth from now, those
 * of one call site, or at random with a seed. __GFP_NOFAIL allocations
 * never fail.
 */
#ifndef SHRINKWRAP_FAULT_H
#define SHRINKWRAP_FAULT_H

#include <stdbool.h>

struct alloc_tag;

enum sw_fault_kind {
	SW_FAULT_KMALLOC,	/* kmalloc family and kmem_cache */
	SW_FAULT_PAGES,		/* page allocator (and so drm_gem_get_pages) */
	SW_FAULT_NR_KINDS,
};

/** sw_fault_fail_next() - fail the next @n allocations of @kind. */
void sw_fault_fail_next(enum sw_fault_kind kind, unsigned long n);

/** sw_fault_fail_nth() - let @nth - 1 allocations of @kind pass, fail the next. */
void sw_fault_fail_nth(enum sw_fault_kind kind, unsigned long nth);

/**
 * sw_fault_fail_site() - fail allocations made from call sites whose
 * function name or "file:line" contains @pattern, @n times (~0UL: always).
 */
void sw_fault_fail_site(const char *pattern, unsigned long n);

/** sw_fault_probability() - fail each allocation of @kind with @percent chance. */
void sw_fault_probability(enum sw_fault_kind kind, unsigned int percent,
			  unsigned long seed);

/** sw_fault_reset() - disarm everything and zero the counters. */
void sw_fault_reset(void);

/** sw_fault_injected() - failures injected for @kind since the last reset. */
unsigned long sw_fault_injected(enum sw_fault_kind kind);

/** sw_fault_calls() - allocations of @kind seen since the last reset. */
unsigned long sw_fault_calls(enum sw_fault_kind kind);

/* shim-internal: decide whether this allocation fails. */
bool sw_fault_should_fail(enum sw_fault_kind kind, const struct alloc_tag *site);

/**
 * sw_slab_mark_world() - remember live objects per allocation site, so that
 * sw_slab_report_leaks() only reports what was allocated since.
 */
void sw_slab_mark_world(void);

/**
 * sw_slab_report_leaks() - raise one SW_REPORT_LEAK per call site with
 * objects still allocated since sw_slab_mark_world().
 *
 * Return: number of leaked objects.
 */
long sw_slab_report_leaks(void);

/** sw_slab_live() - objects currently allocated through the slab shim. */
long sw_slab_live(void);

#endif
