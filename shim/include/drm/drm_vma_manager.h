/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake mmap offsets of GEM objects. shim: a bump allocator, no per-file
 * access lists (every file may map every object).
 */
#ifndef __DRM_VMA_MANAGER_H__
#define __DRM_VMA_MANAGER_H__

#include <linux/mm.h>
#include <linux/fs.h>

#define DRM_FILE_PAGE_OFFSET_START ((0xFFFFFFFFUL >> PAGE_SHIFT) + 1)
#define DRM_FILE_PAGE_OFFSET_SIZE ((0xFFFFFFFFUL >> PAGE_SHIFT) * 256)

struct drm_vma_offset_node {
	unsigned long	start;		/* in pages, 0 when no offset */
	unsigned long	pages;
};

struct drm_vma_offset_manager {
	spinlock_t	lock;
	unsigned long	next;
};

void drm_vma_offset_manager_init(struct drm_vma_offset_manager *mgr,
				 unsigned long page_offset, unsigned long size);
int drm_vma_offset_add(struct drm_vma_offset_manager *mgr,
		       struct drm_vma_offset_node *node, unsigned long pages);
void drm_vma_offset_remove(struct drm_vma_offset_manager *mgr,
			   struct drm_vma_offset_node *node);

static inline unsigned long drm_vma_node_start(const struct drm_vma_offset_node *node)
{
	return node->start;
}

static inline unsigned long drm_vma_node_size(struct drm_vma_offset_node *node)
{
	return node->pages;
}

static inline bool drm_vma_node_has_offset(struct drm_vma_offset_node *node)
{
	return node->start != 0;
}

static inline __u64 drm_vma_node_offset_addr(struct drm_vma_offset_node *node)
{
	return ((__u64)node->start) << PAGE_SHIFT;
}

/**
 * drm_vma_node_unmap() - zap every CPU mapping of @node in @file_mapping.
 * @node: offset node.
 * @file_mapping: the DRM device's anon inode mapping.
 */
static inline void drm_vma_node_unmap(struct drm_vma_offset_node *node,
				      struct address_space *file_mapping)
{
	if (drm_vma_node_has_offset(node))
		unmap_mapping_range(file_mapping, drm_vma_node_offset_addr(node),
				    drm_vma_node_size(node) << PAGE_SHIFT, 1);
}

#endif
