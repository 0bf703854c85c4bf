/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Differences between the kernel API the lib/ sources are written against
 * (the panthor shrinker series' base, early 2026, which the userspace shim
 * mirrors) and the oldest kernel they must still build against (6.12).
 * Each difference is named where it is handled; nothing else may go here.
 */
#ifndef __PANTHOR_COMPAT_H__
#define __PANTHOR_COMPAT_H__

#include <linux/version.h>

/*
 * struct drm_gem_object grew a gpuva.lock mutex after 6.12; before that
 * the driver provides the lock protecting the GEM's gpuva list itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define PANTHOR_GEM_HAS_GPUVA_LOCK 1
#endif

/* DRM_PANTHOR_BO_WB_MMAP (cached CPU mappings) is newer than 6.12. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define DRM_PANTHOR_BO_WB_MMAP (1 << 1)
#endif

#endif
