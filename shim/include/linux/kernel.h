/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KERNEL_H_SHIM
#define _LINUX_KERNEL_H_SHIM

#include <linux/kconfig.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/kstrtox.h>
#include <linux/math.h>
#include <linux/limits.h>
#include <linux/array_size.h>
#include <linux/align.h>
#include <linux/sprintf.h>
#include <linux/string.h>

/* shim: might_sleep() only feeds lockdep's "sleeping in atomic" checks. */
void __might_sleep(const char *file, int line);
#define might_sleep() __might_sleep(__FILE__, __LINE__)
#define might_sleep_if(cond) do { if (cond) might_sleep(); } while (0)

/* @offsets: spinning locks (the preempt count) and RCU nesting the caller may hold. */
#define MIGHT_RESCHED_RCU_SHIFT		8
#define MIGHT_RESCHED_PREEMPT_MASK	((1U << MIGHT_RESCHED_RCU_SHIFT) - 1)
void __might_resched(const char *file, int line, unsigned int offsets);

int _cond_resched(void);
#define cond_resched() ({				\
	__might_resched(__FILE__, __LINE__, 0);		\
	_cond_resched();				\
})

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))

#endif
