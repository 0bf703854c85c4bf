// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The DRM file side of the driver, reduced to what the per-process memory
 * knobs need: a panthor_file per open, and the mem_reclaim and mem_claim
 * device attributes (Documentation/ABI/testing/sysfs-driver-panthor-mem)
 * that reclaim or swap back in the GPU memory of every file of a process.
 */

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include "panthor_device.h"
#include "panthor_mmu.h"

/**
 * panthor_open() - the driver's part of opening the DRM device.
 * @ddev: the DRM device.
 * @file: the new file; the DRM core adds it to the device file list once
 *	this returns 0.
 *
 * Return: 0 or -ENOMEM.
 */
int panthor_open(struct drm_device *ddev, struct drm_file *file)
{
	struct panthor_file *pfile;
	int ret;

	pfile = kzalloc(sizeof(*pfile), GFP_KERNEL);
	if (!pfile)
		return -ENOMEM;

	pfile->ptdev = to_panthor_device(ddev);
	pfile->tgid = task_tgid_nr(current);

	ret = panthor_vm_pool_create(pfile);
	if (ret) {
		kfree(pfile);
		return ret;
	}

	file->driver_priv = pfile;
	return 0;
}

/**
 * panthor_postclose() - the driver's part of closing a DRM file.
 * @ddev: the DRM device.
 * @file: the file, already off the device file list.
 */
void panthor_postclose(struct drm_device *ddev, struct drm_file *file)
{
	struct panthor_file *pfile = file->driver_priv;

	panthor_vm_pool_destroy(pfile);
	kfree(pfile);
	file->driver_priv = NULL;
}

/**
 * panthor_run_on_pfiles_of_tgid() - call @fn on every file a process has
 * open on the device.
 * @ptdev: the device.
 * @tgid: the process.
 * @fn: what to do with each file; it runs with the device file list lock
 *	held, so the file can't be closed under it.
 *
 * Return: the number of files @fn ran on (0: the process has none), or
 * -EINTR if a signal arrived while waiting for the file list lock.
 */
int panthor_run_on_pfiles_of_tgid(struct panthor_device *ptdev, pid_t tgid,
				  void (*fn)(struct panthor_file *pfile))
{
	struct drm_device *ddev = &ptdev->base;
	struct drm_file *file;
	int count = 0;
	int ret;

	ret = mutex_lock_interruptible(&ddev->filelist_mutex);
	if (ret)
		return ret;

	list_for_each_entry(file, &ddev->filelist, lhead) {
		struct panthor_file *pfile = file->driver_priv;

		if (!pfile || pfile->tgid != tgid)
			continue;

		fn(pfile);
		count++;
	}

	mutex_unlock(&ddev->filelist_mutex);

	return count;
}

/*
 * The two knobs share their parsing and their result: -EINVAL or -ERANGE
 * from kstrtoint(), then the permission check, then -EINTR or -ESRCH from
 * the walk, else the whole write is consumed.
 */
static ssize_t mem_knob_store(struct device *dev, const char *buf, size_t len,
			      bool own_tgid_allowed, void (*fn)(struct panthor_file *pfile))
{
	struct panthor_device *ptdev = dev_get_drvdata(dev);
	pid_t tgid;
	int ret;

	ret = kstrtoint(buf, 0, &tgid);
	if (ret)
		return ret;

	if (!capable(CAP_SYS_RESOURCE) &&
	    !(own_tgid_allowed && tgid == task_tgid_nr(current)))
		return -EPERM;

	ret = panthor_run_on_pfiles_of_tgid(ptdev, tgid, fn);
	if (ret < 0)
		return ret;
	if (!ret)
		return -ESRCH;

	return len;
}

/* Reclaim a process's GPU memory: its own, or any with CAP_SYS_RESOURCE. */
static ssize_t mem_reclaim_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t len)
{
	return mem_knob_store(dev, buf, len, true, panthor_mmu_force_reclaim);
}

static DEVICE_ATTR_WO(mem_reclaim);

/* Swap a process's GPU memory back in: CAP_SYS_RESOURCE, even for its own. */
static ssize_t mem_claim_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	return mem_knob_store(dev, buf, len, false, panthor_mmu_force_claim);
}

static DEVICE_ATTR_WO(mem_claim);

static struct attribute *panthor_attrs[] = {
	&dev_attr_mem_reclaim.attr,
	&dev_attr_mem_claim.attr,
	NULL,
};

static const struct attribute_group panthor_group = {
	.attrs = panthor_attrs,
};

/*
 * The driver's dev_groups: the driver core creates these files when the
 * device binds, under /sys/bus/platform/drivers/panthor/<device>/.
 */
const struct attribute_group *panthor_groups[] = {
	&panthor_group,
	NULL,
};
