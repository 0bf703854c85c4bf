/* SPDX-License-Identifier: GPL-2.0 */
/* shim: the API the shim mirrors is the panthor shrinker series' base (early 2026). */
#ifndef _LINUX_VERSION_H_SHIM
#define _LINUX_VERSION_H_SHIM

#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE KERNEL_VERSION(6, 19, 0)

#endif
