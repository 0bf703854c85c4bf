// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_exec conformance: locking sets of GEM objects, duplicates, the
 * contention/retry loop across threads, fence slot reservation, and the
 * references and locks dropped by drm_exec_fini().
 */
#include <pthread.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/dma-resv.h>
#include <linux/dma-fence.h>
#include <drm/drm_gem.h>
#include <drm/drm_device.h>
#include <drm/drm_exec.h>

#include "sw_test.h"
#include "panthor_device.h"

#define NOBJ 8

struct tobj {
	struct drm_gem_object base;
};

static int frees;

static void tobj_free(struct drm_gem_object *obj)
{
	drm_gem_object_release(obj);
	__atomic_add_fetch(&frees, 1, __ATOMIC_RELAXED);
	kfree(container_of(obj, struct tobj, base));
}

static const struct drm_gem_object_funcs tobj_funcs = {
	.free = tobj_free,
};

static struct drm_gem_object *tobj_new(void **state)
{
	struct drm_device *ddev = &sw_world_device(*state)->base;
	struct tobj *t = kzalloc(sizeof(*t), GFP_KERNEL);

	assert_non_null(t);
	t->base.funcs = &tobj_funcs;
	drm_gem_private_object_init(ddev, &t->base, PAGE_SIZE);
	return &t->base;
}

static void tobjs_new(void **state, struct drm_gem_object **objs, int n)
{
	int i;

	frees = 0;
	for (i = 0; i < n; i++)
		objs[i] = tobj_new(state);
}

static void tobjs_put(struct drm_gem_object **objs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		drm_gem_object_put(objs[i]);
	assert_int_equal(frees, n);
}

/* Lock every object: all are locked and referenced, fini undoes both. */
static void test_exec_lock_n_objects(void **state)
{
	struct drm_gem_object *objs[NOBJ], *obj;
	struct drm_exec exec;
	unsigned long index;
	int i, ret = 0, passes = 0;

	tobjs_new(state, objs, NOBJ);
	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(&exec) {
		passes++;
		for (i = 0; i < NOBJ; i++) {
			ret = drm_exec_lock_obj(&exec, objs[i]);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(passes, 1);
	assert_int_equal(exec.num_objects, NOBJ);

	drm_exec_for_each_locked_object(&exec, index, obj) {
		assert_ptr_equal(obj, objs[index]);
		assert_true(dma_resv_is_locked(obj->resv));
		assert_ptr_equal(dma_resv_locking_ctx(obj->resv), &exec.ticket);
		assert_int_equal(kref_read(&obj->refcount), 2);
	}
	assert_int_equal(index, NOBJ);

	i = NOBJ;
	drm_exec_for_each_locked_object_reverse(&exec, index, obj)
		assert_ptr_equal(obj, objs[--i]);
	assert_int_equal(i, 0);
	assert_null(drm_exec_obj(&exec, NOBJ));

	drm_exec_fini(&exec);
	for (i = 0; i < NOBJ; i++) {
		assert_false(dma_resv_is_locked(objs[i]->resv));
		assert_int_equal(kref_read(&objs[i]->refcount), 1);
	}
	tobjs_put(objs, NOBJ);
}

/* More objects than the initial array: the array grows. */
static void test_exec_array_grows(void **state)
{
	struct drm_gem_object *objs[40];
	struct drm_exec exec;
	int ret = 0;

	tobjs_new(state, objs, 40);
	drm_exec_init(&exec, 0, 3);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_prepare_array(&exec, objs, 40, 1);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(exec.num_objects, 40);
	assert_true(exec.max_objects >= 40);
	drm_exec_fini(&exec);
	tobjs_put(objs, 40);
}

/* Locking an object twice: -EALREADY, or 0 with DRM_EXEC_IGNORE_DUPLICATES. */
static void test_exec_duplicates(void **state)
{
	struct drm_gem_object *objs[2];
	struct drm_exec exec;
	int ret = 0, dup = 0;

	tobjs_new(state, objs, 2);

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_lock_obj(&exec, objs[0]);
		drm_exec_retry_on_contention(&exec);
		assert_int_equal(ret, 0);
		dup = drm_exec_lock_obj(&exec, objs[0]);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(dup, -EALREADY);
	assert_int_equal(exec.num_objects, 1);
	assert_int_equal(kref_read(&objs[0]->refcount), 2);
	drm_exec_fini(&exec);

	drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_prepare_obj(&exec, objs[0], 1);
		drm_exec_retry_on_contention(&exec);
		assert_int_equal(ret, 0);
		ret = drm_exec_prepare_obj(&exec, objs[1], 1);
		drm_exec_retry_on_contention(&exec);
		assert_int_equal(ret, 0);
		dup = drm_exec_prepare_obj(&exec, objs[0], 1);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(dup, 0);
	assert_int_equal(exec.num_objects, 2);
	assert_int_equal(kref_read(&objs[0]->refcount), 2);
	drm_exec_fini(&exec);
	assert_false(dma_resv_is_locked(objs[0]->resv));

	tobjs_put(objs, 2);
}

/* drm_exec_unlock_obj() unlocks one object and keeps the order of the rest. */
static void test_exec_unlock_obj(void **state)
{
	struct drm_gem_object *objs[3];
	struct drm_exec exec;
	int ret = 0;

	tobjs_new(state, objs, 3);
	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_prepare_array(&exec, objs, 3, 0);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(ret, 0);
	drm_exec_unlock_obj(&exec, objs[1]);
	assert_int_equal(exec.num_objects, 2);
	assert_ptr_equal(drm_exec_obj(&exec, 0), objs[0]);
	assert_ptr_equal(drm_exec_obj(&exec, 1), objs[2]);
	assert_false(dma_resv_is_locked(objs[1]->resv));
	assert_int_equal(kref_read(&objs[1]->refcount), 1);
	/* Not held by this context: nothing happens. */
	drm_exec_unlock_obj(&exec, objs[1]);
	assert_int_equal(exec.num_objects, 2);
	drm_exec_fini(&exec);
	tobjs_put(objs, 3);
}

/* An empty block, and an early break, both finish cleanly. */
static void test_exec_empty_and_break(void **state)
{
	struct drm_gem_object *obj;
	struct drm_exec exec;
	int ret = 0;

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
	}
	drm_exec_fini(&exec);

	/* Init then fini without ever entering the loop. */
	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_fini(&exec);

	tobjs_new(state, &obj, 1);
	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_lock_obj(&exec, obj);
		drm_exec_retry_on_contention(&exec);
		break;
	}
	assert_int_equal(ret, 0);
	drm_exec_fini(&exec);
	assert_false(dma_resv_is_locked(obj->resv));
	tobjs_put(&obj, 1);
}

static const char *tfence_name(struct dma_fence *fence)
{
	return "test";
}

static const struct dma_fence_ops tfence_ops = {
	.get_driver_name = tfence_name,
	.get_timeline_name = tfence_name,
};

static DEFINE_SPINLOCK(tfence_lock);

static struct dma_fence *tfence_new(void)
{
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	assert_non_null(f);
	dma_fence_init(f, &tfence_ops, &tfence_lock, dma_fence_context_alloc(1), 1);
	return f;
}

/* prepare reserves the slots: that many fences of distinct contexts fit. */
static void test_exec_prepare_reserves_fences(void **state)
{
	struct drm_gem_object *objs[2];
	struct dma_fence *fences[9];
	struct drm_exec exec;
	int i, ret = 0;

	tobjs_new(state, objs, 2);
	for (i = 0; i < 9; i++)
		fences[i] = tfence_new();

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_prepare_array(&exec, objs, 2, 8);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(ret, 0);
	for (i = 0; i < 8; i++) {
		dma_resv_add_fence(objs[0]->resv, fences[i], DMA_RESV_USAGE_BOOKKEEP);
		dma_resv_add_fence(objs[1]->resv, fences[i], DMA_RESV_USAGE_WRITE);
	}
	assert_int_equal(sw_dma_resv_fence_count(objs[0]->resv), 8);
	assert_int_equal(sw_dma_resv_fence_count(objs[1]->resv), 8);

	/* The shim reserves exactly what was asked for 8: one more WARNs. */
	sw_expect_reports(SW_REPORT_WARN, 1);
	dma_resv_add_fence(objs[0]->resv, fences[8], DMA_RESV_USAGE_BOOKKEEP);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	drm_exec_fini(&exec);

	for (i = 0; i < 9; i++) {
		dma_fence_signal(fences[i]);
		dma_fence_put(fences[i]);
	}
	tobjs_put(objs, 2);
}

/* Two threads lock the same two objects in opposite orders. */
struct opposite {
	struct drm_gem_object *a, *b;
	pthread_barrier_t barrier;
	int rounds;
	unsigned long retries;
};

struct opposite_arg {
	struct opposite *o;
	bool reverse;
	unsigned long retries;
	unsigned long done;
};

static void *opposite_thread(void *p)
{
	struct opposite_arg *arg = p;
	struct opposite *o = arg->o;
	struct drm_gem_object *first = arg->reverse ? o->b : o->a;
	struct drm_gem_object *second = arg->reverse ? o->a : o->b;
	int round;

	for (round = 0; round < o->rounds; round++) {
		struct drm_exec exec;
		int passes = 0, ret = 0;

		drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 2);
		drm_exec_until_all_locked(&exec) {
			passes++;
			ret = drm_exec_prepare_obj(&exec, first, 1);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
			/*
			 * First pass of the first round: both threads hold their
			 * first object before either asks for its second one, so
			 * the wound/wait protocol must make one of them back off.
			 */
			if (round == 0 && passes == 1)
				pthread_barrier_wait(&o->barrier);
			ret = drm_exec_prepare_obj(&exec, second, 1);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
		}
		if (!ret && exec.num_objects == 2 && dma_resv_is_locked(first->resv) &&
		    dma_resv_is_locked(second->resv))
			arg->done++;
		arg->retries += passes - 1;
		drm_exec_fini(&exec);
	}
	return NULL;
}

static void test_exec_opposite_order_contention(void **state)
{
	struct opposite o = { .rounds = 200 };
	struct opposite_arg args[2] = {
		{ .o = &o, .reverse = false },
		{ .o = &o, .reverse = true },
	};
	struct drm_gem_object *objs[2];
	pthread_t t[2];
	int i;

	tobjs_new(state, objs, 2);
	o.a = objs[0];
	o.b = objs[1];
	pthread_barrier_init(&o.barrier, NULL, 2);
	for (i = 0; i < 2; i++)
		sw_test_thread_start(&t[i], opposite_thread, &args[i]);
	for (i = 0; i < 2; i++)
		sw_test_thread_join(t[i]);
	pthread_barrier_destroy(&o.barrier);

	assert_int_equal(args[0].done, o.rounds);
	assert_int_equal(args[1].done, o.rounds);
	/* The forced first-round deadlock was resolved by at least one retry. */
	assert_true(args[0].retries + args[1].retries >= 1);
	for (i = 0; i < 2; i++) {
		assert_false(dma_resv_is_locked(objs[i]->resv));
		assert_int_equal(kref_read(&objs[i]->refcount), 1);
	}
	tobjs_put(objs, 2);
}

/* An allocation failure while growing the array unlocks that object. */
static void test_exec_track_enomem(void **state)
{
	struct drm_gem_object *objs[2];
	struct drm_exec exec;
	int ret = 0;

	tobjs_new(state, objs, 2);
	drm_exec_init(&exec, 0, 1);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_lock_obj(&exec, objs[0]);
		drm_exec_retry_on_contention(&exec);
		assert_int_equal(ret, 0);
		sw_fault_fail_next(SW_FAULT_KMALLOC, 1);
		ret = drm_exec_lock_obj(&exec, objs[1]);
		drm_exec_retry_on_contention(&exec);
	}
	assert_int_equal(ret, -ENOMEM);
	assert_int_equal(exec.num_objects, 1);
	assert_false(dma_resv_is_locked(objs[1]->resv));
	assert_int_equal(kref_read(&objs[1]->refcount), 1);
	drm_exec_fini(&exec);
	sw_fault_reset();
	tobjs_put(objs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_exec_lock_n_objects),
		SW_TEST(test_exec_array_grows),
		SW_TEST(test_exec_duplicates),
		SW_TEST(test_exec_unlock_obj),
		SW_TEST(test_exec_empty_and_break),
		SW_TEST(test_exec_prepare_reserves_fences),
		SW_TEST(test_exec_opposite_order_contention),
		SW_TEST(test_exec_track_enomem),
	};

	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
