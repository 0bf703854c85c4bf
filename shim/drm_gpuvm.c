// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_gpuvm: GPU VA spaces, their mappings, the VM <-> GEM links (vm_bo),
 * the external-object and evicted-object lists with validation, and the
 * split/merge algorithm turning a map or unmap request into a sequence of
 * map, remap and unmap steps.
 *
 * Locking follows the kernel: the caller serialises VA space updates; the
 * GEM's gpuva list is protected by its gpuva.lock (DRM_GPUVM_IMMEDIATE_MODE)
 * or its resv; the extobj and evict lists by the VM's resv
 * (DRM_GPUVM_RESV_PROTECTED) or by internal spinlocks otherwise.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <drm/drm_gem.h>
#include <drm/drm_exec.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_print.h>

/* Last address covered by a mapping (inclusive), so the top of u64 works. */
static u64 gpuva_last(const struct drm_gpuva *va)
{
	return va->va.addr + va->va.range - 1;
}

/*
 * The extobj and evict lists, named so one set of helpers serves both.
 */
enum vm_bo_list_id {
	VM_BO_LIST_EXTOBJ,
	VM_BO_LIST_EVICT,
};

static struct list_head *vm_bo_list_head(struct drm_gpuvm *gpuvm, enum vm_bo_list_id id)
{
	return id == VM_BO_LIST_EVICT ? &gpuvm->evict.list : &gpuvm->extobj.list;
}

static spinlock_t *vm_bo_list_lock(struct drm_gpuvm *gpuvm, enum vm_bo_list_id id)
{
	return id == VM_BO_LIST_EVICT ? &gpuvm->evict.lock : &gpuvm->extobj.lock;
}

static struct list_head **vm_bo_list_local(struct drm_gpuvm *gpuvm, enum vm_bo_list_id id)
{
	return id == VM_BO_LIST_EVICT ? &gpuvm->evict.local_list : &gpuvm->extobj.local_list;
}

static struct list_head *vm_bo_list_entry(struct drm_gpuvm_bo *vm_bo, enum vm_bo_list_id id)
{
	return id == VM_BO_LIST_EVICT ? &vm_bo->list.entry.evict : &vm_bo->list.entry.extobj;
}

static struct drm_gpuvm_bo *vm_bo_from_entry(struct list_head *entry, enum vm_bo_list_id id)
{
	if (id == VM_BO_LIST_EVICT)
		return container_of(entry, struct drm_gpuvm_bo, list.entry.evict);
	return container_of(entry, struct drm_gpuvm_bo, list.entry.extobj);
}

/* Put @vm_bo on list @id unless it already is; @locked takes the spinlock. */
static void vm_bo_list_add(struct drm_gpuvm_bo *vm_bo, enum vm_bo_list_id id, bool locked)
{
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	struct list_head *entry = vm_bo_list_entry(vm_bo, id);

	if (locked)
		spin_lock(vm_bo_list_lock(gpuvm, id));
	if (list_empty(entry))
		list_add_tail(entry, vm_bo_list_head(gpuvm, id));
	if (locked)
		spin_unlock(vm_bo_list_lock(gpuvm, id));
}

/*
 * Take @vm_bo off list @id. @reinit leaves the entry reusable (and tolerates
 * an entry that is on no list); without it the entry is simply unlinked.
 */
static void vm_bo_list_del(struct drm_gpuvm_bo *vm_bo, enum vm_bo_list_id id, bool locked,
			   bool reinit)
{
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	struct list_head *entry = vm_bo_list_entry(vm_bo, id);

	if (locked)
		spin_lock(vm_bo_list_lock(gpuvm, id));
	if (!reinit)
		list_del(entry);
	else if (!list_empty(entry))
		list_del_init(entry);
	if (locked)
		spin_unlock(vm_bo_list_lock(gpuvm, id));
}

/*
 * Walking list @id without the VM resv (not RESV_PROTECTED): each step drops
 * the reference on the previous element, then, under the spinlock, moves the
 * next live element to the caller's @local list and takes a reference on it,
 * so the list lock is not held while the caller works on the element and
 * concurrent additions and removals stay possible. Elements whose refcount
 * already reached zero are unlinked and skipped.
 */
static struct drm_gpuvm_bo *vm_bo_list_next(struct drm_gpuvm *gpuvm, enum vm_bo_list_id id,
					    struct list_head *local,
					    struct drm_gpuvm_bo *prev)
{
	struct list_head *head = vm_bo_list_head(gpuvm, id);
	struct list_head **local_list = vm_bo_list_local(gpuvm, id);
	spinlock_t *lock = vm_bo_list_lock(gpuvm, id);
	struct drm_gpuvm_bo *vm_bo = NULL;

	drm_gpuvm_bo_put(prev);

	spin_lock(lock);
	if (!*local_list)
		*local_list = local;
	else
		drm_WARN_ON(gpuvm->drm, *local_list != local);

	while (!list_empty(head)) {
		struct list_head *entry = head->next;

		vm_bo = vm_bo_from_entry(entry, id);
		if (kref_get_unless_zero(&vm_bo->kref)) {
			list_move_tail(entry, local);
			break;
		}
		list_del_init(entry);
		vm_bo = NULL;
	}
	spin_unlock(lock);

	return vm_bo;
}

/* End of such a walk: the walked elements go back, ahead of the others. */
static void vm_bo_list_restore(struct drm_gpuvm *gpuvm, enum vm_bo_list_id id)
{
	struct list_head **local_list = vm_bo_list_local(gpuvm, id);
	spinlock_t *lock = vm_bo_list_lock(gpuvm, id);

	spin_lock(lock);
	if (*local_list) {
		list_splice(*local_list, vm_bo_list_head(gpuvm, id));
		*local_list = NULL;
	}
	spin_unlock(lock);
}

static bool drm_gpuvm_check_overflow(u64 addr, u64 range)
{
	u64 end;

	return check_add_overflow(addr, range, &end);
}

static bool drm_gpuvm_warn_check_overflow(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	return drm_WARN(gpuvm->drm, drm_gpuvm_check_overflow(addr, range),
			"GPUVA range at %llx of %llx bytes overflows u64\n",
			(unsigned long long)addr, (unsigned long long)range);
}

static bool drm_gpuvm_in_mm_range(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	u64 mm_end = gpuvm->mm_start + gpuvm->mm_range;

	return addr >= gpuvm->mm_start && addr + range <= mm_end;
}

static bool drm_gpuvm_in_kernel_node(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	u64 kstart = gpuvm->kernel_alloc_node.va.addr;
	u64 krange = gpuvm->kernel_alloc_node.va.range;

	return krange && addr < kstart + krange && kstart < addr + range;
}

/**
 * drm_gpuvm_range_valid() - can a range be mapped in a VM?
 * @gpuvm: the VM.
 * @addr: start address.
 * @range: length.
 *
 * Return: true when the range does not overflow, lies inside the VM's
 * managed range and does not touch the kernel reserved range.
 */
bool drm_gpuvm_range_valid(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	return !drm_gpuvm_check_overflow(addr, range) &&
	       drm_gpuvm_in_mm_range(gpuvm, addr, range) &&
	       !drm_gpuvm_in_kernel_node(gpuvm, addr, range);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_range_valid);

static void drm_gpuvm_resv_obj_free(struct drm_gem_object *obj)
{
	drm_gem_object_release(obj);
	kfree(obj);
}

static const struct drm_gem_object_funcs drm_gpuvm_resv_obj_funcs = {
	.free = drm_gpuvm_resv_obj_free,
};

/**
 * drm_gpuvm_resv_object_alloc() - allocate a GEM object that only carries a
 * dma_resv, to serve as a VM's r_obj
 * @drm: the device.
 *
 * Return: the object with one reference, or NULL.
 */
struct drm_gem_object *drm_gpuvm_resv_object_alloc(struct drm_device *drm)
{
	struct drm_gem_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return NULL;

	obj->funcs = &drm_gpuvm_resv_obj_funcs;
	drm_gem_private_object_init(drm, obj, 0);
	return obj;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_resv_object_alloc);

static int __drm_gpuva_insert(struct drm_gpuvm *gpuvm, struct drm_gpuva *va);
static void __drm_gpuva_remove(struct drm_gpuva *va);

/**
 * drm_gpuvm_init() - initialise a VM
 * @gpuvm: the VM, zeroed by the caller.
 * @name: its name (owned by the caller), or NULL.
 * @flags: &enum drm_gpuvm_flags.
 * @drm: the device.
 * @r_obj: the GEM object whose resv is the VM's common resv; a reference
 *	is taken.
 * @start_offset: start of the managed VA range.
 * @range: length of the managed VA range.
 * @reserve_offset: start of a range reserved for the kernel.
 * @reserve_range: its length, 0 for none.
 * @ops: the driver's callbacks.
 *
 * The VM starts with one reference.
 */
void drm_gpuvm_init(struct drm_gpuvm *gpuvm, const char *name,
		    enum drm_gpuvm_flags flags,
		    struct drm_device *drm,
		    struct drm_gem_object *r_obj,
		    u64 start_offset, u64 range,
		    u64 reserve_offset, u64 reserve_range,
		    const struct drm_gpuvm_ops *ops)
{
	gpuvm->rb.tree = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&gpuvm->rb.list);

	INIT_LIST_HEAD(&gpuvm->extobj.list);
	gpuvm->extobj.local_list = NULL;
	spin_lock_init(&gpuvm->extobj.lock);

	INIT_LIST_HEAD(&gpuvm->evict.list);
	gpuvm->evict.local_list = NULL;
	spin_lock_init(&gpuvm->evict.lock);

	kref_init(&gpuvm->kref);

	gpuvm->name = name ? name : "unknown";
	gpuvm->flags = flags;
	gpuvm->ops = ops;
	gpuvm->drm = drm;
	gpuvm->r_obj = r_obj;
	drm_gem_object_get(r_obj);

	drm_gpuvm_warn_check_overflow(gpuvm, start_offset, range);
	gpuvm->mm_start = start_offset;
	gpuvm->mm_range = range;

	memset(&gpuvm->kernel_alloc_node, 0, sizeof(gpuvm->kernel_alloc_node));
	RB_CLEAR_NODE(&gpuvm->kernel_alloc_node.rb.node);
	if (reserve_range) {
		gpuvm->kernel_alloc_node.va.addr = reserve_offset;
		gpuvm->kernel_alloc_node.va.range = reserve_range;
		if (!drm_gpuvm_warn_check_overflow(gpuvm, reserve_offset, reserve_range))
			__drm_gpuva_insert(gpuvm, &gpuvm->kernel_alloc_node);
	}
}
EXPORT_SYMBOL_GPL(drm_gpuvm_init);

static void drm_gpuvm_fini(struct drm_gpuvm *gpuvm)
{
	gpuvm->name = NULL;

	if (!RB_EMPTY_NODE(&gpuvm->kernel_alloc_node.rb.node))
		__drm_gpuva_remove(&gpuvm->kernel_alloc_node);

	drm_WARN(gpuvm->drm, !RB_EMPTY_ROOT(&gpuvm->rb.tree.rb_root),
		 "VM freed with mappings still inserted\n");
	drm_WARN(gpuvm->drm, !list_empty(&gpuvm->extobj.list),
		 "VM freed with a non-empty extobj list\n");
	drm_WARN(gpuvm->drm, !list_empty(&gpuvm->evict.list),
		 "VM freed with a non-empty evict list\n");

	drm_gem_object_put(gpuvm->r_obj);
}

static void drm_gpuvm_free(struct kref *kref)
{
	struct drm_gpuvm *gpuvm = container_of(kref, struct drm_gpuvm, kref);

	drm_gpuvm_fini(gpuvm);

	if (drm_WARN_ON(gpuvm->drm, !gpuvm->ops->vm_free))
		return;

	gpuvm->ops->vm_free(gpuvm);
}

/**
 * drm_gpuvm_put() - drop a reference on a VM
 * @gpuvm: the VM, or NULL.
 *
 * The last reference checks that the VM holds no mapping and no extobj or
 * evicted vm_bo (WARNing otherwise), drops the r_obj reference and hands
 * the VM to &drm_gpuvm_ops.vm_free.
 */
void drm_gpuvm_put(struct drm_gpuvm *gpuvm)
{
	if (gpuvm)
		kref_put(&gpuvm->kref, drm_gpuvm_free);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_put);

/* With no fence slot to reserve, only lock. */
static int exec_prepare_obj(struct drm_exec *exec, struct drm_gem_object *obj,
			    unsigned int num_fences)
{
	if (num_fences)
		return drm_exec_prepare_obj(exec, obj, num_fences);
	return drm_exec_lock_obj(exec, obj);
}

/**
 * drm_gpuvm_prepare_vm() - lock the VM's common resv in a drm_exec context
 * @gpuvm: the VM.
 * @exec: the context.
 * @num_fences: fence slots to reserve; 0 only locks.
 *
 * Return: 0 or a negative errno (-EDEADLK handled by the drm_exec loop).
 */
int drm_gpuvm_prepare_vm(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			 unsigned int num_fences)
{
	return exec_prepare_obj(exec, gpuvm->r_obj, num_fences);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_prepare_vm);

static int prepare_objects_unlocked(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
				    unsigned int num_fences)
{
	struct drm_gpuvm_bo *vm_bo = NULL;
	LIST_HEAD(walked);
	int ret = 0;

	while ((vm_bo = vm_bo_list_next(gpuvm, VM_BO_LIST_EXTOBJ, &walked, vm_bo))) {
		ret = exec_prepare_obj(exec, vm_bo->obj, num_fences);
		if (ret)
			break;
	}
	drm_gpuvm_bo_put(vm_bo);
	vm_bo_list_restore(gpuvm, VM_BO_LIST_EXTOBJ);

	return ret;
}

static int prepare_objects_locked(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
				  unsigned int num_fences)
{
	struct drm_gpuvm_bo *vm_bo;
	int ret;

	drm_gpuvm_resv_assert_held(gpuvm);
	list_for_each_entry(vm_bo, &gpuvm->extobj.list, list.entry.extobj) {
		ret = exec_prepare_obj(exec, vm_bo->obj, num_fences);
		if (ret)
			return ret;

		/* Now that both resvs are held, an evicted extobj can go on the list. */
		if (vm_bo->evicted)
			vm_bo_list_add(vm_bo, VM_BO_LIST_EVICT, false);
	}

	return 0;
}

/**
 * drm_gpuvm_prepare_objects() - lock the resv of every external object of a VM
 * @gpuvm: the VM.
 * @exec: the context.
 * @num_fences: fence slots to reserve; 0 only locks.
 *
 * With DRM_GPUVM_RESV_PROTECTED the VM's resv must already be locked in
 * @exec (drm_gpuvm_prepare_vm()), and each evicted vm_bo of an external
 * object is put on the evict list once its object is locked: that is the
 * only way such a vm_bo reaches the list in this mode. Concurrent calls for
 * one VM must be excluded by the caller.
 *
 * Return: 0 or a negative errno.
 */
int drm_gpuvm_prepare_objects(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			      unsigned int num_fences)
{
	if (drm_gpuvm_resv_protected(gpuvm))
		return prepare_objects_locked(gpuvm, exec, num_fences);
	return prepare_objects_unlocked(gpuvm, exec, num_fences);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_prepare_objects);

/**
 * drm_gpuvm_prepare_range() - lock the objects mapped in a VA range
 * @gpuvm: the VM.
 * @exec: the context.
 * @addr: start of the range.
 * @range: its length.
 * @num_fences: fence slots to reserve; 0 only locks.
 *
 * Return: 0 or a negative errno.
 */
int drm_gpuvm_prepare_range(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			    u64 addr, u64 range, unsigned int num_fences)
{
	u64 end = addr + range;
	struct drm_gpuva *va;
	int ret;

	drm_gpuvm_for_each_va_range(va, gpuvm, addr, end) {
		ret = exec_prepare_obj(exec, va->gem.obj, num_fences);
		if (ret)
			return ret;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_prepare_range);

/**
 * drm_gpuvm_exec_lock() - lock a VM's resv and all its external objects
 * @vm_exec: the wrapper; @vm_exec->extra.fn, if set, locks more objects.
 *
 * On success the locks stay held until drm_gpuvm_exec_unlock().
 *
 * Return: 0 or a negative errno (the context is already finished then).
 */
int drm_gpuvm_exec_lock(struct drm_gpuvm_exec *vm_exec)
{
	struct drm_gpuvm *gpuvm = vm_exec->vm;
	struct drm_exec *exec = &vm_exec->exec;
	unsigned int num_fences = vm_exec->num_fences;
	int ret;

	drm_exec_init(exec, vm_exec->flags, 0);

	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_prepare_vm(gpuvm, exec, num_fences);
		drm_exec_retry_on_contention(exec);
		if (ret)
			goto err;

		ret = drm_gpuvm_prepare_objects(gpuvm, exec, num_fences);
		drm_exec_retry_on_contention(exec);
		if (ret)
			goto err;

		if (vm_exec->extra.fn) {
			ret = vm_exec->extra.fn(vm_exec);
			drm_exec_retry_on_contention(exec);
			if (ret)
				goto err;
		}
	}

	return 0;

err:
	drm_exec_fini(exec);
	return ret;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_exec_lock);

struct exec_lock_array_args {
	struct drm_gem_object **objs;
	unsigned int num_objs;
};

static int exec_lock_array_fn(struct drm_gpuvm_exec *vm_exec)
{
	struct exec_lock_array_args *args = vm_exec->extra.priv;

	return drm_exec_prepare_array(&vm_exec->exec, args->objs, args->num_objs,
				      vm_exec->num_fences);
}

/**
 * drm_gpuvm_exec_lock_array() - drm_gpuvm_exec_lock() plus an array of objects
 * @vm_exec: the wrapper; its extra callback is overwritten.
 * @objs: more objects to lock.
 * @num_objs: how many.
 *
 * Return: 0 or a negative errno.
 */
int drm_gpuvm_exec_lock_array(struct drm_gpuvm_exec *vm_exec,
			      struct drm_gem_object **objs, unsigned int num_objs)
{
	struct exec_lock_array_args args = { .objs = objs, .num_objs = num_objs };

	vm_exec->extra.fn = exec_lock_array_fn;
	vm_exec->extra.priv = &args;

	return drm_gpuvm_exec_lock(vm_exec);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_exec_lock_array);

/**
 * drm_gpuvm_exec_lock_range() - lock the objects mapped in a VA range
 * @vm_exec: the wrapper.
 * @addr: start of the range.
 * @range: its length.
 *
 * Return: 0 or a negative errno (the context is already finished then).
 */
int drm_gpuvm_exec_lock_range(struct drm_gpuvm_exec *vm_exec, u64 addr, u64 range)
{
	struct drm_gpuvm *gpuvm = vm_exec->vm;
	struct drm_exec *exec = &vm_exec->exec;
	int ret = 0;

	drm_exec_init(exec, vm_exec->flags, 0);

	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_prepare_range(gpuvm, exec, addr, range, vm_exec->num_fences);
		drm_exec_retry_on_contention(exec);
		if (ret)
			goto err;
	}

	return ret;

err:
	drm_exec_fini(exec);
	return ret;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_exec_lock_range);

static int validate_unlocked(struct drm_gpuvm *gpuvm, struct drm_exec *exec)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;
	struct drm_gpuvm_bo *vm_bo = NULL;
	LIST_HEAD(walked);
	int ret = 0;

	while ((vm_bo = vm_bo_list_next(gpuvm, VM_BO_LIST_EVICT, &walked, vm_bo))) {
		ret = ops->vm_bo_validate(vm_bo, exec);
		if (ret)
			break;
	}
	drm_gpuvm_bo_put(vm_bo);
	vm_bo_list_restore(gpuvm, VM_BO_LIST_EVICT);

	return ret;
}

static int validate_locked(struct drm_gpuvm *gpuvm, struct drm_exec *exec)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;
	struct drm_gpuvm_bo *vm_bo, *next;
	int ret;

	drm_gpuvm_resv_assert_held(gpuvm);

	list_for_each_entry_safe(vm_bo, next, &gpuvm->evict.list, list.entry.evict) {
		ret = ops->vm_bo_validate(vm_bo, exec);
		if (ret)
			return ret;

		dma_resv_assert_held(vm_bo->obj->resv);
		/* An extobj's drm_gpuvm_bo_evict(false) leaves it on the list. */
		if (!vm_bo->evicted)
			vm_bo_list_del(vm_bo, VM_BO_LIST_EVICT, false, true);
	}

	return 0;
}

/**
 * drm_gpuvm_validate() - validate every evicted object of a VM
 * @gpuvm: the VM.
 * @exec: the context holding the VM's locks.
 *
 * Calls &drm_gpuvm_ops.vm_bo_validate for each vm_bo on the evict list,
 * stopping at the first error. The callback may take its vm_bo off the list
 * with drm_gpuvm_bo_evict(vm_bo, false); a vm_bo no longer marked evicted
 * after the callback leaves the list in any case.
 *
 * Return: 0, -EOPNOTSUPP without a vm_bo_validate callback, or the first
 * error the callback returned.
 */
int drm_gpuvm_validate(struct drm_gpuvm *gpuvm, struct drm_exec *exec)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;

	if (unlikely(!ops || !ops->vm_bo_validate))
		return -EOPNOTSUPP;

	if (drm_gpuvm_resv_protected(gpuvm))
		return validate_locked(gpuvm, exec);
	return validate_unlocked(gpuvm, exec);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_validate);

/**
 * drm_gpuvm_resv_add_fence() - add a fence to every resv locked in a context
 * @gpuvm: the VM.
 * @exec: the context.
 * @fence: the fence.
 * @private_usage: usage in resvs that are the VM's common resv.
 * @extobj_usage: usage in external objects' resvs.
 *
 * The slots must have been reserved (num_fences of the prepare helpers).
 */
void drm_gpuvm_resv_add_fence(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			      struct dma_fence *fence,
			      enum dma_resv_usage private_usage,
			      enum dma_resv_usage extobj_usage)
{
	struct drm_gem_object *obj;
	unsigned long index;

	drm_exec_for_each_locked_object(exec, index, obj) {
		dma_resv_assert_held(obj->resv);
		dma_resv_add_fence(obj->resv, fence,
				   drm_gpuvm_is_extobj(gpuvm, obj) ? extobj_usage : private_usage);
	}
}
EXPORT_SYMBOL_GPL(drm_gpuvm_resv_add_fence);

/**
 * drm_gpuvm_bo_create() - allocate a vm_bo for a VM and a GEM object
 * @gpuvm: the VM; a reference is taken.
 * @obj: the GEM object; a reference is taken.
 *
 * The vm_bo is not yet on the object's gpuva list; see
 * drm_gpuvm_bo_obtain_prealloc(). Uses &drm_gpuvm_ops.vm_bo_alloc if set.
 *
 * Return: the vm_bo with one reference, or NULL.
 */
struct drm_gpuvm_bo *drm_gpuvm_bo_create(struct drm_gpuvm *gpuvm, struct drm_gem_object *obj)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;
	struct drm_gpuvm_bo *vm_bo;

	if (ops && ops->vm_bo_alloc)
		vm_bo = ops->vm_bo_alloc();
	else
		vm_bo = kzalloc(sizeof(*vm_bo), GFP_KERNEL);
	if (unlikely(!vm_bo))
		return NULL;

	vm_bo->vm = drm_gpuvm_get(gpuvm);
	vm_bo->obj = obj;
	drm_gem_object_get(obj);

	kref_init(&vm_bo->kref);
	INIT_LIST_HEAD(&vm_bo->list.gpuva);
	INIT_LIST_HEAD(&vm_bo->list.entry.gem);
	INIT_LIST_HEAD(&vm_bo->list.entry.extobj);
	INIT_LIST_HEAD(&vm_bo->list.entry.evict);

	return vm_bo;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_create);

static void drm_gpuvm_bo_destroy(struct kref *kref)
{
	struct drm_gpuvm_bo *vm_bo = container_of(kref, struct drm_gpuvm_bo, kref);
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	const struct drm_gpuvm_ops *ops = gpuvm->ops;
	struct drm_gem_object *obj = vm_bo->obj;
	bool locked = !drm_gpuvm_resv_protected(gpuvm);

	if (!locked)
		drm_gpuvm_resv_assert_held(gpuvm);

	vm_bo_list_del(vm_bo, VM_BO_LIST_EXTOBJ, locked, false);
	vm_bo_list_del(vm_bo, VM_BO_LIST_EVICT, locked, false);

	drm_gem_gpuva_assert_lock_held(gpuvm, obj);
	list_del(&vm_bo->list.entry.gem);

	if (ops && ops->vm_bo_free)
		ops->vm_bo_free(vm_bo);
	else
		kfree(vm_bo);

	drm_gpuvm_put(gpuvm);
	drm_gem_object_put(obj);
}

/**
 * drm_gpuvm_bo_put() - drop a reference on a vm_bo
 * @vm_bo: the vm_bo, or NULL.
 *
 * The last reference takes the vm_bo off the object's gpuva list (whose
 * lock must then be held) and off the VM's extobj and evict lists (the VM
 * resv must be held with DRM_GPUVM_RESV_PROTECTED), frees it through
 * &drm_gpuvm_ops.vm_bo_free or kfree(), and drops its VM and GEM
 * references. Might sleep.
 *
 * Return: true if the vm_bo was freed.
 */
bool drm_gpuvm_bo_put(struct drm_gpuvm_bo *vm_bo)
{
	might_sleep();

	if (!vm_bo)
		return false;
	return kref_put(&vm_bo->kref, drm_gpuvm_bo_destroy);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_put);

static struct drm_gpuvm_bo *__drm_gpuvm_bo_find(struct drm_gpuvm *gpuvm,
						struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_gpuva_assert_lock_held(gpuvm, obj);
	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		if (vm_bo->vm == gpuvm)
			return vm_bo;
	}

	return NULL;
}

/**
 * drm_gpuvm_bo_find() - look up the vm_bo of a VM and a GEM object
 * @gpuvm: the VM.
 * @obj: the GEM object; its gpuva list lock must be held.
 *
 * Return: the vm_bo with a new reference, or NULL.
 */
struct drm_gpuvm_bo *drm_gpuvm_bo_find(struct drm_gpuvm *gpuvm, struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo = __drm_gpuvm_bo_find(gpuvm, obj);

	return vm_bo ? drm_gpuvm_bo_get(vm_bo) : NULL;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_find);

/**
 * drm_gpuvm_bo_obtain() - find or create the vm_bo of a VM and a GEM object
 * @gpuvm: the VM.
 * @obj: the GEM object; its gpuva list lock must be held.
 *
 * A new vm_bo is added to the object's gpuva list.
 *
 * Return: the vm_bo with a new reference, or ERR_PTR(-ENOMEM).
 */
struct drm_gpuvm_bo *drm_gpuvm_bo_obtain(struct drm_gpuvm *gpuvm, struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_find(gpuvm, obj);

	if (vm_bo)
		return vm_bo;

	vm_bo = drm_gpuvm_bo_create(gpuvm, obj);
	if (!vm_bo)
		return ERR_PTR(-ENOMEM);

	drm_gem_gpuva_assert_lock_held(gpuvm, obj);
	list_add_tail(&vm_bo->list.entry.gem, &obj->gpuva.list);

	return vm_bo;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_obtain);

/**
 * drm_gpuvm_bo_obtain_prealloc() - find the vm_bo of a VM and a GEM object,
 * or install a preallocated one
 * @__vm_bo: a vm_bo from drm_gpuvm_bo_create(); its reference is consumed.
 *
 * The object's gpuva list lock must be held. If a vm_bo for the same VM
 * and object exists, @__vm_bo is put and the existing one is returned with
 * a new reference; otherwise @__vm_bo is added to the object's gpuva list
 * and returned.
 *
 * Return: the vm_bo to use.
 */
struct drm_gpuvm_bo *drm_gpuvm_bo_obtain_prealloc(struct drm_gpuvm_bo *__vm_bo)
{
	struct drm_gpuvm *gpuvm = __vm_bo->vm;
	struct drm_gem_object *obj = __vm_bo->obj;
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_find(gpuvm, obj);

	if (vm_bo) {
		drm_gpuvm_bo_put(__vm_bo);
		return vm_bo;
	}

	drm_gem_gpuva_assert_lock_held(gpuvm, obj);
	list_add_tail(&__vm_bo->list.entry.gem, &obj->gpuva.list);

	return __vm_bo;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_obtain_prealloc);

/**
 * drm_gpuvm_bo_extobj_add() - put a vm_bo on its VM's extobj list
 * @vm_bo: the vm_bo.
 *
 * Nothing happens if the object shares the VM's resv or the vm_bo is on
 * the list already. With DRM_GPUVM_RESV_PROTECTED the VM resv must be held.
 */
void drm_gpuvm_bo_extobj_add(struct drm_gpuvm_bo *vm_bo)
{
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	bool locked = !drm_gpuvm_resv_protected(gpuvm);

	if (!locked)
		drm_gpuvm_resv_assert_held(gpuvm);

	if (drm_gpuvm_is_extobj(gpuvm, vm_bo->obj))
		vm_bo_list_add(vm_bo, VM_BO_LIST_EXTOBJ, locked);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_extobj_add);

/**
 * drm_gpuvm_bo_evict() - mark a vm_bo evicted or not
 * @vm_bo: the vm_bo; its object's resv must be held.
 * @evict: the new state.
 *
 * Sets @vm_bo->evicted and adds the vm_bo to, or removes it from, the VM's
 * evict list. With DRM_GPUVM_RESV_PROTECTED an external object's vm_bo is
 * only marked: the evict list is under the VM resv, which the caller need
 * not hold, so drm_gpuvm_prepare_objects() moves it there later.
 */
void drm_gpuvm_bo_evict(struct drm_gpuvm_bo *vm_bo, bool evict)
{
	struct drm_gpuvm *gpuvm = vm_bo->vm;
	struct drm_gem_object *obj = vm_bo->obj;
	bool locked = !drm_gpuvm_resv_protected(gpuvm);

	dma_resv_assert_held(obj->resv);
	vm_bo->evicted = evict;

	if (drm_gpuvm_is_extobj(gpuvm, obj) && !locked)
		return;

	if (evict)
		vm_bo_list_add(vm_bo, VM_BO_LIST_EVICT, locked);
	else
		vm_bo_list_del(vm_bo, VM_BO_LIST_EVICT, locked, true);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_evict);

static struct drm_gpuva *to_gpuva(struct rb_node *node)
{
	return rb_entry(node, struct drm_gpuva, rb.node);
}

/*
 * The first mapping overlapping [@first, @last], i.e. the one with the
 * lowest address: mappings never overlap, so their starts and their ends
 * grow together in tree order, and the lowest mapping ending at or after
 * @first is the only candidate.
 */
static struct drm_gpuva *gpuva_first_overlap(struct drm_gpuvm *gpuvm, u64 first, u64 last)
{
	struct rb_node *node = gpuvm->rb.tree.rb_root.rb_node;
	struct drm_gpuva *found = NULL;

	while (node) {
		struct drm_gpuva *va = to_gpuva(node);

		if (gpuva_last(va) >= first) {
			found = va;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}

	return found && found->va.addr <= last ? found : NULL;
}

static int __drm_gpuva_insert(struct drm_gpuvm *gpuvm, struct drm_gpuva *va)
{
	struct rb_node **link = &gpuvm->rb.tree.rb_root.rb_node;
	struct rb_node *parent = NULL, *next;
	bool leftmost = true;

	if (gpuva_first_overlap(gpuvm, va->va.addr, gpuva_last(va)))
		return -EEXIST;

	while (*link) {
		parent = *link;
		if (va->va.addr < to_gpuva(parent)->va.addr) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}

	va->vm = gpuvm;
	rb_link_node(&va->rb.node, parent, link);
	rb_insert_color_cached(&va->rb.node, &gpuvm->rb.tree, leftmost);

	/* The list follows tree order: insert before the next mapping. */
	next = rb_next(&va->rb.node);
	list_add_tail(&va->rb.entry, next ? &to_gpuva(next)->rb.entry : &gpuvm->rb.list);

	return 0;
}

/**
 * drm_gpuva_insert() - insert a mapping into a VM
 * @gpuvm: the VM.
 * @va: the mapping, with its range set.
 *
 * Each inserted mapping holds a VM reference. Safe inside the _safe
 * iterators.
 *
 * Return: 0, -EINVAL for a range drm_gpuvm_range_valid() refuses, or
 * -EEXIST when it overlaps an inserted mapping.
 */
int drm_gpuva_insert(struct drm_gpuvm *gpuvm, struct drm_gpuva *va)
{
	int ret;

	if (unlikely(!drm_gpuvm_range_valid(gpuvm, va->va.addr, va->va.range)))
		return -EINVAL;

	ret = __drm_gpuva_insert(gpuvm, va);
	if (likely(!ret))
		drm_gpuvm_get(gpuvm);

	return ret;
}
EXPORT_SYMBOL_GPL(drm_gpuva_insert);

static void __drm_gpuva_remove(struct drm_gpuva *va)
{
	rb_erase_cached(&va->rb.node, &va->vm->rb.tree);
	RB_CLEAR_NODE(&va->rb.node);
	list_del_init(&va->rb.entry);
}

/**
 * drm_gpuva_remove() - remove a mapping from its VM
 * @va: the mapping.
 *
 * Drops the VM reference the mapping held. The kernel reserved node cannot
 * be removed (WARN). Safe inside the _safe iterators.
 */
void drm_gpuva_remove(struct drm_gpuva *va)
{
	struct drm_gpuvm *gpuvm = va->vm;

	if (unlikely(va == &gpuvm->kernel_alloc_node)) {
		drm_WARN(gpuvm->drm, 1, "the kernel reserved node cannot be removed\n");
		return;
	}

	__drm_gpuva_remove(va);
	drm_gpuvm_put(gpuvm);
}
EXPORT_SYMBOL_GPL(drm_gpuva_remove);

/**
 * drm_gpuva_link() - link an inserted mapping to its vm_bo
 * @va: the mapping; nothing is done if it has no GEM object.
 * @vm_bo: the vm_bo of the mapping's VM and object; a reference is taken.
 *
 * The object's gpuva list lock must be held.
 */
void drm_gpuva_link(struct drm_gpuva *va, struct drm_gpuvm_bo *vm_bo)
{
	struct drm_gem_object *obj = va->gem.obj;
	struct drm_gpuvm *gpuvm = va->vm;

	if (unlikely(!obj))
		return;

	drm_WARN_ON(gpuvm->drm, obj != vm_bo->obj);

	va->vm_bo = drm_gpuvm_bo_get(vm_bo);

	drm_gem_gpuva_assert_lock_held(gpuvm, obj);
	list_add_tail(&va->gem.entry, &vm_bo->list.gpuva);
}
EXPORT_SYMBOL_GPL(drm_gpuva_link);

/**
 * drm_gpuva_unlink() - unlink a mapping from its vm_bo
 * @va: the mapping; nothing is done if it has no GEM object.
 *
 * Drops the vm_bo reference the mapping held, which may free the vm_bo
 * (see drm_gpuvm_bo_put()). The object's gpuva list lock must be held.
 */
void drm_gpuva_unlink(struct drm_gpuva *va)
{
	struct drm_gem_object *obj = va->gem.obj;
	struct drm_gpuvm_bo *vm_bo = va->vm_bo;

	if (unlikely(!obj))
		return;

	drm_gem_gpuva_assert_lock_held(va->vm, obj);
	list_del_init(&va->gem.entry);

	va->vm_bo = NULL;
	drm_gpuvm_bo_put(vm_bo);
}
EXPORT_SYMBOL_GPL(drm_gpuva_unlink);

/**
 * drm_gpuva_find_first() - the lowest mapping overlapping a range
 * @gpuvm: the VM.
 * @addr: start of the range.
 * @range: its length.
 *
 * Return: the mapping, or NULL.
 */
struct drm_gpuva *drm_gpuva_find_first(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	return gpuva_first_overlap(gpuvm, addr, addr + range - 1);
}
EXPORT_SYMBOL_GPL(drm_gpuva_find_first);

/**
 * drm_gpuva_find() - the mapping covering exactly a range
 * @gpuvm: the VM.
 * @addr: start address.
 * @range: length.
 *
 * Return: the mapping, or NULL.
 */
struct drm_gpuva *drm_gpuva_find(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	struct drm_gpuva *va = drm_gpuva_find_first(gpuvm, addr, range);

	if (!va || va->va.addr != addr || va->va.range != range)
		return NULL;
	return va;
}
EXPORT_SYMBOL_GPL(drm_gpuva_find);

/**
 * drm_gpuva_find_prev() - the mapping ending right where another starts
 * @gpuvm: the VM.
 * @start: the start address.
 *
 * Return: the mapping covering @start - 1 (and possibly @start), or NULL.
 */
struct drm_gpuva *drm_gpuva_find_prev(struct drm_gpuvm *gpuvm, u64 start)
{
	if (!drm_gpuvm_range_valid(gpuvm, start - 1, 1))
		return NULL;
	return gpuva_first_overlap(gpuvm, start - 1, start);
}
EXPORT_SYMBOL_GPL(drm_gpuva_find_prev);

/**
 * drm_gpuva_find_next() - the mapping starting right where another ends
 * @gpuvm: the VM.
 * @end: the end address (exclusive).
 *
 * Return: the mapping covering @end (or @end + 1), or NULL.
 */
struct drm_gpuva *drm_gpuva_find_next(struct drm_gpuvm *gpuvm, u64 end)
{
	if (!drm_gpuvm_range_valid(gpuvm, end, 1))
		return NULL;
	return gpuva_first_overlap(gpuvm, end, end + 1);
}
EXPORT_SYMBOL_GPL(drm_gpuva_find_next);

/**
 * drm_gpuvm_interval_empty() - is nothing mapped in a range?
 * @gpuvm: the VM.
 * @addr: start of the range.
 * @range: its length.
 *
 * Return: true when no mapping overlaps the range.
 */
bool drm_gpuvm_interval_empty(struct drm_gpuvm *gpuvm, u64 addr, u64 range)
{
	return !drm_gpuva_find_first(gpuvm, addr, range);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_interval_empty);

/**
 * drm_gpuva_map() - set up a mapping from a map operation and insert it
 * @gpuvm: the VM.
 * @va: the mapping.
 * @op: the operation.
 */
void drm_gpuva_map(struct drm_gpuvm *gpuvm, struct drm_gpuva *va, struct drm_gpuva_op_map *op)
{
	drm_gpuva_init_from_op(va, op);
	drm_gpuva_insert(gpuvm, va);
}
EXPORT_SYMBOL_GPL(drm_gpuva_map);

/**
 * drm_gpuva_remap() - apply a remap operation to the VA space
 * @prev: the mapping for @op->prev (unused when that is NULL).
 * @next: the mapping for @op->next (unused when that is NULL).
 * @op: the operation.
 *
 * Removes the original mapping and inserts the parts that remain. Linking
 * is left to the caller.
 */
void drm_gpuva_remap(struct drm_gpuva *prev, struct drm_gpuva *next,
		     struct drm_gpuva_op_remap *op)
{
	struct drm_gpuva *va = op->unmap->va;
	struct drm_gpuvm *gpuvm = va->vm;

	drm_gpuva_remove(va);

	if (op->prev) {
		drm_gpuva_init_from_op(prev, op->prev);
		drm_gpuva_insert(gpuvm, prev);
	}

	if (op->next) {
		drm_gpuva_init_from_op(next, op->next);
		drm_gpuva_insert(gpuvm, next);
	}
}
EXPORT_SYMBOL_GPL(drm_gpuva_remap);

/**
 * drm_gpuva_unmap() - remove the mapping of an unmap operation
 * @op: the operation.
 */
void drm_gpuva_unmap(struct drm_gpuva_op_unmap *op)
{
	drm_gpuva_remove(op->va);
}
EXPORT_SYMBOL_GPL(drm_gpuva_unmap);

static int step_map(const struct drm_gpuvm_ops *fn, void *priv,
		    const struct drm_gpuvm_map_req *req)
{
	struct drm_gpuva_op op = { .op = DRM_GPUVA_OP_MAP };

	op.map = req->map;
	return fn->sm_step_map(&op, priv);
}

static int step_remap(const struct drm_gpuvm_ops *fn, void *priv,
		      struct drm_gpuva_op_map *prev, struct drm_gpuva_op_map *next,
		      struct drm_gpuva_op_unmap *unmap)
{
	struct drm_gpuva_op op = { .op = DRM_GPUVA_OP_REMAP };

	op.remap.prev = prev;
	op.remap.next = next;
	op.remap.unmap = unmap;
	return fn->sm_step_remap(&op, priv);
}

static int step_unmap(const struct drm_gpuvm_ops *fn, void *priv,
		      struct drm_gpuva *va, bool keep)
{
	struct drm_gpuva_op op = { .op = DRM_GPUVA_OP_UNMAP };

	op.unmap.va = va;
	op.unmap.keep = keep;
	return fn->sm_step_unmap(&op, priv);
}

/*
 * The split/merge walk of a map request over the mappings it overlaps, in
 * address order. An overlapped mapping is unmapped when the request covers
 * it entirely, else remapped keeping the part(s) outside the request; the
 * map step for the request itself comes last. "keep" tells the driver that
 * the overlapped mapping maps the same object at the offsets the request
 * would, so its page table entries may stay. At most the first and the
 * last overlapped mappings are remapped.
 */
static int __drm_gpuvm_sm_map(struct drm_gpuvm *gpuvm, const struct drm_gpuvm_ops *ops,
			      void *priv, const struct drm_gpuvm_map_req *req)
{
	struct drm_gem_object *req_obj = req->map.gem.obj;
	u64 req_offset = req->map.gem.offset;
	u64 req_addr = req->map.va.addr;
	u64 req_range = req->map.va.range;
	u64 req_end = req_addr + req_range;
	struct drm_gpuva *va, *next_va;
	int ret;

	if (unlikely(!drm_gpuvm_range_valid(gpuvm, req_addr, req_range)))
		return -EINVAL;

	drm_gpuvm_for_each_va_range_safe(va, next_va, gpuvm, req_addr, req_end) {
		struct drm_gem_object *obj = va->gem.obj;
		u64 offset = va->gem.offset;
		u64 addr = va->va.addr;
		u64 end = addr + va->va.range;
		struct drm_gpuva_op_unmap u = { .va = va, .keep = obj != NULL };
		struct drm_gpuva_op_map p, n;

		if (addr == req_addr) {
			/* Same start: unmap if covered, else keep the tail. */
			u.keep &= obj == req_obj && offset == req_offset;
			if (end <= req_end) {
				ret = step_unmap(ops, priv, va, u.keep);
				if (ret)
					return ret;
				if (end == req_end)
					break;
				continue;
			}

			n.va.addr = req_end;
			n.va.range = end - req_end;
			n.gem.obj = obj;
			n.gem.offset = offset + req_range;
			ret = step_remap(ops, priv, NULL, &n, &u);
			if (ret)
				return ret;
			break;
		}

		if (addr < req_addr) {
			/* Starts before: keep the head, and the tail if it sticks out. */
			u64 head = req_addr - addr;

			p.va.addr = addr;
			p.va.range = head;
			p.gem.obj = obj;
			p.gem.offset = offset;
			u.keep &= obj == req_obj && offset + head == req_offset;
			if (end <= req_end) {
				ret = step_remap(ops, priv, &p, NULL, &u);
				if (ret)
					return ret;
				if (end == req_end)
					break;
				continue;
			}

			n.va.addr = req_end;
			n.va.range = end - req_end;
			n.gem.obj = obj;
			n.gem.offset = offset + head + req_range;
			ret = step_remap(ops, priv, &p, &n, &u);
			if (ret)
				return ret;
			break;
		}

		/* Starts inside the request: unmap if covered, else keep the tail. */
		u.keep &= obj == req_obj && offset == req_offset + (addr - req_addr);
		if (end <= req_end) {
			ret = step_unmap(ops, priv, va, u.keep);
			if (ret)
				return ret;
			if (end == req_end)
				break;
			continue;
		}

		n.va.addr = req_end;
		n.va.range = end - req_end;
		n.gem.obj = obj;
		n.gem.offset = offset + (req_end - addr);
		ret = step_remap(ops, priv, NULL, &n, &u);
		if (ret)
			return ret;
		break;
	}

	return step_map(ops, priv, req);
}

/*
 * The walk of an unmap request: mappings inside the range are unmapped
 * (never "keep"), mappings sticking out on either side are remapped to the
 * part(s) outside the range.
 */
static int __drm_gpuvm_sm_unmap(struct drm_gpuvm *gpuvm, const struct drm_gpuvm_ops *ops,
				void *priv, u64 req_addr, u64 req_range)
{
	u64 req_end = req_addr + req_range;
	struct drm_gpuva *va, *next_va;
	int ret;

	if (unlikely(!drm_gpuvm_range_valid(gpuvm, req_addr, req_range)))
		return -EINVAL;

	drm_gpuvm_for_each_va_range_safe(va, next_va, gpuvm, req_addr, req_end) {
		struct drm_gpuva_op_map p = {}, n = {};
		struct drm_gpuva_op_unmap u = { .va = va };
		struct drm_gem_object *obj = va->gem.obj;
		u64 offset = va->gem.offset;
		u64 addr = va->va.addr;
		u64 end = addr + va->va.range;
		bool has_prev = addr < req_addr;
		bool has_next = end > req_end;

		if (has_prev) {
			p.va.addr = addr;
			p.va.range = req_addr - addr;
			p.gem.obj = obj;
			p.gem.offset = offset;
		}

		if (has_next) {
			n.va.addr = req_end;
			n.va.range = end - req_end;
			n.gem.obj = obj;
			n.gem.offset = offset + (req_end - addr);
		}

		if (has_prev || has_next)
			ret = step_remap(ops, priv, has_prev ? &p : NULL, has_next ? &n : NULL,
					 &u);
		else
			ret = step_unmap(ops, priv, va, false);
		if (ret)
			return ret;
	}

	return 0;
}

/**
 * drm_gpuvm_sm_map() - split/merge a map request into driver steps
 * @gpuvm: the VM.
 * @priv: passed to the callbacks.
 * @req: the mapping to create.
 *
 * Calls &drm_gpuvm_ops.sm_step_unmap and sm_step_remap for the existing
 * mappings the request overlaps, in address order (at most two remaps, the
 * first and the last overlapped mapping), then sm_step_map for the request.
 * The callbacks may update the VA space as they go (drm_gpuva_map(),
 * drm_gpuva_remap(), drm_gpuva_unmap()); the first error stops the walk.
 *
 * Return: 0, -EINVAL for missing callbacks or an invalid range, or the
 * first callback error.
 */
int drm_gpuvm_sm_map(struct drm_gpuvm *gpuvm, void *priv, const struct drm_gpuvm_map_req *req)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;

	if (unlikely(!(ops && ops->sm_step_map && ops->sm_step_remap && ops->sm_step_unmap)))
		return -EINVAL;

	return __drm_gpuvm_sm_map(gpuvm, ops, priv, req);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_map);

/**
 * drm_gpuvm_sm_unmap() - split an unmap request into driver steps
 * @gpuvm: the VM.
 * @priv: passed to the callbacks.
 * @req_addr: start of the range to unmap.
 * @req_range: its length.
 *
 * Calls &drm_gpuvm_ops.sm_step_unmap for mappings inside the range and
 * sm_step_remap for mappings that also extend outside it, in address order.
 *
 * Return: 0, -EINVAL for missing callbacks or an invalid range, or the
 * first callback error.
 */
int drm_gpuvm_sm_unmap(struct drm_gpuvm *gpuvm, void *priv, u64 req_addr, u64 req_range)
{
	const struct drm_gpuvm_ops *ops = gpuvm->ops;

	if (unlikely(!(ops && ops->sm_step_remap && ops->sm_step_unmap)))
		return -EINVAL;

	return __drm_gpuvm_sm_unmap(gpuvm, ops, priv, req_addr, req_range);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_unmap);

static int sm_step_lock(struct drm_gpuva_op *op, void *priv)
{
	struct drm_exec *exec = priv;
	struct drm_gpuva *va;

	switch (op->op) {
	case DRM_GPUVA_OP_REMAP:
		va = op->remap.unmap->va;
		break;
	case DRM_GPUVA_OP_UNMAP:
		va = op->unmap.va;
		break;
	default:
		return 0;
	}

	return va->gem.obj ? drm_exec_lock_obj(exec, va->gem.obj) : 0;
}

static const struct drm_gpuvm_ops sm_lock_ops = {
	.sm_step_map = sm_step_lock,
	.sm_step_remap = sm_step_lock,
	.sm_step_unmap = sm_step_lock,
};

/**
 * drm_gpuvm_sm_map_exec_lock() - lock what drm_gpuvm_sm_map() would touch
 * @gpuvm: the VM.
 * @exec: the context (use DRM_EXEC_IGNORE_DUPLICATES).
 * @num_fences: fence slots to reserve for the newly mapped object.
 * @req: the map request.
 *
 * Prepares the requested object and locks the objects of the mappings the
 * request would unmap or remap.
 *
 * Return: 0 or a negative errno.
 */
int drm_gpuvm_sm_map_exec_lock(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
			       unsigned int num_fences, struct drm_gpuvm_map_req *req)
{
	if (req->map.gem.obj) {
		int ret = drm_exec_prepare_obj(exec, req->map.gem.obj, num_fences);

		if (ret)
			return ret;
	}

	return __drm_gpuvm_sm_map(gpuvm, &sm_lock_ops, exec, req);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_map_exec_lock);

/**
 * drm_gpuvm_sm_unmap_exec_lock() - lock what drm_gpuvm_sm_unmap() would touch
 * @gpuvm: the VM.
 * @exec: the context.
 * @req_addr: start of the range.
 * @req_range: its length.
 *
 * Return: 0 or a negative errno.
 */
int drm_gpuvm_sm_unmap_exec_lock(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
				 u64 req_addr, u64 req_range)
{
	return __drm_gpuvm_sm_unmap(gpuvm, &sm_lock_ops, exec, req_addr, req_range);
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_unmap_exec_lock);

static struct drm_gpuva_op *gpuva_op_alloc(struct drm_gpuvm *gpuvm)
{
	const struct drm_gpuvm_ops *fn = gpuvm->ops;

	if (fn && fn->op_alloc)
		return fn->op_alloc();
	return kzalloc(sizeof(struct drm_gpuva_op), GFP_KERNEL);
}

static void gpuva_op_free(struct drm_gpuvm *gpuvm, struct drm_gpuva_op *op)
{
	const struct drm_gpuvm_ops *fn = gpuvm->ops;

	if (fn && fn->op_free)
		fn->op_free(op);
	else
		kfree(op);
}

static void *op_part_dup(const void *src, size_t size)
{
	void *p = kmalloc(size, GFP_KERNEL);

	if (p)
		memcpy(p, src, size);
	return p;
}

struct ops_collect {
	struct drm_gpuvm *vm;
	struct drm_gpuva_ops *ops;
};

/* Record a step, with private copies of a remap's parts, on the list. */
static int ops_collect_step(struct drm_gpuva_op *step, void *priv)
{
	struct ops_collect *args = priv;
	struct drm_gpuva_op *op = gpuva_op_alloc(args->vm);
	struct drm_gpuva_op_remap *r;

	if (unlikely(!op))
		return -ENOMEM;

	op->op = step->op;
	switch (step->op) {
	case DRM_GPUVA_OP_MAP:
		op->map = step->map;
		break;
	case DRM_GPUVA_OP_UNMAP:
		op->unmap = step->unmap;
		break;
	case DRM_GPUVA_OP_REMAP:
		r = &op->remap;
		r->prev = NULL;
		r->next = NULL;
		r->unmap = op_part_dup(step->remap.unmap, sizeof(*r->unmap));
		if (!r->unmap)
			goto err;
		if (step->remap.prev) {
			r->prev = op_part_dup(step->remap.prev, sizeof(*r->prev));
			if (!r->prev)
				goto err;
		}
		if (step->remap.next) {
			r->next = op_part_dup(step->remap.next, sizeof(*r->next));
			if (!r->next)
				goto err;
		}
		break;
	default:
		op->prefetch = step->prefetch;
		break;
	}

	list_add_tail(&op->entry, &args->ops->list);
	return 0;

err:
	kfree(op->remap.unmap);
	kfree(op->remap.prev);
	gpuva_op_free(args->vm, op);
	return -ENOMEM;
}

static const struct drm_gpuvm_ops ops_collect_ops = {
	.sm_step_map = ops_collect_step,
	.sm_step_remap = ops_collect_step,
	.sm_step_unmap = ops_collect_step,
};

static struct drm_gpuva_ops *gpuva_ops_new(void)
{
	struct drm_gpuva_ops *ops = kzalloc(sizeof(*ops), GFP_KERNEL);

	if (ops)
		INIT_LIST_HEAD(&ops->list);
	return ops;
}

/* The list a collecting walk built, or its error (the list then freed). */
static struct drm_gpuva_ops *ops_collected(struct drm_gpuvm *gpuvm, struct drm_gpuva_ops *ops,
					   int ret)
{
	if (ret) {
		drm_gpuva_ops_free(gpuvm, ops);
		return ERR_PTR(ret);
	}
	return ops;
}

/**
 * drm_gpuvm_sm_map_ops_create() - the steps of drm_gpuvm_sm_map() as a list
 * @gpuvm: the VM.
 * @req: the map request.
 *
 * The list holds the steps drm_gpuvm_sm_map() would call back with, in the
 * same order; the VA space is not changed. Free it with drm_gpuva_ops_free().
 *
 * Return: the list, or an ERR_PTR.
 */
struct drm_gpuva_ops *drm_gpuvm_sm_map_ops_create(struct drm_gpuvm *gpuvm,
						  const struct drm_gpuvm_map_req *req)
{
	struct drm_gpuva_ops *ops = gpuva_ops_new();
	struct ops_collect args = { .vm = gpuvm, .ops = ops };

	if (unlikely(!ops))
		return ERR_PTR(-ENOMEM);

	return ops_collected(gpuvm, ops, __drm_gpuvm_sm_map(gpuvm, &ops_collect_ops, &args, req));
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_map_ops_create);

/**
 * drm_gpuvm_sm_unmap_ops_create() - the steps of drm_gpuvm_sm_unmap() as a list
 * @gpuvm: the VM.
 * @req_addr: start of the range to unmap.
 * @req_range: its length.
 *
 * Return: the list (free with drm_gpuva_ops_free()), or an ERR_PTR.
 */
struct drm_gpuva_ops *drm_gpuvm_sm_unmap_ops_create(struct drm_gpuvm *gpuvm,
						    u64 req_addr, u64 req_range)
{
	struct drm_gpuva_ops *ops = gpuva_ops_new();
	struct ops_collect args = { .vm = gpuvm, .ops = ops };

	if (unlikely(!ops))
		return ERR_PTR(-ENOMEM);

	return ops_collected(gpuvm, ops, __drm_gpuvm_sm_unmap(gpuvm, &ops_collect_ops, &args,
							      req_addr, req_range));
}
EXPORT_SYMBOL_GPL(drm_gpuvm_sm_unmap_ops_create);

/**
 * drm_gpuvm_prefetch_ops_create() - one prefetch step per mapping of a range
 * @gpuvm: the VM.
 * @addr: start of the range.
 * @range: its length.
 *
 * Return: the list (free with drm_gpuva_ops_free()), or an ERR_PTR.
 */
struct drm_gpuva_ops *drm_gpuvm_prefetch_ops_create(struct drm_gpuvm *gpuvm,
						    u64 addr, u64 range)
{
	struct drm_gpuva_ops *ops = gpuva_ops_new();
	u64 end = addr + range;
	struct drm_gpuva_op *op;
	struct drm_gpuva *va;

	if (!ops)
		return ERR_PTR(-ENOMEM);

	drm_gpuvm_for_each_va_range(va, gpuvm, addr, end) {
		op = gpuva_op_alloc(gpuvm);
		if (!op) {
			drm_gpuva_ops_free(gpuvm, ops);
			return ERR_PTR(-ENOMEM);
		}
		op->op = DRM_GPUVA_OP_PREFETCH;
		op->prefetch.va = va;
		list_add_tail(&op->entry, &ops->list);
	}

	return ops;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_prefetch_ops_create);

/**
 * drm_gpuvm_bo_unmap_ops_create() - one unmap step per mapping of a vm_bo
 * @vm_bo: the vm_bo; its object's gpuva list lock must be held.
 *
 * Return: the list (free with drm_gpuva_ops_free()), or an ERR_PTR.
 */
struct drm_gpuva_ops *drm_gpuvm_bo_unmap_ops_create(struct drm_gpuvm_bo *vm_bo)
{
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	struct drm_gpuva *va;

	drm_gem_gpuva_assert_lock_held(vm_bo->vm, vm_bo->obj);

	ops = gpuva_ops_new();
	if (!ops)
		return ERR_PTR(-ENOMEM);

	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		op = gpuva_op_alloc(vm_bo->vm);
		if (!op) {
			drm_gpuva_ops_free(vm_bo->vm, ops);
			return ERR_PTR(-ENOMEM);
		}
		op->op = DRM_GPUVA_OP_UNMAP;
		op->unmap.va = va;
		list_add_tail(&op->entry, &ops->list);
	}

	return ops;
}
EXPORT_SYMBOL_GPL(drm_gpuvm_bo_unmap_ops_create);

/**
 * drm_gpuva_ops_free() - free a list of operations and the list
 * @gpuvm: the VM the list was created for.
 * @ops: the list.
 */
void drm_gpuva_ops_free(struct drm_gpuvm *gpuvm, struct drm_gpuva_ops *ops)
{
	struct drm_gpuva_op *op, *next;

	drm_gpuva_for_each_op_safe(op, next, ops) {
		list_del(&op->entry);
		if (op->op == DRM_GPUVA_OP_REMAP) {
			kfree(op->remap.prev);
			kfree(op->remap.next);
			kfree(op->remap.unmap);
		}
		gpuva_op_free(gpuvm, op);
	}

	kfree(ops);
}
EXPORT_SYMBOL_GPL(drm_gpuva_ops_free);
