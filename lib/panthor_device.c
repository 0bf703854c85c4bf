// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Device bring-up and tear-down, reduced to the reclaim side.
 */

#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/sched/mm.h>

#include <drm/drm_managed.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

#ifdef CONFIG_DEBUG_FS
/* The list of every BO that the debugfs gems file prints. */
static int panthor_device_debugfs_init(struct panthor_device *ptdev)
{
	int ret;

	ret = drmm_mutex_init(&ptdev->base, &ptdev->gems.lock);
	if (ret)
		return ret;

	INIT_LIST_HEAD(&ptdev->gems.node);

	/*
	 * A shrinker scan may drop the last reference to a BO, whose free
	 * takes this lock: tell lockdep it is taken in reclaim.
	 */
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&ptdev->gems.lock);
	fs_reclaim_release(GFP_KERNEL);
	return 0;
}
#else
static inline int panthor_device_debugfs_init(struct panthor_device *ptdev)
{
	return 0;
}
#endif

/**
 * panthor_device_init() - initialise the reclaim side of a device.
 * @ptdev: the device; ptdev->base must be initialised.
 *
 * The shrinker comes up before the MMU, which creates BOs, and goes down
 * after it.
 *
 * Return: 0 or a negative errno.
 */
int panthor_device_init(struct panthor_device *ptdev)
{
	int ret;

	ret = panthor_device_debugfs_init(ptdev);
	if (ret)
		return ret;

	ret = panthor_gem_shrinker_init(ptdev);
	if (ret)
		return ret;

	ret = panthor_mmu_init(ptdev);
	if (ret)
		panthor_gem_shrinker_unplug(ptdev);

	return ret;
}

/**
 * panthor_device_unplug() - tear down what panthor_device_init() set up.
 * @ptdev: the device.
 */
void panthor_device_unplug(struct panthor_device *ptdev)
{
	panthor_mmu_unplug(ptdev);
	panthor_gem_shrinker_unplug(ptdev);
}
