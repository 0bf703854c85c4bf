/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping mutex with lockdep. shim: a pthread error-checking mutex, so
 * ThreadSanitizer, helgrind and drd see the real synchronisation.
 */
#ifndef __LINUX_MUTEX_H
#define __LINUX_MUTEX_H

#include <pthread.h>
#include <linux/types.h>
#include <linux/lockdep.h>

struct task_struct;

struct mutex {
	pthread_mutex_t		m;
	struct task_struct	*owner;
	struct lockdep_map	dep_map;
};

#define __MUTEX_INITIALIZER(lockname) {					\
		.m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP,		\
		.dep_map = { .name = #lockname, .key = (void *)&(lockname), \
			     .wait_type_inner = LD_WAIT_SLEEP },	\
	}
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);

#define mutex_init(mutex) do {						\
		static struct lock_class_key __key;			\
		__mutex_init((mutex), #mutex, &__key);			\
	} while (0)

void mutex_destroy(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);

void mutex_lock_nested(struct mutex *lock, unsigned int subclass);
int __must_check mutex_lock_interruptible_nested(struct mutex *lock,
						 unsigned int subclass);
int __must_check mutex_lock_killable_nested(struct mutex *lock,
					    unsigned int subclass);
void _mutex_lock_nest_lock(struct mutex *lock, struct lockdep_map *nest_lock);

#define mutex_lock(lock) mutex_lock_nested(lock, 0)
#define mutex_lock_interruptible(lock) mutex_lock_interruptible_nested(lock, 0)
#define mutex_lock_killable(lock) mutex_lock_killable_nested(lock, 0)
#define mutex_lock_nest_lock(lock, nest_lock) \
	_mutex_lock_nest_lock(lock, &(nest_lock)->dep_map)

int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);

#endif
