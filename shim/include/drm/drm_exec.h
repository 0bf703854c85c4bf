/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Execution contexts: lock a set of GEM objects with a ww acquire context,
 * backing off and retrying on contention.
 */
#ifndef __DRM_EXEC_H__
#define __DRM_EXEC_H__

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/ww_mutex.h>

/* shim: spelled as shifts, linux/bits.h does not exist in the shim yet. */
#define DRM_EXEC_INTERRUPTIBLE_WAIT	(1U << 0)
#define DRM_EXEC_IGNORE_DUPLICATES	(1U << 1)

struct drm_gem_object;

/**
 * struct drm_exec - state of one multi-object locking transaction
 * @flags: DRM_EXEC_* flags controlling how locks are taken.
 * @ticket: the ww acquire context all the reservation locks are taken with.
 * @num_objects: how many objects are locked (and referenced) right now.
 * @max_objects: capacity of @objects.
 * @objects: the locked objects, in locking order.
 * @contended: the object whose lock hit -EDEADLK (referenced), to be locked
 *             first on the next pass; a dummy marker before the first pass.
 * @prelocked: the contended object after it was locked at the top of the
 *             retry (referenced), so the caller's own lock of it succeeds.
 */
struct drm_exec {
	u32			flags;
	struct ww_acquire_ctx	ticket;
	unsigned int		num_objects;
	unsigned int		max_objects;
	struct drm_gem_object	**objects;
	struct drm_gem_object	*contended;
	struct drm_gem_object	*prelocked;
};

/**
 * drm_exec_obj() - the locked object at a position of the locking order
 * @exec: the drm_exec context.
 * @index: position, 0 for the first object locked.
 *
 * Return: the object, or NULL when @index is past the locked objects.
 */
static inline struct drm_gem_object *
drm_exec_obj(struct drm_exec *exec, unsigned long index)
{
	if (index >= exec->num_objects)
		return NULL;
	return exec->objects[index];
}

/**
 * drm_exec_for_each_locked_object - walk the locked objects in locking order
 * @exec: the drm_exec context.
 * @index: an unsigned long cursor.
 * @obj: a struct drm_gem_object pointer set to each object.
 */
#define drm_exec_for_each_locked_object(exec, index, obj)		\
	for ((index) = 0; ((obj) = drm_exec_obj((exec), (index))) != NULL; (index)++)

/**
 * drm_exec_for_each_locked_object_reverse - walk the locked objects, last first
 * @exec: the drm_exec context.
 * @index: an unsigned long cursor; it wraps below zero, which ends the walk.
 * @obj: a struct drm_gem_object pointer set to each object.
 */
#define drm_exec_for_each_locked_object_reverse(exec, index, obj)	\
	for ((index) = (unsigned long)(exec)->num_objects - 1;		\
	     ((obj) = drm_exec_obj((exec), (index))) != NULL; (index)--)

/*
 * The loop body may jump back to its own top through a pointer to a label
 * placed right before the loop; the pointer is declared by the loop so that
 * drm_exec_retry_on_contention() only compiles inside such a loop.
 */
#define __drm_exec_locking_loop(exec, top)				\
top:									\
	for (void *const __maybe_unused __drm_exec_retry_ptr = &&top;	\
	     drm_exec_cleanup(exec);)

/**
 * drm_exec_until_all_locked - run a block until it locks everything it needs
 * @exec: the drm_exec context.
 *
 * The block that follows runs with no object locked on entry; it runs again
 * from the top each time drm_exec_retry_on_contention() sees contention, and
 * the loop ends once a pass completes without contention.
 */
#define drm_exec_until_all_locked(exec)					\
	__drm_exec_locking_loop(exec, __UNIQUE_ID(drm_exec_top))

/**
 * drm_exec_retry_on_contention - restart the locking block after contention
 * @exec: the drm_exec context.
 *
 * Only valid inside a drm_exec_until_all_locked() block.
 */
#define drm_exec_retry_on_contention(exec)				\
	do {								\
		if (unlikely(drm_exec_is_contended(exec)))		\
			goto *__drm_exec_retry_ptr;			\
	} while (0)

/**
 * drm_exec_is_contended() - did a lock attempt hit contention?
 * @exec: the drm_exec context.
 *
 * Return: true when the locks must be dropped and the block restarted.
 */
static inline bool drm_exec_is_contended(struct drm_exec *exec)
{
	return exec->contended != NULL;
}

void drm_exec_init(struct drm_exec *exec, u32 flags, unsigned int nr);
void drm_exec_fini(struct drm_exec *exec);
bool drm_exec_cleanup(struct drm_exec *exec);
int drm_exec_lock_obj(struct drm_exec *exec, struct drm_gem_object *obj);
void drm_exec_unlock_obj(struct drm_exec *exec, struct drm_gem_object *obj);
int drm_exec_prepare_obj(struct drm_exec *exec, struct drm_gem_object *obj,
			 unsigned int num_fences);
int drm_exec_prepare_array(struct drm_exec *exec, struct drm_gem_object **objects,
			   unsigned int num_objects, unsigned int num_fences);

#endif
