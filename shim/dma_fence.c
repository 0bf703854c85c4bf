// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * dma_fence: signalling, callbacks and waits. Callbacks run with the fence
 * lock held, as in the kernel; a waiter's callback wakes a condition variable.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/dma-fence.h>
#include <linux/slab.h>

#include "internal.h"

static atomic64_t fence_context_counter = ATOMIC64_INIT(1);

/* The __sw_ helpers (compiler.h) also show helgrind the flags' ordering. */
static bool test_bit_ul(int nr, unsigned long *addr)
{
	return __sw_load_acquire(addr) & (1UL << nr);
}

static bool test_and_set_bit_ul(int nr, unsigned long *addr)
{
	return __sw_full_op(addr, __atomic_fetch_or(addr, 1UL << nr, __ATOMIC_ACQ_REL)) &
	       (1UL << nr);
}

/**
 * dma_fence_context_alloc() - allocate @num fence contexts.
 * @num: how many.
 *
 * Return: the first context number.
 */
u64 dma_fence_context_alloc(unsigned int num)
{
	return atomic64_fetch_add(num, &fence_context_counter);
}

/**
 * dma_fence_init() - initialise a fence.
 * @fence: the fence.
 * @ops: its operations.
 * @lock: the spinlock guarding its state and callbacks.
 * @context: execution context.
 * @seqno: sequence number in @context.
 */
void dma_fence_init(struct dma_fence *fence, const struct dma_fence_ops *ops,
		    spinlock_t *lock, u64 context, u64 seqno)
{
	kref_init(&fence->refcount);
	fence->ops = ops;
	INIT_LIST_HEAD(&fence->cb_list);
	fence->lock = lock;
	fence->context = context;
	fence->seqno = seqno;
	fence->flags = 0;
	fence->error = 0;
}

/**
 * dma_fence_free() - free a fence with kfree() after a grace period, as
 * RCU readers (dma_fence_get_rcu()) may still be looking at it.
 * @fence: the fence.
 */
void dma_fence_free(struct dma_fence *fence)
{
	kfree_rcu(fence, rcu);
}

/**
 * dma_fence_get_rcu_safe() - get a reference to the fence *@fencep points
 * to, which may be replaced and released at any time.
 * @fencep: the RCU-protected fence pointer; call in a read-side section.
 *
 * Retries until the fence it got a reference to is still the one *@fencep
 * points to: a fence can be freed and its memory reused for another fence
 * (SLAB_TYPESAFE_BY_RCU), so a reference alone does not prove it is the
 * right one.
 *
 * Return: the fence with a reference, or NULL if *@fencep is NULL.
 */
struct dma_fence *dma_fence_get_rcu_safe(struct dma_fence __rcu **fencep)
{
	for (;;) {
		struct dma_fence *fence = rcu_dereference(*fencep);

		if (!fence)
			return NULL;
		if (!dma_fence_get_rcu(fence))
			continue;
		if (fence == rcu_access_pointer(*fencep))
			return rcu_pointer_handoff(fence);
		dma_fence_put(fence);
	}
}

/**
 * dma_fence_release() - kref release of a fence.
 * @kref: the fence's refcount.
 */
void dma_fence_release(struct kref *kref)
{
	struct dma_fence *fence = container_of(kref, struct dma_fence, refcount);

	WARN(!list_empty(&fence->cb_list) &&
	     !test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags),
	     "fence released with pending callbacks\n");
	if (fence->ops->release)
		fence->ops->release(fence);
	else
		dma_fence_free(fence);
}

/**
 * dma_fence_signal_timestamp_locked() - signal with the fence lock held.
 * @fence: the fence.
 * @timestamp: signal time.
 *
 * Return: 0, or -EINVAL if it was already signalled.
 */
static int dma_fence_signal_timestamp_locked(struct dma_fence *fence, ktime_t timestamp)
{
	struct dma_fence_cb *cur, *tmp;
	struct list_head cb_list;

	lockdep_assert_held(fence->lock);
	if (test_and_set_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags))
		return -EINVAL;

	INIT_LIST_HEAD(&cb_list);
	list_splice_init(&fence->cb_list, &cb_list);
	fence->timestamp = timestamp;
	__sw_release_op(&fence->flags, __atomic_fetch_or(&fence->flags,
							 1UL << DMA_FENCE_FLAG_TIMESTAMP_BIT,
							 __ATOMIC_RELEASE));

	list_for_each_entry_safe(cur, tmp, &cb_list, node) {
		INIT_LIST_HEAD(&cur->node);
		cur->func(fence, cur);
	}
	return 0;
}

/**
 * dma_fence_signal_locked() - signal a fence; its lock must be held.
 * @fence: the fence.
 *
 * Return: 0, or -EINVAL if already signalled.
 */
int dma_fence_signal_locked(struct dma_fence *fence)
{
	return dma_fence_signal_timestamp_locked(fence, (ktime_t)jiffies);
}

/**
 * dma_fence_signal_timestamp() - signal a fence with a timestamp.
 * @fence: the fence.
 * @timestamp: signal time.
 *
 * Return: 0, or -EINVAL if already signalled.
 */
int dma_fence_signal_timestamp(struct dma_fence *fence, ktime_t timestamp)
{
	bool tmp;
	int ret;

	if (!fence)
		return -EINVAL;
	tmp = dma_fence_begin_signalling();
	spin_lock(fence->lock);
	ret = dma_fence_signal_timestamp_locked(fence, timestamp);
	spin_unlock(fence->lock);
	dma_fence_end_signalling(tmp);
	return ret;
}

/**
 * dma_fence_signal() - signal a fence and run its callbacks.
 * @fence: the fence.
 *
 * Return: 0, or -EINVAL if already signalled.
 */
int dma_fence_signal(struct dma_fence *fence)
{
	return dma_fence_signal_timestamp(fence, (ktime_t)jiffies);
}

/**
 * dma_fence_is_signaled_locked() - see dma_fence_is_signaled(), lock held.
 * @fence: the fence.
 *
 * Return: true if signalled.
 */
bool dma_fence_is_signaled_locked(struct dma_fence *fence)
{
	if (test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags))
		return true;
	if (fence->ops->signaled && fence->ops->signaled(fence)) {
		dma_fence_signal_locked(fence);
		return true;
	}
	return false;
}

/**
 * dma_fence_is_signaled() - has the fence signalled (asking the driver)?
 * @fence: the fence.
 *
 * Return: true if signalled.
 */
bool dma_fence_is_signaled(struct dma_fence *fence)
{
	if (test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags))
		return true;
	if (fence->ops->signaled && fence->ops->signaled(fence)) {
		dma_fence_signal(fence);
		return true;
	}
	return false;
}

/**
 * dma_fence_enable_sw_signaling() - ask the driver to signal @fence.
 * @fence: the fence.
 */
void dma_fence_enable_sw_signaling(struct dma_fence *fence)
{
	if (test_and_set_bit_ul(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT, &fence->flags))
		return;
	if (fence->ops->enable_signaling) {
		spin_lock(fence->lock);
		if (!test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags) &&
		    !fence->ops->enable_signaling(fence))
			dma_fence_signal_locked(fence);
		spin_unlock(fence->lock);
	}
}

/**
 * dma_fence_add_callback() - run @func when @fence signals.
 * @fence: the fence.
 * @cb: callback storage.
 * @func: the callback (called with the fence lock held).
 *
 * Return: 0, or -ENOENT if already signalled (@func is not called).
 */
int dma_fence_add_callback(struct dma_fence *fence, struct dma_fence_cb *cb,
			   dma_fence_func_t func)
{
	int ret = 0;

	if (test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)) {
		INIT_LIST_HEAD(&cb->node);
		return -ENOENT;
	}
	dma_fence_enable_sw_signaling(fence);
	spin_lock(fence->lock);
	if (test_bit_ul(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)) {
		ret = -ENOENT;
		INIT_LIST_HEAD(&cb->node);
	} else {
		cb->func = func;
		list_add_tail(&cb->node, &fence->cb_list);
	}
	spin_unlock(fence->lock);
	return ret;
}

/**
 * dma_fence_remove_callback() - remove a callback that has not run.
 * @fence: the fence.
 * @cb: the callback.
 *
 * Return: true if it was removed before running.
 */
bool dma_fence_remove_callback(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	bool ret;

	spin_lock(fence->lock);
	ret = !list_empty(&cb->node);
	if (ret)
		list_del_init(&cb->node);
	spin_unlock(fence->lock);
	return ret;
}

struct wait_cb {
	struct dma_fence_cb base;
	pthread_mutex_t m;
	pthread_cond_t c;
	int done;
};

/* In a scheduled run the waiter is runnable again once the fence signalled. */
static bool wait_done(const void *arg)
{
	const struct wait_cb *w = arg;

	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

static void wait_wake(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct wait_cb *w = container_of(cb, struct wait_cb, base);

	pthread_mutex_lock(&w->m);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&w->c);
	pthread_mutex_unlock(&w->m);
}

/**
 * dma_fence_default_wait() - sleep until @fence signals or @timeout passes.
 * @fence: the fence.
 * @intr: return -ERESTARTSYS if a signal is pending.
 * @timeout: jiffies, or MAX_SCHEDULE_TIMEOUT.
 *
 * Return: remaining jiffies (at least 1) if signalled, 0 on timeout,
 * -ERESTARTSYS if interrupted.
 */
signed long dma_fence_default_wait(struct dma_fence *fence, bool intr, signed long timeout)
{
	unsigned long deadline = jiffies + (timeout == MAX_SCHEDULE_TIMEOUT ? 0 : timeout);
	struct wait_cb w = { .done = 0 };
	signed long ret = timeout;

	if (dma_fence_is_signaled(fence))
		return timeout ? timeout : 1;
	if (!timeout)
		return 0;

	pthread_mutex_init(&w.m, NULL);
	pthread_cond_init(&w.c, NULL);
	if (dma_fence_add_callback(fence, &w.base, wait_wake)) {
		ret = timeout;
		goto out;
	}

	pthread_mutex_lock(&w.m);
	while (!w.done) {
		struct timespec ts;

		if (intr && signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (timeout != MAX_SCHEDULE_TIMEOUT && time_after_eq(jiffies, deadline)) {
			ret = 0;
			break;
		}
		if (sw_il_current()) {
			bool ok;

			pthread_mutex_unlock(&w.m);
			ok = sw_il_block(wait_done, &w, timeout != MAX_SCHEDULE_TIMEOUT,
					 "dma_fence", _RET_IP_);
			pthread_mutex_lock(&w.m);
			if (!ok) {
				ret = 0;
				break;
			}
			continue;
		}
		realtime_deadline_shim(&ts, 1000);
		pthread_cond_timedwait(&w.c, &w.m, &ts);
	}
	pthread_mutex_unlock(&w.m);

	if (ret > 0 && timeout != MAX_SCHEDULE_TIMEOUT) {
		ret = (signed long)(deadline - jiffies);
		if (ret <= 0)
			ret = 1;
	}
	if (!dma_fence_remove_callback(fence, &w.base) && ret == 0)
		ret = 1;	/* signalled as we gave up */
out:
	pthread_cond_destroy(&w.c);
	pthread_mutex_destroy(&w.m);
	return ret;
}

/**
 * dma_fence_wait_timeout() - wait for @fence, annotated for lockdep as a
 * fence wait (it must not happen inside a signalling section's locks).
 * @fence: the fence.
 * @intr: interruptible.
 * @timeout: jiffies, or MAX_SCHEDULE_TIMEOUT.
 *
 * Return: see dma_fence_default_wait().
 */
signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr, signed long timeout)
{
	if (WARN_ON(timeout < 0))
		return -EINVAL;
	might_sleep();
	no_block_check_wait_shim("a fence wait");
	__dma_fence_might_wait();
	if (fence->ops->wait)
		return fence->ops->wait(fence, intr, timeout);
	return dma_fence_default_wait(fence, intr, timeout);
}
