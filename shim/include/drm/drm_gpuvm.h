/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GPU VA space management: the VA space of a VM (struct drm_gpuvm) with its
 * mappings (struct drm_gpuva), the VM <-> GEM link (struct drm_gpuvm_bo),
 * the external and evicted object lists, validation, and the split/merge
 * of map and unmap requests into map/remap/unmap steps.
 */
#ifndef __DRM_GPUVM_H__
#define __DRM_GPUVM_H__

#include <linux/dma-resv.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_exec.h>

struct drm_gpuvm;
struct drm_gpuvm_bo;
struct drm_gpuvm_ops;

/**
 * enum drm_gpuva_flags - flags of a &struct drm_gpuva
 * @DRM_GPUVA_INVALIDATED: the backing GEM of the mapping is invalidated.
 * @DRM_GPUVA_SPARSE: the mapping is sparse.
 * @DRM_GPUVA_USERBITS: first bit free for the driver.
 */
enum drm_gpuva_flags {
	DRM_GPUVA_INVALIDATED = (1 << 0),
	DRM_GPUVA_SPARSE = (1 << 1),
	DRM_GPUVA_USERBITS = (1 << 2),
};

/**
 * struct drm_gpuva - one GPU VA mapping of a &struct drm_gpuvm
 * @vm: the VM the mapping is inserted in.
 * @vm_bo: the VM/GEM link the mapping is linked to, NULL when unlinked.
 * @flags: &enum drm_gpuva_flags.
 * @va: the mapped range.
 * @va.addr: start address.
 * @va.range: length.
 * @gem: what the range maps.
 * @gem.offset: offset into @gem.obj.
 * @gem.obj: the mapped GEM object, NULL for a mapping without backing.
 * @gem.entry: link in &drm_gpuvm_bo.list.gpuva.
 * @rb: the VM's bookkeeping of its mappings.
 * @rb.node: node in &drm_gpuvm.rb.tree, keyed by address.
 * @rb.entry: link in &drm_gpuvm.rb.list, which is kept sorted by address.
 *
 * Drivers usually embed this in their own mapping structure.
 */
struct drm_gpuva {
	struct drm_gpuvm *vm;
	struct drm_gpuvm_bo *vm_bo;
	enum drm_gpuva_flags flags;

	struct {
		u64 addr;
		u64 range;
	} va;

	struct {
		u64 offset;
		struct drm_gem_object *obj;
		struct list_head entry;
	} gem;

	/* shim: a plain rb-tree by address (mappings never overlap), no __subtree_last. */
	struct {
		struct rb_node node;
		struct list_head entry;
	} rb;
};

int drm_gpuva_insert(struct drm_gpuvm *gpuvm, struct drm_gpuva *va);
void drm_gpuva_remove(struct drm_gpuva *va);

void drm_gpuva_link(struct drm_gpuva *va, struct drm_gpuvm_bo *vm_bo);
void drm_gpuva_unlink(struct drm_gpuva *va);

struct drm_gpuva *drm_gpuva_find(struct drm_gpuvm *gpuvm, u64 addr, u64 range);
struct drm_gpuva *drm_gpuva_find_first(struct drm_gpuvm *gpuvm, u64 addr, u64 range);
struct drm_gpuva *drm_gpuva_find_prev(struct drm_gpuvm *gpuvm, u64 start);
struct drm_gpuva *drm_gpuva_find_next(struct drm_gpuvm *gpuvm, u64 end);

/**
 * drm_gpuva_init() - set the range and backing of a mapping
 * @va: the mapping.
 * @addr: start address.
 * @range: length.
 * @obj: backing GEM object, or NULL.
 * @offset: offset into @obj.
 */
static inline void drm_gpuva_init(struct drm_gpuva *va, u64 addr, u64 range,
				  struct drm_gem_object *obj, u64 offset)
{
	va->va.addr = addr;
	va->va.range = range;
	va->gem.obj = obj;
	va->gem.offset = offset;
}

/**
 * drm_gpuva_invalidate() - mark or unmark a mapping's backing as invalidated
 * @va: the mapping.
 * @invalidate: the new state.
 */
static inline void drm_gpuva_invalidate(struct drm_gpuva *va, bool invalidate)
{
	if (invalidate)
		va->flags |= DRM_GPUVA_INVALIDATED;
	else
		va->flags &= ~DRM_GPUVA_INVALIDATED;
}

/**
 * drm_gpuva_invalidated() - is a mapping's backing invalidated?
 * @va: the mapping.
 *
 * Return: true when DRM_GPUVA_INVALIDATED is set.
 */
static inline bool drm_gpuva_invalidated(struct drm_gpuva *va)
{
	return va->flags & DRM_GPUVA_INVALIDATED;
}

/**
 * enum drm_gpuvm_flags - flags of a &struct drm_gpuvm
 * @DRM_GPUVM_RESV_PROTECTED: the extobj and evict lists are protected by the
 *	VM's dma_resv (and the objects' ones) instead of internal spinlocks.
 * @DRM_GPUVM_IMMEDIATE_MODE: the GEMs' gpuva lists are protected by their
 *	gpuva.lock mutex instead of their dma_resv.
 * @DRM_GPUVM_USERBITS: first bit free for the driver.
 */
enum drm_gpuvm_flags {
	/* shim: spelled as shifts, linux/bits.h (BIT()) does not exist in the shim. */
	DRM_GPUVM_RESV_PROTECTED = (1 << 0),
	DRM_GPUVM_IMMEDIATE_MODE = (1 << 1),
	DRM_GPUVM_USERBITS = (1 << 2),
};

/**
 * struct drm_gpuvm - a GPU VA space
 * @name: name of the VA space.
 * @flags: &enum drm_gpuvm_flags.
 * @drm: the device.
 * @mm_start: start of the managed VA range.
 * @mm_range: length of the managed VA range.
 * @rb: the mappings.
 * @rb.tree: every &struct drm_gpuva of the VM, for lookups in O(log n).
 * @rb.list: every &struct drm_gpuva of the VM, sorted by address.
 * @kref: reference count; the last put calls &drm_gpuvm_ops.vm_free.
 * @kernel_alloc_node: the range reserved for the kernel, if any.
 * @ops: the driver's callbacks.
 * @r_obj: the GEM object holding the VM's common dma_resv.
 * @extobj: vm_bos of objects whose resv is not the VM's.
 * @extobj.list: the list.
 * @extobj.local_list: set while the list is being walked without the VM
 *	resv (not RESV_PROTECTED).
 * @extobj.lock: protects @extobj.list when not RESV_PROTECTED.
 * @evict: vm_bos whose object was evicted and needs validation.
 * @evict.list: the list.
 * @evict.local_list: as @extobj.local_list.
 * @evict.lock: protects @evict.list when not RESV_PROTECTED.
 */
struct drm_gpuvm {
	const char *name;
	enum drm_gpuvm_flags flags;
	struct drm_device *drm;
	u64 mm_start;
	u64 mm_range;

	struct {
		struct rb_root_cached tree;
		struct list_head list;
	} rb;

	struct kref kref;
	struct drm_gpuva kernel_alloc_node;
	const struct drm_gpuvm_ops *ops;
	struct drm_gem_object *r_obj;

	struct {
		struct list_head list;
		struct list_head *local_list;
		spinlock_t lock;
	} extobj;

	struct {
		struct list_head list;
		struct list_head *local_list;
		spinlock_t lock;
	} evict;
};

void drm_gpuvm_init(struct drm_gpuvm *gpuvm, const char *name,
		    enum drm_gpuvm_flags flags,
		    struct drm_device *drm,
		    struct drm_gem_object *r_obj,
		    u64 start_offset, u64 range,
		    u64 reserve_offset, u64 reserve_range,
		    const struct drm_gpuvm_ops *ops);

/**
 * drm_gpuvm_get() - take a reference on a VM
 * @gpuvm: the VM; the caller must already hold a reference.
 *
 * Return: @gpuvm.
 */
static inline struct drm_gpuvm *drm_gpuvm_get(struct drm_gpuvm *gpuvm)
{
	kref_get(&gpuvm->kref);
	return gpuvm;
}

void drm_gpuvm_put(struct drm_gpuvm *gpuvm);

bool drm_gpuvm_range_valid(struct drm_gpuvm *gpuvm, u64 addr, u64 range);
bool drm_gpuvm_interval_empty(struct drm_gpuvm *gpuvm, u64 addr, u64 range);

struct drm_gem_object *drm_gpuvm_resv_object_alloc(struct drm_device *drm);

/**
 * drm_gpuvm_resv_protected() - is DRM_GPUVM_RESV_PROTECTED set?
 * @gpuvm: the VM.
 *
 * Return: true when the VM's lists are protected by dma_resv locks.
 */
static inline bool drm_gpuvm_resv_protected(struct drm_gpuvm *gpuvm)
{
	return gpuvm->flags & DRM_GPUVM_RESV_PROTECTED;
}

/**
 * drm_gpuvm_immediate_mode() - is DRM_GPUVM_IMMEDIATE_MODE set?
 * @gpuvm: the VM.
 *
 * Return: true when the GEMs' gpuva lists are protected by gpuva.lock.
 */
static inline bool drm_gpuvm_immediate_mode(struct drm_gpuvm *gpuvm)
{
	return gpuvm->flags & DRM_GPUVM_IMMEDIATE_MODE;
}

/**
 * drm_gpuvm_resv() - the VM's common dma_resv
 * @gpuvm__: the VM.
 */
#define drm_gpuvm_resv(gpuvm__) ((gpuvm__)->r_obj->resv)

/**
 * drm_gpuvm_resv_obj() - the GEM object holding the VM's common dma_resv
 * @gpuvm__: the VM.
 */
#define drm_gpuvm_resv_obj(gpuvm__) ((gpuvm__)->r_obj)

#define drm_gpuvm_resv_held(gpuvm__) \
	dma_resv_held(drm_gpuvm_resv(gpuvm__))

#define drm_gpuvm_resv_assert_held(gpuvm__) \
	dma_resv_assert_held(drm_gpuvm_resv(gpuvm__))


/**
 * drm_gpuvm_is_extobj() - is @obj external to @gpuvm?
 * @gpuvm: the VM.
 * @obj: the GEM object.
 *
 * Return: true when @obj does not share the VM's common dma_resv.
 */
static inline bool drm_gpuvm_is_extobj(struct drm_gpuvm *gpuvm, struct drm_gem_object *obj)
{
	return obj && obj->resv != drm_gpuvm_resv(gpuvm);
}

static inline struct drm_gpuva *__drm_gpuva_next(struct drm_gpuva *va)
{
	if (va && !list_is_last(&va->rb.entry, &va->vm->rb.list))
		return list_next_entry(va, rb.entry);
	return NULL;
}

/**
 * drm_gpuvm_for_each_va_range() - walk the mappings of a range
 * @va__: the cursor.
 * @gpuvm__: the VM.
 * @start__: the first mapping walked overlaps this address.
 * @end__: the walk stops at the first mapping starting at or after this.
 *
 * Not safe against removal. The kernel reserved node is not skipped.
 */
#define drm_gpuvm_for_each_va_range(va__, gpuvm__, start__, end__)		\
	for (va__ = drm_gpuva_find_first((gpuvm__), (start__), (end__) - (start__)); \
	     va__ && (va__->va.addr < (end__));				\
	     va__ = __drm_gpuva_next(va__))

/**
 * drm_gpuvm_for_each_va_range_safe() - walk the mappings of a range, removal
 * allowed
 * @va__: the cursor.
 * @next__: temporary storage.
 * @gpuvm__: the VM.
 * @start__: the first mapping walked overlaps this address.
 * @end__: the walk stops at the first mapping starting at or after this.
 */
#define drm_gpuvm_for_each_va_range_safe(va__, next__, gpuvm__, start__, end__) \
	for (va__ = drm_gpuva_find_first((gpuvm__), (start__), (end__) - (start__)), \
	     next__ = __drm_gpuva_next(va__);					\
	     va__ && (va__->va.addr < (end__));				\
	     va__ = next__, next__ = __drm_gpuva_next(va__))

/**
 * drm_gpuvm_for_each_va() - walk every mapping of a VM in address order
 * @va__: the cursor.
 * @gpuvm__: the VM.
 */
#define drm_gpuvm_for_each_va(va__, gpuvm__) \
	list_for_each_entry(va__, &(gpuvm__)->rb.list, rb.entry)

/**
 * drm_gpuvm_for_each_va_safe() - walk every mapping of a VM, removal allowed
 * @va__: the cursor.
 * @next__: temporary storage.
 * @gpuvm__: the VM.
 */
#define drm_gpuvm_for_each_va_safe(va__, next__, gpuvm__) \
	list_for_each_entry_safe(va__, next__, &(gpuvm__)->rb.list, rb.entry)

/**
 * struct drm_gpuvm_exec - a &struct drm_exec locking a VM and its objects
 * @exec: the locking context.
 * @flags: DRM_EXEC_* flags for @exec.
 * @vm: the VM.
 * @num_fences: fence slots to reserve in each locked resv.
 * @extra: optional callback locking more objects.
 * @extra.fn: the callback.
 * @extra.priv: its data.
 */
struct drm_gpuvm_exec {
	struct drm_exec exec;
	u32 flags;
	struct drm_gpuvm *vm;
	unsigned int num_fences;
	struct {
		int (*fn)(struct drm_gpuvm_exec *vm_exec);
		void *priv;
	} extra;
};

int drm_gpuvm_prepare_vm(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			 unsigned int num_fences);
int drm_gpuvm_prepare_objects(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			      unsigned int num_fences);
int drm_gpuvm_prepare_range(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			    u64 addr, u64 range, unsigned int num_fences);
int drm_gpuvm_exec_lock(struct drm_gpuvm_exec *vm_exec);
int drm_gpuvm_exec_lock_array(struct drm_gpuvm_exec *vm_exec,
			      struct drm_gem_object **objs, unsigned int num_objs);
int drm_gpuvm_exec_lock_range(struct drm_gpuvm_exec *vm_exec, u64 addr, u64 range);

/**
 * drm_gpuvm_exec_unlock() - drop every lock drm_gpuvm_exec_lock() took
 * @vm_exec: the wrapper.
 */
static inline void drm_gpuvm_exec_unlock(struct drm_gpuvm_exec *vm_exec)
{
	drm_exec_fini(&vm_exec->exec);
}

int drm_gpuvm_validate(struct drm_gpuvm *gpuvm, struct drm_exec *exec);
void drm_gpuvm_resv_add_fence(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			      struct dma_fence *fence,
			      enum dma_resv_usage private_usage,
			      enum dma_resv_usage extobj_usage);

/**
 * drm_gpuvm_exec_resv_add_fence() - drm_gpuvm_resv_add_fence() on a wrapper
 * @vm_exec: the wrapper.
 * @fence: the fence.
 * @private_usage: usage in resvs shared with the VM.
 * @extobj_usage: usage in external objects' resvs.
 */
static inline void drm_gpuvm_exec_resv_add_fence(struct drm_gpuvm_exec *vm_exec,
						 struct dma_fence *fence,
						 enum dma_resv_usage private_usage,
						 enum dma_resv_usage extobj_usage)
{
	drm_gpuvm_resv_add_fence(vm_exec->vm, &vm_exec->exec, fence,
				 private_usage, extobj_usage);
}

/**
 * drm_gpuvm_exec_validate() - drm_gpuvm_validate() on a wrapper
 * @vm_exec: the wrapper.
 *
 * Return: 0 or the first error of &drm_gpuvm_ops.vm_bo_validate.
 */
static inline int drm_gpuvm_exec_validate(struct drm_gpuvm_exec *vm_exec)
{
	return drm_gpuvm_validate(vm_exec->vm, &vm_exec->exec);
}

/**
 * struct drm_gpuvm_bo - the link between one VM and one GEM object
 * @vm: the VM (a reference is held).
 * @obj: the GEM object (a reference is held).
 * @evicted: the object is evicted from this VM; under the object's resv.
 * @kref: reference count; every linked &struct drm_gpuva holds one.
 * @list: list heads.
 * @list.gpuva: the linked mappings; under the GEM's gpuva lock.
 * @list.entry: list entries.
 * @list.entry.gem: link in &drm_gem_object.gpuva.list.
 * @list.entry.extobj: link in &drm_gpuvm.extobj.list.
 * @list.entry.evict: link in &drm_gpuvm.evict.list.
 */
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

struct drm_gpuvm_bo *drm_gpuvm_bo_create(struct drm_gpuvm *gpuvm,
					 struct drm_gem_object *obj);
struct drm_gpuvm_bo *drm_gpuvm_bo_obtain(struct drm_gpuvm *gpuvm,
					 struct drm_gem_object *obj);
struct drm_gpuvm_bo *drm_gpuvm_bo_obtain_prealloc(struct drm_gpuvm_bo *vm_bo);

/**
 * drm_gpuvm_bo_get() - take a reference on a vm_bo
 * @vm_bo: the vm_bo; the caller must already hold a reference.
 *
 * Return: @vm_bo.
 */
static inline struct drm_gpuvm_bo *drm_gpuvm_bo_get(struct drm_gpuvm_bo *vm_bo)
{
	kref_get(&vm_bo->kref);
	return vm_bo;
}

bool drm_gpuvm_bo_put(struct drm_gpuvm_bo *vm_bo);

struct drm_gpuvm_bo *drm_gpuvm_bo_find(struct drm_gpuvm *gpuvm,
				       struct drm_gem_object *obj);

void drm_gpuvm_bo_evict(struct drm_gpuvm_bo *vm_bo, bool evict);

/**
 * drm_gem_for_each_gpuvm_bo() - walk the vm_bos of a GEM object
 * @entry__: the cursor.
 * @obj__: the GEM object; its gpuva list lock must be held.
 */
#define drm_gem_for_each_gpuvm_bo(entry__, obj__) /* shim: kernel: drm_gem.h */ \
	list_for_each_entry(entry__, &(obj__)->gpuva.list, list.entry.gem)

/**
 * drm_gem_for_each_gpuvm_bo_safe() - walk the vm_bos of a GEM object,
 * removal allowed
 * @entry__: the cursor.
 * @next__: temporary storage.
 * @obj__: the GEM object; its gpuva list lock must be held.
 */
#define drm_gem_for_each_gpuvm_bo_safe(entry__, next__, obj__) /* shim: kernel: drm_gem.h */ \
	list_for_each_entry_safe(entry__, next__, &(obj__)->gpuva.list, list.entry.gem)

/**
 * drm_gpuvm_bo_gem_evict() - drm_gpuvm_bo_evict() on every vm_bo of an object
 * @obj: the GEM object; its resv and gpuva list lock must be held.
 * @evict: the new state.
 */
static inline void drm_gpuvm_bo_gem_evict(struct drm_gem_object *obj, bool evict)
{
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		drm_gem_gpuva_assert_lock_held(vm_bo->vm, obj);
		drm_gpuvm_bo_evict(vm_bo, evict);
	}
}

void drm_gpuvm_bo_extobj_add(struct drm_gpuvm_bo *vm_bo);

/**
 * drm_gpuvm_bo_for_each_va() - walk the mappings linked to a vm_bo
 * @va__: the cursor.
 * @vm_bo__: the vm_bo; the GEM's gpuva list lock must be held.
 */
#define drm_gpuvm_bo_for_each_va(va__, vm_bo__) \
	list_for_each_entry(va__, &(vm_bo__)->list.gpuva, gem.entry)

/**
 * drm_gpuvm_bo_for_each_va_safe() - walk the mappings linked to a vm_bo,
 * removal allowed
 * @va__: the cursor.
 * @next__: temporary storage.
 * @vm_bo__: the vm_bo; the GEM's gpuva list lock must be held.
 */
#define drm_gpuvm_bo_for_each_va_safe(va__, next__, vm_bo__) \
	list_for_each_entry_safe(va__, next__, &(vm_bo__)->list.gpuva, gem.entry)

/**
 * enum drm_gpuva_op_type - kind of a &struct drm_gpuva_op
 * @DRM_GPUVA_OP_MAP: insert a new mapping.
 * @DRM_GPUVA_OP_REMAP: split an existing mapping, keeping its head and/or tail.
 * @DRM_GPUVA_OP_UNMAP: remove an existing mapping.
 * @DRM_GPUVA_OP_PREFETCH: prefetch a mapping.
 * @DRM_GPUVA_OP_DRIVER: driver-defined.
 */
enum drm_gpuva_op_type {
	DRM_GPUVA_OP_MAP,
	DRM_GPUVA_OP_REMAP,
	DRM_GPUVA_OP_UNMAP,
	DRM_GPUVA_OP_PREFETCH,
	DRM_GPUVA_OP_DRIVER,
};

/**
 * struct drm_gpuva_op_map - a mapping to create
 * @va: the range.
 * @va.addr: start address.
 * @va.range: length.
 * @gem: the backing.
 * @gem.offset: offset into @gem.obj.
 * @gem.obj: the GEM object.
 */
struct drm_gpuva_op_map {
	struct {
		u64 addr;
		u64 range;
	} va;

	struct {
		u64 offset;
		struct drm_gem_object *obj;
	} gem;
};

/**
 * struct drm_gpuva_op_unmap - a mapping to remove
 * @va: the mapping.
 * @keep: the mapping is contiguous (same object, matching offsets) with the
 *	requested one, so the driver may keep its page table entries.
 */
struct drm_gpuva_op_unmap {
	struct drm_gpuva *va;
	bool keep;
};

/**
 * struct drm_gpuva_op_remap - an existing mapping split by a map or unmap
 * @prev: the part before the request, or NULL.
 * @next: the part after the request, or NULL.
 * @unmap: the removal of the original mapping.
 */
struct drm_gpuva_op_remap {
	struct drm_gpuva_op_map *prev;
	struct drm_gpuva_op_map *next;
	struct drm_gpuva_op_unmap *unmap;
};

/**
 * struct drm_gpuva_op_prefetch - a mapping to prefetch
 * @va: the mapping.
 */
struct drm_gpuva_op_prefetch {
	struct drm_gpuva *va;
};

/**
 * struct drm_gpuva_op - one step of a split/merge sequence
 * @entry: link in &drm_gpuva_ops.list.
 * @op: which member of the union is valid.
 * @map: for DRM_GPUVA_OP_MAP.
 * @remap: for DRM_GPUVA_OP_REMAP.
 * @unmap: for DRM_GPUVA_OP_UNMAP.
 * @prefetch: for DRM_GPUVA_OP_PREFETCH.
 */
struct drm_gpuva_op {
	struct list_head entry;
	enum drm_gpuva_op_type op;
	union {
		struct drm_gpuva_op_map map;
		struct drm_gpuva_op_remap remap;
		struct drm_gpuva_op_unmap unmap;
		struct drm_gpuva_op_prefetch prefetch;
	};
};

/**
 * struct drm_gpuva_ops - a list of &struct drm_gpuva_op
 * @list: the operations, in the order they must be applied.
 */
struct drm_gpuva_ops {
	struct list_head list;
};

#define drm_gpuva_for_each_op(op, ops) list_for_each_entry(op, &(ops)->list, entry)
#define drm_gpuva_for_each_op_safe(op, next, ops) \
	list_for_each_entry_safe(op, next, &(ops)->list, entry)
#define drm_gpuva_for_each_op_reverse(op, ops) \
	list_for_each_entry_reverse(op, &(ops)->list, entry)
#define drm_gpuva_first_op(ops) \
	list_first_entry(&(ops)->list, struct drm_gpuva_op, entry)
#define drm_gpuva_last_op(ops) \
	list_last_entry(&(ops)->list, struct drm_gpuva_op, entry)
#define drm_gpuva_prev_op(op) list_prev_entry(op, entry)
#define drm_gpuva_next_op(op) list_next_entry(op, entry)

/**
 * struct drm_gpuvm_map_req - a map request for drm_gpuvm_sm_map()
 * @map: the mapping to create.
 */
struct drm_gpuvm_map_req {
	struct drm_gpuva_op_map map;
};

struct drm_gpuva_ops *drm_gpuvm_sm_map_ops_create(struct drm_gpuvm *gpuvm,
						  const struct drm_gpuvm_map_req *req);
struct drm_gpuva_ops *drm_gpuvm_sm_unmap_ops_create(struct drm_gpuvm *gpuvm,
						    u64 addr, u64 range);
struct drm_gpuva_ops *drm_gpuvm_prefetch_ops_create(struct drm_gpuvm *gpuvm,
						    u64 addr, u64 range);
struct drm_gpuva_ops *drm_gpuvm_bo_unmap_ops_create(struct drm_gpuvm_bo *vm_bo);
void drm_gpuva_ops_free(struct drm_gpuvm *gpuvm, struct drm_gpuva_ops *ops);

/**
 * drm_gpuva_init_from_op() - set a mapping from a map operation
 * @va: the mapping.
 * @op: the operation.
 */
static inline void drm_gpuva_init_from_op(struct drm_gpuva *va, struct drm_gpuva_op_map *op)
{
	drm_gpuva_init(va, op->va.addr, op->va.range, op->gem.obj, op->gem.offset);
}

/**
 * struct drm_gpuvm_ops - the driver's callbacks
 * @vm_free: frees the VM after its last reference is gone (mandatory).
 * @op_alloc: allocates a &struct drm_gpuva_op (optional).
 * @op_free: frees one from @op_alloc (optional).
 * @vm_bo_alloc: allocates a &struct drm_gpuvm_bo (optional).
 * @vm_bo_free: frees one (optional, kfree() otherwise).
 * @vm_bo_validate: restores an evicted object, from drm_gpuvm_validate().
 * @sm_step_map: the map step of drm_gpuvm_sm_map().
 * @sm_step_remap: the split step of drm_gpuvm_sm_map()/drm_gpuvm_sm_unmap().
 * @sm_step_unmap: the unmap step of drm_gpuvm_sm_map()/drm_gpuvm_sm_unmap().
 */
struct drm_gpuvm_ops {
	void (*vm_free)(struct drm_gpuvm *gpuvm);
	struct drm_gpuva_op *(*op_alloc)(void);
	void (*op_free)(struct drm_gpuva_op *op);
	struct drm_gpuvm_bo *(*vm_bo_alloc)(void);
	void (*vm_bo_free)(struct drm_gpuvm_bo *vm_bo);
	int (*vm_bo_validate)(struct drm_gpuvm_bo *vm_bo, struct drm_exec *exec);
	int (*sm_step_map)(struct drm_gpuva_op *op, void *priv);
	int (*sm_step_remap)(struct drm_gpuva_op *op, void *priv);
	int (*sm_step_unmap)(struct drm_gpuva_op *op, void *priv);
};

int drm_gpuvm_sm_map(struct drm_gpuvm *gpuvm, void *priv,
		     const struct drm_gpuvm_map_req *req);
int drm_gpuvm_sm_unmap(struct drm_gpuvm *gpuvm, void *priv, u64 addr, u64 range);
int drm_gpuvm_sm_map_exec_lock(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			       unsigned int num_fences, struct drm_gpuvm_map_req *req);
int drm_gpuvm_sm_unmap_exec_lock(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
				 u64 req_addr, u64 req_range);

void drm_gpuva_map(struct drm_gpuvm *gpuvm, struct drm_gpuva *va,
		   struct drm_gpuva_op_map *op);
void drm_gpuva_remap(struct drm_gpuva *prev, struct drm_gpuva *next,
		     struct drm_gpuva_op_remap *op);
void drm_gpuva_unmap(struct drm_gpuva_op_unmap *op);

/**
 * drm_gpuva_op_remap_to_unmap_range() - the range a remap leaves unmapped
 * @op: the remap operation.
 * @start_addr: if not NULL, receives the start of the hole.
 * @range: if not NULL, receives its length.
 *
 * The hole is the part of the original mapping covered by neither
 * @op->prev nor @op->next.
 */
static inline void
drm_gpuva_op_remap_to_unmap_range(const struct drm_gpuva_op_remap *op,
				  u64 *start_addr, u64 *range)
{
	const struct drm_gpuva *va = op->unmap->va;
	u64 start = op->prev ? op->prev->va.addr + op->prev->va.range : va->va.addr;
	u64 end = op->next ? op->next->va.addr : va->va.addr + va->va.range;

	if (start_addr)
		*start_addr = start;
	if (range)
		*range = end - start;
}

#endif
