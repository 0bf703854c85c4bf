/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SCHED_SIGNAL_H
#define _LINUX_SCHED_SIGNAL_H

/* signal_pending() and fatal_signal_pending() are in linux/sched.h here. */
#include <linux/sched.h>

/**
 * send_sig() - make a signal pending for @p, ending its interruptible and
 * killable waits with -EINTR.
 * @sig: the signal; the shim keeps no signal numbers, any one is pending.
 * @p: the task.
 * @priv: unused.
 *
 * Async-signal-safe: a handler may call it.
 *
 * Return: 0.
 */
int send_sig(int sig, struct task_struct *p, int priv);

#endif
