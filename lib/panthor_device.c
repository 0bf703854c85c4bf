// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Device bring-up and tear-down, reduced to the reclaim side.
 */

#include <drm/drm_managed.h>

#include "panthor_device.h"
#include "panthor_gem.h"

/**
 * panthor_device_init() - initialise the reclaim side of a device.
 * @ptdev: the device; ptdev->base must be initialised.
 *
 * The shrinker comes up before anything that creates BOs (the MMU in the
 * driver) and goes down after it.
 *
 * Return: 0 or a negative errno.
 */
int panthor_device_init(struct panthor_device *ptdev)
{
#ifdef CONFIG_DEBUG_FS
	int ret = drmm_mutex_init(&ptdev->base, &ptdev->gems.lock);

	if (ret)
		return ret;
	INIT_LIST_HEAD(&ptdev->gems.node);
#endif

	return panthor_gem_shrinker_init(ptdev);
}

/**
 * panthor_device_unplug() - tear down what panthor_device_init() set up.
 * @ptdev: the device.
 */
void panthor_device_unplug(struct panthor_device *ptdev)
{
	panthor_gem_shrinker_unplug(ptdev);
}
