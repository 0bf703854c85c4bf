/* SPDX-License-Identifier: GPL-2.0 */
/* vmap: real aliases of the pool pages, contiguous in the process's address space. */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

#include <linux/mm.h>

#define VM_MAP		0x00000004

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

static inline void invalidate_kernel_vmap_range(void *vaddr, int size) { }
static inline void flush_kernel_vmap_range(void *vaddr, int size) { }

#endif
