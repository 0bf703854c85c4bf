/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refcount_t with the kernel's saturation semantics: an increment from
 * zero, an overflow, or a decrement below zero (or to zero via
 * refcount_dec()) WARNs once and pins the counter at REFCOUNT_SATURATED.
 */
#ifndef _LINUX_REFCOUNT_H
#define _LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/limits.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n), }
#define REFCOUNT_MAX		INT_MAX
#define REFCOUNT_SATURATED	(INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline __must_check bool __refcount_add_not_zero(int i, refcount_t *r, int *oldp)
{
	int old = refcount_read(r);

	do {
		if (!old)
			break;
	} while (!atomic_try_cmpxchg_relaxed(&r->refs, &old, (int)((unsigned int)old + i)));

	if (oldp)
		*oldp = old;

	/* shim: the sum is computed wrapping, as the kernel's -fno-strict-overflow does. */
	if (unlikely(old < 0 || (int)((unsigned int)old + i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);

	return old;
}

static inline __must_check bool refcount_add_not_zero(int i, refcount_t *r)
{
	return __refcount_add_not_zero(i, r, NULL);
}

static inline __must_check bool refcount_inc_not_zero(refcount_t *r)
{
	return __refcount_add_not_zero(1, r, NULL);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add_relaxed(i, &r->refs);

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || (int)((unsigned int)old + i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

static inline __must_check bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old;

	instrument_atomic_read_write(&r->refs, sizeof(r->refs));
	/* shim: one acq_rel RMW, not release + acquire fence: TSan ignores fences. */
	old = __sw_release_op(&r->refs.counter,
				  __atomic_fetch_sub(&r->refs.counter, i, __ATOMIC_ACQ_REL));

	if (old > 0 && old == i) {
		/* The acquire that lets the release path see every other put. */
		__sw_hb_after(&r->refs.counter);
		return true;
	}

	if (unlikely(old <= 0 || (int)((unsigned int)old - i) < 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);

	return false;
}

static inline __must_check bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

static inline void refcount_dec(refcount_t *r)
{
	if (unlikely(atomic_fetch_sub_release(1, &r->refs) <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

/**
 * refcount_dec_not_one() - decrement unless the count is one.
 * @r: the refcount.
 *
 * Return: true if the count was decremented; false if it was one (and is
 * left at one) or saturated.
 */
bool __must_check refcount_dec_not_one(refcount_t *r);
bool __must_check refcount_dec_if_one(refcount_t *r);

#endif
