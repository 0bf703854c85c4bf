// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Sleeping locks, spinlocks, rwsems and ww_mutexes over pthreads, with the
 * lockdep hooks where the kernel has them: lock_acquire() before blocking,
 * lock_release() on unlock.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>
#include <linux/ww_mutex.h>
#include <linux/sched.h>
#include <linux/lockdep.h>
#include <linux/instrumented.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

/*
 * helgrind keeps its record of a pthread lock whose memory is freed without a
 * destroy (spinlocks never are; the kernel has no destroy for them), and the
 * next lock created at that address inherits it: its kind (an rwsem there is
 * then "not an rwlock") and its happens-before state. Drop any such record
 * before creating a lock. Every rwsem is destroyed, so a stale record is
 * always a mutex's, which is what this creates and destroys.
 */
static void hg_forget_stale_lock(void *addr)
{
#ifdef SW_VALGRIND
	VALGRIND_HG_MUTEX_INIT_POST(addr, 0);
	VALGRIND_HG_MUTEX_DESTROY_PRE(addr);
#endif
}

static void init_errorcheck(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;

	hg_forget_stale_lock(m);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void pthread_check(int ret, const char *what, const struct lockdep_map *map)
{
	if (unlikely(ret))
		WARN(1, "%s(%s) failed: %d\n", what, map->name ? map->name : "?", ret);
}

/*
 * introspect: a one-shot hook current runs just before its next trylock of
 * one given lock, to put another thread's work in the window a test needs.
 */
static __thread const struct lockdep_map *trylock_hook_map;
static __thread void (*trylock_hook_fn)(void *arg);
static __thread void *trylock_hook_arg;

/**
 * sw_before_trylock() - run @fn(@arg) in current just before its next
 * trylock of the lock whose lockdep map is @map (once).
 * @map: the lock's lockdep map.
 * @fn: the hook; NULL cancels a hook not run yet.
 * @arg: its argument.
 */
void sw_before_trylock(const struct lockdep_map *map, void (*fn)(void *arg), void *arg)
{
	trylock_hook_map = map;
	trylock_hook_arg = arg;
	trylock_hook_fn = fn;
}

static void trylock_hook(const struct lockdep_map *map)
{
	void (*fn)(void *arg) = trylock_hook_fn;

	if (likely(!fn) || map != trylock_hook_map)
		return;
	trylock_hook_fn = NULL;
	fn(trylock_hook_arg);
}

/*
 * In a scheduled run (shim/interleave.c) every acquire, trylock and release
 * is a switch point, and a contended lock is not waited for in pthreads:
 * the thread is not runnable until the lock is free, then tries again.
 */
static bool il_on(void)
{
	return unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)) &&
	       sw_il_current();
}

static void il_point(enum sw_il_kind kind, const struct lockdep_map *map, const void *obj,
		     unsigned long ip)
{
	if (unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)))
		sw_il_point(kind, map->name, obj, ip);
}

static bool il_mutex_free(const void *arg)
{
	pthread_mutex_t *m = (pthread_mutex_t *)arg;

	if (pthread_mutex_trylock(m))
		return false;
	pthread_mutex_unlock(m);
	return true;
}

static int il_mutex_lock(pthread_mutex_t *m, const struct lockdep_map *map, bool intr,
			 unsigned long ip)
{
	for (;;) {
		sw_il_point(SW_IL_LOCK, map->name, m, ip);
		if (!pthread_mutex_trylock(m))
			return 0;
		if (intr && signal_pending(current))
			return -EINTR;
		sw_il_block(il_mutex_free, m, false, map->name, ip);
	}
}

/*
 * Around the wait for a contended mutex, ww_mutex, or (shim only) an
 * interruptible or killable rwsem: current->blocked_on names it, so a test
 * can act once a task really sleeps (release the lock, signal the task).
 * A scheduled (interleaving) run does not set it: its waits are modelled.
 */
static void task_blocks_on(const struct lockdep_map *map)
{
	smp_store_release(&current->blocked_on, map);
}

/*
 * Block on a mutex's (@mutex) or a spinlock's pthread mutex; only a mutex
 * wait sets blocked_on, as only a mutex_waiter does in the kernel.
 */
static void lock_wait(pthread_mutex_t *m, const char *what, const struct lockdep_map *map,
		      bool mutex, unsigned long ip)
{
	if (il_on()) {
		il_mutex_lock(m, map, false, ip);
		return;
	}
	if (!pthread_mutex_trylock(m))
		return;
	if (mutex)
		task_blocks_on(map);
	pthread_check(pthread_mutex_lock(m), what, map);
	if (mutex)
		task_blocks_on(NULL);
}

static bool il_read_free(const void *arg)
{
	pthread_rwlock_t *l = (pthread_rwlock_t *)arg;

	if (pthread_rwlock_tryrdlock(l))
		return false;
	pthread_rwlock_unlock(l);
	return true;
}

static bool il_write_free(const void *arg)
{
	pthread_rwlock_t *l = (pthread_rwlock_t *)arg;

	if (pthread_rwlock_trywrlock(l))
		return false;
	pthread_rwlock_unlock(l);
	return true;
}

static int il_rwsem_lock(struct rw_semaphore *sem, bool write, bool intr, unsigned long ip)
{
	for (;;) {
		sw_il_point(SW_IL_LOCK, sem->dep_map.name, sem, ip);
		if (!(write ? pthread_rwlock_trywrlock(&sem->l) : pthread_rwlock_tryrdlock(&sem->l)))
			return 0;
		if (intr && signal_pending(current))
			return -EINTR;
		sw_il_block(write ? il_write_free : il_read_free, &sem->l, false,
			    sem->dep_map.name, ip);
	}
}

/**
 * __mutex_init() - initialise a mutex; use mutex_init().
 * @lock: the mutex.
 * @name: name for lockdep.
 * @key: class key of the init site.
 */
void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	init_errorcheck(&lock->m);
	lock->owner = NULL;
	lockdep_init_map(&lock->dep_map, name, key, 0);
	lock->dep_map.wait_type_inner = LD_WAIT_SLEEP;
}

/**
 * mutex_destroy() - mark a mutex unusable; WARNs if it is still locked.
 * @lock: the mutex.
 */
void mutex_destroy(struct mutex *lock)
{
	WARN(mutex_is_locked(lock), "mutex_destroy(%s) while locked\n",
	     lock->dep_map.name);
	debug_check_no_locks_freed(lock, sizeof(*lock));
	lockdep_reset_lock(&lock->dep_map);
	pthread_mutex_destroy(&lock->m);
}

/**
 * mutex_is_locked() - is the mutex held by anyone?
 * @lock: the mutex.
 *
 * Return: true if locked.
 */
bool mutex_is_locked(struct mutex *lock)
{
	return READ_ONCE(lock->owner) != NULL;
}

static void mutex_acquired(struct mutex *lock)
{
	WRITE_ONCE(lock->owner, current);
}

/**
 * mutex_lock_nested() - lock a mutex with a lockdep subclass.
 * @lock: the mutex.
 * @subclass: nesting level.
 */
void mutex_lock_nested(struct mutex *lock, unsigned int subclass)
{
	might_sleep();
	lock_acquire(&lock->dep_map, subclass, 0, 0, 1, NULL, _RET_IP_);
	lock_wait(&lock->m, "mutex_lock", &lock->dep_map, true, _RET_IP_);
	mutex_acquired(lock);
}

/**
 * _mutex_lock_nest_lock() - lock a mutex serialised by an outer lock.
 * @lock: the mutex.
 * @nest_lock: lockdep map of the outer lock.
 */
void _mutex_lock_nest_lock(struct mutex *lock, struct lockdep_map *nest_lock)
{
	might_sleep();
	lock_acquire(&lock->dep_map, 0, 0, 0, 1, nest_lock, _RET_IP_);
	lock_wait(&lock->m, "mutex_lock", &lock->dep_map, true, _RET_IP_);
	mutex_acquired(lock);
}

static int mutex_lock_signal_nested(struct mutex *lock, unsigned int subclass)
{
	might_sleep();
	lock_acquire(&lock->dep_map, subclass, 0, 0, 1, NULL, _RET_IP_);
	if (il_on()) {
		if (il_mutex_lock(&lock->m, &lock->dep_map, true, _RET_IP_)) {
			lock_release(&lock->dep_map, _RET_IP_);
			return -EINTR;
		}
		mutex_acquired(lock);
		return 0;
	}
	if (pthread_mutex_trylock(&lock->m) == 0) {
		mutex_acquired(lock);
		return 0;
	}
	/*
	 * Sleep in short slices so that a signal made pending while this
	 * task waits (sw_task_signal() from another thread, a FUSE interrupt)
	 * ends the wait, as a wake-up by signal does in the kernel.
	 */
	for (;;) {
		struct timespec until;
		int ret;

		if (signal_pending(current)) {
			task_blocks_on(NULL);
			lock_release(&lock->dep_map, _RET_IP_);
			return -EINTR;
		}
		task_blocks_on(&lock->dep_map);
		realtime_deadline_shim(&until, 2000);
		ret = pthread_mutex_timedlock(&lock->m, &until);
		if (ret == ETIMEDOUT)
			continue;
		task_blocks_on(NULL);
		pthread_check(ret, "mutex_lock", &lock->dep_map);
		mutex_acquired(lock);
		return 0;
	}
}

/**
 * mutex_lock_interruptible_nested() - lock unless a signal is pending.
 * @lock: the mutex.
 * @subclass: nesting level.
 *
 * Return: 0, or -EINTR if the lock was contended and a signal is pending
 * or arrives while waiting.
 */
int mutex_lock_interruptible_nested(struct mutex *lock, unsigned int subclass)
{
	return mutex_lock_signal_nested(lock, subclass);
}

/**
 * mutex_lock_killable_nested() - lock unless a fatal signal is pending.
 * @lock: the mutex.
 * @subclass: nesting level.
 *
 * Return: 0, or -EINTR.
 */
int mutex_lock_killable_nested(struct mutex *lock, unsigned int subclass)
{
	return mutex_lock_signal_nested(lock, subclass);
}

/**
 * mutex_trylock() - try to lock without blocking.
 * @lock: the mutex.
 *
 * Return: 1 if acquired, 0 if contended.
 */
int mutex_trylock(struct mutex *lock)
{
	trylock_hook(&lock->dep_map);
	il_point(SW_IL_TRYLOCK, &lock->dep_map, lock, _RET_IP_);
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	mutex_acquired(lock);
	return 1;
}

/**
 * mutex_unlock() - unlock a mutex held by current.
 * @lock: the mutex.
 */
void mutex_unlock(struct mutex *lock)
{
	lock_release(&lock->dep_map, _RET_IP_);
	if (READ_ONCE(lock->owner) != current) {
		WARN(1, "mutex_unlock(%s) by a task that does not own it\n",
		     lock->dep_map.name);
		return;
	}
	WRITE_ONCE(lock->owner, NULL);
	pthread_check(pthread_mutex_unlock(&lock->m), "mutex_unlock", &lock->dep_map);
	il_point(SW_IL_UNLOCK, &lock->dep_map, lock, _RET_IP_);
}

/**
 * __spin_lock_init() - initialise a spinlock; use spin_lock_init().
 * @lock: the lock.
 * @name: name for lockdep.
 * @key: class key of the init site.
 */
void __spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key)
{
	init_errorcheck(&lock->m);
	lockdep_init_map(&lock->dep_map, name, key, 0);
	lock->dep_map.wait_type_inner = LD_WAIT_SPIN;
}

/**
 * spin_lock_nested() - take a spinlock with a lockdep subclass.
 * @lock: the lock.
 * @subclass: nesting level.
 */
void spin_lock_nested(spinlock_t *lock, int subclass)
{
	lock_acquire(&lock->dep_map, subclass, 0, 0, 1, NULL, _RET_IP_);
	lock_wait(&lock->m, "spin_lock", &lock->dep_map, false, _RET_IP_);
}

/**
 * spin_trylock() - try to take a spinlock.
 * @lock: the lock.
 *
 * Return: 1 if taken.
 */
int spin_trylock(spinlock_t *lock)
{
	il_point(SW_IL_TRYLOCK, &lock->dep_map, lock, _RET_IP_);
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

/**
 * spin_unlock() - release a spinlock.
 * @lock: the lock.
 */
void spin_unlock(spinlock_t *lock)
{
	lock_release(&lock->dep_map, _RET_IP_);
	pthread_check(pthread_mutex_unlock(&lock->m), "spin_unlock", &lock->dep_map);
	il_point(SW_IL_UNLOCK, &lock->dep_map, lock, _RET_IP_);
}

/**
 * spin_is_locked() - is the spinlock held by anyone?
 * @lock: the lock.
 *
 * Return: true if held.
 */
bool spin_is_locked(spinlock_t *lock)
{
	if (pthread_mutex_trylock(&lock->m) == 0) {
		pthread_mutex_unlock(&lock->m);
		return false;
	}
	return true;
}

/*
 * helgrind lets a reader see the last writer's effects for its reads only
 * (it treats writes done under a read lock as suspect), while pthreads and
 * the kernel order the reader's whole critical section after the writer:
 * a write-unlock annotates a release and a read-lock an acquire on @sem.
 * Readers annotate no release, so they still do not order each other.
 */
static void rwsem_read_acquired(struct rw_semaphore *sem)
{
	__sw_hb_after(sem);
}

/**
 * __init_rwsem() - initialise an rwsem; use init_rwsem().
 * @sem: the rwsem.
 * @name: name for lockdep.
 * @key: class key.
 */
void __init_rwsem(struct rw_semaphore *sem, const char *name, struct lock_class_key *key)
{
	hg_forget_stale_lock(&sem->l);
	pthread_rwlock_init(&sem->l, NULL);
	lockdep_init_map(&sem->dep_map, name, key, 0);
	sem->dep_map.wait_type_inner = LD_WAIT_SLEEP;
}

/**
 * sw_rwsem_destroy() - release the pthread state of an rwsem.
 * @sem: the rwsem.
 */
void sw_rwsem_destroy(struct rw_semaphore *sem)
{
	lockdep_reset_lock(&sem->dep_map);
	pthread_rwlock_destroy(&sem->l);
}

/**
 * down_read_nested() - take an rwsem for reading.
 * @sem: the rwsem.
 * @subclass: nesting level.
 */
void down_read_nested(struct rw_semaphore *sem, int subclass)
{
	might_sleep();
	lock_acquire(&sem->dep_map, subclass, 0, 1, 1, NULL, _RET_IP_);
	if (il_on())
		il_rwsem_lock(sem, false, false, _RET_IP_);
	else
		pthread_check(pthread_rwlock_rdlock(&sem->l), "down_read", &sem->dep_map);
	rwsem_read_acquired(sem);
}

/*
 * Take @sem's rwlock, giving up with -EINTR once a signal is pending. The
 * wait is in short slices, so that a signal made pending while this task
 * waits ends it, as in mutex_lock_signal_nested().
 */
static int rwsem_wait_signal(struct rw_semaphore *sem, bool write)
{
	int err = 0;

	for (;;) {
		struct timespec until;
		int ret;

		if (!(write ? pthread_rwlock_trywrlock(&sem->l) : pthread_rwlock_tryrdlock(&sem->l)))
			break;
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		task_blocks_on(&sem->dep_map);
		realtime_deadline_shim(&until, 2000);
		ret = write ? pthread_rwlock_timedwrlock(&sem->l, &until) :
			      pthread_rwlock_timedrdlock(&sem->l, &until);
		if (ret == ETIMEDOUT)
			continue;
		/* As on the other lock paths, an error WARNs and the lock counts as taken. */
		pthread_check(ret, write ? "down_write" : "down_read", &sem->dep_map);
		break;
	}
	task_blocks_on(NULL);
	return err;
}

/**
 * down_read_interruptible() - take for reading unless a signal is pending.
 * @sem: the rwsem.
 *
 * Return: 0 or -EINTR.
 */
int down_read_interruptible(struct rw_semaphore *sem)
{
	might_sleep();
	lock_acquire(&sem->dep_map, 0, 0, 1, 1, NULL, _RET_IP_);
	if (il_on()) {
		if (il_rwsem_lock(sem, false, true, _RET_IP_)) {
			lock_release(&sem->dep_map, _RET_IP_);
			return -EINTR;
		}
		rwsem_read_acquired(sem);
		return 0;
	}
	if (rwsem_wait_signal(sem, false)) {
		lock_release(&sem->dep_map, _RET_IP_);
		return -EINTR;
	}
	rwsem_read_acquired(sem);
	return 0;
}

/**
 * down_read_killable() - see down_read_interruptible().
 * @sem: the rwsem.
 *
 * Return: 0 or -EINTR.
 */
int down_read_killable(struct rw_semaphore *sem)
{
	return down_read_interruptible(sem);
}

/**
 * down_read_trylock() - try to take for reading.
 * @sem: the rwsem.
 *
 * Return: 1 if taken.
 */
int down_read_trylock(struct rw_semaphore *sem)
{
	il_point(SW_IL_TRYLOCK, &sem->dep_map, sem, _RET_IP_);
	if (pthread_rwlock_tryrdlock(&sem->l))
		return 0;
	rwsem_read_acquired(sem);
	lock_acquire(&sem->dep_map, 0, 1, 1, 1, NULL, _RET_IP_);
	return 1;
}

/**
 * up_read() - release a read hold.
 * @sem: the rwsem.
 */
void up_read(struct rw_semaphore *sem)
{
	lock_release(&sem->dep_map, _RET_IP_);
	pthread_check(pthread_rwlock_unlock(&sem->l), "up_read", &sem->dep_map);
	il_point(SW_IL_UNLOCK, &sem->dep_map, sem, _RET_IP_);
}

/**
 * down_write_nested() - take an rwsem for writing.
 * @sem: the rwsem.
 * @subclass: nesting level.
 */
void down_write_nested(struct rw_semaphore *sem, int subclass)
{
	might_sleep();
	lock_acquire(&sem->dep_map, subclass, 0, 0, 1, NULL, _RET_IP_);
	if (il_on())
		il_rwsem_lock(sem, true, false, _RET_IP_);
	else
		pthread_check(pthread_rwlock_wrlock(&sem->l), "down_write", &sem->dep_map);
}

/**
 * down_write_killable() - take for writing unless a signal is pending.
 * @sem: the rwsem.
 *
 * Return: 0 or -EINTR.
 */
int down_write_killable(struct rw_semaphore *sem)
{
	might_sleep();
	lock_acquire(&sem->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	if (il_on()) {
		if (il_rwsem_lock(sem, true, true, _RET_IP_)) {
			lock_release(&sem->dep_map, _RET_IP_);
			return -EINTR;
		}
		return 0;
	}
	if (rwsem_wait_signal(sem, true)) {
		lock_release(&sem->dep_map, _RET_IP_);
		return -EINTR;
	}
	return 0;
}

/**
 * down_write_trylock() - try to take for writing.
 * @sem: the rwsem.
 *
 * Return: 1 if taken.
 */
int down_write_trylock(struct rw_semaphore *sem)
{
	il_point(SW_IL_TRYLOCK, &sem->dep_map, sem, _RET_IP_);
	if (pthread_rwlock_trywrlock(&sem->l))
		return 0;
	lock_acquire(&sem->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

/**
 * up_write() - release a write hold.
 * @sem: the rwsem.
 */
void up_write(struct rw_semaphore *sem)
{
	lock_release(&sem->dep_map, _RET_IP_);
	__sw_hb_before(sem);	/* see rwsem_read_acquired() */
	pthread_check(pthread_rwlock_unlock(&sem->l), "up_write", &sem->dep_map);
	il_point(SW_IL_UNLOCK, &sem->dep_map, sem, _RET_IP_);
}

/**
 * downgrade_write() - turn a write hold into a read hold.
 * @sem: the rwsem.
 *
 * shim: not atomic (pthread rwlocks cannot downgrade); a writer may slip in.
 */
void downgrade_write(struct rw_semaphore *sem)
{
	up_write(sem);
	down_read(sem);
}

/**
 * ww_mutex_init() - initialise a ww_mutex of @ww_class.
 * @lock: the lock.
 * @ww_class: its class.
 */
void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class)
{
	__mutex_init(&lock->base, ww_class->mutex_name, &ww_class->mutex_key);
	lock->ctx = NULL;
	lock->ww_class = ww_class;
}

/**
 * ww_mutex_destroy() - see mutex_destroy().
 * @lock: the lock.
 */
void ww_mutex_destroy(struct ww_mutex *lock)
{
	mutex_destroy(&lock->base);
}

/**
 * ww_mutex_is_locked() - is the lock held?
 * @lock: the lock.
 *
 * Return: true if held.
 */
bool ww_mutex_is_locked(struct ww_mutex *lock)
{
	return mutex_is_locked(&lock->base);
}

/**
 * ww_acquire_init() - start an acquire context of @ww_class.
 * @ctx: the context.
 * @ww_class: class of the locks it will take.
 */
void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class)
{
	ctx->task = current;
	ctx->stamp = atomic_long_inc_return(&ww_class->stamp);
	ctx->acquired = 0;
	ctx->wounded = 0;
	ctx->is_wait_die = ww_class->is_wait_die;
	ctx->done_acquire = 0;
	ctx->ww_class = ww_class;
	ctx->contending_lock = NULL;
	lockdep_init_map(&ctx->dep_map, ww_class->acquire_name, &ww_class->acquire_key, 0);
	lock_acquire(&ctx->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
}

/**
 * ww_acquire_done() - mark the end of the acquire phase.
 * @ctx: the context.
 */
void ww_acquire_done(struct ww_acquire_ctx *ctx)
{
	WARN_ON(ctx->done_acquire);
	ctx->done_acquire = 1;
}

/**
 * ww_acquire_fini() - end an acquire context; all its locks must be released.
 * @ctx: the context.
 */
void ww_acquire_fini(struct ww_acquire_ctx *ctx)
{
	lock_release(&ctx->dep_map, _RET_IP_);
	WARN(ctx->acquired, "ww_acquire_fini() with %u locks still held\n", ctx->acquired);
	ctx->acquired = ~0U;
}

/*
 * A contender reads the holder's context and may wound it; the holder clears
 * lock->ctx on unlock. Both happen under a stripe lock so that a context is
 * never touched after its owner let go of the lock (kernel: lock->wait_lock).
 */
#define WW_STRIPES 64
static pthread_mutex_t ww_stripe[WW_STRIPES] = {
	[0 ... WW_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER
};

static pthread_mutex_t *ww_stripe_of(struct ww_mutex *lock)
{
	return &ww_stripe[((unsigned long)lock >> 6) % WW_STRIPES];
}

/*
 * Publish @ctx under the stripe lock too: a contender that finds it there
 * then also sees what its owner wrote into it before (its stamp).
 */
static void ww_acquired(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	mutex_acquired(&lock->base);
	if (ctx) {
		pthread_mutex_lock(ww_stripe_of(lock));
		WRITE_ONCE(lock->ctx, ctx);
		pthread_mutex_unlock(ww_stripe_of(lock));
		ctx->acquired++;
		ctx->contending_lock = NULL;
	}
}

/* The younger transaction has the larger stamp (wrap-safe comparison). */
static bool ctx_younger(struct ww_acquire_ctx *a, struct ww_acquire_ctx *b)
{
	return (long)(a->stamp - b->stamp) > 0;
}

/* In a scheduled run: free, or a wound to back off from. */
struct ww_wait {
	struct ww_mutex *lock;
	struct ww_acquire_ctx *ctx;
};

static bool ww_ready(const void *arg)
{
	const struct ww_wait *w = arg;

	if (w->ctx && !w->ctx->is_wait_die && READ_ONCE(w->ctx->wounded) && w->ctx->acquired)
		return true;
	return il_mutex_free(&w->lock->base.m);
}

static int __ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			   bool interruptible, bool slow, unsigned long ip)
{
	struct timespec ts;

	might_sleep();
	if (ctx) {
		if (unlikely(READ_ONCE(lock->ctx) == ctx))
			return -EALREADY;
		WARN(ctx->done_acquire, "ww_mutex_lock() after ww_acquire_done()\n");
		WARN(ctx->ww_class != lock->ww_class,
		     "ww_mutex_lock() with a context of another class\n");
		if (ctx->acquired == 0)
			ctx->wounded = 0;
	}

	lock_acquire(&lock->base.dep_map, 0, 0, 0, 1, ctx ? &ctx->dep_map : NULL, ip);

	for (;;) {
		struct ww_acquire_ctx *holder;
		int ret;

		if (il_on())
			sw_il_point(SW_IL_LOCK, lock->base.dep_map.name, lock, ip);
		if (pthread_mutex_trylock(&lock->base.m) == 0)
			break;

		if (ctx && !slow) {
			bool die = false;

			pthread_mutex_lock(ww_stripe_of(lock));
			holder = READ_ONCE(lock->ctx);
			if (holder && ctx->is_wait_die)
				die = ctx->acquired && ctx_younger(ctx, holder);
			else if (holder && ctx_younger(holder, ctx))
				/* Wound the younger holder: it backs off. */
				WRITE_ONCE(holder->wounded, 1);
			pthread_mutex_unlock(ww_stripe_of(lock));
			if (die)
				goto deadlk;
		}
		if (ctx && !slow && !ctx->is_wait_die &&
		    READ_ONCE(ctx->wounded) && ctx->acquired)
			goto deadlk;
		if (interruptible && signal_pending(current)) {
			task_blocks_on(NULL);
			lock_release(&lock->base.dep_map, ip);
			return -EINTR;
		}

		if (il_on()) {
			struct ww_wait w = { .lock = lock, .ctx = slow ? NULL : ctx };

			sw_il_block(ww_ready, &w, false, lock->base.dep_map.name, ip);
			continue;
		}
		task_blocks_on(&lock->base.dep_map);
		realtime_deadline_shim(&ts, 1000);
		ret = pthread_mutex_timedlock(&lock->base.m, &ts);
		if (ret == ETIMEDOUT)
			continue;
		/*
		 * An error (EDEADLK: this thread holds it already) WARNs once
		 * and the lock counts as taken, as on the mutex path: the test
		 * fails on the WARN instead of retrying for ever.
		 */
		pthread_check(ret, "ww_mutex_lock", &lock->base.dep_map);
		break;
	}

	task_blocks_on(NULL);
	ww_acquired(lock, ctx);
	return 0;

deadlk:
	task_blocks_on(NULL);
	ctx->contending_lock = lock;
	lock_release(&lock->base.dep_map, ip);
	return -EDEADLK;
}

/**
 * ww_mutex_lock() - lock, possibly as part of an acquire context.
 * @lock: the lock.
 * @ctx: acquire context or NULL.
 *
 * Return: 0; -EALREADY if @ctx already holds it; -EDEADLK if @ctx must back
 * off (release all its locks, then ww_mutex_lock_slow() the contended one).
 */
int ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	return __ww_mutex_lock(lock, ctx, false, false, _RET_IP_);
}

/**
 * ww_mutex_lock_interruptible() - see ww_mutex_lock(); may return -EINTR.
 * @lock: the lock.
 * @ctx: acquire context or NULL.
 *
 * Return: 0, -EALREADY, -EDEADLK or -EINTR.
 */
int ww_mutex_lock_interruptible(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	return __ww_mutex_lock(lock, ctx, true, false, _RET_IP_);
}

/**
 * ww_mutex_lock_slow() - lock the contended lock after backing off.
 * @lock: the lock.
 * @ctx: acquire context, which must hold no lock.
 */
void ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	int ret;

	WARN_ON(ctx && ctx->contending_lock != lock);
	WARN_ON(ctx && ctx->acquired);
	ret = __ww_mutex_lock(lock, ctx, false, true, _RET_IP_);
	WARN_ON(ret);
}

/**
 * ww_mutex_lock_slow_interruptible() - see ww_mutex_lock_slow().
 * @lock: the lock.
 * @ctx: acquire context.
 *
 * Return: 0 or -EINTR.
 */
int ww_mutex_lock_slow_interruptible(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	WARN_ON(ctx && ctx->acquired);
	return __ww_mutex_lock(lock, ctx, true, true, _RET_IP_);
}

/**
 * ww_mutex_trylock() - try to lock without blocking.
 * @lock: the lock.
 * @ctx: acquire context or NULL.
 *
 * Return: 1 if taken, 0 if contended (or already held by @ctx).
 */
int ww_mutex_trylock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	trylock_hook(&lock->base.dep_map);
	il_point(SW_IL_TRYLOCK, &lock->base.dep_map, lock, _RET_IP_);
	if (pthread_mutex_trylock(&lock->base.m))
		return 0;
	lock_acquire(&lock->base.dep_map, 0, 1, 0, 1, ctx ? &ctx->dep_map : NULL,
		     _RET_IP_);
	ww_acquired(lock, ctx);
	return 1;
}

/**
 * ww_mutex_unlock() - release a ww_mutex.
 * @lock: the lock.
 */
void ww_mutex_unlock(struct ww_mutex *lock)
{
	struct ww_acquire_ctx *ctx = READ_ONCE(lock->ctx);

	if (ctx) {
		WARN_ON(!ctx->acquired);
		ctx->acquired--;
		pthread_mutex_lock(ww_stripe_of(lock));
		WRITE_ONCE(lock->ctx, NULL);
		pthread_mutex_unlock(ww_stripe_of(lock));
	}
	mutex_unlock(&lock->base);
}
