// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The files drivers register, sysfs device attributes and debugfs files, as
 * one tree at the kernel's paths:
 *
 *   /sys/bus/platform/drivers/<driver>/<device>/<attribute>
 *   /sys/kernel/debug/<debugfs path>
 *
 * and the one implementation of open, read, write and release on them,
 * with kernfs's rules: a sysfs read shows the attribute into a page and
 * serves it by offset, a sysfs write hands store() at most a page,
 * NUL-terminated; debugfs files go through their file_operations. The FUSE
 * server (shim/fuse.c) and the in-process sw_debugfs_*() and sw_sysfs_*()
 * back doors both use these operations.
 *
 * Removal waits for the operations running on a file, as kernfs drains
 * active references; files still open after removal fail with -ENODEV.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/list.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

struct dentry {
	char			name[64];
	umode_t			mode;
	struct dentry		*parent;
	void			*data;
	const struct file_operations *fops;
	struct list_head	children;
	struct list_head	sibling;
	/* shim: the tree link and each open file hold one; under tree_lock. */
	int			refs;
	/* shim: operations running on the file; under tree_lock. */
	int			active;
	bool			removed;
};

/* A device with attribute groups, listed under its driver. */
struct sysfs_dir {
	struct device		*dev;
	const struct attribute_group **groups;
	struct list_head	node;
	int			refs;
	int			active;
	bool			removed;
};

/*
 * The tree is the shim's VFS, not a kernel lock: a plain mutex with a
 * condition variable for removals waiting on active operations.
 */
static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tree_drained = PTHREAD_COND_INITIALIZER;
static LIST_HEAD(sysfs_dirs);
static struct dentry debugfs_root = {
	.name = "",
	.mode = 0700,
	.children = LIST_HEAD_INIT(debugfs_root.children),
	.refs = 1,
};

static struct dentry *dentry_new(const char *name, umode_t mode, struct dentry *parent,
				 void *data, const struct file_operations *fops)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return ERR_PTR(-ENOMEM);
	strscpy(d->name, name, sizeof(d->name));
	d->mode = mode;
	d->parent = parent ? parent : &debugfs_root;
	d->data = data;
	d->fops = fops;
	d->refs = 1;
	INIT_LIST_HEAD(&d->children);
	pthread_mutex_lock(&tree_lock);
	list_add_tail(&d->sibling, &d->parent->children);
	pthread_mutex_unlock(&tree_lock);
	return d;
}

/**
 * debugfs_create_dir() - create a directory.
 * @name: its name.
 * @parent: parent directory, NULL for the root.
 *
 * Return: the dentry or an ERR_PTR.
 */
struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return dentry_new(name, 0755, parent, NULL, NULL);
}

/**
 * debugfs_create_file() - create a file.
 * @name: its name.
 * @mode: permissions.
 * @parent: parent directory.
 * @data: inode->i_private for the fops.
 * @fops: file operations.
 *
 * Return: the dentry or an ERR_PTR.
 */
struct dentry *debugfs_create_file(const char *name, umode_t mode, struct dentry *parent,
				   void *data, const struct file_operations *fops)
{
	return dentry_new(name, mode, parent, data, fops);
}

static void dentry_put_locked(struct dentry *d)
{
	if (--d->refs == 0)
		kfree(d);
}

/* Unlink @d and its subtree, waiting for the operations running on each. */
static void dentry_remove_locked(struct dentry *d)
{
	struct dentry *c, *tmp;

	list_for_each_entry_safe(c, tmp, &d->children, sibling)
		dentry_remove_locked(c);
	d->removed = true;
	while (d->active)
		pthread_cond_wait(&tree_drained, &tree_lock);
	list_del_init(&d->sibling);
	dentry_put_locked(d);
}

/**
 * debugfs_remove() - remove a file or a directory with its contents, once
 * the operations running on them are done.
 * @dentry: the dentry, NULL or an ERR_PTR.
 */
void debugfs_remove(struct dentry *dentry)
{
	if (IS_ERR_OR_NULL(dentry))
		return;
	pthread_mutex_lock(&tree_lock);
	dentry_remove_locked(dentry);
	pthread_mutex_unlock(&tree_lock);
}

/**
 * device_add_groups() - create the attribute files of a device, under its
 * driver's directory.
 * @dev: the device.
 * @groups: NULL-terminated array.
 *
 * Return: 0 or -ENOMEM.
 */
int device_add_groups(struct device *dev, const struct attribute_group **groups)
{
	struct sysfs_dir *sd = kzalloc(sizeof(*sd), GFP_KERNEL);

	if (!sd)
		return -ENOMEM;
	sd->dev = dev;
	sd->groups = groups;
	sd->refs = 1;
	pthread_mutex_lock(&tree_lock);
	list_add_tail(&sd->node, &sysfs_dirs);
	pthread_mutex_unlock(&tree_lock);
	return 0;
}

static void sysfs_dir_put_locked(struct sysfs_dir *sd)
{
	if (--sd->refs == 0)
		kfree(sd);
}

/**
 * device_remove_groups() - remove the attribute files of a device once
 * the operations running on them are done.
 * @dev: the device.
 * @groups: the groups added before.
 */
void device_remove_groups(struct device *dev, const struct attribute_group **groups)
{
	struct sysfs_dir *sd, *tmp;

	pthread_mutex_lock(&tree_lock);
	list_for_each_entry_safe(sd, tmp, &sysfs_dirs, node) {
		if (sd->dev != dev || sd->groups != groups)
			continue;
		sd->removed = true;
		while (sd->active)
			pthread_cond_wait(&tree_drained, &tree_lock);
		list_del_init(&sd->node);
		sysfs_dir_put_locked(sd);
	}
	pthread_mutex_unlock(&tree_lock);
}

static struct device_attribute *find_attr(struct sysfs_dir *sd, const char *name)
{
	const struct attribute_group **g;
	struct attribute **a;

	for (g = sd->groups; g && *g; g++)
		for (a = (*g)->attrs; a && *a; a++)
			if (!strcmp((*a)->name, name))
				return container_of(*a, struct device_attribute, attr);
	return NULL;
}

static const char *driver_name(struct sysfs_dir *sd)
{
	return sd->dev->driver ? sd->dev->driver->name : "none";
}

/* Where a path leads. */
struct kn_target {
	enum { KN_NONE, KN_DIR, KN_DEBUGFS, KN_ATTR } kind;
	umode_t mode;
	struct dentry *d;		/* KN_DEBUGFS, and debugfs directories */
	struct sysfs_dir *sd;		/* KN_ATTR, and device directories */
	struct device_attribute *attr;	/* KN_ATTR */
	const char *drv;		/* /sys/bus/platform/drivers/<drv> */
	int depth;			/* directories: components walked */
};

static const char *const fixed_dirs[] = {
	"", "sys", "sys/bus", "sys/bus/platform", "sys/bus/platform/drivers",
	"sys/kernel", "sys/kernel/debug",
};

/* Split @path ("/a/b/c") into at most @max components. */
static int split(char *path, char **comp, int max)
{
	char *save, *tok;
	int n = 0;

	for (tok = strtok_r(path, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return -ENAMETOOLONG;
		comp[n++] = tok;
	}
	return n;
}

static struct dentry *debugfs_child_locked(struct dentry *d, const char *name)
{
	struct dentry *c;

	list_for_each_entry(c, &d->children, sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Resolve @path with tree_lock held; debugfs and sysfs targets are live. */
static int resolve_locked(const char *path, struct kn_target *t)
{
	char buf[512], *comp[16];
	struct sysfs_dir *sd;
	int n, i;

	memset(t, 0, sizeof(*t));
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	n = split(buf, comp, ARRAY_SIZE(comp));
	if (n < 0)
		return n;

	if (n >= 3 && !strcmp(comp[0], "sys") && !strcmp(comp[1], "kernel") &&
	    !strcmp(comp[2], "debug")) {
		struct dentry *d = &debugfs_root;

		for (i = 3; i < n; i++) {
			d = debugfs_child_locked(d, comp[i]);
			if (!d)
				return -ENOENT;
		}
		t->d = d;
		t->mode = d->mode;
		t->kind = d->fops ? KN_DEBUGFS : KN_DIR;
		t->depth = n;
		return 0;
	}

	if (n >= 5 && !strcmp(comp[0], "sys") && !strcmp(comp[1], "bus") &&
	    !strcmp(comp[2], "platform") && !strcmp(comp[3], "drivers")) {
		bool drv_found = false;

		list_for_each_entry(sd, &sysfs_dirs, node) {
			if (sd->removed || strcmp(driver_name(sd), comp[4]))
				continue;
			drv_found = true;
			t->drv = driver_name(sd);
			if (n == 5)
				break;
			if (strcmp(dev_name(sd->dev), comp[5]))
				continue;
			t->sd = sd;
			if (n == 6)
				break;
			if (n > 7)
				return -ENOENT;
			t->attr = find_attr(sd, comp[6]);
			if (!t->attr)
				return -ENOENT;
			t->kind = KN_ATTR;
			t->mode = t->attr->attr.mode;
			return 0;
		}
		if (!drv_found || (n >= 6 && !t->sd))
			return -ENOENT;
		t->kind = KN_DIR;
		t->mode = 0755;
		t->depth = n;
		return 0;
	}

	for (i = 0; i < (int)ARRAY_SIZE(fixed_dirs); i++) {
		char want[512];
		int k, len = 0;

		want[0] = '\0';
		for (k = 0; k < n; k++)
			len += snprintf(want + len, sizeof(want) - len, "%s%s", k ? "/" : "",
					comp[k]);
		if (!strcmp(want, fixed_dirs[i])) {
			t->kind = KN_DIR;
			t->mode = 0755;
			t->depth = n;
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * kernfs_getattr_shim() - what a path is.
 * @path: absolute path in the tree.
 * @mode: receives the permission bits.
 * @dir: receives true for a directory.
 * @size: receives the size stat() reports (a page for sysfs attributes,
 *	0 for debugfs files, as the kernel reports them).
 *
 * Return: 0 or -ENOENT.
 */
int kernfs_getattr_shim(const char *path, umode_t *mode, bool *dir, size_t *size)
{
	struct kn_target t;
	int ret;

	pthread_mutex_lock(&tree_lock);
	ret = resolve_locked(path, &t);
	pthread_mutex_unlock(&tree_lock);
	if (ret)
		return ret;
	*mode = t.mode;
	*dir = t.kind == KN_DIR;
	*size = t.kind == KN_ATTR ? PAGE_SIZE : 0;
	return 0;
}

/**
 * kernfs_readdir_shim() - list a directory.
 * @path: absolute path of the directory.
 * @fill: called for each entry with its name and whether it is a directory;
 *	called with the tree locked, so it must not call back into the tree.
 * @ctx: for @fill.
 *
 * Return: 0, -ENOENT or -ENOTDIR.
 */
int kernfs_readdir_shim(const char *path, void (*fill)(void *ctx, const char *name, bool dir),
			void *ctx)
{
	static const char *const below[][3] = {
		{ "sys" }, { "bus", "kernel" }, { "platform" }, { "drivers" },
	};
	struct kn_target t;
	struct sysfs_dir *sd;
	int ret, i;

	pthread_mutex_lock(&tree_lock);
	ret = resolve_locked(path, &t);
	if (!ret && t.kind != KN_DIR)
		ret = -ENOTDIR;
	if (ret)
		goto out;

	if (t.d) {
		struct dentry *c;

		list_for_each_entry(c, &t.d->children, sibling)
			fill(ctx, c->name, !c->fops);
	} else if (t.sd) {
		const struct attribute_group **g;
		struct attribute **a;

		for (g = t.sd->groups; g && *g; g++)
			for (a = (*g)->attrs; a && *a; a++)
				fill(ctx, (*a)->name, false);
	} else if (t.drv) {
		list_for_each_entry(sd, &sysfs_dirs, node)
			if (!sd->removed && !strcmp(driver_name(sd), t.drv))
				fill(ctx, dev_name(sd->dev), true);
	} else if (t.depth == 4) {
		/* drivers/: each driver once. */
		list_for_each_entry(sd, &sysfs_dirs, node) {
			struct sysfs_dir *prev;
			bool seen = false;

			if (sd->removed)
				continue;
			list_for_each_entry(prev, &sysfs_dirs, node) {
				if (prev == sd)
					break;
				if (!prev->removed && !strcmp(driver_name(prev), driver_name(sd)))
					seen = true;
			}
			if (!seen)
				fill(ctx, driver_name(sd), true);
		}
	} else if (!strcmp(path, "/sys/kernel") || !strcmp(path, "/sys/kernel/")) {
		fill(ctx, "debug", true);
	} else if (t.depth < (int)ARRAY_SIZE(below)) {
		for (i = 0; i < 3 && below[t.depth][i]; i++)
			fill(ctx, below[t.depth][i], true);
	}
out:
	pthread_mutex_unlock(&tree_lock);
	return ret;
}

/* An open file of the tree. */
struct kernfs_file_shim {
	struct kn_target t;
	bool write;
	/* debugfs: what the file_operations see. */
	struct inode inode;
	struct file file;
	/* sysfs: the page show() filled, served by offset. */
	char *page;
	size_t page_len;
	/* Serialises the operations on this open file, as kernfs's of->mutex. */
	pthread_mutex_t lock;
};

/* Pin the file against removal for one operation: -ENODEV once removed. */
static int kn_get_active(struct kn_target *t)
{
	int ret = 0;

	pthread_mutex_lock(&tree_lock);
	if (t->d ? t->d->removed : t->sd->removed)
		ret = -ENODEV;
	else if (t->d)
		t->d->active++;
	else
		t->sd->active++;
	pthread_mutex_unlock(&tree_lock);
	return ret;
}

static void kn_put_active(struct kn_target *t)
{
	pthread_mutex_lock(&tree_lock);
	if (t->d)
		t->d->active--;
	else
		t->sd->active--;
	pthread_cond_broadcast(&tree_drained);
	pthread_mutex_unlock(&tree_lock);
}

static int open_target(struct kn_target *t, bool read, bool write,
		       struct kernfs_file_shim **out)
{
	struct kernfs_file_shim *of;
	int ret = 0;

	if (t->kind == KN_DIR)
		return -EISDIR;
	/* kernfs refuses an access the file has neither the mode nor the op for. */
	if (t->kind == KN_ATTR &&
	    ((read && (!(t->mode & 0444) || !t->attr->show)) ||
	     (write && (!(t->mode & 0222) || !t->attr->store))))
		return -EACCES;

	of = kzalloc(sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;
	of->t = *t;
	of->write = write;
	pthread_mutex_init(&of->lock, NULL);

	pthread_mutex_lock(&tree_lock);
	if (t->d)
		t->d->refs++;
	else
		t->sd->refs++;
	pthread_mutex_unlock(&tree_lock);

	if (t->kind == KN_DEBUGFS) {
		of->inode.i_private = t->d->data;
		of->file.f_inode = &of->inode;
		if (t->d->fops->open) {
			ret = kn_get_active(&of->t);
			if (!ret) {
				ret = t->d->fops->open(&of->inode, &of->file);
				kn_put_active(&of->t);
			}
		}
		if (ret) {
			kernfs_release_shim(of);
			return ret;
		}
	}
	*out = of;
	return 0;
}

/**
 * kernfs_open_shim() - open a file of the tree.
 * @path: absolute path.
 * @read: opened for reading.
 * @write: opened for writing.
 * @out: receives the open file.
 *
 * Return: 0, -ENOENT, -EISDIR, -EACCES (a sysfs attribute without the mode
 * or the operation asked for) or the open() error of a debugfs file.
 */
int kernfs_open_shim(const char *path, bool read, bool write, struct kernfs_file_shim **out)
{
	struct kn_target t;
	int ret;

	/* Pinned while opened: a removal may unlink it, not free it. */
	pthread_mutex_lock(&tree_lock);
	ret = resolve_locked(path, &t);
	if (!ret) {
		if (t.d)
			t.d->refs++;
		else if (t.sd)
			t.sd->refs++;
	}
	pthread_mutex_unlock(&tree_lock);
	if (ret)
		return ret;
	ret = open_target(&t, read, write, out);
	pthread_mutex_lock(&tree_lock);
	if (t.d)
		dentry_put_locked(t.d);
	else if (t.sd)
		sysfs_dir_put_locked(t.sd);
	pthread_mutex_unlock(&tree_lock);
	return ret;
}

/**
 * kernfs_read_shim() - read(2) at an offset.
 * @of: the open file.
 * @buf: output.
 * @len: its size.
 * @off: file offset.
 *
 * Return: bytes read (0 at the end), or a negative errno.
 */
ssize_t kernfs_read_shim(struct kernfs_file_shim *of, char *buf, size_t len, loff_t off)
{
	ssize_t ret;

	ret = kn_get_active(&of->t);
	if (ret)
		return ret;
	pthread_mutex_lock(&of->lock);
	if (of->t.kind == KN_DEBUGFS) {
		loff_t pos = off;

		ret = of->t.d->fops->read ? of->t.d->fops->read(&of->file, buf, len, &pos) :
			-EINVAL;
	} else {
		/* A read from the start shows the attribute again. */
		if (!of->page || off == 0) {
			if (!of->page)
				of->page = kzalloc(PAGE_SIZE, GFP_KERNEL);
			ret = of->page ? of->t.attr->show(of->t.sd->dev, of->t.attr, of->page) :
				-ENOMEM;
			if (ret >= 0)
				of->page_len = min_t(size_t, ret, PAGE_SIZE);
		}
		if (ret >= 0) {
			ret = 0;
			if (off < (loff_t)of->page_len) {
				ret = min_t(size_t, len, of->page_len - off);
				memcpy(buf, of->page + off, ret);
			}
		}
	}
	pthread_mutex_unlock(&of->lock);
	kn_put_active(&of->t);
	return ret;
}

/**
 * kernfs_write_shim() - write(2) at an offset.
 * @of: the open file.
 * @buf: the bytes.
 * @len: how many.
 * @off: file offset.
 *
 * A sysfs attribute's store() gets at most a page, copied and
 * NUL-terminated, and a zero-length write does nothing.
 *
 * Return: bytes consumed, or a negative errno.
 */
ssize_t kernfs_write_shim(struct kernfs_file_shim *of, const char *buf, size_t len, loff_t off)
{
	ssize_t ret;

	ret = kn_get_active(&of->t);
	if (ret)
		return ret;
	pthread_mutex_lock(&of->lock);
	if (of->t.kind == KN_DEBUGFS) {
		loff_t pos = off;

		ret = of->t.d->fops->write ? of->t.d->fops->write(&of->file, buf, len, &pos) :
			-EINVAL;
	} else if (!len) {
		ret = 0;
	} else {
		size_t n = min_t(size_t, len, PAGE_SIZE);
		char *copy = kmalloc(n + 1, GFP_KERNEL);

		if (copy) {
			memcpy(copy, buf, n);
			copy[n] = '\0';
			ret = of->t.attr->store(of->t.sd->dev, of->t.attr, copy, n);
			kfree(copy);
		} else {
			ret = -ENOMEM;
		}
	}
	pthread_mutex_unlock(&of->lock);
	kn_put_active(&of->t);
	return ret;
}

/**
 * kernfs_release_shim() - close an open file.
 * @of: the open file.
 */
void kernfs_release_shim(struct kernfs_file_shim *of)
{
	if (of->t.kind == KN_DEBUGFS && of->t.d->fops->release)
		of->t.d->fops->release(&of->inode, &of->file);
	pthread_mutex_lock(&tree_lock);
	if (of->t.d)
		dentry_put_locked(of->t.d);
	else
		sysfs_dir_put_locked(of->t.sd);
	pthread_mutex_unlock(&tree_lock);
	pthread_mutex_destroy(&of->lock);
	kfree(of->page);
	kfree(of);
}

/* One open, one read or write at offset 0, one release: one syscall's worth. */
static ssize_t one_shot(const char *path, char *rbuf, const char *wbuf, size_t len)
{
	struct kernfs_file_shim *of;
	ssize_t ret;

	ret = kernfs_open_shim(path, rbuf, !rbuf, &of);
	if (ret == -ENOENT)
		pr_err("kernfs: no file %s\n", path);
	if (ret)
		return ret;
	if (rbuf) {
		ret = kernfs_read_shim(of, rbuf, len, 0);
		if (ret >= 0)
			rbuf[ret] = '\0';
	} else {
		ret = kernfs_write_shim(of, wbuf, len, 0);
	}
	kernfs_release_shim(of);
	return ret;
}

static void debugfs_path(char *out, size_t size, const char *path)
{
	snprintf(out, size, "/sys/kernel/debug/%s", path);
}

/**
 * sw_debugfs_read() - read a debugfs file as read(2) from offset 0 would.
 * @path: path under the debugfs root, e.g. "dri/0/shrink".
 * @buf: output, NUL-terminated.
 * @len: size of @buf.
 *
 * Return: bytes read or a negative errno.
 */
ssize_t sw_debugfs_read(const char *path, char *buf, size_t len)
{
	char full[512];

	debugfs_path(full, sizeof(full), path);
	return one_shot(full, buf, NULL, len - 1);
}

/**
 * sw_debugfs_write() - write a string to a debugfs file.
 * @path: path under the debugfs root.
 * @str: what to write.
 *
 * Return: bytes written or a negative errno.
 */
ssize_t sw_debugfs_write(const char *path, const char *str)
{
	char full[512];

	debugfs_path(full, sizeof(full), path);
	return one_shot(full, NULL, str, strlen(str));
}

static void sysfs_path(char *out, size_t size, struct device *dev, const char *name)
{
	snprintf(out, size, "/sys/bus/platform/drivers/%s/%s/%s",
		 dev->driver ? dev->driver->name : "none", dev_name(dev), name);
}

/**
 * sw_sysfs_write() - write(2) to a device attribute, as the calling task.
 * @dev: the device.
 * @name: attribute name.
 * @str: what to write.
 *
 * Return: bytes written or a negative errno (-ENOENT: no such attribute,
 * -EACCES: not writable).
 */
ssize_t sw_sysfs_write(struct device *dev, const char *name, const char *str)
{
	char full[512];

	sysfs_path(full, sizeof(full), dev, name);
	return one_shot(full, NULL, str, strlen(str));
}

/**
 * sw_sysfs_read() - read(2) a device attribute.
 * @dev: the device.
 * @name: attribute name.
 * @buf: a PAGE_SIZE buffer, NUL-terminated.
 *
 * Return: bytes read or a negative errno.
 */
ssize_t sw_sysfs_read(struct device *dev, const char *name, char *buf)
{
	char full[512];

	sysfs_path(full, sizeof(full), dev, name);
	return one_shot(full, buf, NULL, PAGE_SIZE - 1);
}
