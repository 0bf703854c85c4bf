/* SPDX-License-Identifier: GPL-2.0 */
/* String to integer conversion with the kernel's rules (-EINVAL, -ERANGE, one trailing '\n'). */
#ifndef _LINUX_KSTRTOX_H
#define _LINUX_KSTRTOX_H

#include <linux/compiler.h>
#include <linux/types.h>

int __must_check kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int __must_check kstrtoll(const char *s, unsigned int base, long long *res);
int __must_check kstrtoul(const char *s, unsigned int base, unsigned long *res);
int __must_check kstrtol(const char *s, unsigned int base, long *res);
int __must_check kstrtouint(const char *s, unsigned int base, unsigned int *res);
int __must_check kstrtoint(const char *s, unsigned int base, int *res);
int __must_check kstrtou64(const char *s, unsigned int base, u64 *res);
int __must_check kstrtobool(const char *s, bool *res);

#endif
