/* SPDX-License-Identifier: MIT */
/* DRM debugfs files: seq_file show() callbacks listed per minor. */
#ifndef _DRM_DEBUGFS_H_
#define _DRM_DEBUGFS_H_

#include <linux/types.h>
#include <linux/seq_file.h>

struct dentry;
struct drm_minor;

struct drm_info_list {
	const char *name;
	int (*show)(struct seq_file *m, void *arg);
	u32 driver_features;
	void *data;
};

struct drm_info_node {
	struct drm_minor *minor;
	const struct drm_info_list *info_ent;
	struct dentry *dent;
};

void drm_debugfs_create_files(const struct drm_info_list *files, int count,
			      struct dentry *root, struct drm_minor *minor);

#endif
