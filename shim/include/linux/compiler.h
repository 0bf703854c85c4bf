/* SPDX-License-Identifier: GPL-2.0 */
/* shim: READ_ONCE/WRITE_ONCE are relaxed atomics so ThreadSanitizer sees marked accesses. */
#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

#include <linux/compiler_attributes.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()	__asm__ __volatile__("" : : : "memory")

/*
 * Helpers for the shim's primitives (atomics, refcounts, locks, lockdep), not
 * kernel API. helgrind cannot see the ordering of an atomic access, so in the
 * valgrind build (SW_VALGRIND) an ordered one is annotated on its address:
 * an acquire receives after the access; a release sends before the access
 * and again after it, so that the access itself is covered too (the word may
 * later be written plainly by whoever acquired it, e.g. by kfree()'s poison).
 * __sw_store_n() is a marked store: under valgrind an exchange, because
 * helgrind models a locked read-modify-write as a read, so two marked
 * accesses to a word never race (the KCSAN and TSan rule) while a plain
 * access against one still does. Outside that build all of it is free.
 */
#ifdef SW_VALGRIND
#include <valgrind/helgrind.h>
#define __sw_hb_before(p)	ANNOTATE_HAPPENS_BEFORE(p)
#define __sw_hb_after(p)	ANNOTATE_HAPPENS_AFTER(p)
#define __sw_store_n(p, v, mo)	((void)__atomic_exchange_n(p, v, mo))
#else
#define __sw_hb_before(p)	((void)0)
#define __sw_hb_after(p)	((void)0)
#define __sw_store_n(p, v, mo)	__atomic_store_n(p, v, mo)
#endif

#define __sw_release_op(p, op) ({					\
		__typeof__(op) __sw_rr;					\
		__sw_hb_before(p);					\
		__sw_rr = (op);						\
		__sw_hb_before(p);					\
		__sw_rr; })
#define __sw_acquire_op(p, op) ({					\
		__typeof__(op) __sw_ar = (op);				\
		__sw_hb_after(p);					\
		__sw_ar; })
#define __sw_full_op(p, op)	__sw_acquire_op(p, __sw_release_op(p, op))
#define __sw_load_acquire(p)	__sw_acquire_op(p, __atomic_load_n(p, __ATOMIC_ACQUIRE))
#define __sw_store_release(p, v) do {					\
		__sw_hb_before(p);					\
		__sw_store_n(p, v, __ATOMIC_RELEASE);			\
		__sw_hb_before(p);					\
	} while (0)

/*
 * No happens-before annotation here on purpose: READ_ONCE/WRITE_ONCE order
 * nothing in the kernel's memory model, and telling helgrind otherwise would
 * hide races on the data around them. They only mark the access itself.
 */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

#define WRITE_ONCE(x, val) do {						\
		__typeof__(x) __wo_v = (val);				\
		__sw_store_n(&(x), __wo_v, __ATOMIC_RELAXED);		\
	} while (0)

#define __must_check	__attribute__((__warn_unused_result__))
#define __user
#define __iomem
#define __rcu
#define __force
#define __percpu
#define __bitwise
#define __init
#define __exit
#define __read_mostly
#define __cold		__attribute__((__cold__))
#define noinline_for_stack noinline
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __cond_acquires(x)

#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))
#define __is_constexpr(x) __builtin_constant_p(x)

#define ___PASTE(a, b)	a##b
#define __PASTE(a, b)	___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif
