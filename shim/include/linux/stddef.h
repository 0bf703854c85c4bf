/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_STDDEF_H_SHIM
#define _LINUX_STDDEF_H_SHIM

#include_next <linux/stddef.h>
#include <stddef.h>

#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

#endif
