/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shmem. shim: pages released by their user are written to the swap store
 * at once when it has room (kernel: later, by page reclaim), else they stay
 * resident in the object's page cache.
 */
#ifndef __SHMEM_FS_H
#define __SHMEM_FS_H

#include <linux/fs.h>
#include <linux/mm.h>

struct file *shmem_file_setup(const char *name, loff_t size, unsigned long flags);
struct page *shmem_read_mapping_page_gfp(struct address_space *mapping,
					 pgoff_t index, gfp_t gfp);
void shmem_truncate_range(struct inode *inode, loff_t start, loff_t end);


#endif
