/* SPDX-License-Identifier: MIT */
/* shim: the subset of the panthor uapi the reclaim logic uses. */
#ifndef _PANTHOR_DRM_H_
#define _PANTHOR_DRM_H_

#include <linux/types.h>

enum drm_panthor_bo_flags {
	DRM_PANTHOR_BO_NO_MMAP = (1 << 0),
	DRM_PANTHOR_BO_WB_MMAP = (1 << 1),
};

enum drm_panthor_bo_sync_op_type {
	DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH = 0,
	DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE = 1,
};

#endif
