/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * What the harness files share about a world: its objects. Tests use
 * include/shrinkwrap/world.h instead.
 */
#ifndef SW_WORLD_PRIV_H
#define SW_WORLD_PRIV_H

#include <linux/device.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/mmap.h>
#include <shrinkwrap/vm.h>
#include <shrinkwrap/submit.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/invariants.h>
#include <shrinkwrap/introspect.h>
#include <shrinkwrap/report.h>
#include <shrinkwrap/fault.h>

struct sw_gpu;
struct panthor_vm;


struct sw_world {
	struct sw_world_config cfg;
	struct device dev;
	struct panthor_device *ptdev;
	struct drm_minor minor;
	struct dentry *dri_dir;
	struct mutex lock;		/* protects the lists below */
	struct list_head procs;
	struct list_head files;
	struct list_head bos;
	struct list_head maps;
	struct list_head vms;
	struct sw_gpu *gpu;
	pid_t next_tgid;
};

struct sw_proc {
	struct sw_world *w;
	struct list_head node;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	unsigned long long caps;
	struct mm_struct *mm;
};

struct sw_file {
	struct sw_world *w;
	struct sw_proc *proc;
	struct list_head node;
	struct drm_file file;
};

struct sw_bo {
	struct sw_world *w;
	struct sw_file *file;
	struct list_head node;
	struct panthor_gem_object *obj;
	struct iosys_map vmap;
	int vmap_count;
};

struct sw_map {
	struct sw_world *w;
	struct sw_proc *proc;
	struct list_head node;
	struct vm_area_struct *vma;
	struct drm_gem_object *obj;
	unsigned long faults;
};

struct sw_vm {
	struct sw_world *w;
	struct sw_file *file;
	struct list_head node;
	struct panthor_vm *vm;
};

/* harness/vm.c: the world's GPU and VMs. */
int sw_world_gpu_init(struct sw_world *w);
void sw_world_gpu_fini(struct sw_world *w);
void sw_world_vms_fini(struct sw_world *w);
void sw_file_vms_fini(struct sw_file *f);

/* harness/world.c */
int sw_bo_create_in(struct sw_file *f, struct panthor_vm *exclusive_vm, size_t size,
		    unsigned int flags, struct sw_bo **out);

#endif
