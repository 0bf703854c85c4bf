/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __IOSYS_MAP_H__
#define __IOSYS_MAP_H__

#include <linux/types.h>

struct iosys_map {
	union {
		void *vaddr_iomem;
		void *vaddr;
	};
	bool is_iomem;
};

#define IOSYS_MAP_INIT_VADDR(vaddr_) { .vaddr = (vaddr_), .is_iomem = false, }

static inline void iosys_map_set_vaddr(struct iosys_map *map, void *vaddr)
{
	map->vaddr = vaddr;
	map->is_iomem = false;
}

static inline bool iosys_map_is_null(const struct iosys_map *map)
{
	return !map->vaddr;
}

static inline void iosys_map_clear(struct iosys_map *map)
{
	map->vaddr = NULL;
	map->is_iomem = false;
}

#endif
