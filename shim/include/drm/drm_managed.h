/* SPDX-License-Identifier: MIT */
/*
 * Managed resources tied to a drm_device.
 * shim: drmm_mutex_init() never destroys the mutex at device release.
 */
#ifndef _DRM_MANAGED_H_
#define _DRM_MANAGED_H_

#include <linux/mutex.h>

struct drm_device;

int __drmm_mutex_init_shim(struct drm_device *dev, struct mutex *lock,
			   const char *name, struct lock_class_key *key);

#define drmm_mutex_init(dev, lock) ({					\
		static struct lock_class_key __key;			\
		__drmm_mutex_init_shim(dev, lock, #lock, &__key);	\
	})

#endif
