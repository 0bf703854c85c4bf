// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * RCU on liburcu's memb flavour (liburcu.so).
 *
 * A thread registers with liburcu on its first rcu_read_lock(), call_rcu()
 * or rcu_barrier(), and unregisters when it exits (a pthread key
 * destructor), so harness, test, GPU, kswapd and any other threads need no
 * setup. Callbacks run on liburcu's call_rcu thread, which liburcu registers
 * itself.
 *
 * liburcu is not instrumented, so neither ThreadSanitizer nor helgrind sees
 * that a grace period waits for the read sections before it. Both are told:
 * every rcu_read_unlock() releases rcu_gp_sync, and the end of
 * synchronize_rcu() and the start of each callback acquire it; call_rcu()
 * releases the callback's head, and the callback acquires it, for the
 * hand-over through liburcu's queue. Publication (rcu_assign_pointer() and
 * rcu_dereference()) is a release store and an acquire load, which both
 * tools understand (include/linux/rcupdate.h).
 */
#include <pthread.h>
#include <stdlib.h>

#include <urcu/urcu-memb.h>
/* liburcu's callback head; its name is the kernel's, so take it first. */
typedef struct rcu_head urcu_head_t;
#include <urcu/map/clear.h>
#undef rcu_dereference
#undef rcu_assign_pointer
#undef rcu_set_pointer
#undef rcu_xchg_pointer
#undef rcu_cmpxchg_pointer

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#if defined(__SANITIZE_THREAD__)
#define SW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SW_TSAN 1
#endif
#endif

#ifdef SW_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define rcu_hb_before(p)	do { __tsan_release(p); __sw_hb_before(p); } while (0)
#define rcu_hb_after(p)		do { __tsan_acquire(p); __sw_hb_after(p); } while (0)
#else
#define rcu_hb_before(p)	__sw_hb_before(p)
#define rcu_hb_after(p)		__sw_hb_after(p)
#endif

static struct lock_class_key rcu_lock_key;
struct lockdep_map rcu_lock_map = STATIC_LOCKDEP_MAP_INIT("rcu_read_lock", &rcu_lock_key);

/* The grace-period ordering shown to ThreadSanitizer and helgrind. */
static char rcu_gp_sync __maybe_unused;

/* 1: registered by us (unregister at exit); 2: liburcu's own thread. */
static __thread int rcu_registered;
static pthread_key_t rcu_thread_key;

_Static_assert(sizeof(((struct rcu_head *)0)->urcu_node) == sizeof(urcu_head_t),
	       "struct rcu_head must hold liburcu's head");

static void rcu_thread_exit(void *arg)
{
	if (rcu_registered == 1) {
		urcu_memb_unregister_thread();
		rcu_registered = 0;
	}
}

/*
 * Created by the first constructor to run (priority 101, before any that
 * starts a thread, such as the tests' watchdog), while there is one
 * thread: helgrind does not see the ordering pthread_once() gives, and
 * reported two threads' first read sections as racing on the key.
 */
static void __attribute__((constructor(101))) rcu_thread_key_init(void)
{
	if (pthread_key_create(&rcu_thread_key, rcu_thread_exit))
		abort();
}

/* Register the calling thread with liburcu unless it is. */
static void rcu_thread_online(void)
{
	if (likely(rcu_registered))
		return;
	urcu_memb_register_thread();
	rcu_registered = 1;
	/* Any non-NULL value makes the destructor run at thread exit. */
	pthread_setspecific(rcu_thread_key, &rcu_registered);
}

/**
 * rcu_read_lock() - enter an RCU read-side critical section.
 *
 * Sections nest; they must not sleep (might_sleep() reports it).
 */
void rcu_read_lock(void)
{
	rcu_thread_online();
	urcu_memb_read_lock();
	lock_acquire(&rcu_lock_map, 0, 0, 2, 0, NULL, _RET_IP_);
}

/** rcu_read_unlock() - leave an RCU read-side critical section. */
void rcu_read_unlock(void)
{
	lock_release(&rcu_lock_map, _RET_IP_);
	rcu_hb_before(&rcu_gp_sync);
	urcu_memb_read_unlock();
}

/**
 * synchronize_rcu() - wait until every read-side critical section that
 * began before the call has ended. Must not be called inside one.
 */
void synchronize_rcu(void)
{
	RCU_LOCKDEP_WARN(rcu_read_lock_held(),
			 "Illegal synchronize_rcu() in RCU read-side critical section");
	might_sleep();
	urcu_memb_synchronize_rcu();
	rcu_hb_after(&rcu_gp_sync);
}

static void rcu_callback_trampoline(urcu_head_t *uh)
{
	struct rcu_head *head = container_of((void *)uh, struct rcu_head, urcu_node);

	/* liburcu registered this thread itself. */
	rcu_registered = 2;
	rcu_hb_after(head);
	rcu_hb_after(&rcu_gp_sync);
#ifdef SW_VALGRIND
	/* liburcu's queue node is ours again: forget liburcu's unseen accesses. */
	VALGRIND_HG_CLEAN_MEMORY(head->urcu_node, sizeof(head->urcu_node));
#endif
	head->func(head);
}

/**
 * call_rcu() - run @func(@head) after a grace period.
 * @head: the rcu_head in the object.
 * @func: the callback; it runs on liburcu's callback thread.
 */
void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	rcu_thread_online();
	rcu_hb_before(head);
	urcu_memb_call_rcu((urcu_head_t *)(void *)head->urcu_node, rcu_callback_trampoline);
}

static void kvfree_rcu_cb(struct rcu_head *head)
{
	kvfree(head->next);
}

/**
 * kvfree_call_rcu() - kvfree() @ptr after a grace period; use kfree_rcu().
 * @head: the rcu_head in the object.
 * @ptr: the object.
 */
void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	head->func = kvfree_rcu_cb;
	rcu_thread_online();
	/* shim: the object's address rides in the head's otherwise unused next. */
	head->next = ptr;
	rcu_hb_before(head);
	urcu_memb_call_rcu((urcu_head_t *)(void *)head->urcu_node, rcu_callback_trampoline);
}

/**
 * rcu_barrier() - wait until every callback queued so far has run.
 */
void rcu_barrier(void)
{
	might_sleep();
	rcu_thread_online();
	urcu_memb_barrier();
	rcu_hb_after(&rcu_gp_sync);
}
