/* SPDX-License-Identifier: GPL-2.0 */
/* Swap. shim: a finite store of 4 KiB slots that keeps page contents. */
#ifndef _LINUX_SWAP_H
#define _LINUX_SWAP_H

#include <linux/mm.h>

/**
 * get_nr_swap_pages() - free swap slots.
 *
 * Return: the number of pages that can still be swapped out.
 */
long get_nr_swap_pages(void);

/* Pages reclaim tries to free per direct-reclaim call. */
#define SWAP_CLUSTER_MAX 32UL

/* shim: a function reading the pool's free count (kernel: a vmstat macro). */
unsigned long nr_free_pages(void);


#endif
