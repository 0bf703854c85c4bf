/* SPDX-License-Identifier: GPL-2.0 */
/* shim: READ_ONCE/WRITE_ONCE are relaxed atomics so ThreadSanitizer sees marked accesses. */
#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

#include <linux/compiler_attributes.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()	__asm__ __volatile__("" : : : "memory")

#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

#define WRITE_ONCE(x, val) do {						\
		__typeof__(x) __wo_v = (val);				\
		__atomic_store_n(&(x), __wo_v, __ATOMIC_RELAXED);	\
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
