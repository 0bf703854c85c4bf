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
/* shim: write a page only the page cache holds to swap (if room). */
void shmem_writeback_shim(struct address_space *mapping, pgoff_t index);
void shmem_truncate_range(struct inode *inode, loff_t start, loff_t end);

/* shim: where a shmem page currently is (for tests and invariants). */
enum shmem_slot_state_shim {
	SHMEM_SLOT_EMPTY,
	SHMEM_SLOT_RESIDENT,
	SHMEM_SLOT_SWAPPED,
};
enum shmem_slot_state_shim shmem_slot_state_shim(struct address_space *mapping,
						 pgoff_t index);

#endif
