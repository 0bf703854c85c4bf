/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zones and their watermarks. shim: one node with one zone, the page pool
 * of shim/page_alloc.c.
 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/types.h>

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

#endif
