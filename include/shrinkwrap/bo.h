/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * BOs created through a DRM file as the BO_CREATE ioctl creates them, and
 * kernel vmaps of them. A handle holds one GEM reference. Implemented in
 * harness/bo.c (BOs private to a VM: vm.h).
 */
#ifndef SHRINKWRAP_BO_H
#define SHRINKWRAP_BO_H

#include <stddef.h>

struct panthor_gem_object;
struct sw_file;
struct sw_bo;

/**
 * sw_bo_create() - a BO that must exist: on failure the harness fails the
 * test (sw_harness_fail()) and NULL is returned.
 * @f: the DRM file.
 * @size: bytes.
 * @flags: DRM_PANTHOR_BO_* flags.
 *
 * Return: the BO handle.
 */
struct sw_bo *sw_bo_create(struct sw_file *f, size_t size, unsigned int flags);
int sw_bo_create_err(struct sw_file *f, size_t size, unsigned int flags, struct sw_bo **out);
void sw_bo_close(struct sw_bo *bo);
struct panthor_gem_object *sw_bo_obj(struct sw_bo *bo);
size_t sw_bo_size(struct sw_bo *bo);
int sw_bo_vmap(struct sw_bo *bo, void **vaddr);
void sw_bo_vunmap(struct sw_bo *bo, void *vaddr);

#endif
