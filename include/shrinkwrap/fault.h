/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: allocation fault injection and accounting.
 *
 * Any allocation made through the shim (kmalloc family, kmem_cache, pages)
 * and every other shim operation the kernel lets fail (vmap, DMA mapping,
 * mmap offsets, managed actions, page-table allocation in io-pgtable) is a
 * fault point. Points can be failed on purpose: the next N of a kind, the
 * Nth from now, those of one call site, at random with a seed, or exactly
 * the Nth point one thread reaches (the systematic sweep,
 * include/shrinkwrap/fault_sweep.h). __GFP_NOFAIL allocations never fail.
 * Each point is named by its site: "function file:line" for allocations,
 * the kernel operation's name for the others.
 */
#ifndef SHRINKWRAP_FAULT_H
#define SHRINKWRAP_FAULT_H

#include <stdbool.h>

enum sw_fault_kind {
	SW_FAULT_KMALLOC,	/* kmalloc family and kmem_cache */
	SW_FAULT_PAGES,		/* page allocator (and so drm_gem_get_pages) */
	SW_FAULT_OP,		/* other kernel operations that can fail */
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

/**
 * sw_fault_count_points() - from now on, count the fault points the calling
 * thread reaches, of every kind, and fail none of them (other threads'
 * points are neither counted nor failed).
 */
void sw_fault_count_points(void);

/**
 * sw_fault_fail_point() - fail exactly the @nth (1-based) fault point the
 * calling thread reaches from now on, counting every kind together.
 */
void sw_fault_fail_point(unsigned long nth);

/** sw_fault_points() - points reached since sw_fault_count_points()/_fail_point(). */
unsigned long sw_fault_points(void);

/** sw_fault_injected_total() - failures injected since the last reset, all kinds. */
unsigned long sw_fault_injected_total(void);

/**
 * sw_fault_last_site() - the site of the last injected failure ("" if none),
 * as "kind: function file:line" or "kind: operation".
 */
const char *sw_fault_last_site(void);

/** sw_fault_last_errno() - the errno the last failed point returns to its caller. */
int sw_fault_last_errno(void);

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
