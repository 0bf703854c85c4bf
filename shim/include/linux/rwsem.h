/* SPDX-License-Identifier: GPL-2.0 */
/* Read-write semaphore with lockdep. shim: a pthread rwlock. */
#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

#include <pthread.h>
#include <linux/types.h>
#include <linux/lockdep.h>

struct rw_semaphore {
	pthread_rwlock_t	l;
	struct lockdep_map	dep_map;
};

#define __RWSEM_INITIALIZER(lockname) {					\
		.l = PTHREAD_RWLOCK_INITIALIZER,			\
		.dep_map = { .name = #lockname, .key = (void *)&(lockname), \
			     .wait_type_inner = LD_WAIT_SLEEP },	\
	}
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key);

#define init_rwsem(sem) do {						\
		static struct lock_class_key __key;			\
		__init_rwsem((sem), #sem, &__key);			\
	} while (0)

void down_read_nested(struct rw_semaphore *sem, int subclass);
#define down_read(sem) down_read_nested(sem, 0)
int __must_check down_read_interruptible(struct rw_semaphore *sem);
int __must_check down_read_killable(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write_nested(struct rw_semaphore *sem, int subclass);
#define down_write(sem) down_write_nested(sem, 0)
int __must_check down_write_killable(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
void downgrade_write(struct rw_semaphore *sem);

#endif
