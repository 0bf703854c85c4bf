// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Self-tests of the execution-context checks (CONFIG_DEBUG_ATOMIC_SLEEP,
 * schedule()'s debug checks and PROVE_RCU as the shim has them) and of RCU itself: each misuse is
 * reported once, naming where the atomic section began and where current
 * slept; the safe variant of each stays silent. Also: a signal sent to a
 * task while it sleeps in an interruptible or killable lock wait ends it.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_test.h"

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/rcupdate.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/rwsem.h>
#include <shrinkwrap/report.h>

#define SLEEP_BUG	"BUG: sleeping function called from invalid context"
#define SUSPICIOUS	"WARNING: suspicious RCU usage"

static void assert_lockdep(unsigned long n, const char *text)
{
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), n);
	if (text)
		assert_non_null(strstr(sw_report_last(), text));
}

/* ---- sleeping in atomic context ---------------------------------------- */

static void test_might_sleep_in_spinlock_names_both_locations(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	might_sleep();
	assert_lockdep(1, SLEEP_BUG);
	/* Where it slept, and where the atomic section began. */
	assert_non_null(strstr(sw_report_last(), "test_context.c:"));
	assert_non_null(strstr(sw_report_last(),
			       "spinning lock taken at: test_might_sleep_in_spinlock"));
	spin_unlock(&s);
}

static void test_might_sleep_after_spin_unlock_is_silent(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	spin_unlock(&s);
	might_sleep();
	assert_lockdep(0, NULL);
}

static void test_might_sleep_in_rcu_read_section_names_both_locations(void **state)
{
	rcu_read_lock();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	might_sleep();
	assert_lockdep(1, SLEEP_BUG);
	assert_non_null(strstr(sw_report_last(), "RCU nest depth: 1, expected: 0"));
	assert_non_null(strstr(sw_report_last(),
			       "RCU read-side critical section begun at: test_might_sleep_in_rcu"));
	rcu_read_unlock();
}

static void test_mutex_lock_in_nested_rcu_read_section_reports(void **state)
{
	struct mutex m;

	mutex_init(&m);
	rcu_read_lock();
	rcu_read_lock();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&m);
	assert_lockdep(1, "RCU nest depth: 2, expected: 0");
	mutex_unlock(&m);
	rcu_read_unlock();
	rcu_read_unlock();
	mutex_destroy(&m);
}

static void test_mutex_lock_after_rcu_read_unlock_is_silent(void **state)
{
	struct mutex m;

	mutex_init(&m);
	rcu_read_lock();
	rcu_read_lock();
	rcu_read_unlock();
	rcu_read_unlock();
	mutex_lock(&m);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_spinlock_in_rcu_read_section_is_silent(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	rcu_read_lock();
	spin_lock(&s);
	spin_unlock(&s);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
}

/* ---- sleeping allocations ---------------------------------------------- */

static void test_gfp_kernel_in_rcu_read_section_reports(void **state)
{
	void *p;

	rcu_read_lock();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	p = kmalloc(16, GFP_KERNEL);
	assert_lockdep(1, "sleeping allocation at");
	assert_non_null(strstr(sw_report_last(), "RCU read-side critical section begun at"));
	rcu_read_unlock();
	kfree(p);
}

static void test_gfp_nowait_in_rcu_read_section_is_silent(void **state)
{
	void *p, *q;

	rcu_read_lock();
	p = kmalloc(16, GFP_NOWAIT);
	q = kmalloc(16, GFP_ATOMIC);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
	kfree(p);
	kfree(q);
}

static void test_gfp_kernel_page_in_spinlock_reports(void **state)
{
	struct page *page;
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	page = alloc_page(GFP_KERNEL);
	assert_lockdep(1, "sleeping allocation at");
	assert_non_null(strstr(sw_report_last(), "spinning lock taken at"));
	spin_unlock(&s);
	if (page)
		__free_page(page);
}

/* cond_resched() is a reschedule point: __might_resched() checks it. */
static void test_cond_resched_in_spinlock_names_both_locations(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	cond_resched();
	assert_lockdep(1, SLEEP_BUG);
	assert_non_null(strstr(sw_report_last(), "test_context.c:"));
	assert_non_null(strstr(sw_report_last(),
			       "spinning lock taken at: test_cond_resched_in_spinlock"));
	spin_unlock(&s);
}

static void test_cond_resched_in_rcu_read_section_reports(void **state)
{
	rcu_read_lock();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	cond_resched();
	assert_lockdep(1, SLEEP_BUG);
	assert_non_null(strstr(sw_report_last(), "RCU read-side critical section begun at: "
				  "test_cond_resched_in_rcu"));
	rcu_read_unlock();
}

/*
 * The safe variants: outside any section, and with exactly the spinlock
 * the caller declares (cond_resched_lock()'s offsets).
 */
static void test_cond_resched_outside_or_with_declared_lock_is_silent(void **state)
{
	spinlock_t s;

	cond_resched();
	spin_lock_init(&s);
	spin_lock(&s);
	__might_resched(__FILE__, __LINE__, 1);
	spin_unlock(&s);
	rcu_read_lock();
	__might_resched(__FILE__, __LINE__, 1U << MIGHT_RESCHED_RCU_SHIFT);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
}

/* A declared lock that is not held is as wrong as an undeclared one. */
static void test_might_resched_without_the_declared_lock_reports(void **state)
{
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	__might_resched(__FILE__, __LINE__, 1);
	assert_lockdep(1, SLEEP_BUG);
	assert_non_null(strstr(sw_report_last(), "preempt_count: 0, expected: 1"));
}

static void test_schedule_in_spinlock_reports_scheduling_while_atomic(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	schedule();
	assert_lockdep(1, "BUG: scheduling while atomic");
	assert_non_null(strstr(sw_report_last(), "schedule() at test_schedule_in_spinlock"));
	assert_non_null(strstr(sw_report_last(),
			       "spinning lock taken at: test_schedule_in_spinlock"));
	spin_unlock(&s);
}

static void test_schedule_in_rcu_read_section_reports_context_switch(void **state)
{
	rcu_read_lock();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	schedule();
	assert_lockdep(1, "Voluntary context switch within RCU read-side critical section!");
	assert_non_null(strstr(sw_report_last(), "RCU read-side critical section begun at: "
				  "test_schedule_in_rcu"));
	rcu_read_unlock();
}

static void test_schedule_after_unlock_is_silent(void **state)
{
	spinlock_t s;

	spin_lock_init(&s);
	spin_lock(&s);
	spin_unlock(&s);
	rcu_read_lock();
	rcu_read_unlock();
	schedule();
	assert_lockdep(0, NULL);
}

static void test_gfp_kernel_in_fence_signalling_section_reports(void **state)
{
	bool cookie;
	void *p;

	/*
	 * As in the kernel, lockdep reports it: reclaim may wait for fences
	 * (primed at world creation), and the section is where they signal.
	 */
	cookie = dma_fence_begin_signalling();
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	p = kmalloc(16, GFP_KERNEL);
	assert_lockdep(1, "WARNING: possible circular locking dependency detected");
	assert_non_null(strstr(sw_report_last(), "(fs_reclaim), at: "));
	assert_non_null(strstr(sw_report_last(),
			       "(dma_fence_map), at: test_gfp_kernel_in_fence_signalling"));
	dma_fence_end_signalling(cookie);
	kfree(p);
}

/*
 * As in the kernel, a process-context signalling section is not atomic:
 * dma_fence_begin_signalling() is a lockdep map, not preempt_disable(), and
 * drm_sched's run_job takes mutexes and may be preempted. What must not
 * happen in it (waiting for a fence, reclaim, a lock held around a fence
 * wait: test_lockdep.c) is caught through dma_fence_map; a sleep as such
 * is legal.
 */
static void test_might_sleep_mutex_gfp_nowait_in_signalling_section_are_silent(void **state)
{
	struct mutex m;
	bool cookie;
	void *p;

	mutex_init(&m);
	cookie = dma_fence_begin_signalling();
	might_sleep();
	mutex_lock(&m);
	p = kmalloc(16, GFP_NOWAIT);
	mutex_unlock(&m);
	dma_fence_end_signalling(cookie);
	assert_lockdep(0, NULL);
	kfree(p);
	mutex_destroy(&m);
}

static const char *tf_name(struct dma_fence *f)
{
	return "test";
}

static const struct dma_fence_ops test_fence_ops = {
	.get_driver_name = tf_name,
	.get_timeline_name = tf_name,
};

struct signal_cb {
	struct dma_fence_cb cb;
	spinlock_t other;
	void *mem;
	int runs;
};

/* A callback that sleeps: it runs under the fence's spinlock. */
static void sleeping_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct signal_cb *s = container_of(cb, struct signal_cb, cb);

	might_sleep();
	s->runs++;
}

/* What a callback may do: other spinlocks, GFP_NOWAIT/GFP_ATOMIC. */
static void nonblocking_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct signal_cb *s = container_of(cb, struct signal_cb, cb);

	spin_lock(&s->other);
	s->mem = kmalloc(32, GFP_NOWAIT);
	s->runs++;
	spin_unlock(&s->other);
}

/* Signal @f from a job-completion path: its own signalling section. */
static noinline void complete_job(struct dma_fence *f)
{
	bool cookie = dma_fence_begin_signalling();

	dma_fence_signal(f);
	dma_fence_end_signalling(cookie);
}

static struct dma_fence *cb_fence(spinlock_t *lock, struct signal_cb *s,
				  dma_fence_func_t func)
{
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	assert_non_null(f);
	spin_lock_init(lock);
	spin_lock_init(&s->other);
	dma_fence_init(f, &test_fence_ops, lock, dma_fence_context_alloc(1), 1);
	assert_int_equal(dma_fence_add_callback(f, &s->cb, func), 0);
	return f;
}

/*
 * Fence callbacks run from dma_fence_signal() under the fence's lock: a
 * sleep there is reported naming the sleep, the spinlock and the
 * signalling section it was signalled from.
 */
static void test_might_sleep_in_fence_callback_names_all_locations(void **state)
{
	struct signal_cb s = {};
	struct dma_fence *f;
	spinlock_t lock;
	const char *r;

	f = cb_fence(&lock, &s, sleeping_cb);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	complete_job(f);
	assert_int_equal(s.runs, 1);
	assert_lockdep(1, SLEEP_BUG);
	r = sw_report_last();
	assert_non_null(strstr(r, "test_context.c:"));
	assert_non_null(strstr(r, "spinning lock taken at: dma_fence_signal_timestamp"));
	assert_non_null(strstr(r, "inside fence-signalling critical section begun at: "
				  "complete_job"));
	dma_fence_put(f);
}

/* The safe variant: a callback that does not block is silent. */
static void test_nonblocking_fence_callback_is_silent(void **state)
{
	struct signal_cb s = {};
	struct dma_fence *f;
	spinlock_t lock;

	f = cb_fence(&lock, &s, nonblocking_cb);
	complete_job(f);
	assert_int_equal(s.runs, 1);
	assert_lockdep(0, NULL);
	kfree(s.mem);
	dma_fence_put(f);
}

/* A sleeping allocation in a callback is reported the same way. */
static void gfp_kernel_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct signal_cb *s = container_of(cb, struct signal_cb, cb);

	s->mem = kmalloc(32, GFP_KERNEL);
	s->runs++;
}

static void test_gfp_kernel_in_fence_callback_reports(void **state)
{
	struct signal_cb s = {};
	struct dma_fence *f;
	spinlock_t lock;

	f = cb_fence(&lock, &s, gfp_kernel_cb);
	/*
	 * Two reports, as in the kernel: lockdep sees fence lock -> reclaim
	 * against the primed reclaim -> fence wait, then the atomic-sleep check.
	 */
	sw_expect_reports(SW_REPORT_LOCKDEP, 2);
	dma_fence_signal(f);
	assert_lockdep(2, "sleeping allocation at");
	assert_non_null(strstr(sw_report_last(),
			       "spinning lock taken at: dma_fence_signal_timestamp"));
	kfree(s.mem);
	dma_fence_put(f);
}

/* ---- PROVE_RCU --------------------------------------------------------- */

struct item {
	int value;
	struct rcu_head rcu;
	struct list_head node;
};

static void test_rcu_dereference_outside_read_section_reports(void **state)
{
	struct item it = { .value = 1 };
	struct item __rcu *ptr = &it;
	struct item *p;

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	p = rcu_dereference(ptr);
	assert_lockdep(1, SUSPICIOUS);
	assert_non_null(strstr(sw_report_last(), "suspicious rcu_dereference_check() usage"));
	assert_ptr_equal(p, &it);
}

static void test_rcu_dereference_inside_read_section_is_silent(void **state)
{
	struct item it = { .value = 1 };
	struct item __rcu *ptr = &it;

	rcu_read_lock();
	assert_int_equal(rcu_dereference(ptr)->value, 1);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
}

static void test_rcu_dereference_protected_without_its_lock_reports(void **state)
{
	struct item it = { .value = 2 };
	struct item __rcu *ptr = &it;
	struct mutex m;

	mutex_init(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	/* Not even a read section makes it legal: it names the writer's lock. */
	rcu_read_lock();
	assert_int_equal(rcu_dereference_protected(ptr, lockdep_is_held(&m))->value, 2);
	rcu_read_unlock();
	assert_lockdep(1, "suspicious rcu_dereference_protected() usage");
	mutex_destroy(&m);
}

static void test_rcu_dereference_protected_with_its_lock_is_silent(void **state)
{
	struct item it = { .value = 2 };
	struct item __rcu *ptr = &it;
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	assert_int_equal(rcu_dereference_protected(ptr, lockdep_is_held(&m))->value, 2);
	mutex_unlock(&m);
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_rcu_dereference_check_without_lock_or_section_reports(void **state)
{
	struct item it = { .value = 3 };
	struct item __rcu *ptr = &it;
	struct mutex m;

	mutex_init(&m);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	assert_int_equal(rcu_dereference_check(ptr, lockdep_is_held(&m))->value, 3);
	assert_lockdep(1, "suspicious rcu_dereference_check() usage");
	mutex_destroy(&m);
}

static void test_rcu_dereference_check_with_lock_or_section_is_silent(void **state)
{
	struct item it = { .value = 3 };
	struct item __rcu *ptr = &it;
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	assert_int_equal(rcu_dereference_check(ptr, lockdep_is_held(&m))->value, 3);
	mutex_unlock(&m);
	rcu_read_lock();
	assert_int_equal(rcu_dereference_check(ptr, lockdep_is_held(&m))->value, 3);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

static void test_rcu_list_walk_outside_read_section_reports(void **state)
{
	struct item a = { .value = 1 }, *pos;
	LIST_HEAD(head);
	int sum = 0;

	list_add_rcu(&a.node, &head);
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	list_for_each_entry_rcu(pos, &head, node)
		sum += pos->value;
	assert_lockdep(1, "RCU-list traversed in non-reader section");
	assert_int_equal(sum, 1);
}

static void test_rcu_list_walk_in_section_or_under_lock_is_silent(void **state)
{
	struct item a = { .value = 1 }, b = { .value = 2 }, *pos;
	struct mutex m;
	LIST_HEAD(head);
	int sum = 0;

	mutex_init(&m);
	mutex_lock(&m);
	list_add_tail_rcu(&a.node, &head);
	list_add_tail_rcu(&b.node, &head);
	list_for_each_entry_rcu(pos, &head, node, lockdep_is_held(&m))
		sum += pos->value;
	mutex_unlock(&m);
	rcu_read_lock();
	list_for_each_entry_rcu(pos, &head, node)
		sum += pos->value;
	rcu_read_unlock();
	assert_int_equal(sum, 6);
	mutex_lock(&m);
	list_del_rcu(&a.node);
	mutex_unlock(&m);
	rcu_read_lock();
	assert_ptr_equal(list_first_or_null_rcu(&head, struct item, node), &b);
	rcu_read_unlock();
	assert_lockdep(0, NULL);
	mutex_destroy(&m);
}

/* ---- RCU itself -------------------------------------------------------- */

struct reader {
	struct item __rcu **slot;
	int inside;		/* the reader is in its section */
	int leave;		/* the reader may leave */
	int seen;
	int gp_done;		/* synchronize_rcu() returned */
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	struct item *it;

	rcu_read_lock();
	it = rcu_dereference(*r->slot);
	smp_store_release(&r->inside, 1);
	while (!smp_load_acquire(&r->leave))
		usleep(100);
	r->seen = it->value;
	rcu_read_unlock();
	return NULL;
}

static void *updater_fn(void *arg)
{
	struct reader *r = arg;

	synchronize_rcu();
	smp_store_release(&r->gp_done, 1);
	return NULL;
}

static void test_synchronize_rcu_waits_for_a_reader_on_another_thread(void **state)
{
	struct item *old = kzalloc(sizeof(*old), GFP_KERNEL);
	struct item *new = kzalloc(sizeof(*new), GFP_KERNEL);
	struct item __rcu *slot;
	struct reader r = { .slot = &slot };
	pthread_t rt, ut;
	int i, early = 0;

	old->value = 7;
	new->value = 8;
	RCU_INIT_POINTER(slot, old);
	sw_test_thread_start(&rt, reader_fn, &r);
	while (!smp_load_acquire(&r.inside))
		usleep(100);
	rcu_assign_pointer(slot, new);
	sw_test_thread_start(&ut, updater_fn, &r);
	/* However long it runs, the grace period cannot end with the reader inside. */
	for (i = 0; i < 20 && !early; i++) {
		usleep(500);
		early = smp_load_acquire(&r.gp_done);
	}
	/* Checked once both threads are done: a failure must not strand them. */
	smp_store_release(&r.leave, 1);
	sw_test_thread_join(ut);
	sw_test_thread_join(rt);
	assert_int_equal(early, 0);
	assert_int_equal(r.gp_done, 1);
	assert_int_equal(r.seen, 7);
	/* The reader's old item may go now; its accesses happened before. */
	kfree(old);
	kfree(new);
}

static int cb_runs;

static void count_cb(struct rcu_head *head)
{
	struct item *it = container_of(head, struct item, rcu);

	__atomic_add_fetch(&cb_runs, it->value, __ATOMIC_RELAXED);
	kfree(it);
}

static void test_call_rcu_and_kfree_rcu_run_by_rcu_barrier(void **state)
{
	struct item *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct item *b = kzalloc(sizeof(*b), GFP_KERNEL);

	cb_runs = 0;
	a->value = 5;
	call_rcu(&a->rcu, count_cb);
	kfree_rcu(b, rcu);
	rcu_barrier();
	assert_int_equal(__atomic_load_n(&cb_runs, __ATOMIC_RELAXED), 5);
	/* The teardown's leak check sees both objects freed. */
}

/*
 * Lockless dma_resv readers (dma_resv_test_signaled(), a zero-timeout
 * dma_resv_wait_timeout()) walk the fence list under RCU while the resv
 * holder adds fences and replaces the list as it grows and drops the
 * signalled ones: the readers' results stay sane and nothing is reported.
 * A smoke test: its window is too narrow to catch a list freed early (the
 * next test shows that deterministically).
 */
struct resv_race {
	struct dma_resv resv;
	int stop;
	unsigned long reads;
};

static void *resv_reader_fn(void *arg)
{
	struct resv_race *r = arg;

	while (!smp_load_acquire(&r->stop)) {
		dma_resv_test_signaled(&r->resv, DMA_RESV_USAGE_BOOKKEEP);
		dma_resv_wait_timeout(&r->resv, DMA_RESV_USAGE_READ, false, 0);
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_dma_resv_lockless_readers_race_list_replacement(void **state)
{
	int rounds = getenv("SW_UNDER_VALGRIND") ? 40 : 400;
	struct resv_race r = { 0 };
	spinlock_t lock;
	pthread_t t;
	int i, j;

	spin_lock_init(&lock);
	dma_resv_init(&r.resv);
	sw_test_thread_start(&t, resv_reader_fn, &r);
	while (!__atomic_load_n(&r.reads, __ATOMIC_RELAXED))
		sched_yield();
	/* Until the reader has walked often enough, within a bound. */
	for (i = 0; i < rounds || (__atomic_load_n(&r.reads, __ATOMIC_RELAXED) < 20 * rounds &&
				   i < 50 * rounds); i++) {
		/* Distinct contexts grow the list; signalled ones are dropped. */
		struct dma_fence *f[6];

		assert_int_equal(dma_resv_lock(&r.resv, NULL), 0);
		assert_int_equal(dma_resv_reserve_fences(&r.resv, ARRAY_SIZE(f)), 0);
		for (j = 0; j < ARRAY_SIZE(f); j++) {
			f[j] = kzalloc(sizeof(*f[j]), GFP_KERNEL);
			dma_fence_init(f[j], &test_fence_ops, &lock, dma_fence_context_alloc(1), 1);
			dma_resv_add_fence(&r.resv, f[j], j % 2 ? DMA_RESV_USAGE_READ :
					   DMA_RESV_USAGE_BOOKKEEP);
		}
		dma_resv_unlock(&r.resv);
		for (j = 0; j < ARRAY_SIZE(f); j++) {
			dma_fence_signal(f[j]);
			dma_fence_put(f[j]);
		}
	}
	smp_store_release(&r.stop, 1);
	sw_test_thread_join(t);
	assert_true(dma_resv_test_signaled(&r.resv, DMA_RESV_USAGE_BOOKKEEP));
	assert_int_equal(sw_dma_resv_fence_count(&r.resv), 0);
	dma_resv_fini(&r.resv);
	rcu_barrier();
}

/*
 * The resv holder replaces a full fence list: the old one must stay until
 * every RCU reader that may hold it is gone (kfree_rcu), since lockless
 * readers walk it. Seen deterministically: while this thread is in a read
 * section, the replaced list is still allocated.
 */
struct resv_grow {
	struct dma_resv *resv;
	int ret;
};

static void *resv_grow_fn(void *arg)
{
	struct resv_grow *g = arg;

	/* The list holds 4 unsignalled fences: 4 more need a new list. */
	if (dma_resv_lock(g->resv, NULL))
		return NULL;
	g->ret = dma_resv_reserve_fences(g->resv, 4);
	dma_resv_unlock(g->resv);
	return NULL;
}

static void test_dma_resv_replaced_list_outlives_rcu_readers(void **state)
{
	struct dma_fence *f[4];
	struct resv_grow g;
	struct dma_resv resv;
	spinlock_t lock;
	pthread_t t;
	long live, during;
	int j;

	spin_lock_init(&lock);
	dma_resv_init(&resv);
	assert_int_equal(dma_resv_lock(&resv, NULL), 0);
	assert_int_equal(dma_resv_reserve_fences(&resv, ARRAY_SIZE(f)), 0);
	for (j = 0; j < ARRAY_SIZE(f); j++) {
		f[j] = kzalloc(sizeof(*f[j]), GFP_KERNEL);
		dma_fence_init(f[j], &test_fence_ops, &lock, dma_fence_context_alloc(1), 1);
		dma_resv_add_fence(&resv, f[j], DMA_RESV_USAGE_BOOKKEEP);
	}
	dma_resv_unlock(&resv);

	g.resv = &resv;
	g.ret = -1;
	live = sw_slab_live();
	rcu_read_lock();
	sw_test_thread_start(&t, resv_grow_fn, &g);
	sw_test_thread_join(t);
	during = sw_slab_live();
	rcu_read_unlock();
	assert_int_equal(g.ret, 0);
	/* New list allocated, old one not yet freed. */
	assert_int_equal(during, live + 1);
	rcu_barrier();
	assert_int_equal(sw_slab_live(), live);

	for (j = 0; j < ARRAY_SIZE(f); j++) {
		dma_fence_signal(f[j]);
		dma_fence_put(f[j]);
	}
	dma_resv_fini(&resv);
	rcu_barrier();
}

/*
 * The unlocked walk, as the kernel's: only unsignalled fences of the walked
 * usages, each referenced while it is current; when the list is replaced
 * between two steps the walk says so and starts over on the new list.
 */
static void test_dma_resv_unlocked_walk_restarts_on_a_replaced_list(void **state)
{
	struct dma_resv_iter cursor;
	struct dma_fence *f[3], *fence;
	struct dma_resv resv;
	spinlock_t lock, other;
	int j, seen = 0, restarts = 0;

	spin_lock_init(&lock);
	spin_lock_init(&other);
	dma_resv_init(&resv);
	assert_int_equal(dma_resv_lock(&resv, NULL), 0);
	assert_int_equal(dma_resv_reserve_fences(&resv, ARRAY_SIZE(f)), 0);
	for (j = 0; j < ARRAY_SIZE(f); j++) {
		f[j] = kzalloc(sizeof(*f[j]), GFP_KERNEL);
		dma_fence_init(f[j], &test_fence_ops, &lock, dma_fence_context_alloc(1), 1);
		dma_resv_add_fence(&resv, f[j], j == 2 ? DMA_RESV_USAGE_BOOKKEEP :
				   DMA_RESV_USAGE_WRITE);
	}
	dma_resv_unlock(&resv);
	dma_fence_signal(f[0]);

	dma_resv_iter_begin(&cursor, &resv, DMA_RESV_USAGE_READ);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			restarts++;
			seen = 0;
		}
		/* Signalled f[0] and BOOKKEEP f[2] are not walked. */
		assert_ptr_equal(fence, f[1]);
		seen++;
		if (restarts == 1) {
			/* Growing a full list replaces it. */
			assert_int_equal(dma_resv_lock(&resv, NULL), 0);
			assert_int_equal(dma_resv_reserve_fences(&resv, 4), 0);
			dma_resv_unlock(&resv);
		}
	}
	dma_resv_iter_end(&cursor);
	assert_int_equal(restarts, 2);
	assert_int_equal(seen, 1);

	/* A lockless test allocates nothing and does not sleep: fine when atomic. */
	spin_lock(&other);
	assert_false(dma_resv_test_signaled(&resv, DMA_RESV_USAGE_BOOKKEEP));
	spin_unlock(&other);
	/* A zero-timeout wait tests; as in the kernel it still may not be atomic. */
	assert_int_equal(dma_resv_wait_timeout(&resv, DMA_RESV_USAGE_WRITE, false, 0), 0);
	assert_int_equal(sw_dma_resv_fence_count(&resv), 2);
	assert_lockdep(0, NULL);

	for (j = 1; j < ARRAY_SIZE(f); j++)
		dma_fence_signal(f[j]);
	assert_int_equal(dma_resv_wait_timeout(&resv, DMA_RESV_USAGE_BOOKKEEP, false, 0), 1);
	for (j = 0; j < ARRAY_SIZE(f); j++)
		dma_fence_put(f[j]);
	dma_resv_fini(&resv);
	rcu_barrier();
}

static void test_dma_fence_get_rcu_safe_follows_a_replaced_fence(void **state)
{
	struct dma_fence *f1 = kzalloc(sizeof(*f1), GFP_KERNEL);
	struct dma_fence *f2 = kzalloc(sizeof(*f2), GFP_KERNEL);
	struct dma_fence __rcu *slot;
	struct dma_fence *got;
	spinlock_t lock;
	u64 ctx = dma_fence_context_alloc(1);

	spin_lock_init(&lock);
	dma_fence_init(f1, &test_fence_ops, &lock, ctx, 1);
	dma_fence_init(f2, &test_fence_ops, &lock, ctx, 2);
	RCU_INIT_POINTER(slot, f1);

	rcu_read_lock();
	got = dma_fence_get_rcu_safe(&slot);
	rcu_read_unlock();
	assert_ptr_equal(got, f1);
	dma_fence_put(got);

	/* Replace and drop the last reference: freed after a grace period. */
	rcu_assign_pointer(slot, f2);
	dma_fence_signal(f1);
	dma_fence_put(f1);
	rcu_read_lock();
	got = dma_fence_get_rcu_safe(&slot);
	rcu_read_unlock();
	assert_ptr_equal(got, f2);
	dma_fence_put(got);

	RCU_INIT_POINTER(slot, NULL);
	rcu_read_lock();
	assert_null(dma_fence_get_rcu_safe(&slot));
	rcu_read_unlock();
	dma_fence_signal(f2);
	dma_fence_put(f2);
	assert_lockdep(0, NULL);
}

static void *rcu_thread_fn(void *arg)
{
	struct item __rcu **slot = arg;
	int v;

	/* A thread the shim never saw: it registers on first use. */
	rcu_read_lock();
	v = rcu_dereference(*slot)->value;
	rcu_read_unlock();
	return (void *)(long)v;
}

static void test_threads_register_with_rcu_on_first_use(void **state)
{
	struct item it = { .value = 9 };
	struct item __rcu *slot = &it;
	pthread_t t[4];
	void *ret;
	int i;

	for (i = 0; i < 4; i++)
		sw_test_thread_start(&t[i], rcu_thread_fn, &slot);
	for (i = 0; i < 4; i++) {
		ret = sw_test_thread_join(t[i]);
		assert_int_equal((long)ret, 9);
	}
	/* Exited threads unregistered: a grace period does not wait for them. */
	synchronize_rcu();
}

/* ---- signals ----------------------------------------------------------- */

enum sig_lock { SIG_MUTEX, SIG_RWSEM_READ, SIG_RWSEM_WRITE };

struct sig_waiter {
	enum sig_lock kind;
	struct mutex *m;
	struct rw_semaphore *sem;
	struct task_struct *task;	/* the waiter's, once it is about to wait */
	int ret;
	int done;
	int may_exit;			/* its task is freed when it exits */
};

static void *sig_waiter_fn(void *arg)
{
	struct sig_waiter *sw = arg;
	int ret;

	smp_store_release(&sw->task, current);
	switch (sw->kind) {
	case SIG_MUTEX:
		ret = mutex_lock_interruptible(sw->m);
		if (!ret)
			mutex_unlock(sw->m);
		break;
	case SIG_RWSEM_READ:
		ret = down_read_interruptible(sw->sem);
		if (!ret)
			up_read(sw->sem);
		break;
	default:
		ret = down_write_killable(sw->sem);
		if (!ret)
			up_write(sw->sem);
		break;
	}
	sw->ret = ret;
	smp_store_release(&sw->done, 1);
	while (!smp_load_acquire(&sw->may_exit))
		usleep(100);
	return NULL;
}

/*
 * One interruptible wait for a lock this thread holds, with the signal
 * sent only once the waiter is waiting: -EINTR, or after a minute the lock
 * is dropped and the test fails.
 */
static void signal_ends_wait(enum sig_lock kind)
{
	static const char *const names[] = {
		"mutex_lock_interruptible", "down_read_interruptible", "down_write_killable",
	};
	struct sig_waiter sw = { .kind = kind };
	const struct lockdep_map *map;
	bool slept = false;
	struct rw_semaphore sem;
	struct mutex m;
	pthread_t t;
	int i;

	mutex_init(&m);
	init_rwsem(&sem);
	sw.m = &m;
	sw.sem = &sem;
	if (kind == SIG_MUTEX)
		mutex_lock(&m);
	else
		down_write(&sem);
	sw_test_thread_start(&t, sig_waiter_fn, &sw);
	while (!smp_load_acquire(&sw.task))
		usleep(100);
	/*
	 * The signal comes once the waiter sleeps on the lock, past its first
	 * look at the signal. The waiter's task stays until may_exit.
	 */
	map = kind == SIG_MUTEX ? &m.dep_map : &sem.dep_map;
	for (i = 0; i < 60000 && !smp_load_acquire(&sw.done); i++) {
		if (smp_load_acquire(&sw.task->blocked_on) == map) {
			slept = true;
			break;
		}
		usleep(1000);
	}
	send_sig(SIGUSR1, sw.task, 0);
	if (!sw_test_wait_flag(&sw.done, 60)) {
		if (kind == SIG_MUTEX)
			mutex_unlock(&m);
		else
			up_write(&sem);
		smp_store_release(&sw.may_exit, 1);
		sw_test_thread_join(t);
		fail_msg("%s: a signal sent while it waited did not end the wait", names[kind]);
	}
	smp_store_release(&sw.may_exit, 1);
	sw_test_thread_join(t);
	if (kind == SIG_MUTEX)
		mutex_unlock(&m);
	else
		up_write(&sem);
	sw_rwsem_destroy(&sem);
	mutex_destroy(&m);
	assert_true(slept);
	assert_int_equal(sw.ret, -EINTR);
}

/* A signal that arrives while an interruptible wait sleeps ends it. */
static void test_signal_ends_interruptible_mutex_wait(void **state)
{
	signal_ends_wait(SIG_MUTEX);
}

static void test_signal_ends_interruptible_rwsem_read_wait(void **state)
{
	signal_ends_wait(SIG_RWSEM_READ);
}

static void test_signal_ends_killable_rwsem_write_wait(void **state)
{
	signal_ends_wait(SIG_RWSEM_WRITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_might_sleep_in_spinlock_names_both_locations),
		SW_TEST(test_might_sleep_after_spin_unlock_is_silent),
		SW_TEST(test_might_sleep_in_rcu_read_section_names_both_locations),
		SW_TEST(test_mutex_lock_in_nested_rcu_read_section_reports),
		SW_TEST(test_mutex_lock_after_rcu_read_unlock_is_silent),
		SW_TEST(test_spinlock_in_rcu_read_section_is_silent),
		SW_TEST(test_gfp_kernel_in_rcu_read_section_reports),
		SW_TEST(test_gfp_nowait_in_rcu_read_section_is_silent),
		SW_TEST(test_gfp_kernel_page_in_spinlock_reports),
		SW_TEST(test_cond_resched_in_spinlock_names_both_locations),
		SW_TEST(test_cond_resched_in_rcu_read_section_reports),
		SW_TEST(test_cond_resched_outside_or_with_declared_lock_is_silent),
		SW_TEST(test_might_resched_without_the_declared_lock_reports),
		SW_TEST(test_schedule_in_spinlock_reports_scheduling_while_atomic),
		SW_TEST(test_schedule_in_rcu_read_section_reports_context_switch),
		SW_TEST(test_schedule_after_unlock_is_silent),
		SW_TEST(test_gfp_kernel_in_fence_signalling_section_reports),
		SW_TEST(test_might_sleep_mutex_gfp_nowait_in_signalling_section_are_silent),
		SW_TEST(test_might_sleep_in_fence_callback_names_all_locations),
		SW_TEST(test_nonblocking_fence_callback_is_silent),
		SW_TEST(test_gfp_kernel_in_fence_callback_reports),
		SW_TEST(test_rcu_dereference_outside_read_section_reports),
		SW_TEST(test_rcu_dereference_inside_read_section_is_silent),
		SW_TEST(test_rcu_dereference_protected_without_its_lock_reports),
		SW_TEST(test_rcu_dereference_protected_with_its_lock_is_silent),
		SW_TEST(test_rcu_dereference_check_without_lock_or_section_reports),
		SW_TEST(test_rcu_dereference_check_with_lock_or_section_is_silent),
		SW_TEST(test_rcu_list_walk_outside_read_section_reports),
		SW_TEST(test_rcu_list_walk_in_section_or_under_lock_is_silent),
		SW_TEST(test_synchronize_rcu_waits_for_a_reader_on_another_thread),
		SW_TEST(test_call_rcu_and_kfree_rcu_run_by_rcu_barrier),
		SW_TEST(test_dma_fence_get_rcu_safe_follows_a_replaced_fence),
		SW_TEST(test_dma_resv_lockless_readers_race_list_replacement),
		SW_TEST(test_dma_resv_replaced_list_outlives_rcu_readers),
		SW_TEST(test_dma_resv_unlocked_walk_restarts_on_a_replaced_list),
		SW_TEST(test_threads_register_with_rcu_on_first_use),
		SW_TEST(test_signal_ends_interruptible_mutex_wait),
		SW_TEST(test_signal_ends_interruptible_rwsem_read_wait),
		SW_TEST(test_signal_ends_killable_rwsem_write_wait),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("context", tests, NULL, NULL);
}
