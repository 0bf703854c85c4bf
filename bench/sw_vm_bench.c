// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * panthor_mmu_reclaim_priv_bos() over V VMs with B private one-page BOs
 * each, bound in their VM (so on the VM's LRU), V from 1 to 1e4:
 *   walk   every BO declined: the cost of going through the VM list and
 *          each VM's LRU (reference, lock juggling, resv trylock), best
 *          of several runs;
 *   evict  every BO evicted with the shrinker's callback
 *          (panthor_gem_try_evict: GPU unmap, swap-out), one run.
 * Both as ns per VM and ns per BO. Runs as reclaim runs it (inside
 * fs_reclaim, no recursion into reclaim).
 *
 * Prints a table, writes vm.csv (vms,bos_per_vm,mode,ns_per_vm,ns_per_bo).
 */
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/vm.h>
#include <shrinkwrap/report.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"
#include "bench_util.h"

static bool decline(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return false;
}

/* One reclaim pass over every VM, as the shrinker makes it. */
static unsigned long reclaim(struct panthor_device *ptdev, unsigned long *remaining,
			     bool (*shrink)(struct drm_gem_object *obj,
					    struct ww_acquire_ctx *ticket),
			     double *ns)
{
	unsigned int noreclaim;
	unsigned long freed;
	double t0;

	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	t0 = bench_now_ns();
	freed = panthor_mmu_reclaim_priv_bos(ptdev, UINT_MAX, remaining, shrink);
	*ns = bench_now_ns() - t0;
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
	return freed;
}

/* Time both modes at @nvm VMs of @nbo BOs: @ns[0] walk, @ns[1] evict. */
static int measure(long nvm, long nbo, int reps, double *ns)
{
	long total = nvm * nbo;
	struct sw_world_config cfg = {
		/* BOs, and a few page-table pages per VM */
		.mem_pages = total + 8 * nvm + 4096,
		.swap_pages = total + 1024,
	};
	struct panthor_device *ptdev;
	unsigned long remaining, freed;
	struct sw_world *w;
	struct sw_proc *p;
	struct sw_file *f;
	int err = 1;
	double t;

	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	ptdev = sw_world_device(w);
	p = sw_proc_create(w, "bench", 0);
	f = p ? sw_file_open(p) : NULL;
	if (!f)
		goto out;
	for (long v = 0; v < nvm; v++) {
		struct sw_vm *vm = sw_vm_create(f);

		if (!vm)
			goto out;
		for (long b = 0; b < nbo; b++) {
			struct sw_bo *bo = sw_bo_create_private(f, vm, PAGE_SIZE, 0);

			if (!bo || sw_vm_bind(vm, bo, 0, PAGE_SIZE,
					      (1ULL << 32) + (uint64_t)b * PAGE_SIZE, 0)) {
				fprintf(stderr, "sw_vm_bench: creating or binding BO %ld of VM %ld\n",
					b, v);
				goto out;
			}
		}
	}

	ns[0] = 1e300;
	for (int r = 0; r < reps; r++) {
		remaining = 0;
		freed = reclaim(ptdev, &remaining, decline, &t);
		ns[0] = min(ns[0], t);
		if (freed || remaining != (unsigned long)total) {
			fprintf(stderr, "sw_vm_bench: walk freed %lu, left %lu of %ld\n",
				freed, remaining, total);
			goto out;
		}
	}
	remaining = 0;
	freed = reclaim(ptdev, &remaining, panthor_gem_try_evict, &ns[1]);
	if (freed != (unsigned long)total) {
		fprintf(stderr, "sw_vm_bench: evict freed %lu of %ld (%lu left)\n",
			freed, total, remaining);
		goto out;
	}
	err = 0;
out:
	if (sw_world_destroy(w)) {
		fprintf(stderr, "sw_vm_bench: teardown problems at %ld x %ld\n", nvm, nbo);
		err = 1;
	}
	return err;
}

int main(int argc, char **argv)
{
	static const long full_vms[] = { 1, 10, 100, 1000, 10000 };
	static const long full_bos[] = { 1, 16, 256 };
	static const long quick_vms[] = { 1, 4 };
	static const long quick_bos[] = { 1, 4 };
	const long *vms, *bos;
	struct bench_opts o;
	int nvms, nbos, err;
	double ns[2];
	FILE *csv;

	err = bench_parse(argc, argv, "panthor_mmu_reclaim_priv_bos() cost per VM and per BO", &o);
	if (err)
		return err < 0 ? 0 : err;
	vms = o.quick ? quick_vms : full_vms;
	bos = o.quick ? quick_bos : full_bos;
	nvms = o.quick ? ARRAY_SIZE(quick_vms) : ARRAY_SIZE(full_vms);
	nbos = o.quick ? ARRAY_SIZE(quick_bos) : ARRAY_SIZE(full_bos);
	sw_report_quiet(true);
	csv = bench_csv_open(&o, "vm", "vms,bos_per_vm,mode,ns_per_vm,ns_per_bo");
	if (!csv)
		return 1;

	printf("panthor_mmu_reclaim_priv_bos(): walk (all declined) and evict, per VM and per BO\n");
	printf("%7s %7s %12s %12s %12s %12s\n", "VMs", "BOs/VM", "walk ns/VM", "walk ns/BO",
	       "evict ns/VM", "evict ns/BO");
	for (int b = 0; b < nbos && !err; b++) {
		for (int v = 0; v < nvms && !err; v++) {
			long total = vms[v] * bos[b];

			/* At most 160k BOs: the whole bench command's time. */
			if (total > 160 * 1024)
				continue;
			err = measure(vms[v], bos[b], clamp(100000L / total, 1L, 20L), ns);
			if (err)
				break;
			printf("%7ld %7ld %12.0f %12.1f %12.0f %12.1f\n", vms[v], bos[b],
			       ns[0] / vms[v], ns[0] / total, ns[1] / vms[v], ns[1] / total);
			fprintf(csv, "%ld,%ld,walk,%.1f,%.2f\n", vms[v], bos[b], ns[0] / vms[v],
				ns[0] / total);
			fprintf(csv, "%ld,%ld,evict,%.1f,%.2f\n", vms[v], bos[b], ns[1] / vms[v],
				ns[1] / total);
			fflush(stdout);
		}
	}
	err |= bench_csv_close(csv, &o, "vm");
	return err;
}
