/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GPU VA space management.
 * shim: so far only the VM <-> GEM link (struct drm_gpuvm_bo on the GEM's
 * gpuva list); the VA tree, split/merge and validation come with the mock GPU VM.
 */
#ifndef __DRM_GPUVM_H__
#define __DRM_GPUVM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <drm/drm_gem.h>

struct drm_gpuvm;
struct drm_gpuvm_bo;

struct drm_gpuvm_ops {
	void (*vm_free)(struct drm_gpuvm *gpuvm);
	void (*vm_bo_free)(struct drm_gpuvm_bo *vm_bo);
};

struct drm_gpuvm {
	const char		*name;
	struct drm_device	*drm;
	struct drm_gem_object	*r_obj;
	struct kref		kref;
	const struct drm_gpuvm_ops *ops;
};

void drm_gpuvm_free_shim(struct kref *kref);

static inline struct drm_gpuvm *drm_gpuvm_get(struct drm_gpuvm *gpuvm)
{
	kref_get(&gpuvm->kref);
	return gpuvm;
}

static inline void drm_gpuvm_put(struct drm_gpuvm *gpuvm)
{
	if (gpuvm)
		kref_put(&gpuvm->kref, drm_gpuvm_free_shim);
}

struct drm_gpuvm_bo {
	struct drm_gpuvm	*vm;
	struct drm_gem_object	*obj;
	bool			evicted;
	struct kref		kref;
	struct {
		struct list_head gpuva;
		struct {
			struct list_head gem;
			struct list_head extobj;
			struct list_head evict;
		} entry;
	} list;
};

static inline struct dma_resv *drm_gpuvm_resv(struct drm_gpuvm *gpuvm)
{
	return gpuvm->r_obj->resv;
}

#define drm_gem_for_each_gpuvm_bo(entry__, obj__) \
	list_for_each_entry(entry__, &(obj__)->gpuva.list, list.entry.gem)

#endif
