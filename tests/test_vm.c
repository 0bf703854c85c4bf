// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * GPU VMs and reclaim: VM_BIND and the reclaim state it gives, GPU-side
 * eviction (page tables torn down, vm_bo and VMAs marked evicted) and
 * restore on submit (drm_gpuvm validate), with GPU jobs that read and
 * write through the page tables to prove the data survives every round
 * trip. Every test ends with the invariants checked, including "no
 * evicted VMA has a live PTE" and "every live PTE points at the BO's own
 * page".
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/sched/mm.h>
#include <linux/iosys-map.h>
#include <drm/drm_gpuvm.h>
#include <drm/panthor_drm.h>

#include <shrinkwrap/fault.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL

static struct panthor_vm *pvm(struct sw_vm *vm)
{
	return sw_vm_obj(vm);
}

static struct drm_gpuvm_bo *vm_bo_of(struct sw_bo *bo, struct sw_vm *vm)
{
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_for_each_gpuvm_bo(vm_bo, &sw_bo_obj(bo)->base)
		if (vm_bo->vm == panthor_vm_gpuvm(pvm(vm)))
			return vm_bo;
	return NULL;
}

/* Mappings of @bo in @vm, and how many of them are marked evicted. */
static int vmas_of(struct sw_bo *bo, struct sw_vm *vm, int *evicted)
{
	struct drm_gpuvm_bo *vm_bo = vm_bo_of(bo, vm);
	struct drm_gpuva *va;
	int n = 0;

	*evicted = 0;
	if (!vm_bo)
		return 0;
	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		n++;
		*evicted += panthor_vma_is_evicted(va);
	}
	return n;
}

static unsigned long evict_all(struct sw_ctx *c)
{
	return sw_shrinker_scan(c->w, 1UL << 20, GFP_KERNEL);
}

static void assert_invariants(struct sw_ctx *c)
{
	assert_int_equal(sw_check_invariants(c->w), 0);
}

static void assert_evicted(struct sw_bo *bo, struct sw_vm *vm, uint64_t va, size_t len)
{
	int n, evicted;

	assert_null(sw_bo_obj(bo)->backing.pages);
	assert_true(vm_bo_of(bo, vm)->evicted);
	n = vmas_of(bo, vm, &evicted);
	assert_true(n > 0);
	assert_int_equal(evicted, n);
	assert_int_equal(sw_vm_mapped_pages(vm, va, len), 0);
}

/*
 * R-BIND-PINS-DURING-OP, R-GPU-MAPPED-COUNT, R-LRU-PLACEMENT: after a bind
 * the BO is GPU-mapped, not pinned, on its VM's LRU.
 */
static void test_bind_private_bo(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_int_equal(refcount_read(&obj->backing.pin_count), 0);
	assert_ptr_equal(obj->base.lru, panthor_vm_reclaim_lru(pvm(vm)));
	assert_ptr_equal(panthor_vm_from_reclaim_node(c.ptdev->reclaim.vms.next), pvm(vm));
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);

	sw_test_gpu_write(vm, VA0, SIZE, 11);
	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 11), 0);

	/* count() includes GPU-mapped pages only for callers that can block. */
	assert_int_equal(sw_shrinker_count(c.w, GFP_KERNEL), PAGES);
	assert_int_equal(sw_shrinker_count(c.w, GFP_NOWAIT), SHRINK_EMPTY);
	assert_invariants(&c);
}

/*
 * R-STATE-EVAL-ORDER, R-LRU-PLACEMENT: mapped in two VMs is shared;
 * unbinding walks it back down.
 */
static void test_bind_shared_bo_two_vms(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(b, bo, 0, SIZE, VA1, 0), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);
	assert_ptr_equal(obj->base.lru, &c.ptdev->reclaim.gpu_mapped_shared);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, PAGES);
	assert_invariants(&c);

	assert_int_equal(sw_vm_unbind(b, VA1, SIZE), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_ptr_equal(obj->base.lru, panthor_vm_reclaim_lru(pvm(a)));
	assert_null(vm_bo_of(bo, b));

	assert_int_equal(sw_vm_unbind(a, VA0, SIZE), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNUSED);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, 0);
	assert_invariants(&c);
}

/* Eviction tears the GPU side down; the next submit restores it, data intact. */
static void test_evict_then_submit_restores(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct sw_mm_stats mm;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 21);

	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA0, SIZE);
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, 0);
	assert_invariants(&c);

	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 21), 0);
	assert_false(vm_bo_of(bo, vm)->evicted);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	sw_mm_stats(&mm);
	assert_true(mm.swap_ins >= PAGES);
	assert_invariants(&c);
}

/*
 * R-STATE-EVICTED-VMBO, R-CPU-REFAULT-CPU-ONLY: a CPU fault brings the
 * pages back for the CPU only; the evicted vm_bo does not count as a GPU
 * mapping, so the BO is MMAPPED, off its VM's LRU.
 */
static void test_cpu_refault_after_gpu_evict(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	char buf[64], want[64];
	struct sw_map *m;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 31);
	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA0, SIZE);

	assert_int_equal(sw_cpu_read(m, 0, buf, sizeof(buf)), 0);
	sw_pattern_fill(want, sizeof(want), 31);
	assert_memory_equal(buf, want, sizeof(buf));

	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_MMAPPED);
	assert_ptr_equal(obj->base.lru, &c.ptdev->reclaim.mmapped);
	assert_int_equal(panthor_vm_reclaim_lru(pvm(vm))->count, 0);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, 0);
	assert_true(vm_bo_of(bo, vm)->evicted);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), 0);
	assert_invariants(&c);
}

/*
 * R-EVICT-SKIP-EVICTED-VMA (Akash's sequence): bind, evict, CPU touch,
 * evict again. The second eviction must not unmap the already-evicted
 * range again: the mock io-pgtable WARNs on unmapping invalid PTEs, and the
 * teardown fails on any WARN.
 */
static void test_evict_refault_evict(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct sw_map *m;
	char byte = 7;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_mmap(c.p, bo, 0, &m), 0);
	assert_int_equal(evict_all(&c), PAGES);
	assert_int_equal(sw_cpu_write(m, 0, &byte, 1), 0);
	assert_non_null(sw_bo_obj(bo)->backing.pages);

	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA0, SIZE);
	assert_invariants(&c);

	byte = 0;
	assert_int_equal(sw_cpu_read(m, 0, &byte, 1), 0);
	assert_int_equal(byte, 7);
}

/*
 * R-SWAPIN-PINNED (Steven's sequence): evict, vmap (pins, pages back),
 * submit. Validate must not WARN or fail because the BO is pinned or has
 * pages already; it remaps every evicted VMA.
 */
static void test_swapin_of_pinned_bo(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	char want[SIZE];
	void *vaddr;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 41);
	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA0, SIZE);

	assert_int_equal(sw_bo_vmap(bo, &vaddr), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);

	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 41), 0);
	assert_false(vm_bo_of(bo, vm)->evicted);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);
	sw_pattern_fill(want, SIZE, 41);
	assert_memory_equal(vaddr, want, SIZE);
	assert_invariants(&c);

	sw_bo_vunmap(bo, vaddr);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_invariants(&c);
}

/*
 * R-EXTOBJ-VIA-PREPARE: an evicted shared BO is not on a VM's evict list
 * until drm_gpuvm_prepare_objects() locks it; a submit on VM A (prepare,
 * then validate) restores A's mappings only. With B's vm_bo still evicted
 * the BO is private to A (R-VM-LRU-SKIP-EVICTED-VMBO: the VM LRU update
 * skips evicted vm_bos).
 */
static void test_shared_bo_restored_per_vm(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(b, bo, 0, SIZE, VA1, 0), 0);
	sw_test_gpu_write(a, VA0, SIZE, 51);

	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, a, VA0, SIZE);
	assert_evicted(bo, b, VA1, SIZE);
	assert_true(list_empty(&panthor_vm_gpuvm(pvm(a))->evict.list));
	assert_true(list_empty(&panthor_vm_gpuvm(pvm(b))->evict.list));

	assert_int_equal(sw_test_gpu_check(a, VA0, SIZE, 51), 0);
	assert_int_equal(sw_vm_mapped_pages(a, VA0, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(b, VA1, SIZE), 0);
	assert_true(vm_bo_of(bo, b)->evicted);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_ptr_equal(obj->base.lru, panthor_vm_reclaim_lru(pvm(a)));
	assert_invariants(&c);

	assert_int_equal(sw_test_gpu_check(b, VA1, SIZE, 51), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);
	assert_invariants(&c);
}

/*
 * R-EVICTED-VMA-SPLIT and R-EVICTED-PARTIAL-UNBIND: the
 * unmapped middle is not unmapped from the page tables again, the two
 * ends stay evicted, and the next submit restores exactly them.
 */
static void test_partial_unmap_of_evicted_mapping(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	char want[SIZE];
	int n, evicted;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 61);
	assert_int_equal(evict_all(&c), PAGES);

	assert_int_equal(sw_vm_unbind(vm, VA0 + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	n = vmas_of(bo, vm, &evicted);
	assert_int_equal(n, 2);
	assert_int_equal(evicted, 2);
	assert_invariants(&c);

	sw_pattern_fill(want, SIZE, 61);
	{
		struct sw_gpu_access acc[] = {
			{ .va = VA0, .len = PAGE_SIZE, .expect = want },
			{ .va = VA0 + 3 * PAGE_SIZE, .len = PAGE_SIZE,
			  .expect = want + 3 * PAGE_SIZE },
		};

		assert_int_equal(sw_submit_wait(vm, acc, 2), 0);
	}
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), 2);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0 + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	n = vmas_of(bo, vm, &evicted);
	assert_int_equal(evicted, 0);
	assert_invariants(&c);
}

/*
 * R-RESTORE-LOOP: a restore whose page-table preallocation fails leaves the VMA
 * evicted and validate returns the error; the next validate succeeds.
 */
static void test_restore_pt_alloc_failure(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	int evicted;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 71);
	assert_int_equal(evict_all(&c), PAGES);

	sw_fault_fail_site("panthor_vm_op_ctx_prealloc_pts", 1);
	assert_int_equal(sw_vm_validate(vm), -ENOMEM);
	assert_int_equal(sw_fault_injected(SW_FAULT_KMALLOC), 1);
	assert_true(vm_bo_of(bo, vm)->evicted);
	vmas_of(bo, vm, &evicted);
	assert_int_equal(evicted, 1);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), 0);
	assert_invariants(&c);

	assert_int_equal(sw_vm_validate(vm), 0);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);
	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 71), 0);
	assert_invariants(&c);
}

/*
 * R-TRY-EVICT-STEPS: a GPU-mapped BO waits at most 10 jiffies for its BOOKKEEP fences;
 * a busy GPU leaves it in place and counted as remaining.
 */
static void test_evict_skips_busy_bo(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct sw_gpu_access acc = { .va = VA0, .len = 8, .expect = NULL };
	struct dma_fence *fence;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	/* Held, the job stays busy through the whole 10-jiffy wait, however slow the test. */
	sw_gpu_hold(c.w, true);
	assert_int_equal(sw_submit(vm, &acc, 1, 0, &fence), 0);

	/* Nothing freed, something left: 0 for one retry. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), 0);
	assert_false(dma_fence_is_signaled(fence));
	assert_non_null(sw_bo_obj(bo)->backing.pages);
	assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), PAGES);

	sw_gpu_hold(c.w, false);
	assert_int_equal(sw_fence_wait(fence), 0);
	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA0, SIZE);
	assert_invariants(&c);
}

/*
 * R-EVICT-PARTIAL-OP-LOCK: an op_lock contended on the second VM of a shared BO
 * leaves the first VM's mappings evicted and the pages in place; the BO
 * is then private to the second VM, and a submit on the first repairs it.
 */
static void test_evict_partial_on_op_lock_contention(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);
	unsigned long freed;

	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(b, bo, 0, SIZE, VA1, 0), 0);
	sw_test_gpu_write(a, VA0, SIZE, 81);

	/*
	 * Nothing freed, and nothing counted as remaining: the BO left the
	 * scan list for B's LRU (R-LRU-SCAN-REMAINING), so SHRINK_STOP.
	 */
	mutex_lock(panthor_vm_op_lock(pvm(b)));
	freed = sw_shrinker_scan(c.w, PAGES, GFP_KERNEL);
	mutex_unlock(panthor_vm_op_lock(pvm(b)));
	assert_int_equal(freed, SHRINK_STOP);

	assert_non_null(obj->backing.pages);
	assert_true(vm_bo_of(bo, a)->evicted);
	assert_false(vm_bo_of(bo, b)->evicted);
	assert_int_equal(sw_vm_mapped_pages(a, VA0, SIZE), 0);
	assert_int_equal(sw_vm_mapped_pages(b, VA1, SIZE), PAGES);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_ptr_equal(obj->base.lru, panthor_vm_reclaim_lru(pvm(b)));
	assert_invariants(&c);

	assert_int_equal(sw_test_gpu_check(a, VA0, SIZE, 81), 0);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_GPU_MAPPED_SHARED);
	assert_invariants(&c);
}

/*
 * A range bound after its vm_bo was evicted is mapped live; the next
 * eviction must tear that range down too (and only that one), or the GPU
 * would keep PTEs to freed pages.
 */
static void test_bind_into_evicted_vm_bo(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	int n, evicted;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE / 2, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE / 2, 91);
	assert_int_equal(evict_all(&c), PAGES);

	assert_int_equal(sw_vm_bind(vm, bo, SIZE / 2, SIZE / 2, VA1, 0), 0);
	assert_int_equal(sw_vm_mapped_pages(vm, VA1, SIZE / 2), PAGES / 2);
	n = vmas_of(bo, vm, &evicted);
	assert_int_equal(n, 2);
	assert_int_equal(evicted, 1);
	/* Live PTEs: GPU-mapped, counted, and only reclaimed by callers that can wait. */
	assert_true(vm_bo_of(bo, vm)->evicted);
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_GPU_MAPPED_PRIVATE);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, PAGES);
	assert_int_equal(sw_shrinker_count(c.w, GFP_NOWAIT), SHRINK_EMPTY);
	assert_invariants(&c);

	assert_int_equal(evict_all(&c), PAGES);
	assert_evicted(bo, vm, VA1, SIZE / 2);
	assert_invariants(&c);

	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE / 2, 91), 0);
	assert_int_equal(sw_vm_mapped_pages(vm, VA1, SIZE / 2), PAGES / 2);
	assert_invariants(&c);
}

/*
 * R-LRU-PLACEMENT, R-PRIV-SCAN-VM-LIST: a VM's first private BO puts it at
 * the head of the VM list,
 * activation moves it to the tail, the scan takes VMs from the head and a
 * VM whose LRU it emptied drops off the list.
 */
static void test_vm_lru_order(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm[3];
	struct list_head *vms = &c.ptdev->reclaim.vms;

	for (int i = 0; i < 3; i++) {
		struct sw_bo *bo;

		vm[i] = sw_vm_create(c.f);
		bo = sw_bo_create_private(c.f, vm[i], SIZE, 0);
		assert_int_equal(sw_vm_bind(vm[i], bo, 0, SIZE, VA0, 0), 0);
	}
	/* Bound 0, 1, 2: each went to the head. */
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->next), pvm(vm[2]));
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->prev), pvm(vm[0]));

	/* A job on 2 makes it the most recently active. */
	assert_int_equal(sw_test_gpu_check(vm[2], VA0, 0, 0), 0);
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->next), pvm(vm[1]));
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->prev), pvm(vm[2]));

	/* The budget of one BO goes to the least recently active VM. */
	assert_int_equal(sw_shrinker_scan(c.w, PAGES, GFP_KERNEL), PAGES);
	assert_int_equal(panthor_vm_reclaim_lru(pvm(vm[1]))->count, 0);
	assert_false(panthor_vm_on_reclaim_list(pvm(vm[1])));
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->next), pvm(vm[0]));
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->prev), pvm(vm[2]));
	assert_invariants(&c);
}

/*
 * R-PRIV-SCAN-VM-LIST, the race the stress test found: scan A takes VM X off the device
 * list and is scanning it (BO 1 on its private scan list) when X becomes
 * active (moved back to the device list) and scan B takes it, evicts the
 * other BO and, finding X's LRU empty, drops X from the list. When A then
 * puts BO 1 back, X must return to the VM list, or the shrinker never sees
 * BO 1 again.
 */
static struct sw_vm *race_vm;
static struct panthor_device *race_ptdev;
static int race_calls;

static bool racing_shrink(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	unsigned long remaining = 0;

	if (race_calls++)
		return false;

	assert_int_equal(panthor_vm_active(pvm(race_vm)), 0);
	assert_int_equal(panthor_mmu_reclaim_priv_bos(race_ptdev, 1000, &remaining,
						      panthor_gem_try_evict), PAGES);
	assert_false(panthor_vm_on_reclaim_list(pvm(race_vm)));
	panthor_vm_idle(pvm(race_vm));
	return false;
}

static void test_priv_scan_race_keeps_vm_listed(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo1 = sw_bo_create(c.f, SIZE, 0);
	struct sw_bo *bo2 = sw_bo_create(c.f, SIZE, 0);
	unsigned long remaining = 0;

	assert_int_equal(sw_vm_bind(vm, bo1, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(vm, bo2, 0, SIZE, VA1, 0), 0);
	race_vm = vm;
	race_ptdev = c.ptdev;
	race_calls = 0;

	assert_int_equal(panthor_mmu_reclaim_priv_bos(c.ptdev, 1000, &remaining,
						      racing_shrink), 0);
	assert_int_equal(race_calls, 1);
	assert_non_null(sw_bo_obj(bo1)->backing.pages);
	assert_null(sw_bo_obj(bo2)->backing.pages);
	assert_ptr_equal(sw_bo_obj(bo1)->base.lru, panthor_vm_reclaim_lru(pvm(vm)));
	assert_true(panthor_vm_on_reclaim_list(pvm(vm)));
	assert_invariants(&c);
}

/*
 * R-LRU-PLACEMENT: a VM activated while a scan holds its BOs aside (its LRU count
 * is 0 for that moment) still moves to the tail; the scan leaves it there.
 */
static bool activating_shrink(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	if (!race_calls++)
		assert_int_equal(panthor_vm_active(pvm(race_vm)), 0);
	return false;
}

static void test_activation_during_scan_moves_vm_to_tail(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *bo_a = sw_bo_create_private(c.f, a, SIZE, 0);
	struct sw_bo *bo_b = sw_bo_create_private(c.f, b, SIZE, 0);
	struct list_head *vms = &c.ptdev->reclaim.vms;
	unsigned long remaining = 0;

	assert_int_equal(sw_vm_bind(a, bo_a, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(b, bo_b, 0, SIZE, VA0, 0), 0);
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->next), pvm(b));

	race_vm = b;
	race_calls = 0;
	assert_int_equal(panthor_mmu_reclaim_priv_bos(c.ptdev, 1000, &remaining,
						      activating_shrink), 0);
	panthor_vm_idle(pvm(b));
	assert_int_equal(race_calls, 2);
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->next), pvm(a));
	assert_ptr_equal(panthor_vm_from_reclaim_node(vms->prev), pvm(b));
	assert_invariants(&c);
}

/*
 * A validate whose swap-in gets the pages but not the sg table keeps the
 * pages: the BO must be reclaimable again, not parked as unreclaimable
 * until its VM happens to validate successfully.
 */
static void test_validate_sgt_failure_keeps_bo_reclaimable(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct panthor_gem_object *obj = sw_bo_obj(bo);

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 17);
	assert_int_equal(evict_all(&c), PAGES);

	sw_fault_fail_site("drm_prime_pages_to_sg", 1);
	assert_int_equal(sw_vm_validate(vm), -ENOMEM);
	assert_int_equal(sw_fault_injected(SW_FAULT_KMALLOC), 1);
	assert_non_null(obj->backing.pages);
	assert_int_equal(obj->reclaim_state, PANTHOR_GEM_UNUSED);
	assert_int_equal(sw_shrinker_count(c.w, GFP_NOWAIT), PAGES);
	assert_invariants(&c);

	assert_int_equal(sw_test_gpu_check(vm, VA0, SIZE, 17), 0);
	assert_invariants(&c);
}

/* Bad VM_BIND requests fail with -EINVAL and change nothing. */
static void test_bind_rejects_bad_requests(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *a = sw_vm_create(c.f), *b = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	struct sw_bo *priv = sw_bo_create_private(c.f, a, SIZE, 0);

	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, VA0 + 1, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE - 1, VA0, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, 2 * SIZE, VA0, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, PAGE_SIZE, SIZE, VA0, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, 0, VA0, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, 1ULL << 48, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, (1ULL << 48) - PAGE_SIZE, 0), -EINVAL);
	assert_int_equal(sw_vm_bind(a, bo, 0, SIZE, VA0, 1u << 3), -EINVAL);
	assert_int_equal(sw_vm_bind(b, priv, 0, SIZE, VA0, 0), -EINVAL);
	assert_int_equal(sw_vm_unbind(a, VA0 + 1, SIZE), -EINVAL);

	assert_null(vm_bo_of(bo, a));
	assert_null(vm_bo_of(priv, b));
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_UNRECLAIMABLE);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, 0);
	assert_invariants(&c);
}

/* Destroying a VM unmaps everything: its BOs go back to UNUSED. */
static void test_vm_destroy_releases_bos(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *shared = sw_bo_create(c.f, SIZE, 0);
	struct sw_bo *priv = sw_bo_create_private(c.f, vm, SIZE, 0);

	assert_int_equal(sw_vm_bind(vm, shared, 0, SIZE, VA0, 0), 0);
	assert_int_equal(sw_vm_bind(vm, priv, 0, SIZE, VA1, 0), 0);
	sw_vm_destroy(vm);

	assert_int_equal(sw_bo_obj(shared)->reclaim_state, PANTHOR_GEM_UNUSED);
	assert_int_equal(sw_bo_obj(priv)->reclaim_state, PANTHOR_GEM_UNUSED);
	assert_int_equal(c.ptdev->reclaim.gpu_mapped_count, 0);
	assert_true(list_empty(&c.ptdev->reclaim.vms));
	assert_invariants(&c);
}

/*
 * Every allocation of a bind, failed in turn: the bind returns the error
 * and leaves no mapping, no vm_bo reference and no leak behind.
 */
static void test_bind_allocation_failures(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create(c.f, SIZE, 0);
	int kinds[] = { SW_FAULT_KMALLOC, SW_FAULT_PAGES };
	int failures = 0;

	for (unsigned int k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (unsigned long nth = 1; ; nth++) {
			int ret;

			sw_fault_reset();
			sw_fault_fail_nth(kinds[k], nth);
			ret = sw_vm_bind(vm, bo, 0, SIZE, VA0, 0);
			if (!sw_fault_injected(kinds[k])) {
				assert_int_equal(ret, 0);
				break;
			}
			failures++;
			assert_int_equal(ret, -ENOMEM);
			assert_null(vm_bo_of(bo, vm));
			assert_int_equal(sw_vm_mapped_pages(vm, VA0, SIZE), 0);
			assert_invariants(&c);
		}
		sw_fault_reset();
		assert_int_equal(sw_vm_unbind(vm, VA0, SIZE), 0);
	}
	assert_true(failures >= 4);
	assert_invariants(&c);
}

/*
 * The shrinker's LRU walk can drop the last reference to a BO, in reclaim.
 * A BO sharing its VM's resv must then be freed without blocking on that
 * resv (which a submit may hold while it allocates): lockdep knows the
 * resv -> fs_reclaim order, so a blocking lock here is reported.
 */
static void test_free_private_bo_in_reclaim(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct sw_bo *bo = sw_bo_create_private(c.f, vm, SIZE, 0);
	struct drm_gem_object *obj = &sw_bo_obj(bo)->base;

	assert_int_equal(sw_vm_bind(vm, bo, 0, SIZE, VA0, 0), 0);
	sw_test_gpu_write(vm, VA0, SIZE, 5);
	assert_int_equal(sw_vm_unbind(vm, VA0, SIZE), 0);

	drm_gem_object_get(obj);
	sw_bo_close(bo);
	fs_reclaim_acquire(GFP_KERNEL);
	drm_gem_object_put(obj);
	fs_reclaim_release(GFP_KERNEL);
	assert_invariants(&c);
}

/*
 * Reclaim racing with VM_BIND and submits on the same VM: one thread
 * binds, submits and unbinds in a loop while this one shrinks. Lockdep
 * sees both lock orders; the data and the invariants must hold.
 */
struct churn {
	struct sw_vm *vm;
	struct sw_bo *bo;
	int iterations;
	int errors;
};

static void *churn_thread(void *arg)
{
	struct churn *ch = arg;

	for (int i = 0; i < ch->iterations; i++) {
		uint64_t va = VA0 + (uint64_t)(i % 4) * SIZE;

		if (sw_vm_bind(ch->vm, ch->bo, 0, SIZE, va, 0))
			ch->errors++;
		sw_test_gpu_write(ch->vm, va, SIZE, 100 + i);
		if (sw_test_gpu_check(ch->vm, va, SIZE, 100 + i))
			ch->errors++;
		if (sw_vm_unbind(ch->vm, va, SIZE))
			ch->errors++;
	}
	return NULL;
}

static void test_bind_submit_vs_shrinker(void **state)
{
	struct sw_ctx c = sw_ctx_get(state, "vm");
	struct sw_vm *vm = sw_vm_create(c.f);
	struct churn ch = {
		.vm = vm,
		.bo = sw_bo_create_private(c.f, vm, SIZE, 0),
		.iterations = 40,
	};
	struct sw_gpu_stats st;
	pthread_t t;

	sw_test_thread_start(&t, churn_thread, &ch);
	for (int i = 0; i < 200; i++)
		sw_shrinker_scan(c.w, PAGES, GFP_KERNEL);
	sw_test_thread_join(t);

	assert_int_equal(ch.errors, 0);
	sw_gpu_stats(c.w, &st);
	assert_int_equal(st.faults, 0);
	assert_int_equal(st.mismatches, 0);
	assert_invariants(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_bind_private_bo),
		SW_TEST(test_bind_shared_bo_two_vms),
		SW_TEST(test_evict_then_submit_restores),
		SW_TEST(test_cpu_refault_after_gpu_evict),
		SW_TEST(test_evict_refault_evict),
		SW_TEST(test_swapin_of_pinned_bo),
		SW_TEST(test_shared_bo_restored_per_vm),
		SW_TEST(test_partial_unmap_of_evicted_mapping),
		SW_TEST(test_restore_pt_alloc_failure),
		SW_TEST(test_evict_skips_busy_bo),
		SW_TEST(test_evict_partial_on_op_lock_contention),
		SW_TEST(test_bind_into_evicted_vm_bo),
		SW_TEST(test_vm_lru_order),
		SW_TEST(test_priv_scan_race_keeps_vm_listed),
		SW_TEST(test_activation_during_scan_moves_vm_to_tail),
		SW_TEST(test_validate_sgt_failure_keeps_bo_reclaimable),
		SW_TEST(test_bind_rejects_bad_requests),
		SW_TEST(test_vm_destroy_releases_bos),
		SW_TEST(test_bind_allocation_failures),
		SW_TEST(test_free_private_bo_in_reclaim),
		SW_TEST(test_bind_submit_vs_shrinker),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
