// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The harness world: one panthor device on a page/swap budget, processes
 * with address spaces, DRM files, BOs and CPU mappings; and the end-of-test
 * checks (reports, leaks).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/debugfs.h>
#include <linux/iosys-map.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_file.h>
#include <linux/device.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/report.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "world_priv.h"

static struct sw_world *the_world;

/* The platform driver the world's device is bound to: its sysfs directory. */
static struct device_driver panthor_driver = {
	.name = "panthor",
};
static void (*harness_fail_fn)(const char *msg);

/**
 * sw_harness_set_fail_handler() - see include/shrinkwrap/world.h.
 * @fn: the handler, or NULL for the default.
 */
void sw_harness_set_fail_handler(void (*fn)(const char *msg))
{
	harness_fail_fn = fn;
}

/**
 * sw_harness_fail() - see include/shrinkwrap/world.h.
 * @fmt: message format.
 */
void sw_harness_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (harness_fail_fn) {
		harness_fail_fn(msg);
		return;
	}
	fprintf(stderr, "shrinkwrap harness: %s\n", msg);
	abort();
}

/**
 * sw_world_current() - the world being run.
 *
 * Return: it, or NULL.
 */
struct sw_world *sw_world_current(void)
{
	return the_world;
}

/**
 * sw_world_device() - the world's panthor device.
 * @w: the world.
 *
 * Return: the device.
 */
struct panthor_device *sw_world_device(struct sw_world *w)
{
	return w->ptdev;
}

/**
 * sw_world_create() - build a fresh world.
 * @cfg: configuration or NULL.
 *
 * Return: the world or NULL.
 */
struct sw_world *sw_world_create(const struct sw_world_config *cfg)
{
	struct sw_world_config defaults = {
		.mem_pages = 4096,
		.swap_pages = 8192,
	};
	struct sw_world *w;
	int ret;

	if (the_world) {
		fprintf(stderr, "sw_world_create: a world already exists\n");
		return NULL;
	}

	sw_reports_reset();
	lockdep_reset_world();
	sw_fault_reset();
	sw_reclaim_stats_reset();
	sw_task_set(1, "sw-main", 0);
	sw_task_signal(0);

	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = cfg ? *cfg : defaults;
	if (!w->cfg.mem_pages)
		w->cfg.mem_pages = defaults.mem_pages;
	ret = sw_mm_init(w->cfg.mem_pages, w->cfg.swap_pages);
	if (ret) {
		fprintf(stderr, "sw_world_create: page pool: %d\n", ret);
		free(w);
		return NULL;
	}
	if ((w->cfg.wmark_min || w->cfg.wmark_low || w->cfg.wmark_high) &&
	    sw_mm_set_watermarks(w->cfg.wmark_min, w->cfg.wmark_low, w->cfg.wmark_high)) {
		sw_mm_fini();
		free(w);
		return NULL;
	}
	sw_slab_mark_world();
	sw_dma_resv_lockdep_prime();

	mutex_init(&w->lock);
	INIT_LIST_HEAD(&w->procs);
	INIT_LIST_HEAD(&w->files);
	INIT_LIST_HEAD(&w->bos);
	INIT_LIST_HEAD(&w->maps);
	INIT_LIST_HEAD(&w->vms);
	w->next_tgid = 100;
	w->dev.init_name = "sw-panthor";
	w->dev.driver = &panthor_driver;

	w->ptdev = kzalloc(sizeof(*w->ptdev), GFP_KERNEL);
	if (!w->ptdev)
		goto err;
	w->ptdev->coherent = w->cfg.coherent;
	if (sw_drm_dev_init(&w->ptdev->base, &w->dev))
		goto err_free_ptdev;
	dev_set_drvdata(&w->dev, w->ptdev);
	ret = panthor_device_init(w->ptdev);
	if (ret) {
		fprintf(stderr, "sw_world_create: panthor_device_init: %d\n", ret);
		goto err_fini_dev;
	}

	if (sw_world_gpu_init(w))
		goto err_unplug;

	w->dri_dir = debugfs_create_dir("dri", NULL);
	w->minor.dev = &w->ptdev->base;
	w->minor.debugfs_root = debugfs_create_dir("0", w->dri_dir);
	w->ptdev->base.primary = &w->minor;
	panthor_gem_debugfs_init(&w->minor);
	/* What the driver core does when the device binds to the driver. */
	device_add_groups(&w->dev, panthor_groups);

	if (!w->cfg.no_kswapd) {
		ret = sw_kswapd_start();
		if (ret) {
			fprintf(stderr, "sw_world_create: kswapd: %d\n", ret);
			debugfs_remove(w->dri_dir);
			sw_world_gpu_fini(w);
			goto err_unplug;
		}
	}

	the_world = w;
	return w;

err_unplug:
	panthor_device_unplug(w->ptdev);
err_fini_dev:
	sw_drm_dev_fini(&w->ptdev->base);
err_free_ptdev:
	kfree(w->ptdev);
err:
	sw_mm_fini();
	free(w);
	return NULL;
}

static int check(bool ok, const char *what)
{
	if (ok)
		return 0;
	fprintf(stderr, "world teardown: %s\n", what);
	return 1;
}

/**
 * sw_world_destroy() - tear down and check.
 * @w: the world.
 *
 * Return: problems found.
 */
int sw_world_destroy(struct sw_world *w)
{
	struct sw_proc *p, *ptmp;
	long leaks;
	int problems = 0, k;

	sw_task_set(1, "sw-main", 0);
	problems += check(lockdep_depth_current() == 0, "locks still held by the test");

	sw_kswapd_stop();
	sw_world_gpu_fini(w);
	while (!list_empty(&w->maps))
		sw_munmap(list_first_entry(&w->maps, struct sw_map, node));
	sw_world_vms_fini(w);
	while (!list_empty(&w->bos))
		sw_bo_close(list_first_entry(&w->bos, struct sw_bo, node));
	while (!list_empty(&w->files))
		sw_file_close(list_first_entry(&w->files, struct sw_file, node));
	list_for_each_entry_safe(p, ptmp, &w->procs, node) {
		sw_mm_destroy(p->mm);
		list_del(&p->node);
		kfree(p);
	}

	device_remove_groups(&w->dev, panthor_groups);
	debugfs_remove(w->dri_dir);
	panthor_device_unplug(w->ptdev);
	problems += check(sw_shrinkers_registered() == 0, "shrinker still registered");
	sw_drm_dev_fini(&w->ptdev->base);
	kfree(w->ptdev);
	mutex_destroy(&w->lock);

	/* Objects freed after a grace period must be gone before the checks. */
	rcu_barrier();
	problems += check(sw_vma_live() == 0, "VMAs leaked");
	problems += check(sw_vmap_live() == 0, "vmap areas leaked");
	leaks = sw_slab_report_leaks();
	problems += check(leaks == 0, "slab objects leaked");
	problems += check(sw_mm_fini() == 0, "pages or swap slots leaked");

	for (k = 0; k < SW_REPORT_NR_KINDS; k++) {
		unsigned long n = sw_reports_unexpected(k);

		if (n) {
			fprintf(stderr, "world teardown: %lu unexpected report(s) of kind %d\n",
				n, k);
			problems++;
		}
	}

	sw_fault_reset();
	the_world = NULL;
	free(w);
	return problems;
}
