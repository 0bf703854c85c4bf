/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocation. shim: pages come from a fixed budget of real 4 KiB
 * pages (shrinkwrap/introspect.h sets it); when the budget runs out, callers
 * whose gfp allows direct reclaim run the shrinkers first.
 */
#ifndef __LINUX_GFP_H
#define __LINUX_GFP_H

#include <linux/gfp_types.h>
#include <linux/mm_types.h>
#include <linux/alloc_tag.h>

static inline bool gfpflags_allow_blocking(const gfp_t gfp_flags)
{
	return !!(gfp_flags & __GFP_DIRECT_RECLAIM);
}

struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order);
#define alloc_pages(...) alloc_hooks(alloc_pages_noprof(__VA_ARGS__))
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages((page), 0)
unsigned long get_zeroed_page(gfp_t gfp);

#endif
