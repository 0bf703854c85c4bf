// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Processes (a TGID, a comm, capabilities, an address space) and the DRM
 * files they open: include/shrinkwrap/proc.h.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <drm/drm_file.h>

#include <shrinkwrap/bo.h>
#include <shrinkwrap/introspect.h>
#include <shrinkwrap/proc.h>

#include "panthor_device.h"
#include "world_priv.h"

/**
 * sw_proc_create() - a process with its own address space.
 * @w: the world.
 * @comm: command name.
 * @caps: capability mask (1ULL << CAP_*).
 *
 * Return: the process.
 */
struct sw_proc *sw_proc_create(struct sw_world *w, const char *comm, unsigned long long caps)
{
	struct sw_proc *p = kzalloc(sizeof(*p), GFP_KERNEL | __GFP_NOFAIL);

	p->w = w;
	p->mm = sw_mm_create();
	if (!p->mm) {
		kfree(p);
		sw_harness_fail("sw_proc_create(%s): no memory for its mm", comm);
		return NULL;
	}
	strscpy(p->comm, comm, sizeof(p->comm));
	p->caps = caps;
	mutex_lock(&w->lock);
	p->tgid = w->next_tgid++;
	list_add_tail(&p->node, &w->procs);
	mutex_unlock(&w->lock);
	return p;
}

/**
 * sw_proc_create_tgid() - a process standing for a real one: its TGID is
 * @tgid, so what a real process writes to the FUSE-served sysfs files
 * about itself (or about @tgid) reaches this process's DRM files.
 * @w: the world.
 * @comm: command name.
 * @caps: capability mask for the harness's own calls as this process.
 * @tgid: the real TGID, e.g. the pid of a child of the test.
 *
 * Return: the process, or NULL (the test is failed) on error.
 */
struct sw_proc *sw_proc_create_tgid(struct sw_world *w, const char *comm,
				    unsigned long long caps, pid_t tgid)
{
	struct sw_proc *p = sw_proc_create(w, comm, caps);

	if (p)
		p->tgid = tgid;
	return p;
}

/**
 * sw_proc_tgid() - a process's TGID.
 * @p: the process.
 *
 * Return: the TGID.
 */
pid_t sw_proc_tgid(struct sw_proc *p)
{
	return p->tgid;
}

/**
 * sw_proc_enter() - make the calling thread a thread of @p.
 * @p: the process.
 */
void sw_proc_enter(struct sw_proc *p)
{
	sw_task_set(p->tgid, p->comm, p->caps);
}

/**
 * sw_task_set_kswapd() - mark the calling thread as kswapd.
 * @kswapd: true to set PF_KSWAPD.
 */
void sw_task_set_kswapd(bool kswapd)
{
	if (kswapd)
		current->flags |= PF_KSWAPD;
	else
		current->flags &= ~PF_KSWAPD;
}

/**
 * sw_file_open() - open the DRM device as @p.
 * @p: the process.
 *
 * Return: the file.
 */
struct sw_file *sw_file_open(struct sw_proc *p)
{
	struct sw_file *f = kzalloc(sizeof(*f), GFP_KERNEL | __GFP_NOFAIL);
	struct drm_device *ddev = &p->w->ptdev->base;
	struct task_struct saved = *current;
	int ret;

	f->w = p->w;
	f->proc = p;
	f->file.minor = &p->w->minor;

	/* The driver's open runs as the opening process, then the core lists it. */
	sw_proc_enter(p);
	ret = panthor_open(ddev, &f->file);
	sw_task_set(saved.tgid, saved.comm, saved.cap_effective.val);
	if (ret) {
		pr_err("sw_file_open: panthor_open: %d\n", ret);
		kfree(f);
		return NULL;
	}
	mutex_lock(&ddev->filelist_mutex);
	list_add(&f->file.lhead, &ddev->filelist);
	mutex_unlock(&ddev->filelist_mutex);

	mutex_lock(&p->w->lock);
	list_add_tail(&f->node, &p->w->files);
	mutex_unlock(&p->w->lock);
	return f;
}

/**
 * sw_file_close() - close a DRM file: its BOs' handles are closed and its
 * VMs destroyed first, then the core drops it from the device file list
 * and the driver frees its state.
 * @f: the file.
 */
void sw_file_close(struct sw_file *f)
{
	struct sw_world *w = f->w;
	struct drm_device *ddev = &w->ptdev->base;
	struct sw_bo *bo, *tmp;

	list_for_each_entry_safe(bo, tmp, &w->bos, node)
		if (bo->file == f)
			sw_bo_close(bo);
	sw_file_vms_fini(f);
	mutex_lock(&w->lock);
	list_del(&f->node);
	mutex_unlock(&w->lock);

	mutex_lock(&ddev->filelist_mutex);
	list_del(&f->file.lhead);
	mutex_unlock(&ddev->filelist_mutex);
	panthor_postclose(ddev, &f->file);
	kfree(f);
}

/**
 * sw_proc_mm() - a process's address space.
 * @p: the process.
 *
 * Return: the mm.
 */
struct mm_struct *sw_proc_mm(struct sw_proc *p)
{
	return p->mm;
}
