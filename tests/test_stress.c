// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Concurrency stress: 8 worker threads create, mmap, CPU-touch, vmap, pin,
 * sync and free BOs, bind and unbind them in their VMs (whole or the last
 * page only; a BO bound in several VMs is shared, a third of the BOs are
 * private to one VM) and submit GPU jobs that read or write them through
 * the page tables, on a memory budget smaller than the working set, while
 * two more threads run the shrinker (direct scans and the debugfs shrink
 * file) and allocations drive direct reclaim. BOs are sometimes freed
 * while still bound; the next bind of the slot replaces the stale mapping.
 * After each phase the workers stop and the reclaim invariants are
 * checked. Every read, by the CPU or the GPU, verifies the contents last
 * written, across any number of swap round trips.
 *
 * Bounded by an operation count, never by time: every phase runs all its
 * operations in every build (ThreadSanitizer included), so a slow or
 * loaded machine runs longer rather than checking less, and the test fails
 * if a phase was cut short or (but under valgrind's scaled-down count) an
 * operation kind never ran. The seed is printed and can be replayed with
 * SW_STRESS_SEED=n.
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
#include "panthor_mmu.h"
#include <drm/drm_gpuvm.h>

#include <drm/panthor_drm.h>

#define WORKERS 8
#define SLOTS 48
#define MAX_PAGES 16
#define PHASES 4
#define VA_BASE 0x1000000ULL
#define SLOT_VA(i) (VA_BASE + (unsigned long long)(i) * MAX_PAGES * PAGE_SIZE)

struct slot {
	pthread_mutex_t lock;		/* the test's own: not a kernel lock */
	struct sw_bo *bo;
	struct sw_map *map;
	unsigned int gen;
	unsigned int pages;
	int owner;			/* VM the BO is private to, or -1 */
	unsigned int bound[WORKERS];	/* pages bound at SLOT_VA in each VM */
};

struct stress {
	struct sw_world *w;
	struct sw_proc *proc[WORKERS];
	struct sw_file *file[WORKERS];
	struct sw_vm *vm[WORKERS];
	struct slot slot[SLOTS];
	pthread_barrier_t barrier;
	unsigned long seed;
	unsigned int ops_per_phase;
	int stop_shrinkers;
	int errors;
	unsigned long pressure;		/* operations failed for lack of memory */
	unsigned long ops[16];		/* operations started, per kind */
	unsigned long done[16];		/* and performed (not skipped) */
	unsigned long phase_ops[PHASES];
};

enum op { OP_TOUCH_READ, OP_TOUCH_WRITE, OP_REMAP, OP_VMAP, OP_PIN, OP_SYNC, OP_FREE,
	  OP_BIND, OP_UNBIND, OP_GPU_READ, OP_GPU_WRITE, OP_NR };

static const char *const op_name[OP_NR] = {
	[OP_TOUCH_READ] = "read", [OP_TOUCH_WRITE] = "write", [OP_REMAP] = "remap",
	[OP_VMAP] = "vmap", [OP_PIN] = "pin", [OP_SYNC] = "sync", [OP_FREE] = "free",
	[OP_BIND] = "bind", [OP_UNBIND] = "unbind", [OP_GPU_READ] = "gpu-read",
	[OP_GPU_WRITE] = "gpu-write",
};

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

static unsigned long alloc_failures(void)
{
	struct sw_mm_stats mm;

	sw_mm_stats(&mm);
	return mm.alloc_failures;
}

/*
 * An operation that needs pages failed. If the page allocator failed
 * meanwhile, the budget ran out with what reclaim could not take (trylock
 * contention, busy GPU, pins): the kernel fails the same way, so it is
 * counted, not an error. Otherwise it is a bug.
 */
static __thread unsigned long failures_before;

static void op_failed(struct stress *s, const char *what, int slot)
{
	if (alloc_failures() > failures_before)
		__atomic_add_fetch(&s->pressure, 1, __ATOMIC_RELAXED);
	else
		stress_fail(s, what, slot);
}

static void fill(char *buf, size_t len, unsigned int gen)
{
	sw_pattern_fill(buf, len, gen);
}

/* A VM @sl is bound in, picked at random, or -1. */
static int bound_vm(struct slot *sl, unsigned long long *rng)
{
	int start = next(rng) % WORKERS;

	for (int k = 0; k < WORKERS; k++) {
		int v = (start + k) % WORKERS;

		if (sl->bound[v])
			return v;
	}
	return -1;
}

/* A GPU job on VM @v over the first @pages of slot @i: read-check or write. */
static void gpu_op(struct stress *s, int i, int v, bool write, unsigned long long *rng,
		   char *buf)
{
	struct slot *sl = &s->slot[i];
	size_t len = sl->bound[v] * PAGE_SIZE;
	struct sw_gpu_access acc = { .va = SLOT_VA(i), .len = len };
	struct dma_fence *fence;
	int ret;

	if (write) {
		fill(buf, sl->pages * PAGE_SIZE, sl->gen + 1);
		acc.write = buf;
	} else {
		fill(buf, sl->pages * PAGE_SIZE, sl->gen);
		acc.expect = buf;
	}
	/* Sometimes busy long enough that a scan has to wait or give up. */
	ret = sw_submit(s->vm[v], &acc, 1, next(rng) % 4 ? 0 : 2000, &fence);
	if (ret) {
		op_failed(s, "submit", i);
		return;
	}
	ret = sw_fence_wait(fence);
	if (ret) {
		struct panthor_gem_object *obj = sw_bo_obj(sl->bo);
		struct drm_gpuvm_bo *vm_bo;
		struct drm_gpuva *va;

		fprintf(stderr, "stress: slot %d VM %d: state %d pages %p bound %u/%u mapped %lu\n", i, v,
			obj->reclaim_state, obj->backing.pages, sl->bound[v], sl->pages,
			sw_vm_mapped_pages(s->vm[v], SLOT_VA(i), len));
		drm_gem_for_each_gpuvm_bo(vm_bo, &obj->base) {
			fprintf(stderr, "stress:   vm_bo of VM %p evicted %d\n", vm_bo->vm, vm_bo->evicted);
			drm_gpuvm_bo_for_each_va(va, vm_bo)
				fprintf(stderr, "stress:     VMA %#llx+%#llx evicted %d\n", va->va.addr, va->va.range,
					panthor_vma_is_evicted(va));
		}
		stress_fail(s, write ? "GPU write failed" : "GPU read: contents lost", i);
	}
	else if (write)
		sl->gen++;
}

static void do_op(struct stress *s, int wid, unsigned long long *rng, char *buf)
{
	int i = next(rng) % SLOTS;
	struct slot *sl = &s->slot[i];
	enum op op = next(rng) % OP_NR;
	size_t size;

	pthread_mutex_lock(&sl->lock);
	failures_before = alloc_failures();
	if (!sl->bo) {
		sl->pages = 1 + next(rng) % MAX_PAGES;
		memset(sl->bound, 0, sizeof(sl->bound));
		sl->owner = next(rng) % 3 ? -1 : wid;
		if (sl->owner >= 0) {
			sl->bo = sw_bo_create_private(s->file[wid], s->vm[wid],
						      sl->pages * PAGE_SIZE, 0);
		} else if (sw_bo_create_err(s->file[wid], sl->pages * PAGE_SIZE, 0, &sl->bo)) {
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
			op_failed(s, "CPU read faulted", i);
		else if (sl->gen && !sw_pattern_check(buf, size, sl->gen))
			stress_fail(s, "contents lost", i);
		break;
	case OP_TOUCH_WRITE:
		fill(buf, size, ++sl->gen);
		if (sw_cpu_write(sl->map, 0, buf, size)) {
			/* Partly written: contents unknown until the next full write. */
			sl->gen = 0;
			op_failed(s, "CPU write faulted", i);
		}
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
			op_failed(s, "vmap", i);
			break;
		}
		if (sl->gen && !sw_pattern_check(va, size, sl->gen))
			stress_fail(s, "contents lost (vmap)", i);
		sw_bo_vunmap(sl->bo, va);
		break;
	}
	case OP_PIN:
		if (panthor_gem_pin(sw_bo_obj(sl->bo))) {
			op_failed(s, "pin", i);
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
		/* Half the time the mappings stay: the VMs keep the BO alive. */
		for (int v = 0; v < WORKERS && next(rng) % 2; v++) {
			if (sl->bound[v] && sw_vm_unbind(s->vm[v], SLOT_VA(i), size))
				stress_fail(s, "unbind before free", i);
			sl->bound[v] = 0;
		}
		sw_munmap(sl->map);
		sw_bo_close(sl->bo);
		sl->map = NULL;
		sl->bo = NULL;
		break;
	case OP_BIND: {
		int v = sl->owner >= 0 ? sl->owner : wid;

		if (sw_vm_bind(s->vm[v], sl->bo, 0, size, SLOT_VA(i), 0))
			op_failed(s, "bind", i);
		else
			sl->bound[v] = sl->pages;
		break;
	}
	case OP_UNBIND: {
		int v = bound_vm(sl, rng);

		if (v < 0)
			goto out;
		if (sl->bound[v] > 1 && next(rng) % 2) {
			/* Only the last page: the rest of the mapping is split off. */
			sl->bound[v]--;
			if (sw_vm_unbind(s->vm[v], SLOT_VA(i) + sl->bound[v] * PAGE_SIZE,
					 (sl->pages - sl->bound[v]) * PAGE_SIZE))
				stress_fail(s, "partial unbind", i);
		} else {
			sl->bound[v] = 0;
			if (sw_vm_unbind(s->vm[v], SLOT_VA(i), size))
				stress_fail(s, "unbind", i);
		}
		break;
	}
	case OP_GPU_READ:
	case OP_GPU_WRITE: {
		int v = bound_vm(sl, rng);

		/*
		 * Not bound, or contents unknown (a write faulted), or a write
		 * without the whole BO mapped (one generation per BO): skipped.
		 */
		if (v < 0 || (op == OP_GPU_WRITE && sl->bound[v] != sl->pages) ||
		    (op == OP_GPU_READ && !sl->gen))
			goto out;
		gpu_op(s, i, v, op == OP_GPU_WRITE, rng, buf);
		break;
	}
	default:
		break;
	}
	__atomic_add_fetch(&s->done[op], 1, __ATOMIC_RELAXED);
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

		for (n = 0; n < s->ops_per_phase; n++)
			do_op(s, wa->id, &rng, buf);
		__atomic_add_fetch(&s->phase_ops[phase], n, __ATOMIC_RELAXED);
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

	while (!smp_load_acquire(&s->stop_shrinkers)) {
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

	while (!smp_load_acquire(&s->stop_shrinkers)) {
		if (sw_debugfs_write("dri/0/shrink", "64") != 2)
			stress_fail(s, "debugfs shrink write", -1);
		sw_debugfs_read("dri/0/shrink", buf, sizeof(buf));
		shrinker_pace();
	}
	return NULL;
}

static int setup(void **state)
{
	/*
	 * 384 pages of memory for 48 BOs of 1 to 16 pages (about 408 when
	 * all exist), page tables aside: reclaim runs all the time. A submit
	 * needs every BO of its VM resident while it holds the VM resv, which
	 * keeps the VM's private BOs out of its own reclaim: much less memory
	 * and most submits fail with -ENOMEM, as they would in the kernel.
	 */
	struct sw_world_config cfg = { .mem_pages = 384, .swap_pages = 4096 };

	*state = sw_world_create(&cfg);
	return *state ? 0 : -1;
}

static void test_stress_reclaim(void **state)
{
	static struct stress s;
	struct worker_arg wa[WORKERS];
	pthread_t th[WORKERS], shr[2];
	const char *env = getenv("SW_STRESS_SEED");
	struct sw_gpu_stats gpu;
	int i, phase;

	memset(&s, 0, sizeof(s));
	s.w = *state;
	s.seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);
	s.ops_per_phase = getenv("SW_UNDER_VALGRIND") ? 12 : 400;
	fprintf(stderr, "stress: seed %lu (replay with SW_STRESS_SEED=%lu)\n", s.seed, s.seed);

	for (i = 0; i < WORKERS; i++) {
		s.proc[i] = sw_proc_create(s.w, "stress", 0);
		s.file[i] = sw_file_open(s.proc[i]);
		s.vm[i] = sw_vm_create(s.file[i]);
	}
	for (i = 0; i < SLOTS; i++)
		pthread_mutex_init(&s.slot[i].lock, NULL);
	pthread_barrier_init(&s.barrier, NULL, WORKERS + 1);

	sw_test_thread_start(&shr[0], scanner, &s);
	sw_test_thread_start(&shr[1], debugfs_shrinker, &s);
	for (i = 0; i < WORKERS; i++) {
		wa[i].s = &s;
		wa[i].id = i;
		sw_test_thread_start(&th[i], worker, &wa[i]);
	}
	for (phase = 0; phase < PHASES; phase++) {
		pthread_barrier_wait(&s.barrier);
		/* Workers are parked; shrinkers may still be mid-scan: pause them. */
		smp_store_release(&s.stop_shrinkers, 1);
		sw_test_thread_join(shr[0]);
		sw_test_thread_join(shr[1]);
		if (sw_check_invariants(s.w))
			stress_fail(&s, "invariants broken", -1);
		smp_store_release(&s.stop_shrinkers, 0);
		sw_test_thread_start(&shr[0], scanner, &s);
		sw_test_thread_start(&shr[1], debugfs_shrinker, &s);
		pthread_barrier_wait(&s.barrier);
	}
	for (i = 0; i < WORKERS; i++)
		sw_test_thread_join(th[i]);
	smp_store_release(&s.stop_shrinkers, 1);
	sw_test_thread_join(shr[0]);
	sw_test_thread_join(shr[1]);
	pthread_barrier_destroy(&s.barrier);

	fprintf(stderr, "stress: ops (performed/started):");
	for (i = 0; i < OP_NR; i++)
		fprintf(stderr, " %s %lu/%lu", op_name[i], s.done[i], s.ops[i]);
	fputc('\n', stderr);
	for (phase = 0; phase < PHASES; phase++) {
		fprintf(stderr, "stress: phase %d: %lu of %u operations\n", phase,
			s.phase_ops[phase], WORKERS * s.ops_per_phase);
		if (s.phase_ops[phase] != WORKERS * s.ops_per_phase)
			stress_fail(&s, "phase cut short", -1);
	}
	/* Under valgrind's few operations an unbind may never find a binding. */
	for (i = 0; i < OP_NR && !getenv("SW_UNDER_VALGRIND"); i++) {
		if (!s.done[i]) {
			fprintf(stderr, "stress: no %s operation ran\n", op_name[i]);
			stress_fail(&s, "an operation kind never ran", -1);
		}
	}
	sw_gpu_stats(s.w, &gpu);
	fprintf(stderr, "stress: GPU jobs %lu, faults %lu, mismatches %lu; %lu operations "
		"failed for lack of memory\n", gpu.jobs, gpu.faults, gpu.mismatches, s.pressure);
	if (gpu.faults || gpu.mismatches)
		stress_fail(&s, "GPU faults or mismatches", -1);
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
