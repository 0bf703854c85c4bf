/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime lock validator, the kernel's model: classes per init site, held
 * locks per task, a dependency graph with cycle detection.
 * shim: always enabled (CONFIG_LOCKDEP=y, CONFIG_PROVE_LOCKING=y).
 */
#ifndef __LINUX_LOCKDEP_H
#define __LINUX_LOCKDEP_H

#include <linux/lockdep_types.h>
#include <linux/bug.h>

#define CONFIG_LOCKDEP 1
#define CONFIG_PROVE_LOCKING 1
#define CONFIG_DEBUG_LOCK_ALLOC 1

#define SINGLE_DEPTH_NESTING	1

#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define _THIS_IP_	({ __label__ __here; __here: (unsigned long)&&__here; })

/**
 * lockdep_init_map() - (re)initialise a lock instance's lockdep state.
 * @lock: the map embedded in the lock.
 * @name: name used in reports.
 * @key: static class key.
 * @subclass: default subclass (0 almost always).
 */
void lockdep_init_map(struct lockdep_map *lock, const char *name,
		      struct lock_class_key *key, int subclass);

/**
 * lock_acquire() - tell lockdep @lock is being acquired by current.
 * @lock: lock instance.
 * @subclass: nesting subclass (mutex_lock_nested()).
 * @trylock: 1 for trylock acquisitions: they add no dependency edges.
 * @read: 0 exclusive, 1 shared, 2 recursive read.
 * @check: 0 to only track the lock as held, 1 for full validation.
 * @nest_lock: outer lock that serialises instances of this class
 *             (ww_acquire_ctx, mutex_lock_nest_lock()).
 * @ip: caller address.
 */
void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock,
		  int read, int check, struct lockdep_map *nest_lock,
		  unsigned long ip);

/** lock_release() - tell lockdep @lock is released by current. */
void lock_release(struct lockdep_map *lock, unsigned long ip);

/** lock_is_held_type() - is @lock held by current (read: -1 any, 0 W, 1 R). */
int lock_is_held_type(const struct lockdep_map *lock, int read);

static inline int lock_is_held(const struct lockdep_map *lock)
{
	return lock_is_held_type(lock, -1);
}

/** lockdep_depth_current() - number of locks current holds (shim helper). */
int lockdep_depth_current(void);

/** lockdep_assert_no_locks_held() - WARN-like lockdep report if any held. */
void lockdep_assert_no_locks_held_current(const char *what);

/**
 * debug_check_no_locks_freed() - report a held lock inside freed memory.
 * @from: start of the freed range.
 * @len: its length.
 */
void debug_check_no_locks_freed(const void *from, unsigned long len);

/** lockdep_reset_lock() - forget an instance that is being destroyed. */
void lockdep_reset_lock(struct lockdep_map *lock);

/** lockdep_reset_world() - shim: forget classes, graph and held state. */
void lockdep_reset_world(void);

/** lockdep_register_key()/lockdep_unregister_key() - dynamic keys. */
void lockdep_register_key(struct lock_class_key *key);
void lockdep_unregister_key(struct lock_class_key *key);

#define lockdep_set_class(lock, key) \
	lockdep_init_map(&(lock)->dep_map, #key, key, 0)
#define lockdep_set_class_and_name(lock, key, name) \
	lockdep_init_map(&(lock)->dep_map, name, key, 0)
#define lockdep_set_class_and_subclass(lock, key, sub) \
	lockdep_init_map(&(lock)->dep_map, #key, key, sub)
#define lockdep_set_subclass(lock, sub) \
	lockdep_init_map(&(lock)->dep_map, (lock)->dep_map.name, \
			 (lock)->dep_map.key, sub)

#define lock_acquire_exclusive(l, s, t, n, i)	lock_acquire(l, s, t, 0, 1, n, i)
#define lock_acquire_shared(l, s, t, n, i)	lock_acquire(l, s, t, 1, 1, n, i)
#define lock_acquire_shared_recursive(l, s, t, n, i) lock_acquire(l, s, t, 2, 1, n, i)

#define lock_map_acquire(l)		lock_acquire_exclusive(l, 0, 0, NULL, _THIS_IP_)
#define lock_map_acquire_try(l)		lock_acquire_exclusive(l, 0, 1, NULL, _THIS_IP_)
#define lock_map_acquire_read(l)	lock_acquire_shared_recursive(l, 0, 0, NULL, _THIS_IP_)
#define lock_map_acquire_tryread(l)	lock_acquire_shared_recursive(l, 0, 1, NULL, _THIS_IP_)
#define lock_map_release(l)		lock_release(l, _THIS_IP_)

/* Report a lockdep assertion failure: counted as a lockdep report. */
void lockdep_assert_failed(const char *cond, const char *file, int line);

#define __lockdep_assert(cond) do {					\
		if (__builtin_expect(!(cond), 0))			\
			lockdep_assert_failed(#cond, __FILE__, __LINE__); \
	} while (0)

#define lockdep_is_held(lock)		lock_is_held(&(lock)->dep_map)
#define lockdep_is_held_type(lock, r)	lock_is_held_type(&(lock)->dep_map, (r))

#define lockdep_assert(cond)		__lockdep_assert(cond)
#define lockdep_assert_held(l)		__lockdep_assert(lockdep_is_held(l))
#define lockdep_assert_not_held(l)	__lockdep_assert(!lockdep_is_held(l))
#define lockdep_assert_held_write(l)	__lockdep_assert(lockdep_is_held_type(l, 0))
#define lockdep_assert_held_read(l)	__lockdep_assert(lockdep_is_held_type(l, 1))
#define lockdep_assert_held_once(l)	lockdep_assert_held(l)
#define lockdep_assert_none_held_once()	\
	lockdep_assert_no_locks_held_current(__func__)

/*
 * might_lock(): acquire and release @lock for lockdep only, so that the
 * dependencies of taking it here are recorded even when it is not taken.
 */
#define might_lock(lock) do {						\
		lock_acquire(&(lock)->dep_map, 0, 0, 0, 1, NULL, _THIS_IP_); \
		lock_release(&(lock)->dep_map, _THIS_IP_);		\
	} while (0)
#define might_lock_read(lock) do {					\
		lock_acquire(&(lock)->dep_map, 0, 0, 1, 1, NULL, _THIS_IP_); \
		lock_release(&(lock)->dep_map, _THIS_IP_);		\
	} while (0)
#define might_lock_nested(lock, subclass) do {				\
		lock_acquire(&(lock)->dep_map, subclass, 0, 1, 1, NULL, \
			     _THIS_IP_);				\
		lock_release(&(lock)->dep_map, _THIS_IP_);		\
	} while (0)

#define lockdep_off()	do { } while (0)
#define lockdep_on()	do { } while (0)

#endif
