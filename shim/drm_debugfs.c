// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_debugfs_create_files(): each drm_info_list entry becomes a read-only
 * seq_file whose show() gets the entry's drm_info_node as m->private.
 */
#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_device.h>
#include <drm/drm_managed.h>

static int drm_debugfs_open(struct inode *inode, struct file *file)
{
	struct drm_info_node *node = inode->i_private;

	return single_open(file, node->info_ent->show, node);
}

static const struct file_operations drm_debugfs_fops = {
	.open = drm_debugfs_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static void drm_info_node_release(struct drm_device *dev, void *res)
{
	kfree(res);
}

/**
 * drm_debugfs_create_files() - create a debugfs file per list entry.
 * @files: the entries.
 * @count: how many.
 * @root: the directory (the minor's debugfs root).
 * @minor: the minor, reached from show() through the node.
 *
 * Files are read-only for everyone (0444); the nodes live as long as the
 * device, as in the kernel.
 */
void drm_debugfs_create_files(const struct drm_info_list *files, int count,
			      struct dentry *root, struct drm_minor *minor)
{
	int i;

	for (i = 0; i < count; i++) {
		struct drm_info_node *node = kzalloc(sizeof(*node), GFP_KERNEL);

		if (!node)
			continue;
		node->minor = minor;
		node->info_ent = &files[i];
		if (drmm_add_action_or_reset(minor->dev, drm_info_node_release, node))
			continue;
		node->dent = debugfs_create_file(files[i].name, 0444, root, node,
						 &drm_debugfs_fops);
	}
}
