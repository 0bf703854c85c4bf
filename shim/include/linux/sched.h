/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The current task. shim: every pthread gets a task_struct on first use;
 * the harness sets its tgid, comm and capabilities (shrinkwrap/introspect.h).
 */
#ifndef _LINUX_SCHED_H_SHIM
#define _LINUX_SCHED_H_SHIM

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/capability.h>
#include <linux/jiffies.h>

#define TASK_COMM_LEN		16

#define PF_MEMALLOC		0x00000800
#define PF_KSWAPD		0x00020000
#define PF_MEMALLOC_NOFS	0x00040000
#define PF_MEMALLOC_NOIO	0x00080000

#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_KILLABLE		TASK_UNINTERRUPTIBLE

struct held_lock;

struct task_struct {
	pid_t			pid;
	pid_t			tgid;
	char			comm[TASK_COMM_LEN];
	unsigned int		flags;
	kernel_cap_t		cap_effective;
	/* shim: a pending signal, set by the harness to test -EINTR paths. */
	int			sigpending;
	/* shim: lockdep's per-task state lives in shim/lockdep.c. */
	void			*lockdep_state;
	/* shim: the lock of a mutex, ww_mutex or signal-aware rwsem wait (kernel: mutex_waiter). */
	const struct lockdep_map *blocked_on;
};

struct task_struct *get_current(void);

#define get_task_comm(buf, tsk) ({					\
		__builtin_strncpy(buf, (tsk)->comm, sizeof(buf) - 1);	\
		(buf)[sizeof(buf) - 1] = '\0';				\
		buf; })
#define current get_current()

static inline pid_t task_pid_nr(struct task_struct *tsk)
{
	return tsk->pid;
}

static inline pid_t task_tgid_nr(struct task_struct *tsk)
{
	return tsk->tgid;
}

static inline pid_t task_tgid_vnr(struct task_struct *tsk)
{
	return tsk->tgid;
}

static inline int signal_pending(struct task_struct *p)
{
	/* Pairs with send_sig(): what the sender did is seen by the woken task. */
	return __sw_load_acquire(&p->sigpending);
}

static inline int fatal_signal_pending(struct task_struct *p)
{
	return signal_pending(p);
}

static inline bool current_is_kswapd(void)
{
	return current->flags & PF_KSWAPD;
}

long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);
void schedule(void);
void yield(void);

#endif
