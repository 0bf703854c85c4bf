/* SPDX-License-Identifier: MIT */
/* shim: the fields of struct drm_device that GEM and drivers use. */
#ifndef _DRM_DEVICE_H_
#define _DRM_DEVICE_H_

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/fs.h>
#include <drm/drm_vma_manager.h>

struct device;
struct drm_driver;
struct dentry;

struct drm_minor {
	struct drm_device	*dev;
	struct dentry		*debugfs_root;
};

struct drm_device {
	struct device		*dev;
	struct device		*dma_dev;
	const struct drm_driver	*driver;
	struct inode		*anon_inode;
	struct drm_vma_offset_manager *vma_offset_manager;
	struct drm_minor	*primary;
	char			*unique;
	struct mutex		filelist_mutex;
	struct list_head	filelist;
	/* shim: managed.lock is a mutex; drmm actions are added from process context. */
	struct {
		struct list_head resources;
		struct mutex lock;
	} managed;
};

static inline struct device *drm_dev_dma_dev(struct drm_device *dev)
{
	return dev->dma_dev ? dev->dma_dev : dev->dev;
}


#endif
