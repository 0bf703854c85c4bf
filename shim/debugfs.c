// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The file_operations helpers of debugfs files: simple attributes
 * (DEFINE_DEBUGFS_ATTRIBUTE), seq_file, and sysfs_emit() for device
 * attributes. The files themselves live in shim/kernfs.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <shrinkwrap/introspect.h>

struct simple_attr {
	int (*get)(void *data, u64 *val);
	int (*set)(void *data, u64 val);
	char get_buf[24];
	char set_buf[24];
	void *data;
	const char *fmt;
	struct mutex mutex;
};

/**
 * simple_attr_open() - open a get/set u64 attribute.
 * @inode: its inode (i_private is the data).
 * @file: the file.
 * @get: getter or NULL.
 * @set: setter or NULL.
 * @fmt: format of the value when read.
 *
 * Return: 0 or -ENOMEM.
 */
int simple_attr_open(struct inode *inode, struct file *file,
		     int (*get)(void *, u64 *), int (*set)(void *, u64), const char *fmt)
{
	struct simple_attr *attr = kzalloc(sizeof(*attr), GFP_KERNEL);

	if (!attr)
		return -ENOMEM;
	attr->get = get;
	attr->set = set;
	attr->data = inode->i_private;
	attr->fmt = fmt;
	mutex_init(&attr->mutex);
	file->private_data = attr;
	return 0;
}

/**
 * simple_attr_release() - release a simple attribute.
 * @inode: its inode.
 * @file: the file.
 *
 * Return: 0.
 */
int simple_attr_release(struct inode *inode, struct file *file)
{
	struct simple_attr *attr = file->private_data;

	mutex_destroy(&attr->mutex);
	kfree(attr);
	return 0;
}

/**
 * debugfs_attr_read() - read a simple attribute: get() formatted with fmt.
 * @file: the file.
 * @buf: output.
 * @len: its size.
 * @ppos: file position.
 *
 * Return: bytes read or the getter's error.
 */
ssize_t debugfs_attr_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	struct simple_attr *attr = file->private_data;
	size_t size;
	u64 val;
	int ret;

	if (!attr->get)
		return -EACCES;
	mutex_lock(&attr->mutex);
	ret = attr->get(attr->data, &val);
	if (!ret)
		snprintf(attr->get_buf, sizeof(attr->get_buf), attr->fmt,
			 (unsigned long long)val);
	mutex_unlock(&attr->mutex);
	if (ret)
		return ret;
	size = strlen(attr->get_buf);
	if (*ppos >= (loff_t)size)
		return 0;
	size = min(size - (size_t)*ppos, len);
	memcpy(buf, attr->get_buf + *ppos, size);
	*ppos += size;
	return size;
}

/**
 * debugfs_attr_write() - write a simple attribute: parse an unsigned
 * number (base auto-detected) and call set().
 * @file: the file.
 * @buf: input.
 * @len: its length.
 * @ppos: file position.
 *
 * Return: @len, or -EINVAL/-ERANGE/the setter's error.
 */
ssize_t debugfs_attr_write(struct file *file, const char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct simple_attr *attr = file->private_data;
	unsigned long long val;
	size_t size;
	int ret;

	if (!attr->set)
		return -EACCES;
	mutex_lock(&attr->mutex);
	size = min(sizeof(attr->set_buf) - 1, len);
	memcpy(attr->set_buf, buf, size);
	attr->set_buf[size] = '\0';
	ret = kstrtoull(attr->set_buf, 0, &val);
	if (!ret)
		ret = attr->set(attr->data, val);
	mutex_unlock(&attr->mutex);
	return ret ? ret : (ssize_t)len;
}

/**
 * no_llseek() - llseek that refuses.
 * @file: the file.
 * @offset: offset.
 * @whence: origin.
 *
 * Return: -ESPIPE.
 */
loff_t no_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

/**
 * default_llseek() - llseek within the file.
 * @file: the file.
 * @offset: offset.
 * @whence: origin.
 *
 * Return: -EINVAL (the shim reads from offset 0 only).
 */
loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	return -EINVAL;
}

struct single_seq {
	struct seq_file m;
	int (*show)(struct seq_file *m, void *v);
};

/**
 * seq_printf() - append formatted text to a seq_file.
 * @m: the seq_file.
 * @fmt: kernel format.
 */
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	if (m->count >= m->size)
		return;
	va_start(ap, fmt);
	m->count += vscnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	/* vscnprintf stops one short of a full buffer: treat as overflow. */
	if (m->count == m->size - 1)
		m->count = m->size;
}

/**
 * seq_puts() - append a string to a seq_file.
 * @m: the seq_file.
 * @s: the string.
 */
void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

/**
 * seq_putc() - append a character to a seq_file.
 * @m: the seq_file.
 * @c: the character.
 */
void seq_putc(struct seq_file *m, char c)
{
	seq_printf(m, "%c", c);
}

/**
 * single_open() - open a seq_file whose contents come from one show() call.
 * @file: the file.
 * @show: fills the seq_file.
 * @data: m->private.
 *
 * Return: 0 or -ENOMEM.
 */
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data)
{
	struct single_seq *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	s->show = show;
	s->m.private = data;
	file->private_data = s;
	return 0;
}

/**
 * single_release() - release a single_open() file.
 * @inode: its inode.
 * @file: the file.
 *
 * Return: 0.
 */
int single_release(struct inode *inode, struct file *file)
{
	struct single_seq *s = file->private_data;

	kfree(s->m.buf);
	kfree(s);
	return 0;
}

/**
 * seq_read() - run show() (growing the buffer until it fits) and copy out.
 * @file: the file.
 * @buf: output.
 * @size: its size.
 * @ppos: file position.
 *
 * Return: bytes read or show()'s error.
 */
ssize_t seq_read(struct file *file, char __user *buf, size_t size, loff_t *ppos)
{
	struct single_seq *s = file->private_data;
	size_t n;

	if (!s->m.buf) {
		size_t bsize = PAGE_SIZE;

		for (;;) {
			int ret;

			s->m.buf = kmalloc(bsize, GFP_KERNEL);
			if (!s->m.buf)
				return -ENOMEM;
			s->m.size = bsize;
			s->m.count = 0;
			ret = s->show(&s->m, NULL);
			if (ret)
				return ret;
			if (s->m.count < s->m.size)
				break;
			kfree(s->m.buf);
			s->m.buf = NULL;
			bsize *= 2;
		}
	}
	if (*ppos >= (loff_t)s->m.count)
		return 0;
	n = min(size, s->m.count - (size_t)*ppos);
	memcpy(buf, s->m.buf + *ppos, n);
	*ppos += n;
	return n;
}

/**
 * seq_lseek() - seek in a seq_file.
 * @file: the file.
 * @offset: offset.
 * @whence: origin.
 *
 * Return: -EINVAL (the shim reads from offset 0 only).
 */
loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	return -EINVAL;
}

/**
 * sysfs_emit() - format a sysfs show() result into a page buffer.
 * @buf: the page.
 * @fmt: format.
 *
 * Return: characters written.
 */
int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	return n;
}
