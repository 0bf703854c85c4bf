// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * BO handles of a DRM file, created as the BO_CREATE ioctl creates them,
 * and kernel vmaps of them: include/shrinkwrap/bo.h.
 */
#include <errno.h>
#include <stdio.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/iosys-map.h>
#include <drm/drm_gem.h>

#include <shrinkwrap/bo.h>
#include <shrinkwrap/world.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "world_priv.h"

/**
 * sw_bo_create_err() - create a BO through @f as the ioctl would.
 * @f: the DRM file.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 * @out: receives the BO handle.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_bo_create_err(struct sw_file *f, size_t size, unsigned int flags, struct sw_bo **out)
{
	return sw_bo_create_in(f, NULL, size, flags, out);
}

/**
 * sw_bo_create_in() - create a BO, private to @exclusive_vm if not NULL.
 * @f: the DRM file.
 * @exclusive_vm: the VM whose resv the BO shares, or NULL.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 * @out: receives the BO handle.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_bo_create_in(struct sw_file *f, struct panthor_vm *exclusive_vm, size_t size,
		    unsigned int flags, struct sw_bo **out)
{
	struct panthor_gem_object *obj;
	struct sw_bo *bo;

	sw_proc_enter(f->proc);
	obj = panthor_gem_create(&f->w->ptdev->base, size, flags, exclusive_vm, 0);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL | __GFP_NOFAIL);
	bo->w = f->w;
	bo->file = f;
	bo->obj = obj;
	mutex_lock(&f->w->lock);
	list_add_tail(&bo->node, &f->w->bos);
	mutex_unlock(&f->w->lock);
	*out = bo;
	return 0;
}

/**
 * sw_bo_create() - create a BO; aborts the test on failure.
 * @f: the DRM file.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 *
 * Return: the BO handle.
 */
struct sw_bo *sw_bo_create(struct sw_file *f, size_t size, unsigned int flags)
{
	struct sw_bo *bo = NULL;
	int ret = sw_bo_create_err(f, size, flags, &bo);

	if (ret) {
		sw_harness_fail("sw_bo_create(%zu): %d", size, ret);
		return NULL;
	}
	return bo;
}

/**
 * sw_bo_close() - close the handle: drop its reference (and its vmaps).
 * @bo: the BO handle.
 */
void sw_bo_close(struct sw_bo *bo)
{
	struct sw_world *w = bo->w;

	while (bo->vmap_count > 0)
		sw_bo_vunmap(bo, bo->vmap.vaddr);
	mutex_lock(&w->lock);
	list_del(&bo->node);
	mutex_unlock(&w->lock);
	drm_gem_object_put(&bo->obj->base);
	kfree(bo);
}

/**
 * sw_bo_obj() - the driver object behind a handle.
 * @bo: the handle.
 *
 * Return: the panthor BO.
 */
struct panthor_gem_object *sw_bo_obj(struct sw_bo *bo)
{
	return bo->obj;
}

/**
 * sw_bo_size() - size of a BO.
 * @bo: the handle.
 *
 * Return: bytes.
 */
size_t sw_bo_size(struct sw_bo *bo)
{
	return bo->obj->base.size;
}

/**
 * sw_bo_vmap() - kernel-map a BO (as a kernel BO user would).
 * @bo: the handle.
 * @vaddr: receives the address.
 *
 * Return: 0 or a negative errno.
 */
int sw_bo_vmap(struct sw_bo *bo, void **vaddr)
{
	struct iosys_map map = { };
	int ret = drm_gem_vmap(&bo->obj->base, &map);

	if (ret)
		return ret;
	bo->vmap = map;
	bo->vmap_count++;
	*vaddr = map.vaddr;
	return 0;
}

/**
 * sw_bo_vunmap() - undo one sw_bo_vmap().
 * @bo: the handle.
 * @vaddr: the address it returned.
 */
void sw_bo_vunmap(struct sw_bo *bo, void *vaddr)
{
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(vaddr);

	drm_gem_vunmap(&bo->obj->base, &map);
	bo->vmap_count--;
}
