// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Tasks: every pthread has a task_struct, created on first use of
 * `current`. The harness sets tgid, comm and capabilities per thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/capability.h>
#include <linux/lockdep.h>
#include <linux/instrumented.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

static __thread struct task_struct *current_task;
static pthread_key_t task_key;
static int next_pid = 1000;

static void task_free(void *p)
{
	struct task_struct *t = p;

	lockdep_assert_no_locks_held_current("task exit");
	free(t);
}

/* Made while there is one thread, as rcu.c's key is: helgrind does not see pthread_once(). */
static void __attribute__((constructor(101))) task_key_init(void)
{
	if (pthread_key_create(&task_key, task_free))
		abort();
}

/**
 * get_current() - the task_struct of the calling thread.
 *
 * Return: the task, created on first use with pid = tgid = a fresh number,
 * comm "sw-thread" and no capabilities.
 */
struct task_struct *get_current(void)
{
	struct task_struct *t = current_task;

	if (likely(t))
		return t;

	t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->pid = __atomic_add_fetch(&next_pid, 1, __ATOMIC_RELAXED);
	t->tgid = t->pid;
	strncpy(t->comm, "sw-thread", sizeof(t->comm) - 1);
	current_task = t;
	pthread_setspecific(task_key, t);
	return t;
}

/**
 * sw_task_set() - set the identity of the calling thread's task.
 * @tgid: thread group (process) id; the pid is set equal to it.
 * @comm: command name (truncated to 15 characters).
 * @caps: capability mask (1ULL << CAP_*).
 */
void sw_task_set(pid_t tgid, const char *comm, unsigned long long caps)
{
	struct task_struct *t = get_current();

	t->tgid = tgid;
	t->pid = tgid;
	memset(t->comm, 0, sizeof(t->comm));
	strncpy(t->comm, comm, sizeof(t->comm) - 1);
	t->cap_effective.val = caps;
}

/**
 * sw_task_signal() - make a signal pending (or not) for the calling thread.
 * @pending: non-zero to make interruptible waits fail with -EINTR.
 */
void sw_task_signal(int pending)
{
	__sw_store_n(&get_current()->sigpending, pending, __ATOMIC_RELAXED);
}

/**
 * send_sig() - make a signal pending for a task.
 * @sig: the signal (any one counts).
 * @p: the task.
 * @priv: unused.
 *
 * Return: 0.
 */
int send_sig(int sig, struct task_struct *p, int priv)
{
	__sw_store_release(&p->sigpending, 1);
	return 0;
}

/**
 * capable() - does current have @cap in its effective set?
 * @cap: CAP_* number.
 *
 * Return: true if it has.
 */
bool capable(int cap)
{
	return current->cap_effective.val & (1ULL << cap);
}

/**
 * schedule_timeout() - sleep for @timeout jiffies.
 * @timeout: jiffies (MAX_SCHEDULE_TIMEOUT is capped at one second here).
 *
 * Return: 0 (the shim has no early wake-ups).
 */
long schedule_timeout(long timeout)
{
	struct timespec ts;
	long ms;

	might_sleep();
	if (sw_il_current()) {
		/* A scheduled run sleeps until nothing else can run. */
		sw_il_block(NULL, NULL, true, "schedule_timeout", _RET_IP_);
		return 0;
	}
	ms = timeout == MAX_SCHEDULE_TIMEOUT ? 1000 : jiffies_to_msecs(timeout);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	return 0;
}

/**
 * schedule_timeout_uninterruptible() - see schedule_timeout().
 * @timeout: jiffies.
 *
 * Return: 0.
 */
long schedule_timeout_uninterruptible(long timeout)
{
	return schedule_timeout(timeout);
}

/**
 * schedule() - let another thread run.
 *
 * Reports scheduling in atomic context or inside an RCU read-side
 * critical section, as the kernel's debug checks do.
 */
void schedule(void)
{
	schedule_debug_shim(_RET_IP_);
	if (sw_il_current())
		sw_il_point(SW_IL_YIELD, NULL, NULL, _RET_IP_);
	else
		sched_yield();
}

/** yield() - let another thread run. */
void yield(void)
{
	schedule();
}

/**
 * _cond_resched() - a point where a long-running kernel loop may be
 * preempted; a switch point in a scheduled run.
 *
 * Return: 0 (the caller is never rescheduled otherwise).
 */
int _cond_resched(void)
{
	if (unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)))
		sw_il_point(SW_IL_SCHED, NULL, NULL, _RET_IP_);
	return 0;
}
