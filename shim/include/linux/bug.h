/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WARN and BUG. shim: a WARN is a counted report with a backtrace (see
 * include/shrinkwrap/report.h); *_ONCE sites re-arm with every new world.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>

void __warn_printf(const char *file, int line, const char *func,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void __bug(const char *file, int line, const char *func, const char *cond)
	__attribute__((__noreturn__));
unsigned int __warn_once_generation(void);

#define __WARN_printf(fmt, ...) \
	__warn_printf(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__)

#define WARN(condition, fmt, ...) ({					\
		int __ret_warn_on = !!(condition);			\
		if (unlikely(__ret_warn_on))				\
			__WARN_printf(fmt, ##__VA_ARGS__);		\
		unlikely(__ret_warn_on);				\
	})

#define WARN_ON(condition) ({						\
		int __ret_warn_on = !!(condition);			\
		if (unlikely(__ret_warn_on))				\
			__WARN_printf("WARN_ON(%s)", #condition);	\
		unlikely(__ret_warn_on);				\
	})

#define __WARN_ONCE_GUARD(cond, ...) ({					\
		static unsigned int __warned_gen;			\
		int __ret_warn_once = !!(cond);				\
		if (unlikely(__ret_warn_once)) {			\
			unsigned int __g = __warn_once_generation();	\
			if (__atomic_exchange_n(&__warned_gen, __g,	\
						__ATOMIC_RELAXED) != __g) \
				__WARN_printf(__VA_ARGS__);		\
		}							\
		unlikely(__ret_warn_once);				\
	})

#define WARN_ONCE(condition, fmt, ...) \
	__WARN_ONCE_GUARD(condition, fmt, ##__VA_ARGS__)
#define WARN_ON_ONCE(condition) \
	__WARN_ONCE_GUARD(condition, "WARN_ON_ONCE(%s)", #condition)

#define BUG() __bug(__FILE__, __LINE__, __func__, "BUG()")
#define BUG_ON(condition) do {						\
		if (unlikely(condition))				\
			__bug(__FILE__, __LINE__, __func__, #condition); \
	} while (0)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)

#endif
