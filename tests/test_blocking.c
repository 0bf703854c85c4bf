// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * What reclaim may block on. A scan from a context that can't block
 * (GFP_NOWAIT: no __GFP_DIRECT_RECLAIM) runs in a no-block section of the
 * shim (sw_shrinker_scan() opens it), where a fence wait or a sleeping
 * lock reclaim is not known to take WARNs, and the teardown fails the test
 * on that WARN. Any scan only trylocks the locks of BOs and VMs, and
 * re-checks a BO's state once it owns its resv, because the BO may have
 * become harder to reclaim since the scan picked it from its LRU.
 *
 * Rule IDs are those of docs/review-rules.md.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/shrinker.h>
#include <drm/drm_gem.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL

/*
 * R-CAN-BLOCK, R-SCAN-ORDER, R-TRY-EVICT-STEPS (GPU-mapped
 * BOs wait on their fences: only callers that can block), DESIGN "wait
 * only when the caller may block": a GFP_NOWAIT scan evicts unused and
 * mmapped BOs, leaves private and shared GPU-mapped BOs mapped and counts
 * them as remaining (one retry, then SHRINK_STOP), with no fence wait and
 * no blocking BO or VM lock on the way (the no-block section WARNs).
 */
static void test_nowait_scan_leaves_gpu_mapped(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "blocking");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *priv = sw_bo_create_private(c.f, a, SIZE, 0);
	struct sw_bo *shared = sw_bo_create(c.f, SIZE, 0);
	struct sw_bo *unused = sw_test_bo_unused(&c, SIZE), *mmapped = sw_test_bo_mmapped(&c, SIZE, NULL);

	assert_int_equal(sw_vm_bind(a, priv, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(a, shared, 0, SIZE, VA1, 0), 0);
	assert_int_equal(sw_vm_bind(b, shared, 0, SIZE, VA1, 0), 0);
	sw_test_gpu_write(a, VA0, SIZE, 1);
	sw_test_gpu_write(a, VA1, SIZE, 2);
	assert_int_equal(sw_bo_obj(shared)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);

	assert_int_equal(sw_shrinker_scan(c.w, 1UL << 20, GFP_NOWAIT), 2 * PAGES);
	assert_null(sw_bo_obj(unused)->backing.pages);
	assert_null(sw_bo_obj(mmapped)->backing.pages);
	assert_non_null(sw_bo_obj(priv)->backing.pages);
	assert_non_null(sw_bo_obj(shared)->backing.pages);
	assert_int_equal(sw_vm_mapped_pages(a, VA0, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(a, VA1, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(b, VA1, SIZE), PAGES);
	assert_int_equal(sw_bo_obj(priv)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_int_equal(sw_bo_obj(shared)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);
	assert_int_equal(sw_check_invariants(c.w), 0);

	/* Only GPU-mapped BOs left: remaining, so one retry, then stop. */
	assert_int_equal(sw_shrinker_count(c.w, GFP_NOWAIT), SHRINK_EMPTY);
	assert_int_equal(sw_shrinker_scan(c.w, 1UL << 20, GFP_NOWAIT), 0);
	assert_int_equal(sw_shrinker_scan(c.w, 1UL << 20, GFP_NOWAIT), SHRINK_STOP);
	assert_non_null(sw_bo_obj(priv)->backing.pages);
	assert_non_null(sw_bo_obj(shared)->backing.pages);

	/* A caller that can block takes them; the next jobs restore them. */
	assert_int_equal(sw_shrinker_scan(c.w, 1UL << 20, GFP_KERNEL), 2 * PAGES);
	assert_null(sw_bo_obj(priv)->backing.pages);
	assert_null(sw_bo_obj(shared)->backing.pages);
	assert_int_equal(sw_test_gpu_check(a, VA0, SIZE, 1), 0);
	assert_int_equal(sw_test_gpu_check(a, VA1, SIZE, 2), 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/*
 * A thread holding a lock until told to let go, or for 60 s at most: with
 * the rule broken the scan blocks on the lock, and the test must still
 * end (a failed assertion then aborts the suite, naming it). The limit is
 * far above a loaded valgrind run's time between holder_start() and the
 * last scan (about a second), which it must never cut short.
 */
struct holder {
	struct mutex *lock;
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool held, release;
	pthread_t thread;
};

static void *holder_fn(void *arg)
{
	struct holder *h = arg;
	struct timespec until;

	mutex_lock(h->lock);
	pthread_mutex_lock(&h->m);
	h->held = true;
	pthread_cond_broadcast(&h->cv);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	while (!h->release)
		if (pthread_cond_timedwait(&h->cv, &h->m, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&h->m);
	mutex_unlock(h->lock);
	return NULL;
}

static void holder_start(struct holder *h, struct mutex *lock)
{
	*h = (struct holder){ .lock = lock };
	pthread_mutex_init(&h->m, NULL);
	pthread_cond_init(&h->cv, NULL);
	sw_test_thread_start(&h->thread, holder_fn, h);
	pthread_mutex_lock(&h->m);
	while (!h->held)
		pthread_cond_wait(&h->cv, &h->m);
	pthread_mutex_unlock(&h->m);
}

static void holder_stop(struct holder *h)
{
	pthread_mutex_lock(&h->m);
	h->release = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->m);
	sw_test_thread_join(h->thread);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->m);
}

/*
 * R-TRY-EVICT-STEPS (trylock only in try_evict: the gpuva lock first):
 * with a BO's gpuva lock held by another thread, scans of either kind
 * return without waiting for it, the BO keeps its pages and counts as
 * remaining (0 for the first scan that freed nothing, then SHRINK_STOP).
 */
static void test_scan_gpuva_lock_held_elsewhere(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "blocking");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *idle = sw_test_bo_unused(&c, SIZE);
	struct sw_bo *mapped = sw_bo_create_private(c.f, vm, SIZE, 0);
	static struct holder h[2];

	assert_int_equal(sw_vm_bind(vm, mapped, 0, SIZE, VA0, 0), 0);
	holder_start(&h[0], panthor_gem_gpuva_lock(sw_bo_obj(idle)));
	holder_start(&h[1], panthor_gem_gpuva_lock(sw_bo_obj(mapped)));

	assert_int_equal(sw_shrinker_scan(c.w, 2 * PAGES, GFP_NOWAIT), 0);
	assert_int_equal(sw_shrinker_scan(c.w, 2 * PAGES, GFP_KERNEL), SHRINK_STOP);
	assert_int_equal(sw_shrinker_scan(c.w, 2 * PAGES, GFP_KERNEL), 0);
	assert_non_null(sw_bo_obj(idle)->backing.pages);
	assert_non_null(sw_bo_obj(mapped)->backing.pages);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);

	holder_stop(&h[0]);
	holder_stop(&h[1]);
	assert_int_equal(sw_check_invariants(c.w), 0);
	assert_int_equal(sw_shrinker_scan(c.w, 2 * PAGES, GFP_KERNEL), 2 * PAGES);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

/* Run @fn(@arg) in a thread of its own and wait for it. */
static void run_in_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;

	sw_test_thread_start(&t, fn, arg);
	sw_test_thread_join(t);
}

struct bind_args {
	struct sw_vm *vm;
	struct sw_bo *bo;
	int ret;
	int calls;
};

static void *bind_fn(void *arg)
{
	struct bind_args *b = arg;

	b->ret = sw_vm_bind(b->vm, b->bo, 0, SIZE, VA0, 0);
	return NULL;
}

static void bind_before_trylock(void *arg)
{
	struct bind_args *b = arg;

	b->calls++;
	run_in_thread(bind_fn, b);
}

/*
 * R-TRY-EVICT-STEPS (re-evaluate and skip with -EAGAIN if the state got
 * harder), R-STATE-INITIAL (the enum order the check relies on): a scan
 * picks an unused BO, and before its resv trylock a bind makes the BO
 * GPU-mapped. The scan must see the new state and leave the BO alone: a
 * GFP_NOWAIT scan may neither wait for the GPU nor tear down a GPU
 * mapping. The BO then counts as remaining.
 */
static void test_scan_ceiling_bind_before_trylock(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "blocking");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_test_bo_unused(&c, SIZE);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	struct bind_args b = { .vm = vm, .bo = bo, .ret = -1 };

	sw_before_trylock(&obj->base.resv->lock.base.dep_map, bind_before_trylock, &b);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_NOWAIT), 0);
	sw_before_trylock(NULL, NULL, NULL);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.ret, 0);

	assert_non_null(obj->backing.pages);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_ptr_equal(obj->base.lru, panthor_vm_reclaim_lru(sw_vm_obj(vm)));
	assert_int_equal(sw_check_invariants(c.w), 0);

	/* From its own LRU, a scan that may block reclaims it. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

static void *close_fn(void *arg)
{
	sw_bo_close(arg);
	return NULL;
}

static void close_before_trylock(void *arg)
{
	run_in_thread(close_fn, arg);
}

/*
 * A GFP_NOWAIT scan that ends up holding the last reference to a BO (its
 * handle was closed after the pick) frees it from reclaim. The free path
 * takes only locks reclaim is known to take (the debugfs BO list lock is
 * declared to lockdep at init), so the no-block section has nothing to
 * say, and nothing leaks.
 */
static void test_nowait_scan_frees_last_reference(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "blocking");
	struct sw_bo *bo = sw_test_bo_unused(&c, SIZE);
	struct drm_gem_object *obj = &sw_bo_obj(bo)->base;

	sw_before_trylock(&obj->resv->lock.base.dep_map, close_before_trylock, bo);
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_NOWAIT), PAGES);
	sw_before_trylock(NULL, NULL, NULL);
	assert_int_equal(c.ptdev->reclaim.unused.count, 0);
	assert_int_equal(sw_check_invariants(c.w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_nowait_scan_leaves_gpu_mapped),
		SW_TEST(test_scan_gpuva_lock_held_elsewhere),
		SW_TEST(test_scan_ceiling_bind_before_trylock),
		SW_TEST(test_nowait_scan_frees_last_reference),
	};

	return cmocka_run_group_tests_name("blocking", tests, NULL, NULL);
}
