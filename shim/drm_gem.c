// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * GEM core: object init/release, refcounting, mmap offsets, CPU mmap
 * plumbing, page backing, and the GEM LRU helpers with the kernel's
 * contract (see drm_gem_lru_scan()).
 */
#include <linux/instrumented.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/dma-resv.h>
#include <drm/drm_gem.h>
#include <drm/drm_device.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <linux/iosys-map.h>

#include <shrinkwrap/introspect.h>

#include "internal.h"

/**
 * drm_gem_private_object_init() - initialise an object with no backing.
 * @dev: the device.
 * @obj: the object (zeroed by the caller).
 * @size: size in bytes, page aligned.
 */
void drm_gem_private_object_init(struct drm_device *dev, struct drm_gem_object *obj,
				 size_t size)
{
	WARN_ON(!PAGE_ALIGNED(size));
	obj->dev = dev;
	obj->filp = NULL;
	kref_init(&obj->refcount);
	obj->handle_count = 0;
	obj->size = size;
	dma_resv_init(&obj->_resv);
	if (!obj->resv)
		obj->resv = &obj->_resv;
	drm_gem_gpuva_init(obj);
	mutex_init(&obj->gpuva.lock);
	obj->vma_node.start = 0;
	obj->vma_node.pages = 0;
	INIT_LIST_HEAD(&obj->lru_node);
	obj->lru = NULL;
}

/**
 * drm_gem_object_init() - initialise an object backed by a shmem file.
 * @dev: the device.
 * @obj: the object.
 * @size: size in bytes, page aligned.
 *
 * Return: 0 or a negative errno.
 */
int drm_gem_object_init(struct drm_device *dev, struct drm_gem_object *obj, size_t size)
{
	struct file *filp;

	drm_gem_private_object_init(dev, obj, size);
	filp = shmem_file_setup("drm mm object", size, 0);
	if (IS_ERR(filp)) {
		drm_gem_private_object_fini(obj);
		return PTR_ERR(filp);
	}
	obj->filp = filp;
	return 0;
}

/**
 * drm_gem_private_object_fini() - undo drm_gem_private_object_init().
 * @obj: the object.
 */
void drm_gem_private_object_fini(struct drm_gem_object *obj)
{
	WARN_ON(obj->dma_buf);
	mutex_destroy(&obj->gpuva.lock);
	dma_resv_fini(&obj->_resv);
}

/**
 * drm_gem_object_release() - release the GEM core state of an object:
 * its shmem file, mmap offset and LRU membership.
 * @obj: the object.
 */
void drm_gem_object_release(struct drm_gem_object *obj)
{
	if (obj->filp)
		fput(obj->filp);
	drm_gem_private_object_fini(obj);
	drm_gem_free_mmap_offset(obj);
	drm_gem_lru_remove(obj);
}

/**
 * drm_gem_object_free() - kref release: hand the object to its driver.
 * @kref: the object's refcount.
 */
void drm_gem_object_free(struct kref *kref)
{
	struct drm_gem_object *obj = container_of(kref, struct drm_gem_object, refcount);

	obj->funcs->free(obj);
}

/**
 * drm_gem_create_mmap_offset_size() - give @obj a fake mmap offset.
 * @obj: the object.
 * @size: bytes to reserve.
 *
 * Return: 0 or -ENOSPC.
 */
int drm_gem_create_mmap_offset_size(struct drm_gem_object *obj, size_t size)
{
	return drm_vma_offset_add(obj->dev->vma_offset_manager, &obj->vma_node,
				  size >> PAGE_SHIFT);
}

/**
 * drm_gem_create_mmap_offset() - give @obj a fake mmap offset of its size.
 * @obj: the object.
 *
 * Return: 0 or -ENOSPC.
 */
int drm_gem_create_mmap_offset(struct drm_gem_object *obj)
{
	return drm_gem_create_mmap_offset_size(obj, obj->size);
}

/**
 * drm_gem_free_mmap_offset() - release @obj's fake mmap offset.
 * @obj: the object.
 */
void drm_gem_free_mmap_offset(struct drm_gem_object *obj)
{
	drm_vma_offset_remove(obj->dev->vma_offset_manager, &obj->vma_node);
}

/**
 * drm_vma_offset_manager_init() - set up an offset allocator.
 * @mgr: the manager.
 * @page_offset: first page offset handed out.
 * @size: pages available.
 */
void drm_vma_offset_manager_init(struct drm_vma_offset_manager *mgr,
				 unsigned long page_offset, unsigned long size)
{
	spin_lock_init(&mgr->lock);
	mgr->next = page_offset;
}

/**
 * drm_vma_offset_add() - allocate @pages of offset space for @node.
 * @mgr: the manager.
 * @node: the node; nothing is done if it already has an offset.
 * @pages: size in pages.
 *
 * Return: 0, or -ENOSPC when the offset space is exhausted.
 */
int drm_vma_offset_add(struct drm_vma_offset_manager *mgr,
		       struct drm_vma_offset_node *node, unsigned long pages)
{
	int ret = 0;

	spin_lock(&mgr->lock);
	if (!node->start) {
		if (sw_fault_op_fails("drm_vma_offset_add", -ENOSPC)) {
			ret = -ENOSPC;
		} else {
			node->start = mgr->next;
			node->pages = pages;
			mgr->next += pages;
		}
	}
	spin_unlock(&mgr->lock);
	return ret;
}

/**
 * drm_vma_offset_remove() - release @node's offset space.
 * @mgr: the manager.
 * @node: the node.
 */
void drm_vma_offset_remove(struct drm_vma_offset_manager *mgr,
			   struct drm_vma_offset_node *node)
{
	spin_lock(&mgr->lock);
	node->start = 0;
	node->pages = 0;
	spin_unlock(&mgr->lock);
}

/**
 * drm_gem_vm_open() - vm_ops->open: a VMA copy holds an object reference.
 * @vma: the VMA.
 */
void drm_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_object_get(vma->vm_private_data);
}

/**
 * drm_gem_vm_close() - vm_ops->close: drop the VMA's object reference.
 * @vma: the VMA.
 */
void drm_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_object_put(vma->vm_private_data);
}

/**
 * drm_gem_mmap_obj() - set up a VMA for a GEM object.
 * @obj: the object.
 * @obj_size: the object size.
 * @vma: the VMA being created.
 *
 * Return: 0, -EINVAL if the VMA is larger than the object, or the
 * driver's mmap error. On success the VMA holds an object reference.
 */
int drm_gem_mmap_obj(struct drm_gem_object *obj, unsigned long obj_size,
		     struct vm_area_struct *vma)
{
	int ret;

	if (obj_size < vma->vm_end - vma->vm_start)
		return -EINVAL;

	drm_gem_object_get(obj);
	vma->vm_private_data = obj;
	vma->vm_ops = obj->funcs->vm_ops;
	if (obj->funcs->mmap) {
		ret = obj->funcs->mmap(obj, vma);
		if (ret) {
			drm_gem_object_put(obj);
			return ret;
		}
		WARN_ON(!(vma->vm_flags & VM_DONTEXPAND));
	}
	return 0;
}

/**
 * drm_gem_get_pages() - get the object's pages from its shmem file,
 * swapping in or allocating as needed.
 * @obj: a shmem-backed object.
 *
 * Return: a kvmalloc()ed page array holding a reference on each page, or
 * an ERR_PTR (-ENOMEM) with nothing held.
 */
struct page **drm_gem_get_pages(struct drm_gem_object *obj)
{
	struct address_space *mapping;
	struct page **pages, *p;
	unsigned long i, npages;

	if (WARN_ON(!obj->filp))
		return ERR_PTR(-EINVAL);
	WARN_ON((obj->size & (PAGE_SIZE - 1)) != 0);

	mapping = obj->filp->f_mapping;
	npages = obj->size >> PAGE_SHIFT;
	pages = kvmalloc_array(npages, sizeof(struct page *), GFP_KERNEL);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	mapping_set_unevictable(mapping);
	for (i = 0; i < npages; i++) {
		p = shmem_read_mapping_page_gfp(mapping, i, mapping_gfp_mask(mapping));
		if (IS_ERR(p))
			goto fail;
		pages[i] = p;
	}
	return pages;

fail:
	mapping_clear_unevictable(mapping);
	while (i--) {
		put_page(pages[i]);
		shmem_writeback_shim(mapping, i);
	}
	kvfree(pages);
	return ERR_CAST(p);
}

/**
 * drm_gem_put_pages() - release pages from drm_gem_get_pages().
 * @obj: the object.
 * @pages: the array (freed).
 * @dirty: mark the pages dirty.
 * @accessed: mark the pages accessed.
 */
void drm_gem_put_pages(struct drm_gem_object *obj, struct page **pages,
		       bool dirty, bool accessed)
{
	struct address_space *mapping = obj->filp->f_mapping;
	unsigned long i, npages = obj->size >> PAGE_SHIFT;

	mapping_clear_unevictable(mapping);
	for (i = 0; i < npages; i++) {
		if (dirty)
			set_page_dirty(pages[i]);
		if (accessed)
			mark_page_accessed(pages[i]);
		put_page(pages[i]);
		shmem_writeback_shim(mapping, i);
	}
	kvfree(pages);
}

/**
 * drm_prime_pages_to_sg() - build an sg table over @pages.
 * @dev: the device.
 * @pages: the pages.
 * @nr_pages: how many.
 *
 * Return: a kmalloc()ed table, or ERR_PTR(-ENOMEM).
 */
struct sg_table *drm_prime_pages_to_sg(struct drm_device *dev, struct page **pages,
				       unsigned int nr_pages)
{
	struct sg_table *sg = kmalloc(sizeof(*sg), GFP_KERNEL);
	int ret;

	if (!sg)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sg, pages, nr_pages, 0,
					(unsigned long)nr_pages << PAGE_SHIFT, GFP_KERNEL);
	if (ret) {
		kfree(sg);
		return ERR_PTR(ret);
	}
	return sg;
}

/**
 * drm_gem_lru_init() - initialise an LRU.
 * @lru: the LRU.
 * @lock: the lock shared by every LRU objects move between.
 */
void drm_gem_lru_init(struct drm_gem_lru *lru, struct mutex *lock)
{
	lru->lock = lock;
	WRITE_ONCE(lru->count, 0);
	INIT_LIST_HEAD(&lru->list);
}

/*
 * obj->lru and lru->count are read without the LRU lock (drm_gem_lru_remove()
 * peeks at obj->lru, shrinkers read lru->count): the kernel leaves those
 * races unannotated; the shim marks them so TSan checks everything else.
 */
static void lru_count_add(struct drm_gem_lru *lru, long pages)
{
	WRITE_ONCE(lru->count, lru->count + pages);
}

static void drm_gem_lru_remove_locked(struct drm_gem_object *obj)
{
	lru_count_add(obj->lru, -(long)(obj->size >> PAGE_SHIFT));
	WARN_ON(obj->lru->count < 0);
	list_del(&obj->lru_node);
	WRITE_ONCE(obj->lru, NULL);
}

/**
 * drm_gem_lru_remove() - take @obj off whatever LRU it is on.
 * @obj: the object.
 */
void drm_gem_lru_remove(struct drm_gem_object *obj)
{
	struct drm_gem_lru *lru;

	instrument_atomic_read(&obj->lru, sizeof(obj->lru));
	lru = READ_ONCE(obj->lru);

	if (!lru)
		return;

	mutex_lock(lru->lock);
	drm_gem_lru_remove_locked(obj);
	mutex_unlock(lru->lock);
}

/**
 * drm_gem_lru_move_tail_locked() - move @obj to the tail of @lru.
 * @lru: the LRU; its lock must be held.
 * @obj: the object, which may be on another LRU sharing the lock.
 */
void drm_gem_lru_move_tail_locked(struct drm_gem_lru *lru, struct drm_gem_object *obj)
{
	lockdep_assert_held_once(lru->lock);

	if (obj->lru)
		drm_gem_lru_remove_locked(obj);

	lru_count_add(lru, obj->size >> PAGE_SHIFT);
	list_add_tail(&obj->lru_node, &lru->list);
	/* Lockless readers may see the NULL before this: a switch point. */
	instrument_atomic_write(&obj->lru, sizeof(obj->lru));
	WRITE_ONCE(obj->lru, lru);
}

/**
 * drm_gem_lru_move_tail() - move @obj to the tail of @lru, taking the lock.
 * @lru: the LRU.
 * @obj: the object.
 */
void drm_gem_lru_move_tail(struct drm_gem_lru *lru, struct drm_gem_object *obj)
{
	mutex_lock(lru->lock);
	drm_gem_lru_move_tail_locked(lru, obj);
	mutex_unlock(lru->lock);
}

/**
 * drm_gem_lru_scan() - try to shrink the objects of an LRU.
 * @lru: the LRU.
 * @nr_to_scan: stop once this many pages were freed.
 * @remaining: incremented by the pages of objects that could not be shrunk
 *             now but are still reclaimable (resv contended, or @shrink
 *             failed and left the object where the scan put it).
 * @shrink: called with the object's resv held; returns true when the
 *          object was shrunk, in which case it must have left the LRU.
 * @ticket: optional acquire context the resv is trylocked under.
 *
 * Each object is first moved to an on-stack LRU sharing @lru's lock, so
 * objects that move elsewhere (or are freed) during the scan need no
 * special casing; whatever is left there goes back to the tail of @lru.
 * Objects whose last reference is being dropped are skipped.
 *
 * Return: pages freed.
 */
unsigned long
drm_gem_lru_scan(struct drm_gem_lru *lru, unsigned int nr_to_scan,
		 unsigned long *remaining,
		 bool (*shrink)(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket),
		 struct ww_acquire_ctx *ticket)
{
	struct drm_gem_lru still_in_lru;
	struct drm_gem_object *obj;
	unsigned long freed = 0;

	drm_gem_lru_init(&still_in_lru, lru->lock);

	mutex_lock(lru->lock);

	while (freed < nr_to_scan) {
		obj = list_first_entry_or_null(&lru->list, typeof(*obj), lru_node);
		if (!obj)
			break;

		drm_gem_lru_move_tail_locked(&still_in_lru, obj);

		/* Being freed: the free path takes it off the LRU. */
		if (!kref_get_unless_zero(&obj->refcount))
			continue;

		/* The object can't go away now; the LRU lock is not needed. */
		mutex_unlock(lru->lock);

		if (ticket)
			ww_acquire_init(ticket, &reservation_ww_class);

		if (!ww_mutex_trylock(&obj->resv->lock, ticket)) {
			*remaining += obj->size >> PAGE_SHIFT;
			goto tail;
		}

		if (shrink(obj, ticket)) {
			freed += obj->size >> PAGE_SHIFT;

			/* A shrunk object must have left every reclaim LRU. */
			WARN_ON(READ_ONCE(obj->lru) == &still_in_lru);
			WARN_ON(READ_ONCE(obj->lru) == lru);
		} else if (READ_ONCE(obj->lru) == &still_in_lru) {
			/*
			 * Not shrunk and not moved: still reclaimable, only not
			 * now. Read without the LRU lock; a stale answer costs
			 * one extra scan at most.
			 */
			*remaining += obj->size >> PAGE_SHIFT;
		}

		dma_resv_unlock(obj->resv);

tail:
		if (ticket)
			ww_acquire_fini(ticket);

		drm_gem_object_put(obj);
		mutex_lock(lru->lock);
	}

	/* Put back what is left, at the tail, in scan order. */
	list_for_each_entry(obj, &still_in_lru.list, lru_node)
		WRITE_ONCE(obj->lru, lru);
	list_splice_tail(&still_in_lru.list, &lru->list);
	lru_count_add(lru, still_in_lru.count);

	mutex_unlock(lru->lock);

	return freed;
}

struct drmres {
	struct list_head node;
	drmres_release_t release;
	void *data;
	const char *name;
};

/**
 * __drmm_add_action() - run @action(@dev, @data) when @dev is released.
 * @dev: the device.
 * @action: the release function.
 * @data: its argument.
 * @name: the action's name, for debugging.
 *
 * Return: 0, or -ENOMEM (the action is not registered and not run).
 */
int __drmm_add_action(struct drm_device *dev, drmres_release_t action, void *data,
		      const char *name)
{
	struct drmres *dr = kmalloc(sizeof(*dr), GFP_KERNEL);

	if (!dr)
		return -ENOMEM;
	dr->release = action;
	dr->data = data;
	dr->name = name;
	mutex_lock(&dev->managed.lock);
	list_add(&dr->node, &dev->managed.resources);
	mutex_unlock(&dev->managed.lock);
	return 0;
}

/**
 * __drmm_add_action_or_reset() - __drmm_add_action(), running @action at
 * once if it cannot be registered.
 * @dev: the device.
 * @action: the release function.
 * @data: its argument.
 * @name: the action's name, for debugging.
 *
 * Return: 0 or -ENOMEM.
 */
int __drmm_add_action_or_reset(struct drm_device *dev, drmres_release_t action, void *data,
			       const char *name)
{
	int ret = __drmm_add_action(dev, action, data, name);

	if (ret)
		action(dev, data);
	return ret;
}

/**
 * __drmm_mutex_release() - the release action of drmm_mutex_init().
 * @dev: the device.
 * @res: the mutex.
 */
void __drmm_mutex_release(struct drm_device *dev, void *res)
{
	mutex_destroy(res);
}

/* Release the managed resources, the last added first. */
static void drmm_release_all(struct drm_device *dev)
{
	struct drmres *dr, *tmp;

	list_for_each_entry_safe(dr, tmp, &dev->managed.resources, node) {
		list_del(&dr->node);
		dr->release(dev, dr->data);
		kfree(dr);
	}
}

/**
 * sw_drm_dev_init() - set up the parts of a drm_device GEM relies on.
 * @dev: the device (zeroed by the caller).
 * @parent: the underlying struct device.
 *
 * Return: 0 or -ENOMEM.
 */
int sw_drm_dev_init(struct drm_device *dev, struct device *parent)
{
	dev->dev = parent;
	dev->anon_inode = alloc_anon_inode_shim();
	if (!dev->anon_inode)
		return -ENOMEM;
	dev->vma_offset_manager = kzalloc(sizeof(*dev->vma_offset_manager), GFP_KERNEL);
	if (!dev->vma_offset_manager) {
		free_anon_inode_shim(dev->anon_inode);
		return -ENOMEM;
	}
	drm_vma_offset_manager_init(dev->vma_offset_manager, DRM_FILE_PAGE_OFFSET_START,
				    DRM_FILE_PAGE_OFFSET_SIZE);
	mutex_init(&dev->filelist_mutex);
	INIT_LIST_HEAD(&dev->filelist);
	mutex_init(&dev->managed.lock);
	INIT_LIST_HEAD(&dev->managed.resources);
	return 0;
}

/**
 * sw_drm_dev_fini() - undo sw_drm_dev_init().
 * @dev: the device.
 */
void sw_drm_dev_fini(struct drm_device *dev)
{
	drmm_release_all(dev);
	mutex_destroy(&dev->managed.lock);
	mutex_destroy(&dev->filelist_mutex);
	kfree(dev->vma_offset_manager);
	free_anon_inode_shim(dev->anon_inode);
}

/**
 * drm_printf() - print through a drm_printer.
 * @p: the printer.
 * @f: format.
 */
void drm_printf(struct drm_printer *p, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	p->printfn(p, f, ap);
	va_end(ap);
}

/**
 * drm_puts() - print a string through a drm_printer.
 * @p: the printer.
 * @str: the string.
 */
void drm_puts(struct drm_printer *p, const char *str)
{
	drm_printf(p, "%s", str);
}

/**
 * drm_gem_vmap_locked() - map an object into the kernel address space.
 * @obj: the object; its resv must be held.
 * @map: receives the mapping.
 *
 * Return: 0 or a negative errno.
 */
int drm_gem_vmap_locked(struct drm_gem_object *obj, struct iosys_map *map)
{
	int ret;

	dma_resv_assert_held(obj->resv);
	if (!obj->funcs->vmap)
		return -EOPNOTSUPP;
	ret = obj->funcs->vmap(obj, map);
	if (ret)
		return ret;
	if (iosys_map_is_null(map))
		return -ENOMEM;
	return 0;
}

/**
 * drm_gem_vunmap_locked() - undo drm_gem_vmap_locked().
 * @obj: the object; its resv must be held.
 * @map: the mapping (cleared).
 */
void drm_gem_vunmap_locked(struct drm_gem_object *obj, struct iosys_map *map)
{
	dma_resv_assert_held(obj->resv);
	if (iosys_map_is_null(map))
		return;
	if (obj->funcs->vunmap)
		obj->funcs->vunmap(obj, map);
	iosys_map_clear(map);
}

/**
 * drm_gem_vmap() - drm_gem_vmap_locked() taking the resv.
 * @obj: the object.
 * @map: receives the mapping.
 *
 * Return: 0 or a negative errno.
 */
int drm_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	int ret;

	dma_resv_lock(obj->resv, NULL);
	ret = drm_gem_vmap_locked(obj, map);
	dma_resv_unlock(obj->resv);
	return ret;
}

/**
 * drm_gem_vunmap() - drm_gem_vunmap_locked() taking the resv.
 * @obj: the object.
 * @map: the mapping.
 */
void drm_gem_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	dma_resv_lock(obj->resv, NULL);
	drm_gem_vunmap_locked(obj, map);
	dma_resv_unlock(obj->resv);
}
