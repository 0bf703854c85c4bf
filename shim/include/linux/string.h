/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_STRING_H_SHIM
#define _LINUX_STRING_H_SHIM

#include <string.h>
#include <linux/types.h>

char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);
size_t strscpy(char *dst, const char *src, size_t count);
const char *str_true_false(bool v);
const char *str_yes_no(bool v);

#endif
