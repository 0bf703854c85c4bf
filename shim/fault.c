// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Fault injection: by kind (next N, Nth), by call site, at random with a
 * seed, or exactly the Nth fault point of one thread (the sweep).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <linux/alloc_tag.h>
#include <shrinkwrap/fault.h>

#include "internal.h"

static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	unsigned long fail_next;	/* fail this many from now */
	unsigned long skip;		/* pass this many before failing fail_next */
	unsigned int percent;
	unsigned long long rng;
	unsigned long injected;
	unsigned long calls;
} fault[SW_FAULT_NR_KINDS];

static char site_pattern[128];
static unsigned long site_left;
static int armed;

/* The sweep's mode: one thread's points, counted or the nth failed. */
static struct {
	bool on;
	pthread_t thread;
	unsigned long seen;
	unsigned long fail;	/* 0: count only */
} points;

static unsigned long injected_total;
static char last_site[192];
static int last_errno;

static const char *const kind_name[SW_FAULT_NR_KINDS] = {
	[SW_FAULT_KMALLOC] = "kmalloc",
	[SW_FAULT_PAGES] = "pages",
	[SW_FAULT_OP] = "op",
};

/**
 * sw_fault_fail_next() - fail the next @n allocations of @kind.
 * @kind: allocation kind.
 * @n: how many.
 */
void sw_fault_fail_next(enum sw_fault_kind kind, unsigned long n)
{
	pthread_mutex_lock(&fault_lock);
	fault[kind].skip = 0;
	fault[kind].fail_next = n;
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/**
 * sw_fault_fail_nth() - fail the @nth allocation of @kind from now.
 * @kind: allocation kind.
 * @nth: 1 for the very next one.
 */
void sw_fault_fail_nth(enum sw_fault_kind kind, unsigned long nth)
{
	pthread_mutex_lock(&fault_lock);
	fault[kind].skip = nth ? nth - 1 : 0;
	fault[kind].fail_next = 1;
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/**
 * sw_fault_fail_site() - fail allocations from matching call sites.
 * @pattern: substring of the site's function name or "file:line".
 * @n: how many times (~0UL: every time).
 */
void sw_fault_fail_site(const char *pattern, unsigned long n)
{
	pthread_mutex_lock(&fault_lock);
	snprintf(site_pattern, sizeof(site_pattern), "%s", pattern);
	site_left = n;
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/**
 * sw_fault_probability() - fail allocations of @kind at random.
 * @kind: allocation kind.
 * @percent: chance per allocation, 0..100.
 * @seed: PRNG seed, for reproducible runs.
 */
void sw_fault_probability(enum sw_fault_kind kind, unsigned int percent,
			  unsigned long seed)
{
	pthread_mutex_lock(&fault_lock);
	fault[kind].percent = percent;
	fault[kind].rng = seed * 2654435761ull + 1;
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/** sw_fault_reset() - disarm all injection and zero the counters. */
void sw_fault_reset(void)
{
	pthread_mutex_lock(&fault_lock);
	memset(fault, 0, sizeof(fault));
	site_pattern[0] = '\0';
	site_left = 0;
	memset(&points, 0, sizeof(points));
	__atomic_store_n(&injected_total, 0, __ATOMIC_RELAXED);
	last_site[0] = '\0';
	last_errno = 0;
	__atomic_store_n(&armed, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/**
 * sw_fault_injected() - failures injected for @kind.
 * @kind: allocation kind.
 *
 * Return: the count since the last reset.
 */
unsigned long sw_fault_injected(enum sw_fault_kind kind)
{
	return __atomic_load_n(&fault[kind].injected, __ATOMIC_RELAXED);
}

/**
 * sw_fault_calls() - allocations of @kind seen while injection was armed.
 * @kind: allocation kind.
 *
 * Return: the count since the last reset.
 */
unsigned long sw_fault_calls(enum sw_fault_kind kind)
{
	return __atomic_load_n(&fault[kind].calls, __ATOMIC_RELAXED);
}

static void arm_points(unsigned long fail)
{
	pthread_mutex_lock(&fault_lock);
	points.on = true;
	points.thread = pthread_self();
	points.seen = 0;
	points.fail = fail;
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
}

/** sw_fault_count_points() - count the calling thread's fault points from now on. */
void sw_fault_count_points(void)
{
	arm_points(0);
}

/**
 * sw_fault_fail_point() - fail the @nth fault point of the calling thread.
 * @nth: 1 for the very next one.
 */
void sw_fault_fail_point(unsigned long nth)
{
	arm_points(nth);
}

/**
 * sw_fault_points() - fault points the armed thread reached.
 *
 * Return: the count since sw_fault_count_points() or sw_fault_fail_point().
 */
unsigned long sw_fault_points(void)
{
	unsigned long n;

	pthread_mutex_lock(&fault_lock);
	n = points.seen;
	pthread_mutex_unlock(&fault_lock);
	return n;
}

/**
 * sw_fault_injected_total() - failures injected, all kinds.
 *
 * Return: the count since the last reset.
 */
unsigned long sw_fault_injected_total(void)
{
	return __atomic_load_n(&injected_total, __ATOMIC_RELAXED);
}

/**
 * sw_fault_last_site() - where the last failure was injected.
 *
 * Return: "kind: site", or "" if none since the last reset. The string is
 * overwritten by the next injection.
 */
const char *sw_fault_last_site(void)
{
	return last_site;
}

/**
 * sw_fault_last_errno() - the errno of the last injected failure.
 *
 * Return: a negative errno, or 0 if none since the last reset.
 */
int sw_fault_last_errno(void)
{
	int err;

	pthread_mutex_lock(&fault_lock);
	err = last_errno;
	pthread_mutex_unlock(&fault_lock);
	return err;
}

static void site_name(const struct alloc_tag *site, char *buf, size_t len)
{
	if (!site)
		snprintf(buf, len, "(unknown site)");
	else if (site->line)
		snprintf(buf, len, "%s %s:%d", site->func, site->file, site->line);
	else
		snprintf(buf, len, "%s", site->func);
}

static bool site_matches(const char *where)
{
	if (!site_pattern[0] || !site_left)
		return false;
	return strstr(where, site_pattern) != NULL;
}

static bool point_fails_locked(void)
{
	if (!points.on || !pthread_equal(points.thread, pthread_self()))
		return false;
	return ++points.seen == points.fail;
}

static bool should_fail(enum sw_fault_kind kind, const struct alloc_tag *site, int err)
{
	char where[160];
	bool fail = false;

	/* Unarmed fast path: no lock, so no false synchronisation for TSan. */
	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED))
		return false;

	if (!site)
		site = alloc_tag_current_shim();
	site_name(site, where, sizeof(where));

	pthread_mutex_lock(&fault_lock);
	fault[kind].calls++;
	if (point_fails_locked())
		fail = true;
	if (!fail && fault[kind].fail_next) {
		if (fault[kind].skip) {
			fault[kind].skip--;
		} else {
			fault[kind].fail_next--;
			fail = true;
		}
	}
	if (!fail && site_matches(where)) {
		if (site_left != ~0UL)
			site_left--;
		fail = true;
	}
	if (!fail && fault[kind].percent) {
		fault[kind].rng = fault[kind].rng * 6364136223846793005ull +
				  1442695040888963407ull;
		fail = (fault[kind].rng >> 33) % 100 < fault[kind].percent;
	}
	if (fail) {
		fault[kind].injected++;
		__atomic_add_fetch(&injected_total, 1, __ATOMIC_RELAXED);
		snprintf(last_site, sizeof(last_site), "%s: %s", kind_name[kind], where);
		last_errno = err;
	}
	pthread_mutex_unlock(&fault_lock);
	return fail;
}

/**
 * sw_fault_should_fail() - decide whether this allocation is failed.
 * @kind: allocation kind.
 * @site: call site, or NULL for the allocation site being tagged.
 *
 * Return: true to fail it (the allocator then returns NULL: -ENOMEM).
 */
bool sw_fault_should_fail(enum sw_fault_kind kind, const struct alloc_tag *site)
{
	return should_fail(kind, site, -ENOMEM);
}

/**
 * sw_fault_op_fails() - decide whether a kernel operation other than an
 * allocation fails.
 * @name: the operation, as failure messages name it.
 * @err: the errno it then returns.
 *
 * Return: true to fail it.
 */
bool sw_fault_op_fails(const char *name, int err)
{
	struct alloc_tag site = { .file = "", .func = name };

	return should_fail(SW_FAULT_OP, &site, err);
}
