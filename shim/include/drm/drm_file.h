/* SPDX-License-Identifier: MIT */
/* shim: a DRM file is an open of the device by a task; driver_priv is the driver's. */
#ifndef _DRM_FILE_H_
#define _DRM_FILE_H_

#include <linux/types.h>
#include <linux/list.h>

struct drm_device;
struct drm_minor;

struct drm_file {
	struct drm_minor	*minor;
	void			*driver_priv;
	struct list_head	lhead;
};

#endif
