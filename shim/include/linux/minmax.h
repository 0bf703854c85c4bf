/* SPDX-License-Identifier: GPL-2.0 */
/* shim: no strict type checking of the operands. */
#ifndef _LINUX_MINMAX_H
#define _LINUX_MINMAX_H

#define min(x, y) ({ typeof(x) __x = (x); typeof(y) __y = (y); __x < __y ? __x : __y; })
#define max(x, y) ({ typeof(x) __x = (x); typeof(y) __y = (y); __x > __y ? __x : __y; })
#define min_t(t, x, y) ({ t __x = (x); t __y = (y); __x < __y ? __x : __y; })
#define max_t(t, x, y) ({ t __x = (x); t __y = (y); __x > __y ? __x : __y; })
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define swap(a, b) do { typeof(a) __t = (a); (a) = (b); (b) = __t; } while (0)

#endif
