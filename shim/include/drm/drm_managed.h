/* SPDX-License-Identifier: MIT */
/*
 * Managed resources tied to a drm_device: released in reverse order when
 * the device goes (shim: at sw_drm_dev_fini(), the drm_dev_release() of
 * the harness).
 */
#ifndef _DRM_MANAGED_H_
#define _DRM_MANAGED_H_

#include <linux/compiler.h>
#include <linux/mutex.h>

struct drm_device;

typedef void (*drmres_release_t)(struct drm_device *dev, void *res);

int __must_check __drmm_add_action(struct drm_device *dev, drmres_release_t action,
				   void *data, const char *name);
int __must_check __drmm_add_action_or_reset(struct drm_device *dev, drmres_release_t action,
					    void *data, const char *name);

#define drmm_add_action(dev, action, data) \
	__drmm_add_action(dev, action, data, #action)
#define drmm_add_action_or_reset(dev, action, data) \
	__drmm_add_action_or_reset(dev, action, data, #action)

void __drmm_mutex_release(struct drm_device *dev, void *res);

#define drmm_mutex_init(dev, lock) ({					\
		mutex_init(lock);					\
		drmm_add_action_or_reset(dev, __drmm_mutex_release, lock); \
	})

#endif
