// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Self-tests of the shim's lockdep: each deadlock pattern is reported
 * exactly once with the kernel's headline, and the safe variant of each
 * pattern stays silent.
 */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "sw_test.h"

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>
#include <linux/ww_mutex.h>
#include <linux/dma-resv.h>
#include <linux/dma-fence.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <shrinkwrap/report.h>

/*
 * This suite inverts real lock orders on purpose: it is lockdep that must
 * catch them. ThreadSanitizer keeps checking data races here, but its own
 * lock-order detector is off for this program (TSAN_OPTIONS still apply).
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "detect_deadlocks=0";
}

#define CIRCULAR	"WARNING: possible circular locking dependency detected"
#define RECURSIVE	"WARNING: possible recursive locking detected"

static DEFINE_WW_CLASS(test_ww_class);

/* Four mutexes, each initialised at its own site: four lock classes. */
struct locks {
	struct mutex a, b, c, d;
};

static void locks_init(struct locks *l)
{
	mutex_init(&l->a);
	mutex_init(&l->b);
	mutex_init(&l->c);
	mutex_init(&l->d);
}

static void locks_fini(struct locks *l)
{
	mutex_destroy(&l->a);
	mutex_destroy(&l->b);
	mutex_destroy(&l->c);
	mutex_destroy(&l->d);
}

/* Two mutexes initialised at one site: two instances of one class. */
static void same_class_init(struct mutex *m, int n)
{
	int i;

	for (i = 0; i < n; i++)
		mutex_init(&m[i]);
}

static void lock2(struct mutex *x, struct mutex *y)
{
	mutex_lock(x);
	mutex_lock(y);
	mutex_unlock(y);
	mutex_unlock(x);
}

static void assert_lockdep(unsigned long n, const char *headline)
{
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), n);
	if (headline)
		assert_non_null(strstr(sw_report_last(), headline));
}

/* ---- deadlock patterns: reported once ---------------------------------- */

static void test_aa_two_instances_of_one_class_reports_recursive(void **state)
{
	struct mutex m[2];

	same_class_init(m, 2);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&m[0]);
	mutex_lock(&m[1]);
	assert_lockdep(1, RECURSIVE);
	mutex_unlock(&m[1]);
	mutex_unlock(&m[0]);
	mutex_destroy(&m[0]);
	mutex_destroy(&m[1]);
}

static void test_rwsem_down_read_twice_reports_recursive_read_is_not_recursive(void **state)
{
	struct rw_semaphore sem;

	init_rwsem(&sem);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	down_read(&sem);
	down_read(&sem);
	assert_lockdep(1, RECURSIVE);
	up_read(&sem);
	up_read(&sem);
	sw_rwsem_destroy(&sem);
}

static void test_abba_one_thread_reports_circular(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	assert_lockdep(1, CIRCULAR);
	/* The report names both locks and the held one. */
	assert_non_null(strstr(sw_report_last(), "(&l->a)"));
	assert_non_null(strstr(sw_report_last(), "(&l->b)"));
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	locks_fini(&l);
}

static void *take_a_then_b(void *arg)
{
	struct locks *l = arg;

	lock2(&l->a, &l->b);
	return NULL;
}

static void test_abba_across_two_threads_reports_at_second_thread_a(void **state)
{
	struct locks l;
	pthread_t thr;

	locks_init(&l);
	sw_test_thread_start(&thr, take_a_then_b, &l);
	sw_test_thread_join(thr);
	assert_lockdep(0, NULL);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&l.b);
	assert_lockdep(0, NULL);
	mutex_lock(&l.a);
	assert_lockdep(1, CIRCULAR);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	locks_fini(&l);
}

static void test_abbcca_reports_three_lock_cycle(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	lock2(&l.b, &l.c);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock2(&l.c, &l.a);
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "Chain exists of"));
	locks_fini(&l);
}

static void test_abcd_then_bcda_reports_cycle_at_a(void **state)
{
	struct locks l;

	locks_init(&l);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_lock(&l.c);
	mutex_lock(&l.d);
	mutex_unlock(&l.d);
	mutex_unlock(&l.c);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&l.b);
	mutex_lock(&l.c);
	mutex_lock(&l.d);
	assert_lockdep(0, NULL);
	mutex_lock(&l.a);
	assert_lockdep(1, CIRCULAR);
	assert_int_equal(lockdep_depth_current(), 4);
	mutex_unlock(&l.a);
	mutex_unlock(&l.d);
	mutex_unlock(&l.c);
	mutex_unlock(&l.b);
	locks_fini(&l);
}

static void test_same_cycle_is_reported_once_per_world(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock2(&l.b, &l.a);
	lock2(&l.b, &l.a);
	lock2(&l.a, &l.b);
	assert_lockdep(1, CIRCULAR);
	locks_fini(&l);
}

static void test_lockdep_keeps_reporting_after_a_report(void **state)
{
	struct locks l;
	struct mutex m[2];

	locks_init(&l);
	same_class_init(m, 2);
	lock2(&l.a, &l.b);
	sw_expect_reports(SW_REPORT_LOCKDEP, 2);
	lock2(&l.b, &l.a);
	assert_lockdep(1, CIRCULAR);
	lock2(&m[0], &m[1]);
	assert_lockdep(2, RECURSIVE);
	lock2(&l.c, &l.d);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock2(&l.d, &l.c);
	assert_lockdep(3, CIRCULAR);
	locks_fini(&l);
	mutex_destroy(&m[0]);
	mutex_destroy(&m[1]);
}

static void test_rwsem_reader_is_not_recursive_in_a_cycle(void **state)
{
	struct rw_semaphore sem;
	struct mutex m;

	init_rwsem(&sem);
	mutex_init(&m);
	down_read(&sem);
	mutex_lock(&m);
	mutex_unlock(&m);
	up_read(&sem);
	/* A writer queued between the two readers deadlocks them: report. */
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&m);
	down_read(&sem);
	assert_lockdep(1, CIRCULAR);
	up_read(&sem);
	mutex_unlock(&m);
	sw_rwsem_destroy(&sem);
	mutex_destroy(&m);
}

/* The shrinker takes @m inside the fs_reclaim annotation. */
static void shrinker_takes(struct mutex *m)
{
	fs_reclaim_acquire(GFP_KERNEL);
	mutex_lock(m);
	mutex_unlock(m);
	fs_reclaim_release(GFP_KERNEL);
}

static void test_gfp_kernel_alloc_under_mutex_then_shrinker_takes_it_reports(void **state)
{
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	might_alloc(GFP_KERNEL);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	shrinker_takes(&m);
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "(fs_reclaim)"));
	mutex_destroy(&m);
}

static void test_shrinker_takes_mutex_then_kmalloc_gfp_kernel_under_it_reports(void **state)
{
	struct mutex m;
	void *p;

	mutex_init(&m);
	shrinker_takes(&m);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&m);
	p = kmalloc(64, GFP_KERNEL);
	mutex_unlock(&m);
	kfree(p);
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "(fs_reclaim)"));
	mutex_destroy(&m);
}

static void test_fence_wait_under_resv_vs_resv_in_signalling_section_reports(void **state)
{
	struct dma_resv resv;
	bool cookie;

	dma_resv_init(&resv);
	/* Somebody waits for a fence while holding the resv... */
	assert_int_equal(dma_resv_lock(&resv, NULL), 0);
	__dma_fence_might_wait();
	dma_resv_unlock(&resv);
	assert_lockdep(0, NULL);
	/* ...so a signalling path must not take it. */
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	cookie = dma_fence_begin_signalling();
	assert_false(cookie);
	assert_int_equal(dma_resv_lock(&resv, NULL), 0);
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "(dma_fence_map)"));
	dma_resv_unlock(&resv);
	dma_fence_end_signalling(cookie);
	dma_resv_fini(&resv);
}

/*
 * The world teaches lockdep the kernel's boot-time orders (dma_resv_lockdep()):
 * reclaim, and so fence waits, may happen under a resv. Taking a resv inside
 * a signalling section is then reported at once, before any such wait ran.
 * Review rule (v1, panthor_vm_bo_free()): the resv lock can't be taken in
 * the dma signalling path. The report names where the section began and
 * where the resv was taken.
 */
static void test_resv_in_signalling_section_reports_at_once_in_primed_world(void **state)
{
	struct dma_resv resv;
	bool cookie;

	dma_resv_init(&resv);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	cookie = dma_fence_begin_signalling();
	assert_int_equal(dma_resv_lock(&resv, NULL), 0);
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "(fs_reclaim)"));
	assert_non_null(strstr(sw_report_last(), "(reservation_ww_class_mutex), at: "
			       "test_resv_in_signalling_section"));
	assert_non_null(strstr(sw_report_last(), "(dma_fence_map), at: "
			       "test_resv_in_signalling_section"));
	dma_resv_unlock(&resv);
	dma_fence_end_signalling(cookie);
	dma_resv_fini(&resv);
}

/* The same two events as above in the other order, on a lock nobody primed. */
static void test_mutex_in_signalling_section_then_fence_wait_under_it_reports(void **state)
{
	struct mutex m;
	bool cookie;

	mutex_init(&m);
	cookie = dma_fence_begin_signalling();
	mutex_lock(&m);
	mutex_unlock(&m);
	dma_fence_end_signalling(cookie);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&m);
	__dma_fence_might_wait();
	assert_lockdep(1, CIRCULAR);
	assert_non_null(strstr(sw_report_last(), "(dma_fence_map)"));
	mutex_unlock(&m);
	mutex_destroy(&m);
}

static void test_fence_wait_in_signalling_section_under_its_lock_reports(void **state)
{
	struct mutex m;
	bool cookie;

	mutex_init(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	cookie = dma_fence_begin_signalling();
	mutex_lock(&m);
	__dma_fence_might_wait();
	assert_lockdep(1, CIRCULAR);
	mutex_unlock(&m);
	dma_fence_end_signalling(cookie);
	mutex_destroy(&m);
}

static void test_ww_mutex_without_ctx_after_one_with_ctx_reports_recursive(void **state)
{
	struct ww_acquire_ctx ctx;
	struct ww_mutex m1, m2;

	ww_mutex_init(&m1, &test_ww_class);
	ww_mutex_init(&m2, &test_ww_class);
	ww_acquire_init(&ctx, &test_ww_class);
	assert_int_equal(ww_mutex_lock(&m1, &ctx), 0);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	assert_int_equal(ww_mutex_lock(&m2, NULL), 0);
	assert_lockdep(1, RECURSIVE);
	ww_mutex_unlock(&m2);
	ww_mutex_unlock(&m1);
	ww_acquire_fini(&ctx);
	ww_mutex_destroy(&m1);
	ww_mutex_destroy(&m2);
}

static void test_mutex_unlock_of_unheld_mutex_reports_bad_unlock_balance(void **state)
{
	struct mutex m;

	mutex_init(&m);
	/* locking.c also WARNs that current does not own the mutex. */
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	sw_expect_reports(SW_REPORT_WARN, 1);
	mutex_unlock(&m);
	assert_lockdep(1, NULL);
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 1);
	mutex_destroy(&m);
}

static void test_release_of_unheld_map_reports_bad_unlock_balance(void **state)
{
	static struct lock_class_key key;
	static struct lockdep_map map;

	lockdep_init_map(&map, "unheld_map", &key, 0);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock_map_release(&map);
	assert_lockdep(1, "WARNING: bad unlock balance detected!");
	assert_non_null(strstr(sw_report_last(), "(unheld_map)"));
}

struct obj_with_lock {
	int payload;
	struct mutex lock;
};

static void test_kfree_of_memory_holding_a_held_mutex_reports_held_lock_freed(void **state)
{
	struct obj_with_lock *o = kzalloc(sizeof(*o), GFP_KERNEL);

	assert_non_null(o);
	mutex_init(&o->lock);
	mutex_lock(&o->lock);
	assert_int_equal(lockdep_depth_current(), 1);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	kfree(o);
	assert_lockdep(1, "WARNING: held lock freed!");
	/* The freed lock is forgotten: nothing left to release. */
	assert_int_equal(lockdep_depth_current(), 0);
}

static void test_lockdep_assert_held_on_unheld_mutex_reports(void **state)
{
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	lockdep_assert_held(&m);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lockdep_assert_held(&m);
	assert_lockdep(1, "WARNING: lockdep assertion failed");
	mutex_destroy(&m);
}

static void test_lockdep_assert_held_write_on_read_held_rwsem_reports(void **state)
{
	struct rw_semaphore sem;

	init_rwsem(&sem);
	down_read(&sem);
	lockdep_assert_held(&sem);
	lockdep_assert_held_read(&sem);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lockdep_assert_held_write(&sem);
	assert_lockdep(1, "WARNING: lockdep assertion failed");
	up_read(&sem);
	sw_rwsem_destroy(&sem);
}

static void test_might_lock_records_order_without_taking_the_lock(void **state)
{
	struct locks l;

	locks_init(&l);
	mutex_lock(&l.a);
	might_lock(&l.b);
	assert_false(mutex_is_locked(&l.b));
	assert_int_equal(lockdep_depth_current(), 1);
	mutex_unlock(&l.a);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock2(&l.b, &l.a);
	assert_lockdep(1, CIRCULAR);
	locks_fini(&l);
}

static void test_might_sleep_under_spinlock_reports_invalid_context(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	might_sleep();
	assert_lockdep(1, "BUG: sleeping function called from invalid context");
	spin_unlock(&s);
	might_sleep();
	assert_lockdep(1, NULL);
}

static void test_gfp_kernel_alloc_under_spinlock_reports_invalid_context(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	might_alloc(GFP_NOWAIT);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	might_alloc(GFP_KERNEL);
	assert_lockdep(1, "BUG: sleeping function called from invalid context");
	spin_unlock(&s);
}

static void test_held_lock_stack_overflow_reports_max_lock_depth(void **state)
{
	static struct lock_class_key keys[49];
	static struct lockdep_map maps[49];
	int i;

	for (i = 0; i < 49; i++)
		lockdep_init_map(&maps[i], "depth_map", &keys[i], 0);
	for (i = 0; i < 48; i++)
		lock_map_acquire(&maps[i]);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock_map_acquire(&maps[48]);
	assert_lockdep(1, "BUG: MAX_LOCK_DEPTH too low!");
	for (i = 48; i >= 0; i--)
		lock_map_release(&maps[i]);
	assert_lockdep(1, NULL);
	assert_int_equal(lockdep_depth_current(), 0);
}

static void test_nest_lock_not_held_reports(void **state)
{
	struct mutex outer, m;

	mutex_init(&outer);
	mutex_init(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock_nest_lock(&m, &outer);
	assert_lockdep(1, "WARNING: Nested lock was not taken");
	mutex_unlock(&m);
	mutex_destroy(&outer);
	mutex_destroy(&m);
}

static void test_uninitialised_heap_map_reports_non_static_key_once(void **state)
{
	struct lockdep_map *map = calloc(1, sizeof(*map));
	static struct lockdep_map static_map = { .name = "static_map" };

	assert_non_null(map);
	map->name = "heap_map";
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock_map_acquire(map);
	lock_map_release(map);
	lock_map_acquire(map);
	lock_map_release(map);
	assert_lockdep(1, "INFO: trying to register non-static key.");
	/* A static map with no key is keyed by its address, silently. */
	lock_map_acquire(&static_map);
	lock_map_release(&static_map);
	assert_lockdep(1, NULL);
	lockdep_reset_lock(map);
	free(map);
}

static void test_invalid_subclass_reports(void **state)
{
	struct mutex m;

	mutex_init(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock_nested(&m, MAX_LOCKDEP_SUBCLASSES);
	assert_lockdep(1, "BUG: looking up invalid subclass");
	mutex_unlock(&m);
	mutex_destroy(&m);
}

static void test_assert_no_locks_held_reports_held_count(void **state)
{
	struct mutex m;

	mutex_init(&m);
	lockdep_assert_no_locks_held_current("test start");
	mutex_lock(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lockdep_assert_no_locks_held_current("test point");
	assert_lockdep(1, "task still holds 1 lock at test point");
	mutex_unlock(&m);
	mutex_destroy(&m);
}

/* ---- safe variants: silent --------------------------------------------- */

static void test_consistent_order_ab_ab_is_silent(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	lock2(&l.a, &l.b);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_lock(&l.c);
	mutex_unlock(&l.c);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	lock2(&l.b, &l.c);
	lock2(&l.a, &l.c);
	assert_lockdep(0, NULL);
	locks_fini(&l);
}

static void test_trylock_in_reverse_order_abba_is_silent(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	mutex_lock(&l.b);
	assert_true(mutex_trylock(&l.a));
	assert_int_equal(lockdep_depth_current(), 2);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	assert_lockdep(0, NULL);
	locks_fini(&l);
}

static void test_locks_taken_after_a_trylock_depend_on_it(void **state)
{
	struct locks l;

	locks_init(&l);
	/* a, then trylock b, then c: records b -> c (and a -> c). */
	mutex_lock(&l.a);
	assert_true(mutex_trylock(&l.b));
	mutex_lock(&l.c);
	mutex_unlock(&l.c);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	assert_lockdep(0, NULL);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock2(&l.c, &l.b);
	assert_lockdep(1, CIRCULAR);
	locks_fini(&l);
}

static void test_mutex_lock_nested_single_depth_two_instances_is_silent(void **state)
{
	struct mutex m[2];

	same_class_init(m, 2);
	mutex_lock(&m[0]);
	mutex_lock_nested(&m[1], SINGLE_DEPTH_NESTING);
	mutex_unlock(&m[1]);
	mutex_unlock(&m[0]);
	assert_lockdep(0, NULL);
	mutex_destroy(&m[0]);
	mutex_destroy(&m[1]);
}

static void test_mutex_lock_nest_lock_two_instances_is_silent(void **state)
{
	struct mutex outer, m[3];

	mutex_init(&outer);
	same_class_init(m, 3);
	mutex_lock(&outer);
	mutex_lock_nest_lock(&m[0], &outer);
	mutex_lock_nest_lock(&m[1], &outer);
	mutex_lock_nest_lock(&m[2], &outer);
	lockdep_assert_held(&m[1]);
	mutex_unlock(&m[1]);
	mutex_unlock(&m[0]);
	mutex_unlock(&m[2]);
	mutex_unlock(&outer);
	assert_lockdep(0, NULL);
	assert_int_equal(lockdep_depth_current(), 0);
	mutex_destroy(&outer);
	mutex_destroy(&m[0]);
	mutex_destroy(&m[1]);
	mutex_destroy(&m[2]);
}

static void test_two_dma_resv_under_one_ww_acquire_ctx_is_silent(void **state)
{
	struct ww_acquire_ctx ctx;
	struct dma_resv r1, r2;

	dma_resv_init(&r1);
	dma_resv_init(&r2);
	ww_acquire_init(&ctx, &reservation_ww_class);
	assert_int_equal(dma_resv_lock(&r1, &ctx), 0);
	assert_int_equal(dma_resv_lock(&r2, &ctx), 0);
	ww_acquire_done(&ctx);
	/* One entry for the context, one for both resvs. */
	assert_int_equal(lockdep_depth_current(), 2);
	dma_resv_assert_held(&r1);
	dma_resv_assert_held(&r2);
	dma_resv_unlock(&r1);
	dma_resv_unlock(&r2);
	ww_acquire_fini(&ctx);
	assert_lockdep(0, NULL);
	assert_int_equal(lockdep_depth_current(), 0);
	dma_resv_fini(&r1);
	dma_resv_fini(&r2);
}

static void test_dma_resv_trylock_while_holding_one_under_ctx_is_silent(void **state)
{
	struct ww_acquire_ctx ctx;
	struct dma_resv r1, r2;

	dma_resv_init(&r1);
	dma_resv_init(&r2);
	ww_acquire_init(&ctx, &reservation_ww_class);
	assert_int_equal(dma_resv_lock(&r1, &ctx), 0);
	assert_true(dma_resv_trylock(&r2));
	dma_resv_unlock(&r2);
	dma_resv_unlock(&r1);
	ww_acquire_fini(&ctx);
	assert_lockdep(0, NULL);
	dma_resv_fini(&r1);
	dma_resv_fini(&r2);
}

static void test_gfp_nowait_under_mutex_taken_by_shrinker_is_silent(void **state)
{
	struct mutex m;
	void *p;

	mutex_init(&m);
	shrinker_takes(&m);
	mutex_lock(&m);
	might_alloc(GFP_NOWAIT);
	p = kmalloc(32, GFP_NOWAIT);
	mutex_unlock(&m);
	kfree(p);
	shrinker_takes(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_memalloc_noreclaim_under_mutex_taken_by_shrinker_is_silent(void **state)
{
	struct mutex m;
	unsigned int flags;

	mutex_init(&m);
	shrinker_takes(&m);
	mutex_lock(&m);
	flags = memalloc_noreclaim_save();
	might_alloc(GFP_KERNEL);
	memalloc_noreclaim_restore(flags);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_memalloc_nofs_under_mutex_taken_by_shrinker_is_silent(void **state)
{
	struct mutex m;
	unsigned int flags;

	mutex_init(&m);
	shrinker_takes(&m);
	mutex_lock(&m);
	flags = memalloc_nofs_save();
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_NOFS);
	might_alloc(GFP_KERNEL);
	memalloc_nofs_restore(flags);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_nested_begin_signalling_is_silent(void **state)
{
	struct mutex m;
	bool outer, inner;

	mutex_init(&m);
	outer = dma_fence_begin_signalling();
	assert_false(outer);
	mutex_lock(&m);
	inner = dma_fence_begin_signalling();
	assert_true(inner);
	dma_fence_end_signalling(inner);
	mutex_unlock(&m);
	dma_fence_end_signalling(outer);
	assert_lockdep(0, NULL);
	assert_int_equal(lockdep_depth_current(), 0);
	mutex_destroy(&m);
}

static void test_fence_wait_outside_signalling_under_other_lock_is_silent(void **state)
{
	struct mutex m;
	bool cookie;

	mutex_init(&m);
	mutex_lock(&m);
	__dma_fence_might_wait();
	mutex_unlock(&m);
	/* Signalling that takes no lock held around waits is fine. */
	cookie = dma_fence_begin_signalling();
	dma_fence_end_signalling(cookie);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_recursive_read_cycle_is_silent(void **state)
{
	static struct lock_class_key kx, ky;
	static struct lockdep_map x, y;

	lockdep_init_map(&x, "rec_read_x", &kx, 0);
	lockdep_init_map(&y, "rec_read_y", &ky, 0);
	/* x read-recursive, then y; y, then x read-recursive: no deadlock. */
	lock_map_acquire_read(&x);
	lock_map_acquire(&y);
	lock_map_release(&y);
	lock_map_release(&x);
	lock_map_acquire(&y);
	lock_map_acquire_read(&x);
	lock_map_acquire_read(&x);
	lock_map_release(&x);
	lock_map_release(&x);
	lock_map_release(&y);
	assert_lockdep(0, NULL);
	/* But a writer of x under y closes a real cycle. */
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	lock_map_acquire(&y);
	lock_map_acquire(&x);
	assert_lockdep(1, CIRCULAR);
	lock_map_release(&x);
	lock_map_release(&y);
}

static void test_lockdep_reset_world_forgets_dependencies(void **state)
{
	struct locks l;

	locks_init(&l);
	lock2(&l.a, &l.b);
	lockdep_reset_world();
	lock2(&l.b, &l.a);
	assert_lockdep(0, NULL);
	locks_fini(&l);
}

static void test_spinlock_inside_mutex_is_silent(void **state)
{
	spinlock_t s;
	struct mutex m;

	spin_lock_init(&s);
	mutex_init(&m);
	mutex_lock(&m);
	spin_lock(&s);
	spin_unlock(&s);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

struct stress {
	struct locks l;
	spinlock_t s;
};

static void *stress_thread(void *arg)
{
	struct stress *st = arg;
	int i;

	for (i = 0; i < 2000; i++) {
		mutex_lock(&st->l.a);
		mutex_lock(&st->l.b);
		spin_lock(&st->s);
		spin_unlock(&st->s);
		mutex_unlock(&st->l.b);
		mutex_unlock(&st->l.a);
		mutex_lock(&st->l.b);
		if (mutex_trylock(&st->l.a))
			mutex_unlock(&st->l.a);
		mutex_unlock(&st->l.b);
	}
	return NULL;
}

static void test_concurrent_consistent_order_with_trylocks_is_silent(void **state)
{
	struct stress st;
	pthread_t thr[4];
	int i;

	locks_init(&st.l);
	spin_lock_init(&st.s);
	for (i = 0; i < 4; i++)
		sw_test_thread_start(&thr[i], stress_thread, &st);
	for (i = 0; i < 4; i++)
		sw_test_thread_join(thr[i]);
	assert_lockdep(0, NULL);
	locks_fini(&st.l);
}

#define T(fn) SW_TEST(fn)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_aa_two_instances_of_one_class_reports_recursive),
		T(test_rwsem_down_read_twice_reports_recursive_read_is_not_recursive),
		T(test_abba_one_thread_reports_circular),
		T(test_abba_across_two_threads_reports_at_second_thread_a),
		T(test_abbcca_reports_three_lock_cycle),
		T(test_abcd_then_bcda_reports_cycle_at_a),
		T(test_same_cycle_is_reported_once_per_world),
		T(test_lockdep_keeps_reporting_after_a_report),
		T(test_rwsem_reader_is_not_recursive_in_a_cycle),
		T(test_gfp_kernel_alloc_under_mutex_then_shrinker_takes_it_reports),
		T(test_shrinker_takes_mutex_then_kmalloc_gfp_kernel_under_it_reports),
		T(test_fence_wait_under_resv_vs_resv_in_signalling_section_reports),
		T(test_resv_in_signalling_section_reports_at_once_in_primed_world),
		T(test_mutex_in_signalling_section_then_fence_wait_under_it_reports),
		T(test_fence_wait_in_signalling_section_under_its_lock_reports),
		T(test_ww_mutex_without_ctx_after_one_with_ctx_reports_recursive),
		T(test_mutex_unlock_of_unheld_mutex_reports_bad_unlock_balance),
		T(test_release_of_unheld_map_reports_bad_unlock_balance),
		T(test_kfree_of_memory_holding_a_held_mutex_reports_held_lock_freed),
		T(test_lockdep_assert_held_on_unheld_mutex_reports),
		T(test_lockdep_assert_held_write_on_read_held_rwsem_reports),
		T(test_might_lock_records_order_without_taking_the_lock),
		T(test_might_sleep_under_spinlock_reports_invalid_context),
		T(test_gfp_kernel_alloc_under_spinlock_reports_invalid_context),
		T(test_held_lock_stack_overflow_reports_max_lock_depth),
		T(test_nest_lock_not_held_reports),
		T(test_uninitialised_heap_map_reports_non_static_key_once),
		T(test_invalid_subclass_reports),
		T(test_assert_no_locks_held_reports_held_count),
		T(test_consistent_order_ab_ab_is_silent),
		T(test_trylock_in_reverse_order_abba_is_silent),
		T(test_locks_taken_after_a_trylock_depend_on_it),
		T(test_mutex_lock_nested_single_depth_two_instances_is_silent),
		T(test_mutex_lock_nest_lock_two_instances_is_silent),
		T(test_two_dma_resv_under_one_ww_acquire_ctx_is_silent),
		T(test_dma_resv_trylock_while_holding_one_under_ctx_is_silent),
		T(test_gfp_nowait_under_mutex_taken_by_shrinker_is_silent),
		T(test_memalloc_noreclaim_under_mutex_taken_by_shrinker_is_silent),
		T(test_memalloc_nofs_under_mutex_taken_by_shrinker_is_silent),
		T(test_nested_begin_signalling_is_silent),
		T(test_fence_wait_outside_signalling_under_other_lock_is_silent),
		T(test_recursive_read_cycle_is_silent),
		T(test_lockdep_reset_world_forgets_dependencies),
		T(test_spinlock_inside_mutex_is_silent),
		T(test_concurrent_consistent_order_with_trylocks_is_silent),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("lockdep", tests, NULL, NULL);
}
