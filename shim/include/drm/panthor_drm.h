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

/* Flags of a VM_BIND operation (the map flags and the operation type). */
enum drm_panthor_vm_bind_op_flags {
	DRM_PANTHOR_VM_BIND_OP_MAP_READONLY = 1 << 0,
	DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC = 1 << 1,
	DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED = 1 << 2,
	DRM_PANTHOR_VM_BIND_OP_TYPE_MASK = (int)(0xfu << 28),
	DRM_PANTHOR_VM_BIND_OP_TYPE_MAP = 0 << 28,
	DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP = 1 << 28,
	DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY = 2 << 28,
};

#endif
