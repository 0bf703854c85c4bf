// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * pin_count and mmap_count under concurrency: lockless 1->n and n->1,
 * 0<->1 under the resv, with the shrinker running alongside.
 */
#include <pthread.h>
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/mm.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 2
#define SIZE (PAGES * PAGE_SIZE)
#define THREADS 4

static unsigned int iterations(void)
{
	/* valgrind serialises threads and runs ~50x slower. */
	return getenv("SW_UNDER_VALGRIND") ? 150 : 1500;
}

struct shared {
	struct sw_world *w;
	struct sw_bo *bo;
	struct sw_proc *proc[THREADS];
	int stop;
	int errors;
};

struct worker {
	struct shared *s;
	int id;
	pthread_t thread;
};

static void *mmap_worker(void *arg)
{
	struct worker *wk = arg;
	struct shared *s = wk->s;
	unsigned int i, n = iterations();

	for (i = 0; i < n; i++) {
		struct sw_map *m;
		char byte = (char)i;

		if (sw_mmap(s->proc[wk->id], s->bo, 0, &m)) {
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			break;
		}
		if (i % 4 == 0 && sw_cpu_write(m, (i % PAGES) * PAGE_SIZE + wk->id, &byte, 1))
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		sw_munmap(m);
	}
	return NULL;
}

static void *shrink_worker(void *arg)
{
	struct shared *s = arg;

	while (!smp_load_acquire(&s->stop))
		sw_shrinker_scan(s->w, PAGES, GFP_KERNEL);
	return NULL;
}

/* Run THREADS workers to completion with the shrinker scanning alongside. */
static void run_workers(struct shared *s, void *(*fn)(void *))
{
	struct worker wk[THREADS];
	pthread_t shrinker;
	int i;

	sw_test_thread_start(&shrinker, shrink_worker, s);
	for (i = 0; i < THREADS; i++) {
		wk[i].s = s;
		wk[i].id = i;
		sw_test_thread_start(&wk[i].thread, fn, &wk[i]);
	}
	for (i = 0; i < THREADS; i++)
		sw_test_thread_join(wk[i].thread);
	smp_store_release(&s->stop, 1);
	sw_test_thread_join(shrinker);
}

/*
 * R-MMAP-COUNT-TRANSITIONS (seed 9510-9512, 9804-9808): concurrent mmap
 * (0->1 locked, 1->n lockless) and munmap (n->1 lockless, 1->0 by a single
 * dec-and-test under the resv). A lost count shows up as a refcount WARN,
 * a non-zero count at the end, or a BO left on the mmapped LRU.
 */
static void test_mmap_count_transitions(void **state)
{
	struct shared s = { .w = *state };
	int i;

	for (i = 0; i < THREADS; i++)
		s.proc[i] = sw_proc_create(s.w, "mapper", 0);
	s.bo = sw_bo_create(sw_file_open(s.proc[0]), SIZE, 0);
	run_workers(&s, mmap_worker);

	assert_int_equal(s.errors, 0);
	assert_int_equal(refcount_read(&sw_bo_obj(s.bo)->cmap.mmap_count), 0);
	assert_int_not_equal(sw_bo_obj(s.bo)->reclaim_state, PANTHOR_GEM_MMAPPED);
	assert_int_equal(sw_check_invariants(s.w), 0);
}

static void *pin_worker(void *arg)
{
	struct worker *wk = arg;
	struct shared *s = wk->s;
	struct panthor_gem_object *obj = sw_bo_obj(s->bo);
	unsigned int i, n = iterations();

	sw_proc_enter(s->proc[0]);
	for (i = 0; i < n; i++) {
		if (panthor_gem_pin(obj)) {
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		/*
		 * Pinned: the pages can't go away. A lockless (n>=1) pin orders
		 * nothing, so pages are looked at under the resv, as the driver's
		 * users of a pinned BO do.
		 */
		dma_resv_lock(obj->base.resv, NULL);
		if (!obj->backing.pages)
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		dma_resv_unlock(obj->base.resv);
		panthor_gem_unpin(obj);
	}
	return NULL;
}

/*
 * R-PIN-COUNT-TRANSITIONS: concurrent pin/unpin with nested holders and the
 * shrinker scanning: a pinned BO is never evicted and the count ends at 0
 * with the BO back on the unused LRU (or evicted).
 */
static void test_pin_count_transitions(void **state)
{
	struct shared s = { .w = *state };

	s.proc[0] = sw_proc_create(s.w, "pinner", 0);
	s.bo = sw_bo_create(sw_file_open(s.proc[0]), SIZE, 0);
	run_workers(&s, pin_worker);

	assert_int_equal(s.errors, 0);
	assert_int_equal(refcount_read(&sw_bo_obj(s.bo)->backing.pin_count), 0);
	assert_int_not_equal(sw_bo_obj(s.bo)->reclaim_state, PANTHOR_GEM_MMAPPED);
	assert_int_equal(sw_check_invariants(s.w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_mmap_count_transitions),
		SW_TEST(test_pin_count_transitions),
	};

	return cmocka_run_group_tests_name("counters", tests, NULL, NULL);
}
