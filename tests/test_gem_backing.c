// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * GEM backing: lazy pages, the CPU fault path in every mode, contents kept
 * across eviction, allocation failures, and freeing in awkward states.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/iosys-map.h>
#include <drm/drm_gem.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 8
#define SIZE (PAGES * PAGE_SIZE)

static void fill_and_evict(struct sw_ctx *c, struct sw_bo *bo, struct sw_map *m, unsigned int seed)
{
	static char buf[SIZE];

	sw_pattern_fill(buf, SIZE, seed);
	assert_int_equal(sw_cpu_write(m, 0, buf, SIZE), 0);
	assert_int_equal(sw_shrinker_scan(c->w, SIZE >> PAGE_SHIFT, GFP_KERNEL),
			 SIZE >> PAGE_SHIFT);
	assert_null(sw_bo_obj(bo)->backing.pages);
}

/* Contents survive eviction to swap and come back on the next CPU touch. */
static void test_contents_survive_eviction(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct sw_mm_stats before, after;
	static char buf[SIZE];
	struct sw_map *m;
	int round;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	for (round = 0; round < 3; round++) {
		sw_mm_stats(&before);
		fill_and_evict(&c, bo, m, round);
		sw_mm_stats(&after);
		assert_int_equal(after.swap_outs - before.swap_outs, PAGES);
		memset(buf, 0, SIZE);
		assert_int_equal(sw_cpu_read(m, 0, buf, SIZE), 0);
		assert_true(sw_pattern_check(buf, SIZE, round));
		sw_mm_stats(&before);
		assert_int_equal(before.swap_ins - after.swap_ins, PAGES);
	}
}

/* A vmap aliases the very pages the CPU mapping faults in. */
static void test_vmap_sees_mmap_writes(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	static char buf[SIZE];
	struct sw_map *m;
	void *va;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	fill_and_evict(&c, bo, m, 42);
	assert_int_equal(sw_bo_vmap(bo, &va), 0);
	assert_true(sw_pattern_check(va, SIZE, 42));
	sw_pattern_fill(va, SIZE, 43);
	assert_int_equal(sw_cpu_read(m, 0, buf, SIZE), 0);
	assert_true(sw_pattern_check(buf, SIZE, 43));
	sw_bo_vunmap(bo, va);
}

/* R-FAULT-PGOFF: page i of the mapping maps page i of the BO. */
static void test_fault_maps_matching_page(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	struct sw_map *m;
	unsigned long i;
	char byte = 0;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	for (i = PAGES; i-- > 0;) {
		assert_int_equal(sw_cpu_read(m, i * PAGE_SIZE, &byte, 1), 0);
		assert_int_equal(sw_map_pfn(m, i), page_to_pfn(obj->backing.pages[i]));
	}
	assert_int_equal(sw_map_present_pages(m), PAGES);
}

/* R-FAULT-PGOFF: an offset past the end of the BO is SIGBUS. */
static void test_fault_past_end_is_sigbus(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct vm_area_struct *vma;
	struct vm_fault vmf = { };
	struct sw_map *m;
	vm_fault_t ret;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	vma = sw_map_vma(m);
	vmf.vma = vma;
	vmf.address = vma->vm_start;
	vmf.pgoff = vma->vm_pgoff + PAGES;
	vmf.flags = FAULT_FLAG_ALLOW_RETRY;
	mmap_read_lock(vma->vm_mm);
	ret = vma->vm_ops->fault(&vmf);
	/* A retry dropped the lock; checked after, so a failure can't leave it held. */
	if (!(ret & VM_FAULT_RETRY))
		mmap_read_unlock(vma->vm_mm);
	assert_int_equal(ret, VM_FAULT_SIGBUS);
	assert_null(sw_bo_obj(bo)->backing.pages);
}

/* Every fault mode populates: retry (lock dropped), no retry, retry-nowait. */
static void test_fault_modes(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	enum sw_fault_mode modes[] = { SW_FAULT_RETRY, SW_FAULT_NORETRY, SW_FAULT_RETRY_NOWAIT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
		char in = 0x5a, out = 0;
		struct sw_map *m;

		assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
		assert_int_equal(sw_cpu_access(m, 3 * PAGE_SIZE, &in, 1, true, modes[i]), 0);
		assert_int_equal(sw_cpu_access(m, 3 * PAGE_SIZE, &out, 1, false, modes[i]), 0);
		assert_int_equal(out, in);
		assert_non_null(sw_bo_obj(bo)->backing.pages);
		assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_MMAPPED);
		sw_munmap(m);
		sw_bo_close(bo);
	}
}

struct resv_holder {
	struct dma_resv *resv;
	struct task_struct *waiter;	/* the task whose wait it looks for */
	int held;			/* it holds the resv */
	int done;			/* the waiter is past its access */
	int saw_wait;			/* the waiter slept on the resv */
};

/*
 * Hold the resv until the waiter sleeps on it (then let go), or until it
 * is past its access without having waited: a wait then never happened.
 * After a minute it lets go anyway, so a waiter that sleeps where
 * blocked_on does not say so fails the test instead of hanging it.
 */
static void *hold_resv(void *arg)
{
	struct resv_holder *h = arg;
	const struct lockdep_map *lock = &h->resv->lock.base.dep_map;
	int i;

	dma_resv_lock(h->resv, NULL);
	smp_store_release(&h->held, 1);
	for (i = 0; i < 60000 && !smp_load_acquire(&h->done); i++) {
		if (smp_load_acquire(&h->waiter->blocked_on) == lock) {
			h->saw_wait = 1;
			break;
		}
		usleep(1000);
	}
	dma_resv_unlock(h->resv);
	return NULL;
}

/*
 * R-FAULT-NO-INTERRUPTIBLE (seed 2096-2102, 7438-7462): with the resv
 * contended and a signal pending, the fault waits for the lock and inserts
 * the page in that one call; v1's interruptible lock gave up and returned
 * without a page, so the access faulted again.
 */
static void test_fault_with_signal_pending(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct resv_holder h = { .resv = sw_bo_obj(bo)->base.resv, .waiter = current };
	struct sw_map *m;
	pthread_t t;
	char byte = 3;
	int ret;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	sw_test_thread_start(&t, hold_resv, &h);
	while (!smp_load_acquire(&h.held))
		usleep(1000);
	sw_task_signal(1);
	ret = sw_cpu_access(m, 0, &byte, 1, true, SW_FAULT_NORETRY);
	sw_task_signal(0);
	smp_store_release(&h.done, 1);
	sw_test_thread_join(t);
	assert_int_equal(ret, 0);
	/* The fault met the resv held: it slept on it, however slow this thread. */
	assert_true(h.saw_wait);
	assert_int_equal(sw_map_faults(m), 1);
	assert_non_null(sw_bo_obj(bo)->backing.pages);
}

/* Private (COW) mappings are refused and leave nothing behind. */
static void test_cow_mapping_refused(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct sw_map *m = NULL;

	assert_int_equal(sw_mmap(c.p, bo, SW_MAP_PRIVATE, &m), -EINVAL);
	assert_int_equal(refcount_read(&sw_bo_obj(bo)->cmap.mmap_count), 0);
	assert_int_equal(kref_read(&sw_bo_obj(bo)->base.refcount), 1);
}

/*
 * R-PAGES-ERRPTR (seed 4735-4738, 19129-19187): a failed page allocation
 * leaves backing.pages NULL, never an error pointer, so the fault retried
 * after it (the crash Akash hit) allocates again instead of dereferencing it.
 */
static void test_pages_never_errptr_fault(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	char byte = 9;
	struct sw_map *m;

	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);

	/* First blocking attempt (mmap_lock dropped) fails; the retry works. */
	sw_fault_fail_next(SW_FAULT_PAGES, 1);
	assert_int_equal(sw_cpu_write(m, 0, &byte, 1), 0);
	assert_int_equal(sw_fault_injected(SW_FAULT_PAGES), 1);
	assert_non_null(obj->backing.pages);
	assert_false(IS_ERR(obj->backing.pages));
	sw_munmap(m);

	/* Evict, then fail every allocation: SIGBUS, and pages stay NULL. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	sw_fault_fail_next(SW_FAULT_PAGES, ~0UL);
	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), -EFAULT);
	assert_null(obj->backing.pages);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);

	/* Memory is back: the next touch repopulates with the old contents. */
	sw_fault_reset();
	byte = 0;
	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), 0);
	assert_int_equal(byte, 9);
}

/* R-PAGES-ERRPTR through pin and vmap: the error comes back, the retry works. */
static void test_pages_never_errptr_pin_vmap(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	void *va;

	/* Fail the 3rd page: the two got before are given back. */
	sw_fault_fail_nth(SW_FAULT_PAGES, 3);
	assert_int_equal(panthor_gem_pin(obj), -ENOMEM);
	assert_null(obj->backing.pages);
	assert_int_equal(refcount_read(&obj->backing.pin_count), 0);

	sw_fault_fail_next(SW_FAULT_PAGES, 1);
	assert_int_equal(sw_bo_vmap(bo, &va), -ENOMEM);
	assert_null(obj->backing.pages);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);

	assert_int_equal(panthor_gem_pin(obj), 0);
	assert_non_null(obj->backing.pages);
	panthor_gem_unpin(obj);
}

/* A failed kmalloc of the page array behaves the same. */
static void test_page_array_alloc_failure(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);

	sw_fault_fail_site("drm_gem_get_pages", 1);
	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), -ENOMEM);
	assert_null(sw_bo_obj(bo)->backing.pages);
	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), 0);
	panthor_gem_unpin(sw_bo_obj(bo));
}

/* BO creation failing at each allocation leaks nothing. */
static void test_create_failures_leak_nothing(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	unsigned long nth;

	for (nth = 1; nth < 16; nth++) {
		struct sw_bo *bo = NULL;
		int ret;

		sw_fault_fail_nth(SW_FAULT_KMALLOC, nth);
		ret = sw_bo_create_err(c.f, SIZE, 0, &bo);
		sw_fault_reset();
		if (!ret) {
			sw_bo_close(bo);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
	}
	assert_true(nth > 1);
}

/*
 * R-FREE-TAKES-RESV (seed 4936-4937, 6834-6843): freeing a BO that is
 * still vmapped and device-mapped cleans up under the resv: no lockdep
 * assertion, and the vmap, sg table and pages are all released.
 */
static void test_free_while_vmapped(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	struct iosys_map map = { };
	struct sw_mm_stats st;

	drm_gem_object_get(&obj->base);
	assert_int_equal(drm_gem_vmap(&obj->base, &map), 0);
	assert_false(IS_ERR(panthor_gem_get_dev_sgt(obj)));
	sw_bo_close(bo);
	assert_int_equal(sw_vmap_live(), 1);
	drm_gem_object_put(&obj->base);

	assert_int_equal(sw_vmap_live(), 0);
	sw_mm_stats(&st);
	assert_int_equal(st.free_pages, st.total_pages);
}

/* Freeing an mmapped BO only happens at the last munmap (the VMA holds a ref). */
static void test_free_after_last_munmap(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "backing");
	struct sw_mm_stats st;
	struct sw_map *m;
	struct sw_bo *bo = sw_test_bo_mmapped(&c, SIZE, &m);
	char byte = 0;

	sw_bo_close(bo);
	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), 0);
	assert_int_equal(byte, 1);
	sw_munmap(m);
	sw_mm_stats(&st);
	assert_int_equal(st.free_pages, st.total_pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_contents_survive_eviction),
		SW_TEST(test_vmap_sees_mmap_writes),
		SW_TEST(test_fault_maps_matching_page),
		SW_TEST(test_fault_past_end_is_sigbus),
		SW_TEST(test_fault_modes),
		SW_TEST(test_fault_with_signal_pending),
		SW_TEST(test_cow_mapping_refused),
		SW_TEST(test_pages_never_errptr_fault),
		SW_TEST(test_pages_never_errptr_pin_vmap),
		SW_TEST(test_page_array_alloc_failure),
		SW_TEST(test_create_failures_leak_nothing),
		SW_TEST(test_free_while_vmapped),
		SW_TEST(test_free_after_last_munmap),
	};

	return cmocka_run_group_tests_name("gem_backing", tests, NULL, NULL);
}
