// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The per-process memory knobs, mem_reclaim and mem_claim, written in
 * process as a write(2) to the device attribute reaches them: their errors
 * and the order they come in (Documentation/ABI/testing/
 * sysfs-driver-panthor-mem in the seeds), and what a reclaim and a claim
 * do to one process's BOs and to nobody else's. tests/test_fuse.c writes
 * the same files through a real FUSE mount from another process.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <drm/drm_device.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL
#define CAP_RES (1ULL << CAP_SYS_RESOURCE)

static struct device *dev_of(struct sw_world *w)
{
	return sw_world_device(w)->base.dev;
}

/* Write @str to @knob as @p. */
static ssize_t knob_write(struct sw_world *w, struct sw_proc *p, const char *knob,
			  const char *str)
{
	sw_proc_enter(p);
	return sw_sysfs_write(dev_of(w), knob, str);
}

static ssize_t knob_write_tgid(struct sw_world *w, struct sw_proc *p, const char *knob,
			       pid_t tgid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", tgid);
	return knob_write(w, p, knob, buf);
}

/* A VM of @f with a private BO bound at VA0, written by the GPU. */
static struct sw_bo *bound_private_bo(struct sw_file *f, struct sw_vm **vm, unsigned int seed)
{
	struct sw_bo *bo;

	*vm = sw_vm_create(f);
	bo = sw_bo_create_private(f, *vm, SIZE, 0);
	assert_int_equal(sw_vm_bind(*vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(*vm, VA0, SIZE, seed);
	return bo;
}

static bool resident(struct sw_bo *bo)
{
	return sw_bo_obj(bo)->backing.pages != NULL;
}

/* kstrtoint rules: -EINVAL for what does not parse, -ERANGE past an int. */
static void test_knob_parse_errors(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "parse");
	static const char *const knobs[] = { "mem_reclaim", "mem_claim" };
	struct sw_proc *admin = sw_proc_create(c.w, "admin", CAP_RES);
	int k;

	for (k = 0; k < 2; k++) {
		const char *knob = knobs[k];

		/* As in kernfs, an empty write never reaches store(). */
		assert_int_equal(knob_write(c.w, admin, knob, ""), 0);
		assert_int_equal(knob_write(c.w, admin, knob, "\n"), -EINVAL);
		assert_int_equal(knob_write(c.w, admin, knob, "abc"), -EINVAL);
		assert_int_equal(knob_write(c.w, admin, knob, "12 "), -EINVAL);
		assert_int_equal(knob_write(c.w, admin, knob, "1\n\n"), -EINVAL);
		assert_int_equal(knob_write(c.w, admin, knob, "0x"), -EINVAL);
		assert_int_equal(knob_write(c.w, admin, knob, "2147483648"), -ERANGE);
		assert_int_equal(knob_write(c.w, admin, knob, "-2147483649"), -ERANGE);
		assert_int_equal(knob_write(c.w, admin, knob, "99999999999999999999"), -ERANGE);
		/* Parses: then it is only a TGID nobody has. */
		assert_int_equal(knob_write(c.w, admin, knob, "2147483647"), -ESRCH);
		assert_int_equal(knob_write(c.w, admin, knob, "-1"), -ESRCH);
		assert_int_equal(knob_write(c.w, admin, knob, "0"), -ESRCH);
	}
}

/*
 * mem_reclaim: a process may reclaim itself; anyone else needs
 * CAP_SYS_RESOURCE. mem_claim needs it even for the writer's own TGID.
 * The order: parse errors first, then -EPERM, then -ESRCH.
 */
static void test_knob_permissions_and_order(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "owner");
	struct sw_proc *other = sw_proc_create(c.w, "other", 0);
	struct sw_proc *admin = sw_proc_create(c.w, "admin", CAP_RES);
	pid_t owner = sw_proc_tgid(c.p);

	assert_int_equal(knob_write_tgid(c.w, c.p, "mem_reclaim", owner), 4);
	assert_int_equal(knob_write_tgid(c.w, other, "mem_reclaim", owner), -EPERM);
	assert_int_equal(knob_write_tgid(c.w, admin, "mem_reclaim", owner), 4);

	assert_int_equal(knob_write_tgid(c.w, c.p, "mem_claim", owner), -EPERM);
	assert_int_equal(knob_write_tgid(c.w, other, "mem_claim", owner), -EPERM);
	assert_int_equal(knob_write_tgid(c.w, admin, "mem_claim", owner), 4);

	/* Unparsable beats unprivileged. */
	assert_int_equal(knob_write(c.w, other, "mem_reclaim", "x"), -EINVAL);
	assert_int_equal(knob_write(c.w, other, "mem_claim", "99999999999"), -ERANGE);
	/* Unprivileged beats unknown: an unknown TGID is not revealed. */
	assert_int_equal(knob_write_tgid(c.w, other, "mem_reclaim", 99999), -EPERM);
	assert_int_equal(knob_write_tgid(c.w, other, "mem_claim", 99999), -EPERM);
	assert_int_equal(knob_write_tgid(c.w, admin, "mem_reclaim", 99999), -ESRCH);
	/* A process without a DRM file of its own reclaims itself: -ESRCH. */
	assert_int_equal(knob_write_tgid(c.w, other, "mem_reclaim", sw_proc_tgid(other)),
			 -ESRCH);

	/* A closed file no longer counts. */
	sw_file_close(c.f);
	assert_int_equal(knob_write_tgid(c.w, admin, "mem_claim", owner), -ESRCH);
}

struct intr_writer {
	struct sw_world *w;
	struct sw_proc *p;
	const char *knob;
	const char *str;
	ssize_t ret;
	int done;
};

static void *intr_writer_fn(void *arg)
{
	struct intr_writer *iw = arg;

	sw_proc_enter(iw->p);
	sw_task_signal(1);
	iw->ret = sw_sysfs_write(dev_of(iw->w), iw->knob, iw->str);
	sw_task_signal(0);
	smp_store_release(&iw->done, 1);
	return NULL;
}

/*
 * Write with a signal pending, from another thread, while this one may
 * hold @held. A write that waits for @held in spite of the signal would
 * never return: after a minute, @held is dropped and the test fails.
 */
static ssize_t write_with_signal(struct sw_world *w, struct sw_proc *p, const char *knob,
				 const char *str, struct mutex *held)
{
	struct intr_writer iw = { .w = w, .p = p, .knob = knob, .str = str };
	pthread_t t;

	sw_test_thread_start(&t, intr_writer_fn, &iw);
	if (!sw_test_wait_flag(&iw.done, 60)) {
		if (held)
			mutex_unlock(held);
		sw_test_thread_join(t);
		fail_msg("%s write of '%s' with a signal pending did not return in 60 s", knob,
			 str);
	}
	sw_test_thread_join(t);
	return iw.ret;
}

/*
 * A signal pending while the walk waits for the device file list lock
 * gives -EINTR, after the parse and permission errors, and no work done.
 */
static void test_knob_eintr(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "owner");
	struct sw_proc *admin = sw_proc_create(c.w, "admin", CAP_RES);
	struct sw_proc *other = sw_proc_create(c.w, "other", 0);
	struct mutex *filelist = &c.ptdev->base.filelist_mutex;
	char tgid[16];
	struct sw_vm *vm;
	struct sw_bo *bo = bound_private_bo(c.f, &vm, 1);
	ssize_t ret[4];

	snprintf(tgid, sizeof(tgid), "%d", sw_proc_tgid(c.p));
	sw_task_set(1, "sw-main", 0);
	mutex_lock(filelist);
	ret[0] = write_with_signal(c.w, admin, "mem_reclaim", tgid, filelist);
	ret[1] = write_with_signal(c.w, admin, "mem_claim", tgid, filelist);
	ret[2] = write_with_signal(c.w, admin, "mem_claim", "junk", filelist);
	ret[3] = write_with_signal(c.w, other, "mem_claim", tgid, filelist);
	/* Unlocked before the checks: a failed one leaves the test at once. */
	mutex_unlock(filelist);
	assert_int_equal(ret[0], -EINTR);
	assert_int_equal(ret[1], -EINTR);
	assert_int_equal(ret[2], -EINVAL);
	assert_int_equal(ret[3], -EPERM);
	assert_true(resident(bo));

	/* Uncontended, the lock is taken even with a signal pending. */
	assert_int_equal(write_with_signal(c.w, admin, "mem_reclaim", tgid, NULL), strlen(tgid));
	assert_false(resident(bo));
}

/*
 * Reclaim of one process evicts the BOs mapped in its VMs and leaves every
 * other process's alone; claim brings them back, pages and GPU mappings,
 * contents intact.
 */
static void test_reclaim_then_claim_one_process(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "victim");
	struct sw_ctx d = sw_ctx_get(state, "bystander");
	struct sw_proc *admin = sw_proc_create(c.w, "admin", CAP_RES);
	struct sw_file *f2 = sw_file_open(c.p);
	struct sw_vm *vm1, *vm2, *vm3;
	struct sw_bo *bo1 = bound_private_bo(c.f, &vm1, 1);
	struct sw_bo *bo2 = bound_private_bo(f2, &vm2, 2);
	struct sw_bo *bo3 = bound_private_bo(d.f, &vm3, 3);

	assert_int_equal(knob_write_tgid(c.w, admin, "mem_reclaim", sw_proc_tgid(c.p)), 4);
	assert_false(resident(bo1));
	assert_false(resident(bo2));
	assert_true(resident(bo3));
	assert_int_equal(sw_vm_mapped_pages(vm1, VA0, SIZE), 0);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA0, SIZE), 0);
	assert_int_equal(sw_vm_mapped_pages(vm3, VA0, SIZE), PAGES);
	assert_int_equal(sw_check_invariants(c.w), 0);

	assert_int_equal(knob_write_tgid(c.w, admin, "mem_claim", sw_proc_tgid(c.p)), 4);
	assert_true(resident(bo1));
	assert_true(resident(bo2));
	assert_int_equal(sw_vm_mapped_pages(vm1, VA0, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA0, SIZE), PAGES);
	assert_int_equal(sw_check_invariants(c.w), 0);
	assert_int_equal(sw_test_gpu_check(vm1, VA0, SIZE, 1), 0);
	assert_int_equal(sw_test_gpu_check(vm2, VA0, SIZE, 2), 0);
	assert_int_equal(sw_test_gpu_check(vm3, VA0, SIZE, 3), 0);
}

/*
 * Claim restores shared BOs too: a BO mapped in the VMs of two processes,
 * evicted by the shrinker, comes back mapped in the claimed process's VM
 * (its resv locked with the VM's through drm_exec); the other process's
 * VM keeps its evicted mapping until it is validated itself.
 */
static void test_claim_restores_evicted_shared_bo(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "claimer");
	struct sw_ctx d = sw_ctx_get(state, "sharer");
	struct sw_proc *admin = sw_proc_create(c.w, "admin", CAP_RES);
	struct sw_vm *vm1 = sw_vm_create(c.f);
	struct sw_vm *vm2 = sw_vm_create(d.f);
	struct sw_bo *shared = sw_bo_create(c.f, SIZE, 0);

	assert_int_equal(sw_vm_bind(vm1, shared, 0, SIZE, VA1, 0), 0);
	assert_int_equal(sw_vm_bind(vm2, shared, 0, SIZE, VA1, 0), 0);
	assert_int_equal(sw_bo_obj(shared)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);
	sw_test_gpu_write(vm1, VA1, SIZE, 7);

	/* A forced reclaim leaves shared BOs alone: they are not only its. */
	assert_int_equal(knob_write_tgid(c.w, admin, "mem_reclaim", sw_proc_tgid(c.p)), 4);
	assert_true(resident(shared));

	sw_shrinker_scan(c.w, 1 << 20, GFP_KERNEL);
	assert_false(resident(shared));

	assert_int_equal(knob_write_tgid(c.w, admin, "mem_claim", sw_proc_tgid(c.p)), 4);
	assert_true(resident(shared));
	assert_int_equal(sw_vm_mapped_pages(vm1, VA1, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA1, SIZE), 0);
	assert_int_equal(sw_check_invariants(c.w), 0);

	assert_int_equal(knob_write_tgid(c.w, admin, "mem_claim", sw_proc_tgid(d.p)), 4);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA1, SIZE), PAGES);
	assert_int_equal(sw_test_gpu_check(vm2, VA1, SIZE, 7), 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* Without swap, a forced reclaim frees nothing: contents can't go anywhere. */
static void test_reclaim_without_swap_keeps_bos(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "noswap");
	struct sw_vm *vm;
	struct sw_bo *bo = bound_private_bo(c.f, &vm, 4);

	assert_int_equal(knob_write_tgid(c.w, c.p, "mem_reclaim", sw_proc_tgid(c.p)), 4);
	assert_true(resident(bo));
	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 4), 0);
}

/* debugfs gems: name and flags columns, the creator as comm/tgid. */
static void test_gems_lists_creator_name_and_flags(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "gemsproc");
	char buf[8192], who[64];

	sw_bo_create(c.f, SIZE, 0);
	assert_true(sw_debugfs_read("dri/0/gems", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "name"));
	assert_non_null(strstr(buf, "flags"));
	snprintf(who, sizeof(who), "gemsproc/%d", sw_proc_tgid(c.p));
	assert_non_null(strstr(buf, who));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_knob_parse_errors),
		SW_TEST(test_knob_permissions_and_order),
		SW_TEST(test_knob_eintr),
		SW_TEST(test_reclaim_then_claim_one_process),
		SW_TEST(test_claim_restores_evicted_shared_bo),
		SW_TEST_NOSWAP(test_reclaim_without_swap_keeps_bos),
		SW_TEST(test_gems_lists_creator_name_and_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
