// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Reclaim invariants, checked at quiescent points by tests and the stress
 * and model tests: each BO is on exactly the LRU of its state, LRU counts
 * are the sums of their BOs' pages, gpu_mapped_count is the GPU-mapped
 * pages, a pinned BO has its pages; on the GPU side, a BO's state agrees
 * with its vm_bos, an evicted mapping has no page-table entry left, and a
 * live one points at the BO's own pages.
 */
#include <stdio.h>

#include <linux/kernel.h>
#include <linux/io-pgtable.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>

#include "world_priv.h"

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

static long lru_pages(struct drm_gem_lru *lru, int *bad, const char *name)
{
	struct drm_gem_object *obj;
	long pages = 0;

	list_for_each_entry(obj, &lru->list, lru_node) {
		pages += obj->size >> PAGE_SHIFT;
		if (obj->lru != lru) {
			fprintf(stderr, "invariant: BO %p on %s list but obj->lru=%p\n",
				obj, name, obj->lru);
			(*bad)++;
		}
	}
	if (pages != lru->count) {
		fprintf(stderr, "invariant: %s count %ld, its BOs have %ld pages\n",
			name, lru->count, pages);
		(*bad)++;
	}
	return pages;
}

/* The state the BO's vm_bos call for, if it is not UNRECLAIMABLE. */
static struct panthor_vm *live_vm(struct panthor_gem_object *bo, int *nr_vms)
{
	struct panthor_vm *vm = NULL;
	struct drm_gpuvm_bo *vm_bo;

	*nr_vms = 0;
	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		struct drm_gpuva *va;
		bool live = !vm_bo->evicted;

		/* A range bound into an evicted vm_bo is live. */
		drm_gpuvm_bo_for_each_va(va, vm_bo)
			live |= !panthor_vma_is_evicted(va);
		if (!live)
			continue;
		if (!vm || vm != panthor_vm_from_gpuvm(vm_bo->vm))
			(*nr_vms)++;
		vm = panthor_vm_from_gpuvm(vm_bo->vm);
	}
	return vm;
}

/* Page tables against mappings: evicted ranges empty, live ones on our pages. */
static void check_mappings(struct panthor_gem_object *bo, int *bad)
{
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->base) {
		struct panthor_vm *vm = panthor_vm_from_gpuvm(vm_bo->vm);
		struct io_pgtable_ops *ops = panthor_vm_pgtbl_ops(vm);
		struct drm_gpuva *va;

		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			u64 npages = va->va.range >> PAGE_SHIFT;
			u64 first = va->gem.offset >> PAGE_SHIFT;

			if (panthor_vma_is_evicted(va)) {
				unsigned long live = sw_io_pgtable_mapped_pages(ops, va->va.addr,
										 va->va.range);
				if (live) {
					fprintf(stderr, "invariant: BO %p evicted VMA %#llx+%#llx has %lu live PTEs\n",
						bo, va->va.addr, va->va.range, live);
					(*bad)++;
				}
				continue;
			}
			if (!bo->backing.pages) {
				fprintf(stderr, "invariant: BO %p has no pages but VMA %#llx+%#llx is live\n",
					bo, va->va.addr, va->va.range);
				(*bad)++;
				continue;
			}
			for (u64 i = 0; i < npages; i++) {
				phys_addr_t pa = ops->iova_to_phys(ops, va->va.addr + (i << PAGE_SHIFT));
				phys_addr_t want = (phys_addr_t)page_to_pfn(bo->backing.pages[first + i])
						   << PAGE_SHIFT;

				if (pa != want) {
					fprintf(stderr, "invariant: BO %p VMA %#llx page %llu maps %#llx, not its page %#llx\n",
						bo, va->va.addr, i, (unsigned long long)pa,
						(unsigned long long)want);
					(*bad)++;
					break;
				}
			}
		}
	}
}

/**
 * sw_check_invariants() - check the reclaim invariants of the world.
 * @w: the world; no BO may change state while this runs.
 *
 * Return: number of violations (each printed).
 */
int sw_check_invariants(struct sw_world *w)
{
	struct panthor_device *ptdev = sw_world_device(w);
	struct panthor_gem_object *bo;
	struct list_head *node;
	long gpu_mapped = 0;
	int bad = 0;

	/* A quiescent point: kswapd must not reclaim under the checks. */
	sw_kswapd_park(true);
	mutex_lock(&ptdev->gems.lock);
	mutex_lock(&ptdev->reclaim.lock);
	lru_pages(&ptdev->reclaim.unused, &bad, "unused");
	lru_pages(&ptdev->reclaim.mmapped, &bad, "mmapped");
	lru_pages(&ptdev->reclaim.gpu_mapped_shared, &bad, "gpu_mapped_shared");
	lru_pages(&ptdev->reclaim.unreclaimable, &bad, "unreclaimable");

	list_for_each(node, &ptdev->reclaim.vms)
		lru_pages(panthor_vm_reclaim_lru(panthor_vm_from_reclaim_node(node)), &bad, "VM");

	list_for_each_entry(bo, &ptdev->gems.node, debugfs.node) {
		struct drm_gem_lru *want = NULL;
		bool pinned = refcount_read(&bo->backing.pin_count) > 0;

		switch (bo->reclaim_state) {
		case PANTHOR_GEM_UNUSED:
			want = &ptdev->reclaim.unused;
			break;
		case PANTHOR_GEM_MMAPPED:
			want = &ptdev->reclaim.mmapped;
			break;
		case PANTHOR_GEM_GPU_MAPPED_SHARED:
			want = &ptdev->reclaim.gpu_mapped_shared;
			fallthrough;
		case PANTHOR_GEM_GPU_MAPPED_PRIVATE:
			gpu_mapped += bo->base.size >> PAGE_SHIFT;
			break;
		case PANTHOR_GEM_UNRECLAIMABLE:
			break;
		}
		if (bo->reclaim_state == PANTHOR_GEM_UNRECLAIMABLE && bo->base.lru)
			want = &ptdev->reclaim.unreclaimable;
		if (bo->reclaim_state != PANTHOR_GEM_GPU_MAPPED_PRIVATE && bo->base.lru != want) {
			fprintf(stderr, "invariant: BO %p in state %d is on LRU %p, not %p\n",
				bo, bo->reclaim_state, bo->base.lru, want);
			bad++;
		}
		if (pinned && !bo->backing.pages) {
			fprintf(stderr, "invariant: pinned BO %p has no pages\n", bo);
			bad++;
		}
		if (!pinned && bo->backing.pages &&
		    bo->reclaim_state == PANTHOR_GEM_UNRECLAIMABLE) {
			fprintf(stderr, "invariant: BO %p has pages, is not pinned, but is UNRECLAIMABLE\n",
				bo);
			bad++;
		}
		if ((pinned || !bo->backing.pages) &&
		    bo->reclaim_state != PANTHOR_GEM_UNRECLAIMABLE) {
			fprintf(stderr, "invariant: BO %p pinned or without pages in state %d\n",
				bo, bo->reclaim_state);
			bad++;
		}
		if (bo->reclaim_state != PANTHOR_GEM_UNRECLAIMABLE) {
			int nr_vms;
			struct panthor_vm *vm = live_vm(bo, &nr_vms);
			enum panthor_gem_reclaim_state expect =
				nr_vms > 1 ? PANTHOR_GEM_GPU_MAPPED_SHARED :
				nr_vms == 1 ? PANTHOR_GEM_GPU_MAPPED_PRIVATE :
				refcount_read(&bo->cmap.mmap_count) ? PANTHOR_GEM_MMAPPED :
				PANTHOR_GEM_UNUSED;

			if (bo->reclaim_state != expect) {
				fprintf(stderr, "invariant: BO %p in state %d, its mappings say %d\n",
					bo, bo->reclaim_state, expect);
				bad++;
			} else if (expect == PANTHOR_GEM_GPU_MAPPED_PRIVATE &&
				   (bo->base.lru != panthor_vm_reclaim_lru(vm) ||
				    !panthor_vm_on_reclaim_list(vm))) {
				fprintf(stderr, "invariant: private BO %p on LRU %p, not its VM's %p, or the VM off the VM list (%d)\n",
					bo, bo->base.lru, panthor_vm_reclaim_lru(vm),
					!panthor_vm_on_reclaim_list(vm));
				bad++;
			}
		}
		check_mappings(bo, &bad);
		if (bo->reclaim_state == PANTHOR_GEM_MMAPPED &&
		    !refcount_read(&bo->cmap.mmap_count)) {
			fprintf(stderr, "invariant: BO %p MMAPPED with mmap_count 0\n", bo);
			bad++;
		}
	}
	if (gpu_mapped != ptdev->reclaim.gpu_mapped_count) {
		fprintf(stderr, "invariant: gpu_mapped_count %ld, GPU-mapped BOs have %ld pages\n",
			ptdev->reclaim.gpu_mapped_count, gpu_mapped);
		bad++;
	}
	mutex_unlock(&ptdev->reclaim.lock);
	mutex_unlock(&ptdev->gems.lock);
	sw_kswapd_park(false);
	return bad;
}
