/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomics. Value-returning RMW ops are fully ordered, the rest relaxed,
 * as in the kernel's memory model. shim: built on the __atomic builtins.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/instrumented.h>

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

/*
 * Ordered ops carry helgrind annotations on the counter's address
 * (compiler.h): acquire, release or both, as their kernel ordering says; a
 * failed cmpxchg acquires nothing. Relaxed ops carry none: they order nothing.
 */
#define __SW_ATOMIC_OPS(pfx, atype, itype)				\
static inline itype pfx##_read(const atype *v)				\
{ instrument_atomic_read(v, sizeof(*v));				\
  return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline itype pfx##_read_acquire(const atype *v)			\
{ instrument_atomic_read(v, sizeof(*v));				\
  return __sw_load_acquire(&v->counter); }				\
static inline void pfx##_set(atype *v, itype i)				\
{ instrument_atomic_write(v, sizeof(*v));				\
  __sw_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_set_release(atype *v, itype i)			\
{ instrument_atomic_write(v, sizeof(*v));				\
  __sw_store_release(&v->counter, i); }					\
static inline void pfx##_add(itype i, atype *v)				\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(itype i, atype *v)				\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(atype *v) { pfx##_add(1, v); }		\
static inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }		\
static inline itype pfx##_add_return(itype i, atype *v)			\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_full_op(&v->counter, __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST)); } \
static inline itype pfx##_sub_return(itype i, atype *v)			\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_full_op(&v->counter, __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST)); } \
static inline itype pfx##_fetch_add(itype i, atype *v)			\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_full_op(&v->counter, __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST)); } \
static inline itype pfx##_fetch_sub(itype i, atype *v)			\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_full_op(&v->counter, __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST)); } \
static inline itype pfx##_fetch_add_relaxed(itype i, atype *v)		\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline itype pfx##_fetch_sub_release(itype i, atype *v)		\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_release_op(&v->counter, __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELEASE)); } \
static inline itype pfx##_inc_return(atype *v) { return pfx##_add_return(1, v); } \
static inline itype pfx##_dec_return(atype *v) { return pfx##_sub_return(1, v); } \
static inline bool pfx##_dec_and_test(atype *v)				\
{ return pfx##_sub_return(1, v) == 0; }					\
static inline bool pfx##_inc_and_test(atype *v)				\
{ return pfx##_add_return(1, v) == 0; }					\
static inline bool pfx##_sub_and_test(itype i, atype *v)		\
{ return pfx##_sub_return(i, v) == 0; }					\
static inline itype pfx##_xchg(atype *v, itype n)			\
{ instrument_atomic_read_write(v, sizeof(*v));			\
  return __sw_full_op(&v->counter, __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST)); } \
static inline bool pfx##_try_cmpxchg(atype *v, itype *o, itype n)	\
{									\
	instrument_atomic_read_write(v, sizeof(*v));			\
	bool ok = __sw_release_op(&v->counter,				\
		__atomic_compare_exchange_n(&v->counter, o, n, false,	\
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)); \
									\
	if (ok)								\
		__sw_hb_after(&v->counter);				\
	return ok;							\
}									\
static inline itype pfx##_cmpxchg(atype *v, itype o, itype n)		\
{									\
	pfx##_try_cmpxchg(v, &o, n);					\
	return o;							\
}									\
static inline bool pfx##_try_cmpxchg_relaxed(atype *v, itype *o, itype n) \
{									\
	instrument_atomic_read_write(v, sizeof(*v));			\
	return __atomic_compare_exchange_n(&v->counter, o, n, false,	\
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
}									\
static inline bool pfx##_try_cmpxchg_acquire(atype *v, itype *o, itype n) \
{									\
	instrument_atomic_read_write(v, sizeof(*v));			\
	bool ok = __atomic_compare_exchange_n(&v->counter, o, n, false, \
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED); \
									\
	if (ok)								\
		__sw_hb_after(&v->counter);				\
	return ok;							\
}									\
static inline bool pfx##_try_cmpxchg_release(atype *v, itype *o, itype n) \
{									\
	instrument_atomic_read_write(v, sizeof(*v));			\
	return __sw_release_op(&v->counter,				\
		__atomic_compare_exchange_n(&v->counter, o, n, false,	\
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED)); \
}									\
static inline bool pfx##_add_unless(atype *v, itype a, itype u)	\
{									\
	itype c = pfx##_read(v);					\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool pfx##_inc_not_zero(atype *v)				\
{ return pfx##_add_unless(v, 1, 0); }

__SW_ATOMIC_OPS(atomic, atomic_t, int)
__SW_ATOMIC_OPS(atomic64, atomic64_t, s64)
__SW_ATOMIC_OPS(atomic_long, atomic_long_t, long)

/* shim: fences order nothing for helgrind (nor TSan); ordering lives in the ops. */
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define smp_load_acquire(p)	__sw_load_acquire(p)
#define smp_store_release(p, v) do {					\
		__typeof__(*(p)) __sr_v = (v);				\
		__sw_store_release(p, __sr_v);				\
	} while (0)

#define xchg(ptr, v)	__sw_full_op(ptr, __atomic_exchange_n(ptr, v, __ATOMIC_SEQ_CST))
#define cmpxchg(ptr, o, n) ({						\
		__typeof__(*(ptr)) __o = (o);				\
		if (__sw_release_op(ptr, __atomic_compare_exchange_n(ptr, &__o, n, false, \
					__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))) \
			__sw_hb_after(ptr);				\
		__o; })

#endif
