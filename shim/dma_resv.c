// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reservation objects: the ww_mutex of reservation_ww_class plus fences
 * with usages. Waiting for usage U waits for every fence whose usage is U
 * or stricter (KERNEL < WRITE < READ < BOOKKEEP).
 */
#include <linux/kernel.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/rcupdate.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

DEFINE_WW_CLASS(reservation_ww_class);

/*
 * A slot holds a fence pointer with its usage in the low bits, so that a
 * lockless reader sees fence and usage change together.
 */
#define DMA_RESV_LIST_MASK	0x3

struct dma_resv_list {
	struct rcu_head rcu;
	unsigned int num_fences;
	unsigned int max_fences;
	struct dma_fence __rcu *table[];
};

/* @held: the caller holds the resv (or owns the object alone), or is in RCU. */
static void dma_resv_list_entry(struct dma_resv_list *list, unsigned int index,
				bool held, struct dma_fence **fence,
				enum dma_resv_usage *usage)
{
	unsigned long tmp;

	tmp = (unsigned long)rcu_dereference_check(list->table[index], held);
	*fence = (struct dma_fence *)(tmp & ~DMA_RESV_LIST_MASK);
	if (usage)
		*usage = tmp & DMA_RESV_LIST_MASK;
}

static void dma_resv_list_set(struct dma_resv_list *list, unsigned int index,
			      struct dma_fence *fence, enum dma_resv_usage usage)
{
	unsigned long tmp = (unsigned long)fence | usage;

	rcu_assign_pointer(list->table[index], (struct dma_fence *)tmp);
}

static struct dma_resv_list *dma_resv_fences_locked(struct dma_resv *obj)
{
	return rcu_dereference_protected(obj->fences, dma_resv_held(obj));
}

/**
 * dma_resv_init() - initialise a reservation object.
 * @obj: the object.
 */
void dma_resv_init(struct dma_resv *obj)
{
	ww_mutex_init(&obj->lock, &reservation_ww_class);
	RCU_INIT_POINTER(obj->fences, NULL);
}

/**
 * dma_resv_fini() - drop all fences and destroy the lock.
 * @obj: the object (unlocked, and no longer reachable by readers).
 */
void dma_resv_fini(struct dma_resv *obj)
{
	struct dma_resv_list *list = rcu_dereference_protected(obj->fences, true);
	struct dma_fence *fence;
	unsigned int i;

	if (list) {
		for (i = 0; i < list->num_fences; i++) {
			dma_resv_list_entry(list, i, true, &fence, NULL);
			dma_fence_put(fence);
		}
		kfree(list);
	}
	RCU_INIT_POINTER(obj->fences, NULL);
	ww_mutex_destroy(&obj->lock);
}

/**
 * dma_resv_reserve_fences() - make room for @num_fences more fences.
 * @obj: the object; its lock must be held.
 * @num_fences: slots needed.
 *
 * A new list is built when the old one is full: signalled fences are left
 * out of it, and the old list is freed after a grace period, since
 * lockless readers may still walk it.
 *
 * Return: 0 or -ENOMEM.
 */
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences)
{
	struct dma_resv_list *old, *new;
	struct dma_fence *fence;
	enum dma_resv_usage usage;
	unsigned int i, j, k, max;

	dma_resv_assert_held(obj);

	old = dma_resv_fences_locked(obj);
	if (old && old->num_fences + num_fences <= old->max_fences)
		return 0;
	if (old)
		max = max(old->num_fences + num_fences, old->max_fences * 2);
	else
		max = max(num_fences, 4u);

	new = kzalloc(struct_size(new, table, max), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->max_fences = max;

	/* Unsignalled fences from the front, signalled ones to the back. */
	for (i = 0, j = 0, k = max; old && i < old->num_fences; i++) {
		dma_resv_list_entry(old, i, dma_resv_held(obj), &fence, &usage);
		if (dma_fence_is_signaled(fence))
			RCU_INIT_POINTER(new->table[--k], fence);
		else
			dma_resv_list_set(new, j++, fence, usage);
	}
	new->num_fences = j;

	rcu_assign_pointer(obj->fences, new);
	if (!old)
		return 0;

	/* Readers of the new list never see the signalled tail. */
	for (i = k; i < max; ++i) {
		fence = rcu_dereference_protected(new->table[i], dma_resv_held(obj));
		RCU_INIT_POINTER(new->table[i], NULL);
		dma_fence_put(fence);
	}
	kfree_rcu(old, rcu);
	return 0;
}

/**
 * dma_resv_add_fence() - add a fence; it replaces a signalled fence or a
 * fence of the same context. A slot must have been reserved.
 * @obj: the object; its lock must be held.
 * @fence: the fence (a reference is taken).
 * @usage: how the fence uses the object.
 */
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
			enum dma_resv_usage usage)
{
	struct dma_resv_list *list = dma_resv_fences_locked(obj);
	struct dma_fence *old;
	enum dma_resv_usage old_usage;
	unsigned int i, count;

	dma_resv_assert_held(obj);
	dma_fence_get(fence);

	count = list ? list->num_fences : 0;
	for (i = 0; i < count; i++) {
		dma_resv_list_entry(list, i, dma_resv_held(obj), &old, &old_usage);
		if ((old->context == fence->context && old_usage <= usage) ||
		    dma_fence_is_signaled(old)) {
			dma_resv_list_set(list, i, fence, usage);
			dma_fence_put(old);
			return;
		}
	}

	if (WARN(!list || count >= list->max_fences,
		 "dma_resv_add_fence() without a reserved slot\n")) {
		dma_fence_put(fence);
		return;
	}
	dma_resv_list_set(list, count, fence, usage);
	/* The slot is written before a reader can count it. */
	smp_store_release(&list->num_fences, count + 1);
}

/* Under RCU: walk @cursor->obj's current list from its start. */
static void dma_resv_iter_restart_unlocked(struct dma_resv_iter *cursor)
{
	cursor->index = 0;
	cursor->fences = rcu_dereference(cursor->obj->fences);
	cursor->num_fences = cursor->fences ? smp_load_acquire(&cursor->fences->num_fences) : 0;
	cursor->is_restarted = true;
}

/*
 * Under RCU: drop the current fence and take the next unsignalled one of
 * the walked usages. A fence whose last reference is gone was put by a
 * writer that replaced it: the list changed, so the walk starts over.
 */
static void dma_resv_iter_walk_unlocked(struct dma_resv_iter *cursor)
{
	for (;;) {
		dma_fence_put(cursor->fence);
		cursor->fence = NULL;
		if (cursor->index >= cursor->num_fences)
			return;

		dma_resv_list_entry(cursor->fences, cursor->index++, false, &cursor->fence,
				    &cursor->fence_usage);
		cursor->fence = dma_fence_get_rcu(cursor->fence);
		if (!cursor->fence) {
			dma_resv_iter_restart_unlocked(cursor);
			continue;
		}
		if (cursor->fence_usage <= cursor->usage &&
		    !dma_fence_is_signaled(cursor->fence))
			return;
	}
}

/**
 * dma_resv_iter_first_unlocked() - the first fence of an unlocked walk.
 * @cursor: the walk.
 *
 * Return: the fence, referenced, or NULL if there is none.
 */
struct dma_fence *dma_resv_iter_first_unlocked(struct dma_resv_iter *cursor)
{
	rcu_read_lock();
	do {
		dma_resv_iter_restart_unlocked(cursor);
		dma_resv_iter_walk_unlocked(cursor);
	} while (rcu_access_pointer(cursor->obj->fences) != cursor->fences);
	rcu_read_unlock();

	return cursor->fence;
}

/**
 * dma_resv_iter_next_unlocked() - the next fence of an unlocked walk.
 * @cursor: the walk.
 *
 * Drops the previous fence's reference; the walk starts over if the list
 * was replaced since.
 *
 * Return: the fence, referenced, or NULL at the end.
 */
struct dma_fence *dma_resv_iter_next_unlocked(struct dma_resv_iter *cursor)
{
	bool restart;

	rcu_read_lock();
	cursor->is_restarted = false;
	restart = rcu_access_pointer(cursor->obj->fences) != cursor->fences;
	do {
		if (restart)
			dma_resv_iter_restart_unlocked(cursor);
		dma_resv_iter_walk_unlocked(cursor);
		restart = true;
	} while (rcu_access_pointer(cursor->obj->fences) != cursor->fences);
	rcu_read_unlock();

	return cursor->fence;
}

/**
 * dma_resv_wait_timeout() - wait for the fences of @usage or stricter.
 * @obj: the object (locked or not).
 * @usage: the weakest usage to wait for.
 * @intr: interruptible wait.
 * @timeout: jiffies; 0 only tests.
 *
 * Return: remaining jiffies (at least 1) when all signalled, 0 on timeout,
 * -ERESTARTSYS if interrupted.
 */
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout)
{
	long ret = timeout ? (long)timeout : 1;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	bool waited = false;

	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		waited = true;
		ret = dma_fence_wait_timeout(fence, intr, timeout);
		if (ret <= 0)
			break;
		/*
		 * A zero timeout only tests each fence, as the kernel since its
		 * zero-timeout fix (before it, each fence got up to a jiffy).
		 */
		if (timeout)
			timeout = ret;
	}
	dma_resv_iter_end(&cursor);

	/* A wait on no fence still could have blocked: say so as one would. */
	if (!waited && timeout)
		no_block_check_wait_shim("dma_resv_wait_timeout()");
	return ret;
}

/**
 * dma_resv_test_signaled() - are all fences of @usage or stricter signalled?
 * @obj: the object (locked or not).
 * @usage: the weakest usage to test.
 *
 * Return: true if they all are.
 */
bool dma_resv_test_signaled(struct dma_resv *obj, enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	bool ret = true;

	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		ret = false;
		break;
	}
	dma_resv_iter_end(&cursor);
	return ret;
}

/**
 * sw_dma_resv_fence_count() - unsignalled fences currently attached.
 * @obj: the object (locked or not).
 *
 * Return: the count.
 */
unsigned int sw_dma_resv_fence_count(struct dma_resv *obj)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int live = 0;

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor))
			live = 0;
		live++;
	}
	dma_resv_iter_end(&cursor);
	return live;
}

/**
 * sw_dma_resv_lockdep_prime() - teach lockdep the kernel's orders around
 * reservation locks, as dma_resv_lockdep() does at boot: mmap_lock before
 * a resv, allocations (fs_reclaim) allowed under a resv, a shrinker holding
 * a (trylocked) resv may zap CPU mappings (i_mmap_rwsem) and wait for fences.
 */
void sw_dma_resv_lockdep_prime(void)
{
	struct inode *inode = alloc_anon_inode_shim();
	struct mm_struct *mm = sw_mm_create();
	struct ww_acquire_ctx ctx;
	struct dma_resv obj;
	int ret;

	if (WARN_ON(!inode || !mm))
		goto out;
	dma_resv_init(&obj);
	mmap_read_lock(mm);
	ww_acquire_init(&ctx, &reservation_ww_class);
	ret = dma_resv_lock(&obj, &ctx);
	if (ret == -EDEADLK)
		dma_resv_lock_slow(&obj, &ctx);
	fs_reclaim_acquire(GFP_KERNEL);
	down_write(&inode->i_mapping->i_mmap_rwsem);
	up_write(&inode->i_mapping->i_mmap_rwsem);
	__dma_fence_might_wait();
	fs_reclaim_release(GFP_KERNEL);
	ww_mutex_unlock(&obj.lock);
	ww_acquire_fini(&ctx);
	mmap_read_unlock(mm);
	dma_resv_fini(&obj);
out:
	if (mm)
		sw_mm_destroy(mm);
	if (inode)
		free_anon_inode_shim(inode);
}
