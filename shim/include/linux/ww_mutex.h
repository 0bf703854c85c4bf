/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wound/wait and wait/die mutexes with acquire contexts.
 * shim: a contended acquirer polls the lock (1 ms timed waits) and
 * re-checks whether it was wounded, instead of queueing on a wait list.
 */
#ifndef __LINUX_WW_MUTEX_H
#define __LINUX_WW_MUTEX_H

#include <linux/mutex.h>
#include <linux/atomic.h>

struct ww_class {
	atomic_long_t		stamp;
	struct lock_class_key	acquire_key;
	struct lock_class_key	mutex_key;
	const char		*acquire_name;
	const char		*mutex_name;
	unsigned int		is_wait_die;
};

struct ww_acquire_ctx {
	struct task_struct	*task;
	unsigned long		stamp;
	unsigned int		acquired;
	unsigned short		wounded;
	unsigned short		is_wait_die;
	unsigned int		done_acquire;
	struct ww_class		*ww_class;
	void			*contending_lock;
	struct lockdep_map	dep_map;
};

struct ww_mutex {
	struct mutex		base;
	struct ww_acquire_ctx	*ctx;
	struct ww_class		*ww_class;
};

#define __WW_CLASS_INITIALIZER(ww_class, _is_wait_die) {		\
		.stamp = ATOMIC_LONG_INIT(0),				\
		.acquire_name = #ww_class "_acquire",			\
		.mutex_name = #ww_class "_mutex",			\
		.is_wait_die = _is_wait_die,				\
	}
#define DEFINE_WD_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, 1)
#define DEFINE_WW_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, 0)

void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class);
void ww_mutex_destroy(struct ww_mutex *lock);
bool ww_mutex_is_locked(struct ww_mutex *lock);

void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class);
void ww_acquire_done(struct ww_acquire_ctx *ctx);
void ww_acquire_fini(struct ww_acquire_ctx *ctx);

int __must_check ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
int __must_check ww_mutex_lock_interruptible(struct ww_mutex *lock,
					     struct ww_acquire_ctx *ctx);
void ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
int __must_check ww_mutex_lock_slow_interruptible(struct ww_mutex *lock,
						  struct ww_acquire_ctx *ctx);
int __must_check ww_mutex_trylock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
void ww_mutex_unlock(struct ww_mutex *lock);

#endif
