// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Allocation fault injection: by kind (next N, Nth), by call site, or at
 * random with a seed.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <linux/alloc_tag.h>
#include <shrinkwrap/fault.h>

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

static bool site_matches(const struct alloc_tag *site)
{
	char where[256];

	if (!site_pattern[0] || !site_left || !site)
		return false;
	snprintf(where, sizeof(where), "%s %s:%d", site->func, site->file, site->line);
	return strstr(where, site_pattern) != NULL;
}

/**
 * sw_fault_should_fail() - decide whether this allocation is failed.
 * @kind: allocation kind.
 * @site: call site, or NULL.
 *
 * Return: true to fail it.
 */
bool sw_fault_should_fail(enum sw_fault_kind kind, const struct alloc_tag *site)
{
	bool fail = false;

	/* Unarmed fast path: no lock, so no false synchronisation for TSan. */
	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED))
		return false;

	pthread_mutex_lock(&fault_lock);
	fault[kind].calls++;
	if (fault[kind].fail_next) {
		if (fault[kind].skip) {
			fault[kind].skip--;
		} else {
			fault[kind].fail_next--;
			fail = true;
		}
	}
	if (!fail && site_matches(site)) {
		if (site_left != ~0UL)
			site_left--;
		fail = true;
	}
	if (!fail && fault[kind].percent) {
		fault[kind].rng = fault[kind].rng * 6364136223846793005ull +
				  1442695040888963407ull;
		fail = (fault[kind].rng >> 33) % 100 < fault[kind].percent;
	}
	if (fail)
		fault[kind].injected++;
	pthread_mutex_unlock(&fault_lock);
	return fail;
}
