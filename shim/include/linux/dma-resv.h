/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reservation objects: a ww_mutex plus a set of fences with usages; the
 * fence list is replaced under the lock and read locklessly under RCU.
 */
#ifndef _LINUX_RESERVATION_H
#define _LINUX_RESERVATION_H

#include <linux/ww_mutex.h>
#include <linux/dma-fence.h>

extern struct ww_class reservation_ww_class;

enum dma_resv_usage {
	DMA_RESV_USAGE_KERNEL,
	DMA_RESV_USAGE_WRITE,
	DMA_RESV_USAGE_READ,
	DMA_RESV_USAGE_BOOKKEEP,
};

struct dma_resv_list;

struct dma_resv {
	struct ww_mutex		lock;
	struct dma_resv_list	__rcu *fences;
};

#define dma_resv_held(obj) lockdep_is_held(&(obj)->lock.base)
#define dma_resv_assert_held(obj) lockdep_assert_held(&(obj)->lock.base)

void dma_resv_init(struct dma_resv *obj);
void dma_resv_fini(struct dma_resv *obj);
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences);
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
			enum dma_resv_usage usage);
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout);
bool dma_resv_test_signaled(struct dma_resv *obj, enum dma_resv_usage usage);

/**
 * struct dma_resv_iter - a walk over the fences of a reservation object
 * @obj: the object.
 * @usage: the weakest usage walked.
 * @fence: the current fence; referenced by an unlocked walk.
 * @fence_usage: its usage.
 * @index: the next slot of @fences.
 * @fences: the list walked.
 * @num_fences: how many fences @fences held when the walk (re)started.
 * @is_restarted: the walk started over since the previous fence.
 */
struct dma_resv_iter {
	struct dma_resv *obj;
	enum dma_resv_usage usage;
	struct dma_fence *fence;
	enum dma_resv_usage fence_usage;
	unsigned int index;
	struct dma_resv_list *fences;
	unsigned int num_fences;
	bool is_restarted;
};

struct dma_fence *dma_resv_iter_first_unlocked(struct dma_resv_iter *cursor);
struct dma_fence *dma_resv_iter_next_unlocked(struct dma_resv_iter *cursor);

/**
 * dma_resv_iter_begin() - start a walk over the fences of @obj.
 * @cursor: the walk.
 * @obj: the object.
 * @usage: the weakest usage walked.
 */
static inline void dma_resv_iter_begin(struct dma_resv_iter *cursor, struct dma_resv *obj,
				       enum dma_resv_usage usage)
{
	cursor->obj = obj;
	cursor->usage = usage;
	cursor->fence = NULL;
}

/**
 * dma_resv_iter_end() - end a walk, dropping the current fence's reference.
 * @cursor: the walk.
 */
static inline void dma_resv_iter_end(struct dma_resv_iter *cursor)
{
	dma_fence_put(cursor->fence);
}

/**
 * dma_resv_iter_is_restarted() - did the walk start over?
 * @cursor: the walk.
 *
 * Return: true if the fences seen so far must be forgotten.
 */
static inline bool dma_resv_iter_is_restarted(struct dma_resv_iter *cursor)
{
	return cursor->is_restarted;
}

/**
 * dma_resv_for_each_fence_unlocked() - walk the unsignalled fences of usage
 * @cursor->usage or stricter without the lock
 * @cursor: a walk started with dma_resv_iter_begin().
 * @fence: the current fence, referenced until the next step.
 *
 * The walk may start over when the list is replaced meanwhile: see
 * dma_resv_iter_is_restarted().
 */
#define dma_resv_for_each_fence_unlocked(cursor, fence)			\
	for (fence = dma_resv_iter_first_unlocked(cursor); fence;		\
	     fence = dma_resv_iter_next_unlocked(cursor))

/* shim: lock wrappers always inline, so lockdep names their caller at -O0 too. */
static __always_inline int dma_resv_lock(struct dma_resv *obj, struct ww_acquire_ctx *ctx)
{
	return ww_mutex_lock(&obj->lock, ctx);
}

static __always_inline int dma_resv_lock_interruptible(struct dma_resv *obj,
						       struct ww_acquire_ctx *ctx)
{
	return ww_mutex_lock_interruptible(&obj->lock, ctx);
}

static __always_inline void dma_resv_lock_slow(struct dma_resv *obj, struct ww_acquire_ctx *ctx)
{
	ww_mutex_lock_slow(&obj->lock, ctx);
}

static __always_inline bool __must_check dma_resv_trylock(struct dma_resv *obj)
{
	return ww_mutex_trylock(&obj->lock, NULL);
}

static inline bool dma_resv_is_locked(struct dma_resv *obj)
{
	return ww_mutex_is_locked(&obj->lock);
}

static inline struct ww_acquire_ctx *dma_resv_locking_ctx(struct dma_resv *obj)
{
	return READ_ONCE(obj->lock.ctx);
}

static __always_inline void dma_resv_unlock(struct dma_resv *obj)
{
	ww_mutex_unlock(&obj->lock);
}

#endif
