/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __LINUX_COMPILER_ATTRIBUTES_H
#define __LINUX_COMPILER_ATTRIBUTES_H

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __used			__attribute__((__used__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __noreturn		__attribute__((__noreturn__))
#define __weak			__attribute__((__weak__))
#define __cleanup(func)		__attribute__((__cleanup__(func)))
#define __pure			__attribute__((__pure__))
#define fallthrough		__attribute__((__fallthrough__))
#define __counted_by(m)

/* shim: argument @n is used for its address only (GCC's access(none)). */
#if defined(__has_attribute) && __has_attribute(__access__)
#define __sw_address_only(n)	__attribute__((__access__(__none__, n)))
#else
#define __sw_address_only(n)
#endif

#endif
