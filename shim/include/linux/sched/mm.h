/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SCHED_MM_H
#define _LINUX_SCHED_MM_H

#include <linux/sched.h>
#include <linux/gfp.h>

/**
 * fs_reclaim_acquire() - annotate entry into a context that may recurse
 * into filesystem/memory reclaim (for @gfp_mask that allows it).
 * @gfp_mask: allocation flags; no-op unless __GFP_DIRECT_RECLAIM and __GFP_FS.
 */
void fs_reclaim_acquire(gfp_t gfp_mask);
void fs_reclaim_release(gfp_t gfp_mask);
/* Enter or leave reclaim unconditionally, as kswapd does. */
void __fs_reclaim_acquire(unsigned long ip);
void __fs_reclaim_release(unsigned long ip);

/**
 * might_alloc() - annotate an allocation with @gfp_mask: takes and
 * drops fs_reclaim for lockdep, and might_sleep() if it may block.
 */
void might_alloc(gfp_t gfp_mask);

static inline unsigned int memalloc_noreclaim_save(void)
{
	unsigned int flags = current->flags & PF_MEMALLOC;

	current->flags |= PF_MEMALLOC;
	return flags;
}

static inline void memalloc_noreclaim_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_MEMALLOC) | flags;
}

static inline unsigned int memalloc_nofs_save(void)
{
	unsigned int flags = current->flags & PF_MEMALLOC_NOFS;

	current->flags |= PF_MEMALLOC_NOFS;
	return flags;
}

static inline void memalloc_nofs_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_MEMALLOC_NOFS) | flags;
}

/* Strip the reclaim bits the current task's PF_MEMALLOC_* scope forbids. */
gfp_t current_gfp_context(gfp_t flags);

#endif
