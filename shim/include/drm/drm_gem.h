/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GEM objects and GEM LRUs, with the kernel's names and semantics as of the
 * panthor shrinker series' base. shim: no dma-buf import/export; objects
 * are backed by shim/shmem.c.
 */
#ifndef __DRM_GEM_H__
#define __DRM_GEM_H__

#include <linux/kref.h>
#include <linux/dma-resv.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/mm.h>
#include <drm/drm_vma_manager.h>

struct drm_gem_object;
struct drm_device;
struct drm_file;
struct drm_printer;
struct iosys_map;
struct dma_buf;
struct dma_buf_attachment;
struct sg_table;

enum drm_gem_object_status {
	DRM_GEM_OBJECT_RESIDENT = 1 << 0,
	DRM_GEM_OBJECT_PURGEABLE = 1 << 1,
	DRM_GEM_OBJECT_ACTIVE = 1 << 2,
};

struct drm_gem_object_funcs {
	void (*free)(struct drm_gem_object *obj);
	int (*open)(struct drm_gem_object *obj, struct drm_file *file);
	void (*close)(struct drm_gem_object *obj, struct drm_file *file);
	void (*print_info)(struct drm_printer *p, unsigned int indent,
			   const struct drm_gem_object *obj);
	struct dma_buf *(*export)(struct drm_gem_object *obj, int flags);
	int (*pin)(struct drm_gem_object *obj);
	void (*unpin)(struct drm_gem_object *obj);
	struct sg_table *(*get_sg_table)(struct drm_gem_object *obj);
	int (*vmap)(struct drm_gem_object *obj, struct iosys_map *map);
	void (*vunmap)(struct drm_gem_object *obj, struct iosys_map *map);
	int (*mmap)(struct drm_gem_object *obj, struct vm_area_struct *vma);
	int (*evict)(struct drm_gem_object *obj);
	enum drm_gem_object_status (*status)(struct drm_gem_object *obj);
	size_t (*rss)(struct drm_gem_object *obj);
	const struct vm_operations_struct *vm_ops;
};

/**
 * struct drm_gem_lru - a list of GEM objects with a page count.
 * @lock: lock protecting movement of objects between LRUs; all LRUs an
 *        object can move between share it.
 * @count: total pages of the objects on this LRU.
 * @list: the objects, oldest first.
 */
struct drm_gem_lru {
	struct mutex *lock;
	long count;
	struct list_head list;
};

struct drm_gem_object {
	struct kref refcount;
	unsigned int handle_count;
	struct drm_device *dev;
	struct file *filp;
	struct drm_vma_offset_node vma_node;
	size_t size;
	int name;
	struct dma_buf *dma_buf;
	struct dma_buf_attachment *import_attach;
	struct dma_resv *resv;
	struct dma_resv _resv;
	struct {
		struct list_head list;
		struct mutex lock;
	} gpuva;
	const struct drm_gem_object_funcs *funcs;
	struct list_head lru_node;
	struct drm_gem_lru *lru;
};

void drm_gem_object_release(struct drm_gem_object *obj);
void drm_gem_object_free(struct kref *kref);
int drm_gem_object_init(struct drm_device *dev, struct drm_gem_object *obj, size_t size);
void drm_gem_private_object_init(struct drm_device *dev, struct drm_gem_object *obj,
				 size_t size);
void drm_gem_private_object_fini(struct drm_gem_object *obj);
void drm_gem_vm_open(struct vm_area_struct *vma);
void drm_gem_vm_close(struct vm_area_struct *vma);
int drm_gem_mmap_obj(struct drm_gem_object *obj, unsigned long obj_size,
		     struct vm_area_struct *vma);

static inline void drm_gem_object_get(struct drm_gem_object *obj)
{
	kref_get(&obj->refcount);
}

static inline void drm_gem_object_put(struct drm_gem_object *obj)
{
	if (obj)
		kref_put(&obj->refcount, drm_gem_object_free);
}

static inline bool drm_gem_is_imported(const struct drm_gem_object *obj)
{
	return obj->import_attach != NULL;
}

int drm_gem_vmap_locked(struct drm_gem_object *obj, struct iosys_map *map);
void drm_gem_vunmap_locked(struct drm_gem_object *obj, struct iosys_map *map);
int drm_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map);
void drm_gem_vunmap(struct drm_gem_object *obj, struct iosys_map *map);

int drm_gem_create_mmap_offset(struct drm_gem_object *obj);
int drm_gem_create_mmap_offset_size(struct drm_gem_object *obj, size_t size);
void drm_gem_free_mmap_offset(struct drm_gem_object *obj);

struct page **drm_gem_get_pages(struct drm_gem_object *obj);
void drm_gem_put_pages(struct drm_gem_object *obj, struct page **pages,
		       bool dirty, bool accessed);

static inline void drm_gem_gpuva_init(struct drm_gem_object *obj)
{
	INIT_LIST_HEAD(&obj->gpuva.list);
}

/* The lock of @obj's gpuva list: its gpuva.lock in immediate mode, else its resv. */
#define drm_gem_gpuva_assert_lock_held(gpuvm, obj)				\
	lockdep_assert(drm_gpuvm_immediate_mode(gpuvm) ?			\
		       lockdep_is_held(&(obj)->gpuva.lock) :			\
		       dma_resv_held((obj)->resv))

void drm_gem_lru_init(struct drm_gem_lru *lru, struct mutex *lock);
void drm_gem_lru_remove(struct drm_gem_object *obj);
void drm_gem_lru_move_tail_locked(struct drm_gem_lru *lru, struct drm_gem_object *obj);
void drm_gem_lru_move_tail(struct drm_gem_lru *lru, struct drm_gem_object *obj);
unsigned long
drm_gem_lru_scan(struct drm_gem_lru *lru, unsigned int nr_to_scan,
		 unsigned long *remaining,
		 bool (*shrink)(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket),
		 struct ww_acquire_ctx *ticket);

#endif
