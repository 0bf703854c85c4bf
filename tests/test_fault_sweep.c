// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Systematic fault sweeps (include/shrinkwrap/fault_sweep.h): each scenario
 * runs once to count its fault points, then once per point with exactly
 * that one failed. Every run must hand the errno back to the step that hit
 * it, and end with the invariants holding, nothing pinned, every BO
 * evicted by a full scan, no unexpected WARN and no leak.
 *
 * Each sweep prints how many fault points it covered and how many runs
 * failed; the test fails on any failed run.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/device.h>
#include <drm/drm_device.h>
#include <drm/panthor_drm.h>

#include <shrinkwrap/fault.h>
#include <shrinkwrap/fault_sweep.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL

/*
 * Run a step; if it failed on the injected fault, run it again: with
 * nothing injected twice it must work now. True when the scenario stops.
 */
#define STEP(s, what, expr) \
	(sw_sweep_step(s, what, (expr)) && sw_sweep_retried(s, what, (expr)))
#define STEP_MAPPED(s, what, expr, mapped, absorb) \
	(sw_sweep_step_mapped(s, what, (expr), mapped, absorb) && \
	 sw_sweep_retried(s, what, (expr)))
/*
 * A VM_BIND whose page-table update fails half-way makes the driver
 * declare the VM unusable (no retry then: later jobs are refused).
 */
#define BIND_STEP(s, what, expr) \
	(sw_sweep_step(s, what, (expr)) && \
	 (strstr(sw_sweep_site(s), "io_pgtable map") || sw_sweep_retried(s, what, (expr))))

struct sweep_env {
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
};

static struct sweep_env sweep_env(struct sw_sweep *s)
{
	struct sweep_env e = {
		.w = sw_sweep_world(s), .p = sw_sweep_proc(s), .f = sw_sweep_file(s),
	};

	return e;
}

/* Evict everything, and check @bo did go (nothing else holds it). */
static void evict_all(struct sw_sweep *s, struct sw_bo *bo)
{
	sw_shrinker_scan(sw_sweep_world(s), 1UL << 20, GFP_KERNEL);
	sw_sweep_step_void(s, "evict");
	if (bo && sw_bo_obj(bo)->backing.pages)
		sw_sweep_fail(s, "BO not evicted by a full scan mid-scenario");
}

static void check_pattern(struct sw_sweep *s, const void *buf, size_t len,
			  unsigned int seed, const char *what)
{
	if (!sw_pattern_check(buf, len, seed))
		sw_sweep_fail(s, "%s: contents lost", what);
}

/*
 * CPU mmap, touch every page, copy the mapping as fork() does, evict,
 * refault with mmap_lock held, unmap the first mapping (the copy stays, and
 * mmap_count must say so at the end).
 */
static void scenario_cpu_mmap(struct sw_sweep *s)
{
	struct sweep_env e = sweep_env(s);
	static char buf[SIZE];
	struct sw_map *m, *copy;
	struct sw_bo *bo;

	if (STEP(s, "create", sw_bo_create_err(e.f, SIZE, 0, &bo)))
		return;
	sw_sweep_track(s, bo);
	if (STEP(s, "mmap", sw_mmap(e.p, bo, 0, &m)))
		return;

	/* Faults may drop mmap_lock and retry: a failure is retried away. */
	sw_pattern_fill(buf, SIZE, 1);
	if (STEP_MAPPED(s, "touch", sw_cpu_write(m, 0, buf, SIZE), -EFAULT, true))
		goto out_unmap;
	if (STEP(s, "fork copy", sw_mmap_dup(m, e.p, &copy)))
		goto out_unmap;

	evict_all(s, bo);

	/* No retry: the handler populates with mmap_lock held, SIGBUS on failure. */
	memset(buf, 0, SIZE);
	if (STEP_MAPPED(s, "refault", sw_cpu_access(m, 0, buf, SIZE, false, SW_FAULT_NORETRY),
			-EFAULT, false))
		goto out_unmap;
	check_pattern(s, buf, SIZE, 1, "refault");

out_unmap:
	sw_munmap(m);
}

/* vmap, write, vunmap, evict, vmap again (swap-in), read, vunmap. */
static void scenario_vmap(struct sw_sweep *s)
{
	struct sweep_env e = sweep_env(s);
	struct sw_bo *bo;
	void *va;

	if (STEP(s, "create", sw_bo_create_err(e.f, SIZE, 0, &bo)))
		return;
	sw_sweep_track(s, bo);

	if (STEP(s, "vmap", sw_bo_vmap(bo, &va)))
		return;
	sw_pattern_fill(va, SIZE, 2);
	sw_bo_vunmap(bo, va);

	evict_all(s, bo);

	if (STEP(s, "vmap after eviction", sw_bo_vmap(bo, &va)))
		return;
	check_pattern(s, va, SIZE, 2, "vmap after eviction");
	sw_bo_vunmap(bo, va);
}

/*
 * VM create, a shared BO bound whole and a private one bound in part, a
 * job writing both, eviction, a CPU refault of the shared BO (its GPU side
 * stays evicted) and a vmap of the private one (pinned while evicted), a
 * job reading both back (restore), eviction again, a partial unbind
 * splitting an evicted mapping, then the unbinds.
 */
static void scenario_bind(struct sw_sweep *s)
{
	struct sweep_env e = sweep_env(s);
	static char pat_a[SIZE], pat_b[2 * PAGE_SIZE], byte;
	struct sw_bo *shared, *priv;
	struct sw_map *m;
	struct sw_vm *vm;
	void *va;
	int ret;

	if (STEP(s, "VM create", sw_vm_create_err(e.f, &vm)))
		return;
	if (STEP(s, "create shared", sw_bo_create_err(e.f, SIZE, 0, &shared)))
		return;
	sw_sweep_track(s, shared);
	if (STEP(s, "create private",
		 sw_bo_create_private_err(e.f, vm, SIZE, 0, &priv)))
		return;
	sw_sweep_track(s, priv);

	if (BIND_STEP(s, "bind whole", sw_vm_bind(vm, shared, 0, SIZE, VA0, 0)))
		return;
	if (BIND_STEP(s, "bind partial",
		      sw_vm_bind(vm, priv, PAGE_SIZE, 2 * PAGE_SIZE, VA1, 0)))
		return;

	sw_pattern_fill(pat_a, sizeof(pat_a), 3);
	sw_pattern_fill(pat_b, sizeof(pat_b), 4);
	{
		struct sw_gpu_access acc[] = {
			{ .va = VA0, .len = SIZE, .write = pat_a },
			{ .va = VA1, .len = 2 * PAGE_SIZE, .write = pat_b },
		};

		if (STEP(s, "submit", sw_submit_wait(vm, acc, ARRAY_SIZE(acc))))
			return;
	}

	evict_all(s, shared);

	if (STEP(s, "mmap", sw_mmap(e.p, shared, 0, &m)))
		return;
	ret = STEP_MAPPED(s, "CPU refault", sw_cpu_read(m, PAGE_SIZE, &byte, 1), -EFAULT, true);
	sw_munmap(m);
	if (ret)
		return;
	if (STEP(s, "vmap evicted", sw_bo_vmap(priv, &va)))
		return;

	{
		struct sw_gpu_access acc[] = {
			{ .va = VA0, .len = SIZE, .expect = pat_a },
			{ .va = VA1, .len = 2 * PAGE_SIZE, .expect = pat_b },
		};

		ret = STEP(s, "submit after eviction (restore)",
			   sw_submit_wait(vm, acc, ARRAY_SIZE(acc)));
		sw_bo_vunmap(priv, va);
		if (ret)
			return;
	}

	evict_all(s, priv);

	if (STEP(s, "unbind partial (evicted)",
		 sw_vm_unbind(vm, VA0 + PAGE_SIZE, PAGE_SIZE)))
		return;
	if (STEP(s, "unbind rest", sw_vm_unbind(vm, VA0, SIZE)))
		return;
	(void)STEP(s, "unbind private", sw_vm_unbind(vm, VA1, 2 * PAGE_SIZE));
}

/*
 * A BO shared by two VMs (whole in A, in part in B) next to a private BO
 * of A, a job in each VM, eviction, restore in B alone (the shared BO
 * reaches B's evict list through prepare_objects), eviction again, then a
 * bind that splits A's evicted private mapping in three, a job in A
 * restoring both pieces around the new live page, and the unbinds.
 */
static void scenario_bind_shared(struct sw_sweep *s)
{
	struct sweep_env e = sweep_env(s);
	static char pat_a[SIZE], pat_b[3 * PAGE_SIZE];
	struct sw_vm *vm_a, *vm_b;
	struct sw_bo *shared, *priv;

	if (STEP(s, "VM A create", sw_vm_create_err(e.f, &vm_a)) ||
	    STEP(s, "VM B create", sw_vm_create_err(e.f, &vm_b)) ||
	    STEP(s, "create shared", sw_bo_create_err(e.f, SIZE, 0, &shared)))
		return;
	sw_sweep_track(s, shared);
	if (STEP(s, "create private",
		 sw_bo_create_private_err(e.f, vm_a, SIZE, 0, &priv)))
		return;
	sw_sweep_track(s, priv);

	if (BIND_STEP(s, "bind shared in A", sw_vm_bind(vm_a, shared, 0, SIZE, VA0, 0)) ||
	    BIND_STEP(s, "bind shared in B (part)",
		      sw_vm_bind(vm_b, shared, 0, 2 * PAGE_SIZE, VA0, 0)) ||
	    BIND_STEP(s, "bind private (part)",
		      sw_vm_bind(vm_a, priv, PAGE_SIZE, 3 * PAGE_SIZE, VA1, 0)))
		return;

	sw_pattern_fill(pat_a, sizeof(pat_a), 5);
	sw_pattern_fill(pat_b, sizeof(pat_b), 6);
	{
		struct sw_gpu_access acc[] = {
			{ .va = VA0, .len = SIZE, .write = pat_a },
			{ .va = VA1, .len = 3 * PAGE_SIZE, .write = pat_b },
		};

		if (STEP(s, "submit A", sw_submit_wait(vm_a, acc, ARRAY_SIZE(acc))))
			return;
	}

	evict_all(s, shared);

	{
		struct sw_gpu_access acc[] = {
			{ .va = VA0, .len = 2 * PAGE_SIZE, .expect = pat_a },
		};

		if (STEP(s, "submit B (restore shared)",
			 sw_submit_wait(vm_b, acc, ARRAY_SIZE(acc))))
			return;
	}

	evict_all(s, priv);

	/* Page 0 of the shared BO lands in the middle of the evicted private range. */
	if (BIND_STEP(s, "bind over evicted",
		      sw_vm_bind(vm_a, shared, 0, PAGE_SIZE, VA1 + PAGE_SIZE, 0)))
		return;

	{
		struct sw_gpu_access acc[] = {
			{ .va = VA1, .len = PAGE_SIZE, .expect = pat_b },
			{ .va = VA1 + PAGE_SIZE, .len = PAGE_SIZE, .expect = pat_a },
			{ .va = VA1 + 2 * PAGE_SIZE, .len = PAGE_SIZE,
			  .expect = pat_b + 2 * PAGE_SIZE },
			{ .va = VA0, .len = SIZE, .expect = pat_a },
		};

		if (STEP(s, "submit A (restore pieces)",
			 sw_submit_wait(vm_a, acc, ARRAY_SIZE(acc))))
			return;
	}

	if (STEP(s, "unbind A", sw_vm_unbind(vm_a, VA0, SIZE)) ||
	    STEP(s, "unbind private range", sw_vm_unbind(vm_a, VA1, 3 * PAGE_SIZE)))
		return;
	(void)STEP(s, "unbind B", sw_vm_unbind(vm_b, VA0, 2 * PAGE_SIZE));
}

/*
 * Under memory pressure: three BOs (GPU-mapped, CPU-mapped, vmapped)
 * larger together than the page budget, so that allocations go through
 * direct reclaim and evict the others from inside the scenario's own steps
 * (a job's restore included), with every point failed in turn.
 */
#define PRESSURE_PAGES 8
#define PRESSURE_SIZE (PRESSURE_PAGES * PAGE_SIZE)

static void scenario_pressure(struct sw_sweep *s)
{
	struct sweep_env e = sweep_env(s);
	static char buf[PRESSURE_SIZE], pat[PRESSURE_SIZE];
	struct sw_bo *gpu, *cpu, *kern;
	struct sw_reclaim_stats st;
	struct sw_map *m;
	struct sw_vm *vm;
	void *va;
	int ret;

	if (STEP(s, "VM create", sw_vm_create_err(e.f, &vm)) ||
	    STEP(s, "create gpu", sw_bo_create_err(e.f, PRESSURE_SIZE, 0, &gpu)) ||
	    STEP(s, "create cpu", sw_bo_create_err(e.f, PRESSURE_SIZE, 0, &cpu)) ||
	    STEP(s, "create kern", sw_bo_create_err(e.f, PRESSURE_SIZE, 0, &kern)))
		return;
	sw_sweep_track(s, gpu);
	sw_sweep_track(s, cpu);
	sw_sweep_track(s, kern);

	if (BIND_STEP(s, "bind", sw_vm_bind(vm, gpu, 0, PRESSURE_SIZE, VA0, 0)))
		return;
	sw_pattern_fill(pat, sizeof(pat), 7);
	{
		struct sw_gpu_access acc[] = { { .va = VA0, .len = PRESSURE_SIZE, .write = pat } };

		if (STEP(s, "submit", sw_submit_wait(vm, acc, 1)))
			return;
	}

	if (STEP(s, "mmap", sw_mmap(e.p, cpu, 0, &m)))
		return;
	sw_pattern_fill(buf, sizeof(buf), 8);
	ret = STEP_MAPPED(s, "touch", sw_cpu_write(m, 0, buf, PRESSURE_SIZE), -EFAULT, true);
	if (ret)
		goto out_unmap;

	if (STEP(s, "vmap", sw_bo_vmap(kern, &va)))
		goto out_unmap;
	sw_pattern_fill(va, PRESSURE_SIZE, 9);
	sw_bo_vunmap(kern, va);

	memset(buf, 0, sizeof(buf));
	if (STEP_MAPPED(s, "read back", sw_cpu_read(m, 0, buf, PRESSURE_SIZE), -EFAULT, true))
		goto out_unmap;
	check_pattern(s, buf, PRESSURE_SIZE, 8, "CPU read back");

	{
		struct sw_gpu_access acc[] = { { .va = VA0, .len = PRESSURE_SIZE, .expect = pat } };

		if (STEP(s, "submit (restore)", sw_submit_wait(vm, acc, 1)))
			goto out_unmap;
	}

	if (STEP(s, "vmap again", sw_bo_vmap(kern, &va)))
		goto out_unmap;
	check_pattern(s, va, PRESSURE_SIZE, 9, "vmap read back");
	sw_bo_vunmap(kern, va);

	sw_reclaim_stats(&st);
	if (!st.direct_reclaims)
		sw_sweep_fail(s, "no direct reclaim: the scenario is not under pressure");

out_unmap:
	sw_munmap(m);
}

/*
 * Device init (a second panthor device in the world): on failure the
 * errno comes back and no shrinker is left registered; on success unplug
 * undoes it.
 */
static void scenario_device_init(struct sw_sweep *s)
{
	static struct device parent = { .init_name = "sw-sweep-dev" };
	long before = sw_shrinkers_registered();
	struct panthor_device *ptdev = calloc(1, sizeof(*ptdev));
	int ret;

	if (!ptdev) {
		sw_sweep_fail(s, "out of memory");
		return;
	}
	if (sw_sweep_step(s, "drm_dev_init", sw_drm_dev_init(&ptdev->base, &parent)))
		goto out_free;

	ret = panthor_device_init(ptdev);
	if (sw_sweep_step(s, "panthor_device_init", ret)) {
		if (sw_shrinkers_registered() != before)
			sw_sweep_fail(s, "failed init left %ld shrinker(s) registered",
				      sw_shrinkers_registered() - before);
		goto out_fini;
	}
	if (sw_shrinkers_registered() != before + 1)
		sw_sweep_fail(s, "init registered %ld shrinkers",
			      sw_shrinkers_registered() - before);
	panthor_device_unplug(ptdev);

out_fini:
	sw_drm_dev_fini(&ptdev->base);
out_free:
	free(ptdev);
}

/*
 * BO_SYNC on a BO without pages, on a populated one (builds and maps the
 * sg table), and on an evicted one (must not swap it in).
 */
static void scenario_sync(struct sw_sweep *s)
{
	const u32 type = DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE;
	struct sweep_env e = sweep_env(s);
	struct panthor_gem_object *obj;
	struct sw_bo *bo;

	if (STEP(s, "create", sw_bo_create_err(e.f, SIZE, 0, &bo)))
		return;
	sw_sweep_track(s, bo);
	obj = sw_bo_obj(bo);

	if (STEP(s, "sync unpopulated", panthor_gem_sync(obj, type, 0, SIZE)))
		return;
	if (STEP(s, "pin", panthor_gem_pin(obj)))
		return;
	panthor_gem_unpin(obj);
	if (STEP(s, "sync populated", panthor_gem_sync(obj, type, 0, SIZE)))
		return;

	evict_all(s, bo);

	if (STEP(s, "sync evicted", panthor_gem_sync(obj, type, PAGE_SIZE, PAGE_SIZE)))
		return;
	if (obj->backing.pages)
		sw_sweep_fail(s, "sync swapped an evicted BO in");
}

/* For the sweep's own checks: a create whose errno the scenario drops. */
static void scenario_lost_errno(struct sw_sweep *s)
{
	struct sw_bo *bo = NULL;
	int ret = sw_bo_create_err(sw_sweep_file(s), SIZE, 0, &bo);

	sw_sweep_step(s, "create, errno dropped", 0);
	if (!ret)
		sw_sweep_track(s, bo);
}

/* For the sweep's own checks: a pin never dropped. */
static void scenario_left_pinned(struct sw_sweep *s)
{
	struct sw_bo *bo;

	if (STEP(s, "create", sw_bo_create_err(sw_sweep_file(s), SIZE, 0, &bo)))
		return;
	sw_sweep_track(s, bo);
	(void)STEP(s, "pin", panthor_gem_pin(sw_bo_obj(bo)));
}

static void run_sweep(const char *name, sw_sweep_fn fn, const struct sw_world_config *cfg,
		      unsigned long min_points)
{
	struct sw_sweep_result res;

	assert_int_equal(sw_fault_sweep(name, cfg, fn, NULL, &res), 0);
	assert_int_equal(res.failed, 0);
	assert_true(res.points >= min_points);
	assert_true(res.covered > 0);
}

/*
 * The sweep itself: a scenario that drops the errno of the failed step
 * fails every run but the clean one; one that leaves its BO pinned fails
 * every run, the clean one included, its BO never being reclaimed.
 */
static void test_sweep_catches_broken_scenarios(void **state)
{
	struct sw_sweep_result res;

	assert_int_equal(sw_fault_sweep("lost-errno (expected to fail)", NULL,
					scenario_lost_errno, NULL, &res), 0);
	assert_true(res.points > 0);
	assert_int_equal(res.failed, res.covered);

	assert_int_equal(sw_fault_sweep("left-pinned (expected to fail)", NULL,
					scenario_left_pinned, NULL, &res), 0);
	assert_int_equal(res.failed, res.covered + 1);
}

static void test_sweep_cpu_mmap(void **state)
{
	run_sweep("cpu-mmap", scenario_cpu_mmap, NULL, 10);
}

static void test_sweep_cpu_mmap_coherent(void **state)
{
	struct sw_world_config cfg = { .mem_pages = 256, .swap_pages = 512, .coherent = true };

	run_sweep("cpu-mmap-coherent", scenario_cpu_mmap, &cfg, 8);
}

static void test_sweep_vmap(void **state)
{
	run_sweep("vmap", scenario_vmap, NULL, 10);
}

static void test_sweep_bind(void **state)
{
	run_sweep("bind", scenario_bind, NULL, 30);
}

static void test_sweep_bind_shared(void **state)
{
	run_sweep("bind-shared", scenario_bind_shared, NULL, 40);
}

static void test_sweep_pressure(void **state)
{
	/* Direct reclaim only: each run must take the same path to its fault point. */
	struct sw_world_config cfg = { .mem_pages = 2 * PRESSURE_PAGES + 4, .swap_pages = 256,
				       .no_kswapd = true };

	run_sweep("pressure", scenario_pressure, &cfg, 40);
}

static void test_sweep_device_init(void **state)
{
	run_sweep("device-init", scenario_device_init, NULL, 5);
}

static void test_sweep_sync(void **state)
{
	run_sweep("sync", scenario_sync, NULL, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_catches_broken_scenarios),
		cmocka_unit_test(test_sweep_cpu_mmap),
		cmocka_unit_test(test_sweep_cpu_mmap_coherent),
		cmocka_unit_test(test_sweep_vmap),
		cmocka_unit_test(test_sweep_bind),
		cmocka_unit_test(test_sweep_bind_shared),
		cmocka_unit_test(test_sweep_pressure),
		cmocka_unit_test(test_sweep_device_init),
		cmocka_unit_test(test_sweep_sync),
	};

	return cmocka_run_group_tests_name("fault_sweep", tests, NULL, NULL);
}
