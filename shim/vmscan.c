// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Shrinkers, direct reclaim and kswapd, with mm/shrinker.c's arithmetic:
 * per shrinker, count; scan (freeable >> priority) * 4 / seeks objects plus
 * a share of the deferred work, in batches (default 128), until done or
 * SHRINK_STOP; what was not scanned is deferred to the next call.
 *
 * Direct reclaim (an allocation below the min watermark) runs every
 * shrinker at priorities DEF_PRIORITY down to 0 until it has freed what it
 * wants. kswapd is a thread, woken by allocations below the low watermark,
 * that shrinks at priorities DEF_PRIORITY down to 1 until the high watermark
 * is met, then sleeps; after MAX_RECLAIM_RETRIES passes that freed nothing
 * it leaves the node to direct reclaim until that makes progress again.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <shrinkwrap/introspect.h>
#include <linux/mmzone.h>
#include <linux/swap.h>
#include <linux/lockdep.h>

#include "internal.h"

#define SHRINK_BATCH 128
#define MAX_RECLAIM_RETRIES 16

/* Writers of shrinker_list serialise on shrinker_mutex; reclaim walks it under RCU. */
static DEFINE_MUTEX(shrinker_mutex);
static LIST_HEAD(shrinker_list);
static struct sw_reclaim_stats reclaim_stats;

/**
 * shrinker_alloc() - allocate a shrinker.
 * @flags: SHRINKER_* flags.
 * @fmt: name format.
 *
 * Return: the shrinker (seeks = DEFAULT_SEEKS, batch = 0), or NULL.
 */
struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *shrinker;
	va_list ap;

	shrinker = kzalloc(sizeof(*shrinker), GFP_KERNEL);
	if (!shrinker)
		return NULL;
	shrinker->nr_deferred = kzalloc(sizeof(*shrinker->nr_deferred), GFP_KERNEL);
	if (!shrinker->nr_deferred) {
		kfree(shrinker);
		return NULL;
	}
	va_start(ap, fmt);
	shrinker->name = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	if (!shrinker->name) {
		kfree(shrinker->nr_deferred);
		kfree(shrinker);
		return NULL;
	}
	shrinker->flags = flags | SHRINKER_ALLOCATED;
	shrinker->seeks = DEFAULT_SEEKS;
	INIT_LIST_HEAD(&shrinker->list);
	return shrinker;
}

/**
 * shrinker_register() - make a shrinker visible to reclaim.
 * @shrinker: from shrinker_alloc().
 */
void shrinker_register(struct shrinker *shrinker)
{
	if (WARN(!(shrinker->flags & SHRINKER_ALLOCATED),
		 "shrinker_register() of a shrinker not from shrinker_alloc()\n"))
		return;
	shrinker->done = 0;
	mutex_lock(&shrinker_mutex);
	list_add_tail_rcu(&shrinker->list, &shrinker_list);
	shrinker->flags |= SHRINKER_REGISTERED;
	mutex_unlock(&shrinker_mutex);
	/* Published last: a walker may use the shrinker once it can get it. */
	refcount_set(&shrinker->refcount, 1);
}

static bool shrinker_try_get(struct shrinker *shrinker)
{
	return refcount_inc_not_zero(&shrinker->refcount);
}

static void shrinker_put(struct shrinker *shrinker)
{
	if (refcount_dec_and_test(&shrinker->refcount))
		__sw_store_release(&shrinker->done, 1);
}

static void shrinker_free_rcu_cb(struct rcu_head *head)
{
	struct shrinker *shrinker = container_of(head, struct shrinker, rcu);

	kfree(shrinker->name);
	kfree(shrinker);
}

/**
 * shrinker_free() - unregister, wait for running scans, and free after a
 * grace period (reclaim may still be walking past it).
 * @shrinker: the shrinker, or NULL.
 */
void shrinker_free(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	if (shrinker->flags & SHRINKER_REGISTERED) {
		might_sleep();
		/* Drop the initial reference, then wait for every walker's. */
		shrinker_put(shrinker);
		while (!__sw_load_acquire(&shrinker->done))
			schedule();
	}
	mutex_lock(&shrinker_mutex);
	if (shrinker->flags & SHRINKER_REGISTERED) {
		list_del_rcu(&shrinker->list);
		shrinker->flags &= ~SHRINKER_REGISTERED;
	}
	mutex_unlock(&shrinker_mutex);
	kfree(shrinker->nr_deferred);
	call_rcu(&shrinker->rcu, shrinker_free_rcu_cb);
}

static unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *shrinker,
				    int priority)
{
	long batch_size = shrinker->batch ? shrinker->batch : SHRINK_BATCH;
	unsigned long freed = 0;
	long freeable, nr, delta, total_scan, next_deferred, scanned = 0;

	freeable = shrinker->count_objects(shrinker, sc);
	__atomic_add_fetch(&reclaim_stats.counts, 1, __ATOMIC_RELAXED);
	if (freeable == 0 || freeable == (long)SHRINK_EMPTY)
		return freeable;

	nr = atomic_long_xchg(shrinker->nr_deferred, 0);
	if (shrinker->seeks) {
		delta = freeable >> priority;
		delta *= 4;
		delta /= shrinker->seeks;
	} else {
		delta = freeable / 2;
	}
	total_scan = nr >> priority;
	total_scan += delta;
	total_scan = min(total_scan, 2 * freeable);

	while (total_scan >= batch_size || total_scan >= freeable) {
		unsigned long ret;
		unsigned long nr_to_scan = min(batch_size, total_scan);

		sc->nr_to_scan = nr_to_scan;
		sc->nr_scanned = nr_to_scan;
		ret = shrinker->scan_objects(shrinker, sc);
		__atomic_add_fetch(&reclaim_stats.scans, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&shrinker->shim_scans, 1, __ATOMIC_RELAXED);
		if (ret == SHRINK_STOP) {
			__atomic_add_fetch(&reclaim_stats.stops, 1, __ATOMIC_RELAXED);
			break;
		}
		freed += ret;
		total_scan -= sc->nr_scanned;
		scanned += sc->nr_scanned;
		cond_resched();
	}

	next_deferred = max(nr + delta - scanned, 0L);
	next_deferred = min(next_deferred, 2 * freeable);
	atomic_long_add(next_deferred, shrinker->nr_deferred);
	return freed;
}

/**
 * shrink_slab() - run every registered shrinker once.
 * @gfp_mask: allocation context.
 * @nid: node (ignored).
 * @memcg: cgroup (ignored).
 * @priority: DEF_PRIORITY (12) down to 0.
 *
 * Return: objects freed.
 */
unsigned long shrink_slab(gfp_t gfp_mask, int nid, struct mem_cgroup *memcg,
			  int priority)
{
	struct shrinker *shrinker;
	unsigned long freed = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(shrinker, &shrinker_list, list) {
		struct shrink_control sc = {
			.gfp_mask = gfp_mask,
			.nid = nid,
			.memcg = memcg,
		};
		unsigned long ret;

		/* Being freed: shrinker_free() waits for the references we hold. */
		if (!shrinker_try_get(shrinker))
			continue;
		rcu_read_unlock();

		ret = do_shrink_slab(&sc, shrinker, priority);
		if (ret == SHRINK_EMPTY)
			ret = 0;
		freed += ret;

		rcu_read_lock();
		shrinker_put(shrinker);
	}
	rcu_read_unlock();
	__atomic_add_fetch(&reclaim_stats.freed, freed, __ATOMIC_RELAXED);
	return freed;
}

/* kswapd's node state: pgdat->kswapd_failures and the kswapd_wait queue. */
static struct {
	pthread_mutex_t lock;		/* guards the fields below but failures */
	pthread_cond_t wait;		/* kswapd waits for work */
	pthread_cond_t idle;		/* sw_kswapd_park() waits for a pass to end */
	pthread_t thread;
	bool running;
	bool woken;
	bool busy;			/* in a balance_pgdat() pass */
	bool stop;
	int parked;			/* shim: the harness holds kswapd off */
	int failures;			/* atomic */
} kswapd = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wait = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
};

/* shrink_node(): the slab part; progress makes the node hopeful again. */
static unsigned long shrink_node_shim(gfp_t gfp_mask, int priority)
{
	unsigned long freed = shrink_slab(gfp_mask, 0, NULL, priority);

	if (freed && __atomic_load_n(&kswapd.failures, __ATOMIC_RELAXED))
		WRITE_ONCE(kswapd.failures, 0);
	return freed;
}

/*
 * reclaim_throttle(VMSCAN_THROTTLE_NOPROGRESS): direct reclaim that freed
 * nothing waits for kswapd's pass to end (what it was contending with), at
 * most HZ / 50, before the allocator tries again.
 */
static void reclaim_throttle_shim(void)
{
	struct timespec ts;

	realtime_deadline_shim(&ts, 20000);
	pthread_mutex_lock(&kswapd.lock);
	while (kswapd.busy && !kswapd.stop)
		if (pthread_cond_timedwait(&kswapd.idle, &kswapd.lock, &ts))
			break;
	pthread_mutex_unlock(&kswapd.lock);
}

/**
 * try_to_free_pages_shim() - direct reclaim: shrink at rising pressure
 * until @nr_pages were freed or priority 0 was tried.
 * @gfp_mask: the failed allocation's flags.
 * @nr_pages: pages wanted (the allocator asks for SWAP_CLUSTER_MAX).
 *
 * Return: pages freed.
 */
unsigned long try_to_free_pages_shim(gfp_t gfp_mask, unsigned long nr_pages)
{
	unsigned long freed = 0;
	unsigned int noreclaim;
	int priority;

	__atomic_add_fetch(&reclaim_stats.direct_reclaims, 1, __ATOMIC_RELAXED);
	fs_reclaim_acquire(gfp_mask);
	noreclaim = memalloc_noreclaim_save();
	for (priority = DEF_PRIORITY; priority >= 0 && freed < nr_pages; priority--)
		freed += shrink_node_shim(gfp_mask, priority);
	if (!freed)
		reclaim_throttle_shim();
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(gfp_mask);
	__atomic_add_fetch(&reclaim_stats.direct_freed, freed, __ATOMIC_RELAXED);
	return freed;
}

/*
 * balance_pgdat(): shrink at priorities DEF_PRIORITY down to 1 until more
 * than the high watermark is free. Return: pages freed.
 */
static unsigned long balance_pgdat(void)
{
	unsigned long freed = 0;
	int priority;

	__atomic_add_fetch(&reclaim_stats.kswapd_runs, 1, __ATOMIC_RELAXED);
	__fs_reclaim_acquire(_THIS_IP_);
	for (priority = DEF_PRIORITY; priority >= 1; priority--) {
		if (sw_mm_watermark_ok(WMARK_HIGH))
			break;
		freed += shrink_node_shim(GFP_KERNEL, priority);
	}
	__fs_reclaim_release(_THIS_IP_);
	if (!freed)
		__atomic_add_fetch(&kswapd.failures, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&reclaim_stats.kswapd_freed, freed, __ATOMIC_RELAXED);
	return freed;
}

/* prepare_kswapd_sleep(): balanced, or hopeless. */
static bool kswapd_may_sleep(void)
{
	return sw_mm_watermark_ok(WMARK_HIGH) ||
	       __atomic_load_n(&kswapd.failures, __ATOMIC_RELAXED) >= MAX_RECLAIM_RETRIES;
}

static void *kswapd_fn(void *arg)
{
	struct task_struct *tsk = current;

	memset(tsk->comm, 0, sizeof(tsk->comm));
	strncpy(tsk->comm, "kswapd0", sizeof(tsk->comm) - 1);
	tsk->flags |= PF_MEMALLOC | PF_KSWAPD;
	for (;;) {
		pthread_mutex_lock(&kswapd.lock);
		kswapd.busy = false;
		pthread_cond_broadcast(&kswapd.idle);
		while ((!kswapd.woken || kswapd.parked) && !kswapd.stop)
			pthread_cond_wait(&kswapd.wait, &kswapd.lock);
		if (kswapd.stop) {
			pthread_mutex_unlock(&kswapd.lock);
			break;
		}
		kswapd.woken = false;
		kswapd.busy = true;
		pthread_mutex_unlock(&kswapd.lock);

		balance_pgdat();
		/* Not balanced and not hopeless: go again (unless parked meanwhile). */
		if (!kswapd_may_sleep()) {
			pthread_mutex_lock(&kswapd.lock);
			kswapd.woken = true;
			pthread_mutex_unlock(&kswapd.lock);
		}
	}
	tsk->flags &= ~(PF_MEMALLOC | PF_KSWAPD);
	return NULL;
}

/**
 * wakeup_kswapd_shim() - wake kswapd unless the node is balanced or hopeless.
 * @gfp_mask: the allocation's flags.
 */
void wakeup_kswapd_shim(gfp_t gfp_mask)
{
	if (kswapd_may_sleep())
		return;
	pthread_mutex_lock(&kswapd.lock);
	if (kswapd.running && !kswapd.woken) {
		kswapd.woken = true;
		__atomic_add_fetch(&reclaim_stats.kswapd_wakeups, 1, __ATOMIC_RELAXED);
		pthread_cond_signal(&kswapd.wait);
	}
	pthread_mutex_unlock(&kswapd.lock);
}

/**
 * sw_kswapd_start() - start the kswapd thread of a new world.
 *
 * Return: 0, or -errno if the thread could not be created.
 */
int sw_kswapd_start(void)
{
	int ret;

	WRITE_ONCE(kswapd.failures, 0);
	kswapd.woken = false;
	kswapd.busy = false;
	kswapd.parked = 0;
	kswapd.stop = false;
	ret = pthread_create(&kswapd.thread, NULL, kswapd_fn, NULL);
	if (ret)
		return -ret;
	pthread_mutex_lock(&kswapd.lock);
	kswapd.running = true;
	pthread_mutex_unlock(&kswapd.lock);
	return 0;
}

/**
 * sw_kswapd_park() - let kswapd finish the work it was woken for, then hold
 * it off; or let it run again. For the harness's quiescent points; calls nest.
 * @park: true to hold it off, false to undo one such call.
 */
void sw_kswapd_park(bool park)
{
	pthread_mutex_lock(&kswapd.lock);
	if (park) {
		while (kswapd.running && (kswapd.busy || (kswapd.woken && !kswapd.parked)))
			pthread_cond_wait(&kswapd.idle, &kswapd.lock);
		kswapd.parked++;
	} else if (!WARN_ON(kswapd.parked <= 0)) {
		kswapd.parked--;
		pthread_cond_signal(&kswapd.wait);
	}
	pthread_mutex_unlock(&kswapd.lock);
}

/** sw_kswapd_stop() - stop kswapd (finishing its pass) and wait for it. */
void sw_kswapd_stop(void)
{
	bool running;

	pthread_mutex_lock(&kswapd.lock);
	running = kswapd.running;
	kswapd.running = false;
	WRITE_ONCE(kswapd.stop, true);
	pthread_cond_signal(&kswapd.wait);
	pthread_mutex_unlock(&kswapd.lock);
	if (running)
		pthread_join(kswapd.thread, NULL);
}

/**
 * sw_reclaim() - apply memory pressure as direct reclaim would.
 * @gfp_mask: allocation context (e.g. GFP_KERNEL, or GFP_NOWAIT to forbid
 *            blocking).
 * @nr_pages: pages wanted.
 *
 * Return: pages freed by the shrinkers.
 */
unsigned long sw_reclaim(gfp_t gfp_mask, unsigned long nr_pages)
{
	return try_to_free_pages_shim(gfp_mask, nr_pages);
}

/**
 * sw_reclaim_stats() - reclaim counters.
 * @stats: filled in.
 */
void sw_reclaim_stats(struct sw_reclaim_stats *stats)
{
	stats->counts = __atomic_load_n(&reclaim_stats.counts, __ATOMIC_RELAXED);
	stats->scans = __atomic_load_n(&reclaim_stats.scans, __ATOMIC_RELAXED);
	stats->stops = __atomic_load_n(&reclaim_stats.stops, __ATOMIC_RELAXED);
	stats->freed = __atomic_load_n(&reclaim_stats.freed, __ATOMIC_RELAXED);
	stats->direct_reclaims = __atomic_load_n(&reclaim_stats.direct_reclaims,
						 __ATOMIC_RELAXED);
	stats->direct_freed = __atomic_load_n(&reclaim_stats.direct_freed, __ATOMIC_RELAXED);
	stats->kswapd_wakeups = __atomic_load_n(&reclaim_stats.kswapd_wakeups,
						__ATOMIC_RELAXED);
	stats->kswapd_runs = __atomic_load_n(&reclaim_stats.kswapd_runs, __ATOMIC_RELAXED);
	stats->kswapd_freed = __atomic_load_n(&reclaim_stats.kswapd_freed, __ATOMIC_RELAXED);
}

/** sw_reclaim_stats_reset() - zero the reclaim counters. */
void sw_reclaim_stats_reset(void)
{
	memset(&reclaim_stats, 0, sizeof(reclaim_stats));
}

/**
 * sw_shrinkers_registered() - shrinkers currently registered.
 *
 * Return: the count.
 */
long sw_shrinkers_registered(void)
{
	long n;

	mutex_lock(&shrinker_mutex);
	n = (long)list_count_nodes(&shrinker_list);
	mutex_unlock(&shrinker_mutex);
	return n;
}
