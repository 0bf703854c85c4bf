/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol lookup of code addresses. shim: the symbols are those of the
 * loaded ELF objects (the program's full symbol table, static functions
 * included, and each library's), read on first use; there are no modules.
 */
#ifndef _LINUX_KALLSYMS_H
#define _LINUX_KALLSYMS_H

#include <linux/types.h>

#define KSYM_NAME_LEN 512
/* shim: room for "name+0xoff/0xsize [object]" with an object path, no build ID. */
#define KSYM_SYMBOL_LEN (KSYM_NAME_LEN + 2 * 19 + 4 + 256)

int sprint_symbol(char *buffer, unsigned long address);
int sprint_symbol_no_offset(char *buffer, unsigned long address);
int sprint_backtrace(char *buffer, unsigned long address);

#endif
