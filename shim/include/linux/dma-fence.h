/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cross-device synchronisation fences. shim: waits block on a pthread
 * condition variable fed by a fence callback.
 */
#ifndef __LINUX_DMA_FENCE_H
#define __LINUX_DMA_FENCE_H

#include <linux/err.h>
#include <linux/list.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/rcupdate.h>

struct dma_fence;
struct dma_fence_ops;
struct dma_fence_cb;

struct dma_fence {
	spinlock_t			*lock;
	const struct dma_fence_ops	*ops;
	struct list_head		cb_list;
	ktime_t				timestamp;
	u64				context;
	u64				seqno;
	unsigned long			flags;
	struct kref			refcount;
	int				error;
	/* shim: not in a union with cb_list and timestamp as in the kernel. */
	struct rcu_head			rcu;
};

enum dma_fence_flag_bits {
	DMA_FENCE_FLAG_SEQNO64_BIT,
	DMA_FENCE_FLAG_SIGNALED_BIT,
	DMA_FENCE_FLAG_TIMESTAMP_BIT,
	DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
	DMA_FENCE_FLAG_USER_BITS,
};

typedef void (*dma_fence_func_t)(struct dma_fence *fence, struct dma_fence_cb *cb);

struct dma_fence_cb {
	struct list_head node;
	dma_fence_func_t func;
};

struct dma_fence_ops {
	const char *(*get_driver_name)(struct dma_fence *fence);
	const char *(*get_timeline_name)(struct dma_fence *fence);
	bool (*enable_signaling)(struct dma_fence *fence);
	bool (*signaled)(struct dma_fence *fence);
	signed long (*wait)(struct dma_fence *fence, bool intr, signed long timeout);
	void (*release)(struct dma_fence *fence);
};

void dma_fence_init(struct dma_fence *fence, const struct dma_fence_ops *ops,
		    spinlock_t *lock, u64 context, u64 seqno);
void dma_fence_release(struct kref *kref);
void dma_fence_free(struct dma_fence *fence);
u64 dma_fence_context_alloc(unsigned int num);

static inline struct dma_fence *dma_fence_get(struct dma_fence *fence)
{
	if (fence)
		kref_get(&fence->refcount);
	return fence;
}

static inline void dma_fence_put(struct dma_fence *fence)
{
	if (fence)
		kref_put(&fence->refcount, dma_fence_release);
}

/**
 * dma_fence_get_rcu() - get a fence from an RCU read-side critical section.
 * @fence: the fence; its memory is valid for the section (fences are freed
 *         after a grace period), but it may already be on its way out.
 *
 * Return: @fence with a reference, or NULL if its refcount was already 0.
 */
static inline struct dma_fence *dma_fence_get_rcu(struct dma_fence *fence)
{
	if (kref_get_unless_zero(&fence->refcount))
		return fence;
	return NULL;
}

struct dma_fence *dma_fence_get_rcu_safe(struct dma_fence __rcu **fencep);

int dma_fence_signal(struct dma_fence *fence);
int dma_fence_signal_locked(struct dma_fence *fence);
int dma_fence_signal_timestamp(struct dma_fence *fence, ktime_t timestamp);
bool dma_fence_is_signaled(struct dma_fence *fence);
bool dma_fence_is_signaled_locked(struct dma_fence *fence);
void dma_fence_enable_sw_signaling(struct dma_fence *fence);
int dma_fence_add_callback(struct dma_fence *fence, struct dma_fence_cb *cb,
			   dma_fence_func_t func);
bool dma_fence_remove_callback(struct dma_fence *fence, struct dma_fence_cb *cb);
signed long dma_fence_default_wait(struct dma_fence *fence, bool intr,
				   signed long timeout);
signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr,
				   signed long timeout);

static inline signed long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	signed long ret = dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);

	return ret < 0 ? ret : 0;
}

static inline void dma_fence_set_error(struct dma_fence *fence, int error)
{
	fence->error = error;
}

/**
 * dma_fence_begin_signalling() - annotate the start of a fence-signalling
 * critical section: code in it must not take locks that are held while
 * waiting for fences, nor allocate with reclaim.
 *
 * Return: cookie to hand to dma_fence_end_signalling().
 */
bool dma_fence_begin_signalling(void);
void dma_fence_end_signalling(bool cookie);
void __dma_fence_might_wait(void);

#endif
