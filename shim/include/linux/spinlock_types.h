/* SPDX-License-Identifier: GPL-2.0 */
/* shim: spinlocks are pthread mutexes (never contended for long here). */
#ifndef __LINUX_SPINLOCK_TYPES_H
#define __LINUX_SPINLOCK_TYPES_H

#include <pthread.h>
#include <linux/lockdep_types.h>

typedef struct spinlock {
	pthread_mutex_t		m;
	struct lockdep_map	dep_map;
} spinlock_t;

typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname) {					\
		.m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP,		\
		.dep_map = { .name = #lockname, .key = (void *)&(lockname), \
			     .wait_type_inner = LD_WAIT_SPIN },		\
	}
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#endif
