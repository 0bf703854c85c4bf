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
#include <shrinkwrap/introspect.h>
#include "internal.h"

#include "internal.h"

DEFINE_WW_CLASS(reservation_ww_class);

struct dma_resv_entry {
	struct dma_fence *fence;
	enum dma_resv_usage usage;
};

struct dma_resv_list {
	unsigned int num_fences;
	unsigned int max_fences;
	struct dma_resv_entry table[];
};

/**
 * dma_resv_init() - initialise a reservation object.
 * @obj: the object.
 */
void dma_resv_init(struct dma_resv *obj)
{
	ww_mutex_init(&obj->lock, &reservation_ww_class);
	spin_lock_init(&obj->fences_lock);
	obj->fences = NULL;
}

/**
 * dma_resv_fini() - drop all fences and destroy the lock.
 * @obj: the object (unlocked).
 */
void dma_resv_fini(struct dma_resv *obj)
{
	struct dma_resv_list *list = obj->fences;
	unsigned int i;

	if (list) {
		for (i = 0; i < list->num_fences; i++)
			dma_fence_put(list->table[i].fence);
		kfree(list);
	}
	obj->fences = NULL;
	ww_mutex_destroy(&obj->lock);
}

static void prune_signaled_locked(struct dma_resv_list *list)
{
	unsigned int i = 0;

	while (i < list->num_fences) {
		if (dma_fence_is_signaled(list->table[i].fence)) {
			dma_fence_put(list->table[i].fence);
			list->table[i] = list->table[--list->num_fences];
		} else {
			i++;
		}
	}
}

/**
 * dma_resv_reserve_fences() - make room for @num_fences more fences.
 * @obj: the object; its lock must be held.
 * @num_fences: slots needed.
 *
 * Return: 0 or -ENOMEM.
 */
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences)
{
	struct dma_resv_list *old = obj->fences, *new;
	unsigned int max;

	dma_resv_assert_held(obj);

	if (old) {
		spin_lock(&obj->fences_lock);
		prune_signaled_locked(old);
		spin_unlock(&obj->fences_lock);
		if (old->num_fences + num_fences <= old->max_fences)
			return 0;
		max = max(old->num_fences + num_fences, old->max_fences * 2);
	} else {
		max = max(num_fences, 4u);
	}

	new = kzalloc(struct_size(new, table, max), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->max_fences = max;

	spin_lock(&obj->fences_lock);
	if (old) {
		memcpy(new->table, old->table, old->num_fences * sizeof(old->table[0]));
		new->num_fences = old->num_fences;
	}
	obj->fences = new;
	spin_unlock(&obj->fences_lock);
	kfree(old);
	return 0;
}

/**
 * dma_resv_add_fence() - add a fence; it replaces a fence of the same
 * context. A slot must have been reserved.
 * @obj: the object; its lock must be held.
 * @fence: the fence (a reference is taken).
 * @usage: how the fence uses the object.
 */
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
			enum dma_resv_usage usage)
{
	struct dma_resv_list *list = obj->fences;
	struct dma_fence *old = NULL;
	unsigned int i;

	dma_resv_assert_held(obj);
	dma_fence_get(fence);

	spin_lock(&obj->fences_lock);
	for (i = 0; list && i < list->num_fences; i++) {
		struct dma_resv_entry *e = &list->table[i];

		if (e->fence->context == fence->context && e->usage <= usage) {
			old = e->fence;
			e->fence = fence;
			e->usage = usage;
			break;
		}
	}
	if (!old) {
		if (WARN(!list || list->num_fences >= list->max_fences,
			 "dma_resv_add_fence() without a reserved slot\n")) {
			spin_unlock(&obj->fences_lock);
			dma_fence_put(fence);
			return;
		}
		list->table[list->num_fences].fence = fence;
		list->table[list->num_fences].usage = usage;
		list->num_fences++;
	}
	spin_unlock(&obj->fences_lock);
	dma_fence_put(old);
}

/* Snapshot the fences of usage <= @usage, with references. */
static unsigned int snapshot(struct dma_resv *obj, enum dma_resv_usage usage,
			     struct dma_fence ***out)
{
	struct dma_fence **fences = NULL;
	unsigned int i, n = 0;

	spin_lock(&obj->fences_lock);
	if (obj->fences && obj->fences->num_fences) {
		/* Atomic context: no reclaim while holding the fences lock. */
		fences = kmalloc_array(obj->fences->num_fences, sizeof(*fences),
				       GFP_NOWAIT | __GFP_NOFAIL);
		for (i = 0; i < obj->fences->num_fences; i++)
			if (obj->fences->table[i].usage <= usage)
				fences[n++] = dma_fence_get(obj->fences->table[i].fence);
	}
	spin_unlock(&obj->fences_lock);
	*out = fences;
	return n;
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
	struct dma_fence **fences;
	unsigned int i, n;

	n = snapshot(obj, usage, &fences);
	/* A wait on no fence still could have blocked: say so as one would. */
	if (!n && timeout)
		no_block_check_wait_shim("dma_resv_wait_timeout()");
	for (i = 0; i < n; i++) {
		if (ret > 0)
			ret = dma_fence_wait_timeout(fences[i], intr, ret);
		dma_fence_put(fences[i]);
	}
	kfree(fences);
	return ret;
}

/**
 * dma_resv_test_signaled() - are all fences of @usage or stricter signalled?
 * @obj: the object.
 * @usage: the weakest usage to test.
 *
 * Return: true if they all are.
 */
bool dma_resv_test_signaled(struct dma_resv *obj, enum dma_resv_usage usage)
{
	struct dma_fence **fences;
	unsigned int i, n;
	bool ret = true;

	n = snapshot(obj, usage, &fences);
	for (i = 0; i < n; i++) {
		if (ret && !dma_fence_is_signaled(fences[i]))
			ret = false;
		dma_fence_put(fences[i]);
	}
	kfree(fences);
	return ret;
}

/**
 * sw_dma_resv_fence_count() - fences currently attached.
 * @obj: the object.
 *
 * Return: the count.
 */
unsigned int sw_dma_resv_fence_count(struct dma_resv *obj)
{
	unsigned int n;

	spin_lock(&obj->fences_lock);
	n = obj->fences ? obj->fences->num_fences : 0;
	spin_unlock(&obj->fences_lock);
	return n;
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
