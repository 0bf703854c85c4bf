/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_ERRNO_H_SHIM
#define _LINUX_ERRNO_H_SHIM

#include_next <linux/errno.h>

/* Kernel-internal codes, never seen by userspace. */
#define ERESTARTSYS	512
#define ERESTARTNOINTR	513
#define ERESTARTNOHAND	514
#define ENOIOCTLCMD	515
#define EPROBE_DEFER	517
#define ENOTSUPP	524

#endif
