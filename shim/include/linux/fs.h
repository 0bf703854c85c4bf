/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files, inodes and address spaces. shim: an address_space is either a
 * shmem object's page store (slots of resident pages or swap entries) or
 * the DRM device's fake-offset space whose VMAs eviction must zap.
 */
#ifndef _LINUX_FS_H_SHIM
#define _LINUX_FS_H_SHIM

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/rbtree.h>

struct page;
struct shmem_slot;

struct address_space {
	/* shim: guards @slots (kernel: the i_pages xarray lock). */
	spinlock_t		i_pages_lock;
	struct shmem_slot	*slots;
	pgoff_t			nr_slots;
	gfp_t			gfp_mask;
	unsigned long		nrpages;
	/* shim: pages read back from swap, for tests (sw_mapping_swap_ins()). */
	unsigned long		nr_swap_ins;
	struct rw_semaphore	i_mmap_rwsem;
	/* The VMAs mapping this file: an interval tree over their page offsets. */
	struct rb_root_cached	i_mmap;
};

struct inode {
	struct address_space	*i_mapping;
	struct address_space	i_data;
	loff_t			i_size;
	void			*i_private;
};

struct file_operations;

struct file {
	struct address_space	*f_mapping;
	struct inode		*f_inode;
	const struct file_operations *f_op;
	void			*private_data;
	atomic_long_t		f_count;
	fmode_t			f_mode;
};

struct seq_file;
struct poll_table_struct;
struct vm_area_struct;

struct file_operations {
	void *owner;
	loff_t (*llseek)(struct file *file, loff_t off, int whence);
	ssize_t (*read)(struct file *file, char __user *buf, size_t len, loff_t *ppos);
	ssize_t (*write)(struct file *file, const char __user *buf, size_t len,
			 loff_t *ppos);
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
};

void fput(struct file *file);

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

loff_t no_llseek(struct file *file, loff_t offset, int whence);
loff_t default_llseek(struct file *file, loff_t offset, int whence);

#endif
