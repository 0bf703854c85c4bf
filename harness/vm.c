// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The harness's GPU side: VMs of DRM files, VM_BIND, and jobs submitted the
 * way panthor submits them (lock VM and BOs with drm_exec, validate, add
 * the job fence, mark the VM active), then run by the mock GPU thread
 * through the VM's page tables.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/io-pgtable.h>
#include <linux/slab.h>
#include <drm/drm_exec.h>

#include <shrinkwrap/gpu.h>
#include <shrinkwrap/world.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"
#include "world_priv.h"

/* Kernel VA range reserved at the top of each VM, as the driver does. */
#define SW_KERNEL_VA_START	(1ULL << 47)
#define SW_KERNEL_VA_SIZE	(1ULL << 32)
/**
 * sw_world_vms_fini() - destroy the VMs the test left.
 * @w: the world.
 */
void sw_world_vms_fini(struct sw_world *w)
{
	while (!list_empty(&w->vms))
		sw_vm_destroy(list_first_entry(&w->vms, struct sw_vm, node));
}

/**
 * sw_file_vms_fini() - destroy the VMs of one file, as closing it does.
 * @f: the file.
 */
void sw_file_vms_fini(struct sw_file *f)
{
	struct sw_vm *vm, *tmp;

	list_for_each_entry_safe(vm, tmp, &f->w->vms, node)
		if (vm->file == f)
			sw_vm_destroy(vm);
}

static struct panthor_vm_pool *to_vm_pool(struct sw_file *f)
{
	struct panthor_file *pfile = f->file.driver_priv;

	return pfile->vms;
}

/**
 * sw_vm_create_err() - create a VM for @f, as the VM_CREATE ioctl would.
 * @f: the DRM file.
 * @out: receives the VM.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_vm_create_err(struct sw_file *f, struct sw_vm **out)
{
	struct panthor_vm *pvm;
	struct sw_vm *vm;

	sw_proc_enter(f->proc);
	pvm = panthor_vm_pool_create_vm(f->w->ptdev, to_vm_pool(f), SW_KERNEL_VA_START,
					SW_KERNEL_VA_SIZE);
	if (IS_ERR(pvm))
		return PTR_ERR(pvm);

	vm = kzalloc(sizeof(*vm), GFP_KERNEL | __GFP_NOFAIL);
	vm->w = f->w;
	vm->file = f;
	vm->vm = pvm;
	mutex_lock(&f->w->lock);
	list_add_tail(&vm->node, &f->w->vms);
	mutex_unlock(&f->w->lock);
	*out = vm;
	return 0;
}

/**
 * sw_vm_create() - create a VM; aborts the test on failure.
 * @f: the DRM file.
 *
 * Return: the VM.
 */
struct sw_vm *sw_vm_create(struct sw_file *f)
{
	struct sw_vm *vm = NULL;
	int ret = sw_vm_create_err(f, &vm);

	if (ret) {
		sw_harness_fail("sw_vm_create: %d", ret);
		return NULL;
	}
	return vm;
}

/**
 * sw_vm_destroy() - unmap everything from the VM and drop the file's reference.
 * @vm: the VM.
 */
void sw_vm_destroy(struct sw_vm *vm)
{
	mutex_lock(&vm->w->lock);
	list_del(&vm->node);
	mutex_unlock(&vm->w->lock);
	WARN_ON(panthor_vm_pool_destroy_vm(to_vm_pool(vm->file), vm->vm));
	kfree(vm);
}

/**
 * sw_vm_obj() - the driver's VM.
 * @vm: the harness VM.
 *
 * Return: the panthor VM.
 */
struct panthor_vm *sw_vm_obj(struct sw_vm *vm)
{
	return vm->vm;
}

/**
 * sw_bo_create_private() - create a BO bound to @vm's resv; aborts on failure.
 * @f: the DRM file.
 * @vm: the VM.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 *
 * Return: the BO handle.
 */
struct sw_bo *sw_bo_create_private(struct sw_file *f, struct sw_vm *vm, size_t size,
				  unsigned int flags)
{
	struct sw_bo *bo = NULL;
	int ret = sw_bo_create_in(f, vm->vm, size, flags, &bo);

	if (ret) {
		sw_harness_fail("sw_bo_create_private(%zu): %d", size, ret);
		return NULL;
	}
	return bo;
}

/**
 * sw_bo_create_private_err() - create a BO bound to @vm's resv.
 * @f: the DRM file.
 * @vm: the VM.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 * @out: receives the BO handle.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_bo_create_private_err(struct sw_file *f, struct sw_vm *vm, size_t size,
			     unsigned int flags, struct sw_bo **out)
{
	return sw_bo_create_in(f, vm->vm, size, flags, out);
}

/**
 * sw_vm_bind() - a synchronous VM_BIND map.
 * @vm: the VM.
 * @bo: the BO.
 * @bo_offset: offset in the BO.
 * @size: bytes.
 * @va: GPU address.
 * @flags: DRM_PANTHOR_VM_BIND_OP_MAP_* flags.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_vm_bind(struct sw_vm *vm, struct sw_bo *bo, uint64_t bo_offset, uint64_t size,
	       uint64_t va, unsigned int flags)
{
	sw_proc_enter(vm->file->proc);
	return panthor_vm_map_bo_range(vm->vm, sw_bo_obj(bo), bo_offset, size, va, flags);
}

/**
 * sw_vm_unbind() - a synchronous VM_BIND unmap.
 * @vm: the VM.
 * @va: GPU address.
 * @size: bytes.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_vm_unbind(struct sw_vm *vm, uint64_t va, uint64_t size)
{
	sw_proc_enter(vm->file->proc);
	return panthor_vm_unmap_range(vm->vm, va, size);
}

/**
 * sw_vm_validate() - restore the VM as a submission would, without a job.
 * @vm: the VM.
 *
 * Return: 0 or the driver's negative errno.
 */
int sw_vm_validate(struct sw_vm *vm)
{
	return panthor_vm_validate(vm->vm);
}

/**
 * sw_vm_mapped_pages() - live page-table entries in a range.
 * @vm: the VM.
 * @va: start.
 * @size: bytes.
 *
 * Return: 4 KiB pages with a translation.
 */
unsigned long sw_vm_mapped_pages(struct sw_vm *vm, uint64_t va, uint64_t size)
{
	return sw_io_pgtable_mapped_pages(panthor_vm_pgtbl_ops(vm->vm), va, size);
}

/* On the GPU thread: the accesses, in order, through the VM's page tables. */
