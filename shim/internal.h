/* SPDX-License-Identifier: GPL-2.0 or MIT */
/* Interfaces between shim files that the kernel does not have. */
#ifndef SHIM_INTERNAL_H
#define SHIM_INTERNAL_H

#include <linux/types.h>
#include <linux/mm_types.h>

/* vmscan.c: direct reclaim for an allocation that found no free page. */
unsigned long try_to_free_pages_shim(gfp_t gfp_mask, unsigned long nr_pages);

/* page_alloc.c: swap store. */
long swap_alloc_slot_shim(void);
void swap_free_slot_shim(long slot);
void swap_write_shim(long slot, const void *src);
void swap_read_shim(long slot, void *dst);

/* mm.c: count of live VMAs (teardown checks). */
long vma_live_shim(void);

#endif
