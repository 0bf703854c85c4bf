/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_CAPABILITY_H_SHIM
#define _LINUX_CAPABILITY_H_SHIM

#include_next <linux/capability.h>
#include <linux/types.h>

typedef struct {
	u64 val;
} kernel_cap_t;

/**
 * capable() - does the current task have capability @cap?
 * @cap: a CAP_* number.
 */
bool capable(int cap);

#endif
