/* SPDX-License-Identifier: GPL-2.0 */
/* Jiffies. shim: derived from CLOCK_MONOTONIC at HZ=250, not a tick counter. */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>
#include <linux/limits.h>

#define HZ			250
#define MAX_JIFFY_OFFSET	((LONG_MAX >> 1) - 1)
#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

unsigned long get_jiffies(void);
#define jiffies get_jiffies()

unsigned long msecs_to_jiffies(const unsigned int m);
unsigned long usecs_to_jiffies(const unsigned int u);
unsigned int jiffies_to_msecs(const unsigned long j);
unsigned int jiffies_to_usecs(const unsigned long j);

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

#endif
