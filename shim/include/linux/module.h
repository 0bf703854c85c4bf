/* SPDX-License-Identifier: GPL-2.0 */
/* shim: the module macros record nothing. */
#ifndef _LINUX_MODULE_H_SHIM
#define _LINUX_MODULE_H_SHIM

#include <linux/export.h>

#define THIS_MODULE		((void *)0)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_IMPORT_NS(x)
#define module_init(fn)
#define module_exit(fn)

#endif
