// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * drm_exec: lock any number of GEM objects as one wound/wait transaction.
 *
 * Every object locked through a drm_exec is referenced until it is unlocked.
 * When a lock attempt is told to back off (-EDEADLK), the object is
 * remembered as contended; the next pass of drm_exec_until_all_locked()
 * drops every lock, and the first lock call of the new pass takes the
 * contended object with the slow path before anything else, so the same
 * transaction cannot lose the race for it again.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/dma-resv.h>
#include <drm/drm_gem.h>
#include <drm/drm_exec.h>

/* Marks a context that has not started its first pass yet. */
#define DRM_EXEC_NOT_STARTED	((struct drm_gem_object *)~0UL)

/* Slots added to the objects array each time it is full. */
#define DRM_EXEC_GROW		(PAGE_SIZE / sizeof(struct drm_gem_object *))

static void drm_exec_release_all(struct drm_exec *exec)
{
	struct drm_gem_object *obj;
	unsigned long index;

	drm_exec_for_each_locked_object_reverse(exec, index, obj) {
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
	}
	exec->num_objects = 0;

	drm_gem_object_put(exec->prelocked);
	exec->prelocked = NULL;
}

/**
 * drm_exec_init() - set up a drm_exec context
 * @exec: the context.
 * @flags: DRM_EXEC_INTERRUPTIBLE_WAIT and/or DRM_EXEC_IGNORE_DUPLICATES.
 * @nr: expected number of objects, 0 for a page worth of slots.
 *
 * The objects array grows on demand; if its first allocation fails, the
 * failure is reported by the first lock call instead.
 */
void drm_exec_init(struct drm_exec *exec, u32 flags, unsigned int nr)
{
	if (!nr)
		nr = DRM_EXEC_GROW;

	exec->flags = flags;
	exec->objects = kvmalloc_array(nr, sizeof(*exec->objects), GFP_KERNEL);
	exec->max_objects = exec->objects ? nr : 0;
	exec->num_objects = 0;
	exec->contended = DRM_EXEC_NOT_STARTED;
	exec->prelocked = NULL;
}

/**
 * drm_exec_fini() - tear down a drm_exec context
 * @exec: the context.
 *
 * Unlocks every object, drops the references and ends the acquire context.
 */
void drm_exec_fini(struct drm_exec *exec)
{
	drm_exec_release_all(exec);
	kvfree(exec->objects);
	exec->objects = NULL;
	exec->max_objects = 0;
	if (exec->contended != DRM_EXEC_NOT_STARTED) {
		drm_gem_object_put(exec->contended);
		exec->contended = NULL;
		ww_acquire_fini(&exec->ticket);
	}
}

/**
 * drm_exec_cleanup() - the condition step of drm_exec_until_all_locked()
 * @exec: the context.
 *
 * On the first call, starts the acquire context. After a pass that hit
 * contention, drops every lock so the pass can be run again. After a pass
 * without contention, closes the acquire phase.
 *
 * Return: true when the locking block must run (again), false when done.
 */
bool drm_exec_cleanup(struct drm_exec *exec)
{
	if (likely(!exec->contended)) {
		ww_acquire_done(&exec->ticket);
		return false;
	}

	if (exec->contended == DRM_EXEC_NOT_STARTED) {
		exec->contended = NULL;
		ww_acquire_init(&exec->ticket, &reservation_ww_class);
		return true;
	}

	drm_exec_release_all(exec);
	return true;
}

/* Record a freshly locked object, taking a reference on it. */
static int drm_exec_track(struct drm_exec *exec, struct drm_gem_object *obj)
{
	if (unlikely(exec->num_objects == exec->max_objects)) {
		unsigned int max = exec->max_objects + DRM_EXEC_GROW;
		struct drm_gem_object **objects;

		objects = krealloc(exec->objects, max * sizeof(*objects), GFP_KERNEL);
		if (!objects)
			return -ENOMEM;
		exec->objects = objects;
		exec->max_objects = max;
	}

	drm_gem_object_get(obj);
	exec->objects[exec->num_objects++] = obj;
	return 0;
}

/* Take the lock we backed off for, before any other of this pass. */
static int drm_exec_lock_contended(struct drm_exec *exec)
{
	struct drm_gem_object *obj = exec->contended;
	int ret;

	if (likely(!obj))
		return 0;

	/* Clear it first: whatever happens, the caller's error path runs. */
	exec->contended = NULL;

	if (exec->flags & DRM_EXEC_INTERRUPTIBLE_WAIT) {
		/* shim: no dma_resv_lock_slow_interruptible() wrapper yet. */
		ret = ww_mutex_lock_slow_interruptible(&obj->resv->lock, &exec->ticket);
		if (unlikely(ret)) {
			drm_gem_object_put(obj);
			return ret;
		}
	} else {
		dma_resv_lock_slow(obj->resv, &exec->ticket);
	}

	ret = drm_exec_track(exec, obj);
	if (unlikely(ret)) {
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
		return ret;
	}

	/* The reference taken at contention time now belongs to @prelocked. */
	exec->prelocked = obj;
	return 0;
}

/**
 * drm_exec_lock_obj() - lock one GEM object in a drm_exec context
 * @exec: the context.
 * @obj: the object; it is referenced for as long as it stays locked.
 *
 * Return: 0 on success; -EDEADLK on contention (the caller must restart with
 * drm_exec_retry_on_contention()); -EALREADY when @obj is already locked by
 * this context, unless DRM_EXEC_IGNORE_DUPLICATES is set (then 0); -EINTR
 * when an interruptible wait was interrupted; -ENOMEM.
 */
int drm_exec_lock_obj(struct drm_exec *exec, struct drm_gem_object *obj)
{
	int ret;

	ret = drm_exec_lock_contended(exec);
	if (unlikely(ret))
		return ret;

	if (exec->prelocked == obj) {
		/* Locked and tracked at the top of this pass already. */
		drm_gem_object_put(exec->prelocked);
		exec->prelocked = NULL;
		return 0;
	}

	if (exec->flags & DRM_EXEC_INTERRUPTIBLE_WAIT)
		ret = dma_resv_lock_interruptible(obj->resv, &exec->ticket);
	else
		ret = dma_resv_lock(obj->resv, &exec->ticket);

	if (unlikely(ret == -EDEADLK)) {
		drm_gem_object_get(obj);
		exec->contended = obj;
		return -EDEADLK;
	}

	if (unlikely(ret == -EALREADY) && (exec->flags & DRM_EXEC_IGNORE_DUPLICATES))
		return 0;

	if (unlikely(ret))
		return ret;

	ret = drm_exec_track(exec, obj);
	if (unlikely(ret)) {
		dma_resv_unlock(obj->resv);
		return ret;
	}

	return 0;
}

/**
 * drm_exec_unlock_obj() - unlock one object locked through a drm_exec
 * @exec: the context.
 * @obj: the object; nothing happens if this context does not hold it.
 *
 * Meant for the most recently locked objects: the search starts at the end.
 */
void drm_exec_unlock_obj(struct drm_exec *exec, struct drm_gem_object *obj)
{
	unsigned int i;

	for (i = exec->num_objects; i-- > 0;) {
		if (exec->objects[i] != obj)
			continue;

		dma_resv_unlock(obj->resv);
		memmove(&exec->objects[i], &exec->objects[i + 1],
			(exec->num_objects - i - 1) * sizeof(*exec->objects));
		exec->num_objects--;
		drm_gem_object_put(obj);
		return;
	}
}

/**
 * drm_exec_prepare_obj() - lock an object and reserve fence slots on it
 * @exec: the context.
 * @obj: the object.
 * @num_fences: how many fences the caller will add to its reservation object.
 *
 * Return: as drm_exec_lock_obj(), or -ENOMEM when the slots cannot be
 * reserved (the object is then unlocked again).
 */
int drm_exec_prepare_obj(struct drm_exec *exec, struct drm_gem_object *obj,
			 unsigned int num_fences)
{
	int ret;

	ret = drm_exec_lock_obj(exec, obj);
	if (ret)
		return ret;

	ret = dma_resv_reserve_fences(obj->resv, num_fences);
	if (ret) {
		drm_exec_unlock_obj(exec, obj);
		return ret;
	}

	return 0;
}

/**
 * drm_exec_prepare_array() - drm_exec_prepare_obj() on each object of an array
 * @exec: the context.
 * @objects: the objects.
 * @num_objects: how many.
 * @num_fences: fence slots to reserve on each.
 *
 * Stops at the first error.
 *
 * Return: 0 or the first error of drm_exec_prepare_obj().
 */
int drm_exec_prepare_array(struct drm_exec *exec, struct drm_gem_object **objects,
			   unsigned int num_objects, unsigned int num_fences)
{
	unsigned int i;
	int ret;

	for (i = 0; i < num_objects; i++) {
		ret = drm_exec_prepare_obj(exec, objects[i], num_fences);
		if (unlikely(ret))
			return ret;
	}

	return 0;
}
