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
int _cond_resched(void);
#define cond_resched() _cond_resched()

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))

#endif
