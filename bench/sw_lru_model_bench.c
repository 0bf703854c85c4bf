// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Per-VM LRUs against per-BO LRUs, both on the shim's drm_gem_lru.
 *
 * The series keeps a private GPU-mapped BO on its VM's LRU and moves the
 * VM on the device's VM list when a job of it becomes active: one list
 * move per submit. The alternative is one device LRU of BOs, every BO of
 * the VM moved to its tail on each submit: B moves for a VM with B BOs.
 * This models both with the same primitives (drm_gem_lru_move_tail_locked(),
 * list_move_tail(), drm_gem_lru_scan() under one reclaim lock) over V VMs
 * of B bare one-page GEM objects, and measures:
 *   submit  list moves and ns per submit of one VM (random VMs);
 *   walk    a following scan that declines everything, ns per BO;
 *   evict   a following scan that evicts a quarter of the pages, ns per
 *           BO evicted (per-VM: VM by VM in LRU order, as
 *           panthor_mmu_reclaim_priv_bos() does).
 * Each figure is the best of three runs.
 *
 * Prints a table, writes lru_model.csv
 * (bos_per_vm,design,moves_per_submit,ns_per_submit,walk_ns_per_bo,evict_ns_per_bo).
 */
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <drm/drm_gem.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/report.h>

#include "panthor_device.h"
#include "bench_util.h"

struct model_vm {
	struct drm_gem_lru lru;		/* per-VM design: this VM's BOs */
	struct list_head node;		/* per-VM design: on the VM list */
	struct drm_gem_object *bos;	/* the VM's B BOs */
};

struct model {
	struct mutex lock;		/* the device reclaim lock */
	struct drm_gem_lru all;		/* per-BO design: every BO */
	struct list_head vm_list;	/* per-VM design: VMs, LRU first */
	struct model_vm *vms;
	long nvm, nbo;
	unsigned long moves;
};

enum design { PER_BO, PER_VM };

static const char *const design_name[] = { "per_bo", "per_vm" };

static bool decline(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return false;
}

static bool evict(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	drm_gem_lru_remove(obj);
	return true;
}

/* A job of VM @v becomes active. */
static void submit(struct model *m, enum design d, long v)
{
	struct model_vm *vm = &m->vms[v];

	mutex_lock(&m->lock);
	if (d == PER_BO) {
		for (long b = 0; b < m->nbo; b++)
			drm_gem_lru_move_tail_locked(&m->all, &vm->bos[b]);
		m->moves += m->nbo;
	} else {
		list_move_tail(&vm->node, &m->vm_list);
		m->moves++;
	}
	mutex_unlock(&m->lock);
}

/* Scan for @nr_to_scan pages with @shrink, as the design's shrinker would. */
static unsigned long scan(struct model *m, enum design d, unsigned int nr_to_scan,
			  unsigned long *remaining,
			  bool (*shrink)(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket))
{
	unsigned long freed = 0;
	LIST_HEAD(vms);
	LIST_HEAD(done);

	if (d == PER_BO)
		return drm_gem_lru_scan(&m->all, nr_to_scan, remaining, shrink, NULL);

	/* The VM list taken whole, each VM's LRU scanned unlocked, then back. */
	mutex_lock(&m->lock);
	list_splice_init(&m->vm_list, &vms);
	while (freed < nr_to_scan && !list_empty(&vms)) {
		struct model_vm *vm = list_first_entry(&vms, struct model_vm, node);

		list_move_tail(&vm->node, &done);
		mutex_unlock(&m->lock);
		freed += drm_gem_lru_scan(&vm->lru, nr_to_scan - freed, remaining, shrink, NULL);
		mutex_lock(&m->lock);
	}
	list_splice_tail(&vms, &done);
	list_splice(&done, &m->vm_list);
	mutex_unlock(&m->lock);
	return freed;
}

/* Put every BO back in its design's place, VMs in index order. */
static void reset(struct model *m, enum design d)
{
	mutex_lock(&m->lock);
	INIT_LIST_HEAD(&m->vm_list);
	for (long v = 0; v < m->nvm; v++) {
		struct model_vm *vm = &m->vms[v];

		for (long b = 0; b < m->nbo; b++)
			drm_gem_lru_move_tail_locked(d == PER_BO ? &m->all : &vm->lru, &vm->bos[b]);
		list_add_tail(&vm->node, &m->vm_list);
	}
	mutex_unlock(&m->lock);
}

/* figures: moves/submit, ns/submit, walk ns/BO, evict ns/BO evicted */
static int measure(struct model *m, enum design d, long submits, double *fig)
{
	unsigned long long rng = 99;
	unsigned long remaining = 0, freed;
	long total = m->nvm * m->nbo;
	double t0, t;

	reset(m, d);
	m->moves = 0;
	t0 = bench_now_ns();
	for (long s = 0; s < submits; s++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		submit(m, d, (long)((rng >> 33) % (unsigned long long)m->nvm));
	}
	t = bench_now_ns() - t0;
	fig[0] = (double)m->moves / submits;
	fig[1] = t / submits;

	t0 = bench_now_ns();
	freed = scan(m, d, UINT_MAX, &remaining, decline);
	fig[2] = (bench_now_ns() - t0) / total;
	if (freed || remaining != (unsigned long)total) {
		fprintf(stderr, "sw_lru_model_bench: walk freed %lu, left %lu of %ld\n",
			freed, remaining, total);
		return 1;
	}

	remaining = 0;
	t0 = bench_now_ns();
	freed = scan(m, d, max(total / 4, 1L), &remaining, evict);
	fig[3] = (bench_now_ns() - t0) / max(freed, 1UL);
	if (freed < (unsigned long)max(total / 4, 1L)) {
		fprintf(stderr, "sw_lru_model_bench: evict freed %lu of %ld\n", freed, total / 4);
		return 1;
	}
	return 0;
}

static int bench_size(FILE *csv, struct drm_device *dev, long nvm, long nbo, long submits)
{
	struct drm_gem_object *objs;
	double fig[2][4];
	struct model m = { .nvm = nvm, .nbo = nbo };
	int err = 0;

	objs = bench_objs_create(dev, nvm * nbo);
	m.vms = calloc(nvm, sizeof(*m.vms));
	if (!objs || !m.vms) {
		free(m.vms);
		return 1;
	}
	mutex_init(&m.lock);
	drm_gem_lru_init(&m.all, &m.lock);
	for (long v = 0; v < nvm; v++) {
		drm_gem_lru_init(&m.vms[v].lru, &m.lock);
		INIT_LIST_HEAD(&m.vms[v].node);
		m.vms[v].bos = &objs[v * nbo];
	}

	/* Best of three runs, figure by figure. */
	for (int d = PER_BO; d <= PER_VM && !err; d++) {
		for (int r = 0; r < 3 && !err; r++) {
			double run[4] = { 0 };

			err = measure(&m, d, submits, run);
			for (int i = 0; i < 4; i++)
				fig[d][i] = r ? min(fig[d][i], run[i]) : run[i];
		}
	}
	if (!err) {
		printf("%7ld | %9.0f %9.0f | %9.0f %9.0f | %9.1f %9.1f | %9.1f %9.1f |\n", nbo,
		       fig[PER_BO][0], fig[PER_VM][0], fig[PER_BO][1], fig[PER_VM][1],
		       fig[PER_BO][2], fig[PER_VM][2], fig[PER_BO][3], fig[PER_VM][3]);
		for (int d = PER_BO; d <= PER_VM; d++)
			fprintf(csv, "%ld,%s,%.0f,%.1f,%.2f,%.2f\n", nbo, design_name[d],
				fig[d][0], fig[d][1], fig[d][2], fig[d][3]);
		fflush(stdout);
	}
	bench_objs_destroy(objs, nvm * nbo);
	mutex_destroy(&m.lock);
	free(m.vms);
	return err;
}

int main(int argc, char **argv)
{
	static const long full[] = { 1, 4, 16, 64, 256, 1024, 4096 };
	static const long quick[] = { 1, 8 };
	long nvm, submits;
	struct sw_world_config cfg = { .mem_pages = 4096, .swap_pages = 0 };
	const long *sizes;
	struct bench_opts o;
	struct sw_world *w;
	int nsizes, err, problems;
	FILE *csv;

	err = bench_parse(argc, argv, "per-VM LRUs against per-BO LRUs: submit and scan cost", &o);
	if (err)
		return err < 0 ? 0 : err;
	sizes = o.quick ? quick : full;
	nsizes = o.quick ? ARRAY_SIZE(quick) : ARRAY_SIZE(full);
	nvm = o.quick ? 4 : 64;
	submits = o.quick ? 64 : 20000;

	sw_report_quiet(true);
	w = sw_world_create(&cfg);
	if (!w)
		return 1;
	csv = bench_csv_open(&o, "lru_model",
			     "bos_per_vm,design,moves_per_submit,ns_per_submit,walk_ns_per_bo,evict_ns_per_bo");
	if (!csv) {
		sw_world_destroy(w);
		return 1;
	}
	printf("per-BO LRU (B moves per submit) against per-VM LRUs (one VM move), %ld VMs of B BOs\n",
	       nvm);
	printf("%7s | %-19s | %-19s | %-19s | %-19s\n", "", "moves per submit", "ns per submit",
	       "walk, ns per BO", "evict, ns per BO");
	printf("%7s |", "B");
	for (int i = 0; i < 4; i++)
		printf(" %9s %9s |", "per-BO", "per-VM");
	printf("\n");
	for (int i = 0; i < nsizes && !err; i++)
		err = bench_size(csv, &sw_world_device(w)->base, nvm, sizes[i], submits);
	err |= bench_csv_close(csv, &o, "lru_model");
	problems = sw_world_destroy(w);
	if (problems) {
		printf("FAILED: %d teardown problem(s)\n", problems);
		return 1;
	}
	return err;
}
