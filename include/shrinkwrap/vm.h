/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * GPU VMs of a DRM file, BOs private to one VM, and synchronous VM_BIND.
 * Implemented in harness/vm.c (jobs: submit.h).
 */
#ifndef SHRINKWRAP_VM_H
#define SHRINKWRAP_VM_H

#include <stddef.h>
#include <stdint.h>

struct panthor_vm;
struct sw_file;
struct sw_bo;
struct sw_vm;

int sw_vm_create_err(struct sw_file *f, struct sw_vm **out);
/** sw_vm_create() - a VM that must exist (else sw_harness_fail(), NULL). */
struct sw_vm *sw_vm_create(struct sw_file *f);
/** sw_vm_destroy() - what closing the VM does: unmap everything, drop it. */
void sw_vm_destroy(struct sw_vm *vm);
struct panthor_vm *sw_vm_obj(struct sw_vm *vm);
/** sw_bo_create_private() - a BO only @vm may map; it shares the VM's resv. */
struct sw_bo *sw_bo_create_private(struct sw_file *f, struct sw_vm *vm, size_t size,
				  unsigned int flags);
int sw_bo_create_private_err(struct sw_file *f, struct sw_vm *vm, size_t size,
			     unsigned int flags, struct sw_bo **out);
/** sw_vm_bind() - map @size bytes of @bo at @bo_offset to @va (DRM_PANTHOR_VM_BIND_OP_MAP_*). */
int sw_vm_bind(struct sw_vm *vm, struct sw_bo *bo, uint64_t bo_offset, uint64_t size,
	       uint64_t va, unsigned int flags);
int sw_vm_unbind(struct sw_vm *vm, uint64_t va, uint64_t size);
/** sw_vm_validate() - lock, swap in and remap, as a submission does, without a job. */
int sw_vm_validate(struct sw_vm *vm);
/** sw_vm_mapped_pages() - pages of [@va, @va + @size) with a live PTE. */
unsigned long sw_vm_mapped_pages(struct sw_vm *vm, uint64_t va, uint64_t size);

#endif
