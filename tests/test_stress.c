// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Concurrency stress: 8 worker threads create, mmap, CPU-touch, vmap, pin,
 * sync and free BOs on a memory budget smaller than the working set, while
 * two more threads run the shrinker (direct scans and the debugfs shrink
 * file) and allocations drive direct reclaim. After each phase the workers
 * stop and the reclaim invariants are checked. Every read verifies the
 * contents last written, across any number of swap round trips.
 *
 * Bounded by an operation count and a time limit; the seed is printed and
 * can be replayed with SW_STRESS_SEED=n.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define WORKERS 8
#define SLOTS 48
#define MAX_PAGES 16
#define PHASES 4

struct slot {
	pthread_mutex_t lock;		/* the test's own: not a kernel lock */
	struct sw_bo *bo;
	struct sw_map *map;
	unsigned int gen;
	unsigned int pages;
};

struct stress {
	struct sw_world *w;
	struct sw_proc *proc[WORKERS];
	struct sw_file *file[WORKERS];
	struct slot slot[SLOTS];
	pthread_barrier_t barrier;
	unsigned long seed;
	unsigned int ops_per_phase;
	int stop_shrinkers;
	int errors;
	unsigned long ops[16];
	time_t deadline;
};

enum op { OP_TOUCH_READ, OP_TOUCH_WRITE, OP_REMAP, OP_VMAP, OP_PIN, OP_SYNC, OP_FREE,
	  OP_NR };

static unsigned long next(unsigned long long *rng)
{
	*rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned long)(*rng >> 33);
}

static void stress_fail(struct stress *s, const char *what, int slot)
{
	fprintf(stderr, "stress: %s (slot %d, seed %lu)\n", what, slot, s->seed);
	__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
}

static void fill(char *buf, size_t len, unsigned int gen)
{
	sw_pattern_fill(buf, len, gen);
}

static void do_op(struct stress *s, int wid, unsigned long long *rng, char *buf)
{
	int i = next(rng) % SLOTS;
	struct slot *sl = &s->slot[i];
	enum op op = next(rng) % OP_NR;
	size_t size;

	pthread_mutex_lock(&sl->lock);
	if (!sl->bo) {
		sl->pages = 1 + next(rng) % MAX_PAGES;
		if (sw_bo_create_err(s->file[wid], sl->pages * PAGE_SIZE, 0, &sl->bo)) {
			stress_fail(s, "create", i);
			goto out;
		}
		if (sw_mmap(s->proc[wid], sl->bo, 0, &sl->map)) {
			stress_fail(s, "mmap", i);
			goto out;
		}
		sl->gen = 0;
		op = OP_TOUCH_WRITE;
	}
	size = sl->pages * PAGE_SIZE;
	__atomic_add_fetch(&s->ops[op], 1, __ATOMIC_RELAXED);

	switch (op) {
	case OP_TOUCH_READ:
		if (sw_cpu_read(sl->map, 0, buf, size))
			stress_fail(s, "CPU read faulted", i);
		else if (sl->gen && !sw_pattern_check(buf, size, sl->gen))
			stress_fail(s, "contents lost", i);
		break;
	case OP_TOUCH_WRITE:
		fill(buf, size, ++sl->gen);
		if (sw_cpu_write(sl->map, 0, buf, size))
			stress_fail(s, "CPU write faulted", i);
		break;
	case OP_REMAP:
		sw_munmap(sl->map);
		if (sw_mmap(s->proc[next(rng) % WORKERS], sl->bo, 0, &sl->map)) {
			sl->map = NULL;
			stress_fail(s, "remap", i);
		}
		break;
	case OP_VMAP: {
		void *va;

		if (sw_bo_vmap(sl->bo, &va)) {
			stress_fail(s, "vmap", i);
			break;
		}
		if (sl->gen && !sw_pattern_check(va, size, sl->gen))
			stress_fail(s, "contents lost (vmap)", i);
		sw_bo_vunmap(sl->bo, va);
		break;
	}
	case OP_PIN:
		if (panthor_gem_pin(sw_bo_obj(sl->bo))) {
			stress_fail(s, "pin", i);
			break;
		}
		dma_resv_lock(sw_bo_obj(sl->bo)->base.resv, NULL);
		if (!sw_bo_obj(sl->bo)->backing.pages)
			stress_fail(s, "pinned BO without pages", i);
		dma_resv_unlock(sw_bo_obj(sl->bo)->base.resv);
		panthor_gem_unpin(sw_bo_obj(sl->bo));
		break;
	case OP_SYNC:
		if (panthor_gem_sync(sw_bo_obj(sl->bo),
				     DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE, 0, size))
			stress_fail(s, "sync", i);
		break;
	case OP_FREE:
		sw_munmap(sl->map);
		sw_bo_close(sl->bo);
		sl->map = NULL;
		sl->bo = NULL;
		break;
	default:
		break;
	}
out:
	if (sl->bo && !sl->map) {
		sw_bo_close(sl->bo);
		sl->bo = NULL;
	}
	pthread_mutex_unlock(&sl->lock);
}

struct worker_arg {
	struct stress *s;
	int id;
};

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct stress *s = wa->s;
	unsigned long long rng = s->seed * 1000003ull + wa->id;
	char *buf = malloc(MAX_PAGES * PAGE_SIZE);
	int phase;

	for (phase = 0; phase < PHASES; phase++) {
		unsigned int n;

		for (n = 0; n < s->ops_per_phase && time(NULL) < s->deadline; n++)
			do_op(s, wa->id, &rng, buf);
		pthread_barrier_wait(&s->barrier);	/* quiescent: main checks */
		pthread_barrier_wait(&s->barrier);	/* checked: go on */
	}
	free(buf);
	return NULL;
}

/* Under valgrind threads run one at a time: don't let the shrinkers hog it. */
static void shrinker_pace(void)
{
	if (getenv("SW_UNDER_VALGRIND"))
		usleep(2000);
}

static void *scanner(void *arg)
{
	struct stress *s = arg;

	while (!__atomic_load_n(&s->stop_shrinkers, __ATOMIC_ACQUIRE)) {
		sw_shrinker_scan(s->w, 32, GFP_KERNEL);
		sw_shrinker_scan(s->w, 8, GFP_NOWAIT);
		shrinker_pace();
	}
	return NULL;
}

static void *debugfs_shrinker(void *arg)
{
	struct stress *s = arg;
	char buf[32];

	while (!__atomic_load_n(&s->stop_shrinkers, __ATOMIC_ACQUIRE)) {
		if (sw_debugfs_write("dri/0/shrink", "64") != 2)
			stress_fail(s, "debugfs shrink write", -1);
		sw_debugfs_read("dri/0/shrink", buf, sizeof(buf));
		shrinker_pace();
	}
	return NULL;
}

static int setup(void **state)
{
	/* 160 pages of memory for up to 48 x 16 pages of BOs. */
	struct sw_world_config cfg = { .mem_pages = 160, .swap_pages = 4096 };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

static void test_stress_reclaim(void **state)
{
	static struct stress s;
	struct worker_arg wa[WORKERS];
	pthread_t th[WORKERS], shr[2];
	const char *env = getenv("SW_STRESS_SEED");
	int i, phase;

	memset(&s, 0, sizeof(s));
	s.w = *state;
	s.seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);
	s.ops_per_phase = getenv("SW_UNDER_VALGRIND") ? 12 : 400;
	s.deadline = time(NULL) + (getenv("SW_UNDER_VALGRIND") ? 20 : 60);
	fprintf(stderr, "stress: seed %lu (replay with SW_STRESS_SEED=%lu)\n", s.seed, s.seed);

	for (i = 0; i < WORKERS; i++) {
		s.proc[i] = sw_proc_create(s.w, "stress", 0);
		s.file[i] = sw_file_open(s.proc[i]);
	}
	for (i = 0; i < SLOTS; i++)
		pthread_mutex_init(&s.slot[i].lock, NULL);
	pthread_barrier_init(&s.barrier, NULL, WORKERS + 1);

	pthread_create(&shr[0], NULL, scanner, &s);
	pthread_create(&shr[1], NULL, debugfs_shrinker, &s);
	for (i = 0; i < WORKERS; i++) {
		wa[i].s = &s;
		wa[i].id = i;
		pthread_create(&th[i], NULL, worker, &wa[i]);
	}
	for (phase = 0; phase < PHASES; phase++) {
		pthread_barrier_wait(&s.barrier);
		/* Workers are parked; shrinkers may still be mid-scan: pause them. */
		__atomic_store_n(&s.stop_shrinkers, 1, __ATOMIC_RELEASE);
		pthread_join(shr[0], NULL);
		pthread_join(shr[1], NULL);
		if (sw_check_invariants(s.w))
			stress_fail(&s, "invariants broken", -1);
		__atomic_store_n(&s.stop_shrinkers, 0, __ATOMIC_RELEASE);
		pthread_create(&shr[0], NULL, scanner, &s);
		pthread_create(&shr[1], NULL, debugfs_shrinker, &s);
		pthread_barrier_wait(&s.barrier);
	}
	for (i = 0; i < WORKERS; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&s.stop_shrinkers, 1, __ATOMIC_RELEASE);
	pthread_join(shr[0], NULL);
	pthread_join(shr[1], NULL);
	pthread_barrier_destroy(&s.barrier);

	fprintf(stderr, "stress: ops read %lu write %lu remap %lu vmap %lu pin %lu sync %lu "
		"free %lu\n", s.ops[OP_TOUCH_READ], s.ops[OP_TOUCH_WRITE], s.ops[OP_REMAP],
		s.ops[OP_VMAP], s.ops[OP_PIN], s.ops[OP_SYNC], s.ops[OP_FREE]);
	for (i = 0; i < SLOTS; i++)
		pthread_mutex_destroy(&s.slot[i].lock);
	if (s.errors)
		fprintf(stderr, "stress: FAILED with seed %lu\n", s.seed);
	assert_int_equal(s.errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stress_reclaim, setup, sw_teardown),
	};

	return cmocka_run_group_tests_name("stress", tests, NULL, NULL);
}
