// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * drm_gpuvm conformance: the split/merge steps of map and unmap requests
 * (order, prev/next parts, "keep"), the VA space they leave, vm_bo
 * lifetime and references, the extobj and evict lists with
 * drm_gpuvm_prepare_objects() and drm_gpuvm_validate(), fences added to the
 * locked resvs, and the lockdep assertions on the GEM's gpuva list.
 */
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/dma-resv.h>
#include <linux/dma-fence.h>
#include <drm/drm_gem.h>
#include <drm/drm_device.h>
#include <drm/drm_exec.h>
#include <drm/drm_gpuvm.h>

#include "sw_test.h"
#include "panthor_device.h"

#define VM_SIZE		(1ULL << 32)
#define KERNEL_START	(VM_SIZE - 0x10000)
#define KERNEL_SIZE	0x10000ULL
#define PROT_IMM	(DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_IMMEDIATE_MODE)

/* ---- GEM objects ---------------------------------------------------- */

struct tobj {
	struct drm_gem_object base;
	/* The object whose resv this one shares, referenced (private BOs). */
	struct drm_gem_object *root;
};

static void tobj_free(struct drm_gem_object *obj)
{
	struct tobj *t = container_of(obj, struct tobj, base);

	drm_gem_object_release(obj);
	drm_gem_object_put(t->root);
	kfree(t);
}

static const struct drm_gem_object_funcs tobj_funcs = {
	.free = tobj_free,
};

/* A GEM object with its own resv, or sharing @root's. */
static struct drm_gem_object *tobj_new(void **state, struct drm_gem_object *root)
{
	struct drm_device *ddev = &sw_world_device(*state)->base;
	struct tobj *t = kzalloc(sizeof(*t), GFP_KERNEL);

	assert_non_null(t);
	t->base.funcs = &tobj_funcs;
	if (root) {
		drm_gem_object_get(root);
		t->root = root;
		t->base.resv = root->resv;
	}
	drm_gem_private_object_init(ddev, &t->base, 64 * PAGE_SIZE);
	return &t->base;
}

/* ---- the test VM: records every step and applies it ------------------ */

static int nr_vm_free, nr_vm_bo_free, nr_validate, validate_fail_at;

struct step {
	enum drm_gpuva_op_type op;
	/* MAP: the request; REMAP/UNMAP: the original mapping. */
	u64 addr, range, offset;
	struct drm_gem_object *obj;
	bool keep;
	bool has_prev, has_next;
	struct drm_gpuva_op_map prev, next;
	/* REMAP: drm_gpuva_op_remap_to_unmap_range(). */
	u64 hole_start, hole_range;
};

#define MAX_STEPS 8
#define POOL 4

struct tctx {
	struct drm_gpuvm *vm;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *pool[POOL];
	int npool;
	struct step steps[MAX_STEPS];
	int nsteps;
	int fail_step;		/* 1-based step that fails with -EIO; 0: none */
};

static void tvm_free(struct drm_gpuvm *gpuvm)
{
	nr_vm_free++;
	kfree(gpuvm);
}

static void tvm_bo_free(struct drm_gpuvm_bo *vm_bo)
{
	nr_vm_bo_free++;
	kfree(vm_bo);
}

static int tvm_bo_validate(struct drm_gpuvm_bo *vm_bo, struct drm_exec *exec)
{
	dma_resv_assert_held(vm_bo->obj->resv);
	assert_true(vm_bo->evicted);
	if (++nr_validate == validate_fail_at)
		return -EIO;
	drm_gpuvm_bo_evict(vm_bo, false);
	return 0;
}

static struct drm_gpuva *pool_take(struct tctx *c)
{
	assert_true(c->npool > 0);
	return c->pool[--c->npool];
}

/* Record @op; return -EIO if this is the step meant to fail. */
static int record(struct tctx *c, struct drm_gpuva_op *op)
{
	struct step *s;

	assert_true(c->nsteps < MAX_STEPS);
	s = &c->steps[c->nsteps++];
	memset(s, 0, sizeof(*s));
	s->op = op->op;
	switch (op->op) {
	case DRM_GPUVA_OP_MAP:
		s->addr = op->map.va.addr;
		s->range = op->map.va.range;
		s->obj = op->map.gem.obj;
		s->offset = op->map.gem.offset;
		break;
	case DRM_GPUVA_OP_UNMAP:
		s->addr = op->unmap.va->va.addr;
		s->range = op->unmap.va->va.range;
		s->obj = op->unmap.va->gem.obj;
		s->offset = op->unmap.va->gem.offset;
		s->keep = op->unmap.keep;
		break;
	case DRM_GPUVA_OP_REMAP:
		s->addr = op->remap.unmap->va->va.addr;
		s->range = op->remap.unmap->va->va.range;
		s->obj = op->remap.unmap->va->gem.obj;
		s->offset = op->remap.unmap->va->gem.offset;
		s->keep = op->remap.unmap->keep;
		s->has_prev = op->remap.prev;
		s->has_next = op->remap.next;
		if (s->has_prev)
			s->prev = *op->remap.prev;
		if (s->has_next)
			s->next = *op->remap.next;
		drm_gpuva_op_remap_to_unmap_range(&op->remap, &s->hole_start, &s->hole_range);
		break;
	default:
		fail_msg("unexpected op %d", op->op);
	}

	return c->nsteps == c->fail_step ? -EIO : 0;
}

static int tvm_step_map(struct drm_gpuva_op *op, void *priv)
{
	struct tctx *c = priv;
	struct drm_gpuva *va;
	int ret = record(c, op);

	if (ret)
		return ret;

	va = pool_take(c);
	drm_gpuva_map(c->vm, va, &op->map);
	mutex_lock(&op->map.gem.obj->gpuva.lock);
	drm_gpuva_link(va, c->vm_bo);
	mutex_unlock(&op->map.gem.obj->gpuva.lock);
	return 0;
}

static int tvm_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct tctx *c = priv;
	struct drm_gpuva *va = op->remap.unmap->va;
	struct drm_gem_object *obj = va->gem.obj;
	struct drm_gpuvm_bo *vm_bo = va->vm_bo;
	struct drm_gpuva *prev = NULL, *next = NULL;
	int ret = record(c, op);

	if (ret)
		return ret;

	if (op->remap.prev)
		prev = pool_take(c);
	if (op->remap.next)
		next = pool_take(c);

	drm_gpuva_remap(prev, next, &op->remap);

	/* Link the parts first, so the vm_bo survives the unlink. */
	drm_gem_object_get(obj);
	mutex_lock(&obj->gpuva.lock);
	if (prev)
		drm_gpuva_link(prev, vm_bo);
	if (next)
		drm_gpuva_link(next, vm_bo);
	drm_gpuva_unlink(va);
	mutex_unlock(&obj->gpuva.lock);
	drm_gem_object_put(obj);
	kfree(va);
	return 0;
}

static int tvm_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct tctx *c = priv;
	struct drm_gpuva *va = op->unmap.va;
	struct drm_gem_object *obj = va->gem.obj;
	int ret = record(c, op);

	if (ret)
		return ret;

	/* The unlink may drop the last vm_bo, and with it a GEM reference. */
	drm_gem_object_get(obj);
	mutex_lock(&obj->gpuva.lock);
	drm_gpuva_unlink(va);
	mutex_unlock(&obj->gpuva.lock);
	drm_gem_object_put(obj);
	drm_gpuva_unmap(&op->unmap);
	kfree(va);
	return 0;
}

static const struct drm_gpuvm_ops tvm_ops = {
	.vm_free = tvm_free,
	.vm_bo_free = tvm_bo_free,
	.vm_bo_validate = tvm_bo_validate,
	.sm_step_map = tvm_step_map,
	.sm_step_remap = tvm_step_remap,
	.sm_step_unmap = tvm_step_unmap,
};

static struct drm_gpuvm *tvm_new(void **state, enum drm_gpuvm_flags flags)
{
	struct drm_device *ddev = &sw_world_device(*state)->base;
	struct drm_gem_object *r_obj = drm_gpuvm_resv_object_alloc(ddev);
	struct drm_gpuvm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	assert_non_null(r_obj);
	assert_non_null(vm);
	drm_gpuvm_init(vm, "test-vm", flags, ddev, r_obj, 0, VM_SIZE,
		       KERNEL_START, KERNEL_SIZE, &tvm_ops);
	drm_gem_object_put(r_obj);

	nr_vm_free = 0;
	nr_vm_bo_free = 0;
	nr_validate = 0;
	validate_fail_at = 0;
	return vm;
}

static void ctx_init(struct tctx *c, struct drm_gpuvm *vm)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->vm = vm;
	for (i = 0; i < POOL; i++) {
		c->pool[i] = kzalloc(sizeof(*c->pool[i]), GFP_KERNEL);
		assert_non_null(c->pool[i]);
	}
	c->npool = POOL;
}

static void ctx_fini(struct tctx *c)
{
	while (c->npool)
		kfree(c->pool[--c->npool]);
}

/*
 * Lock the VM resv and every object the request touches, then run
 * drm_gpuvm_sm_map() (@obj != NULL) or drm_gpuvm_sm_unmap() with @c.
 */
static int run(struct drm_gpuvm *vm, struct tctx *c, struct drm_gem_object *obj,
	       u64 addr, u64 range, u64 offset)
{
	struct drm_gpuvm_map_req req = {
		.map.va.addr = addr,
		.map.va.range = range,
		.map.gem.obj = obj,
		.map.gem.offset = offset,
	};
	struct drm_gpuvm_bo *vm_bo = NULL;
	struct drm_exec exec;
	int ret = 0;

	if (obj) {
		vm_bo = drm_gpuvm_bo_create(vm, obj);
		assert_non_null(vm_bo);
	}

	drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_gpuvm_prepare_vm(vm, &exec, 1);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
		if (obj)
			ret = drm_gpuvm_sm_map_exec_lock(vm, &exec, 1, &req);
		else
			ret = drm_gpuvm_sm_unmap_exec_lock(vm, &exec, addr, range);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
	}

	if (obj) {
		mutex_lock(&obj->gpuva.lock);
		c->vm_bo = drm_gpuvm_bo_obtain_prealloc(vm_bo);
		drm_gpuvm_bo_extobj_add(c->vm_bo);
		mutex_unlock(&obj->gpuva.lock);
	}

	if (!ret) {
		if (obj)
			ret = drm_gpuvm_sm_map(vm, c, &req);
		else
			ret = drm_gpuvm_sm_unmap(vm, c, addr, range);
	}

	if (obj) {
		mutex_lock(&obj->gpuva.lock);
		drm_gpuvm_bo_put(c->vm_bo);
		mutex_unlock(&obj->gpuva.lock);
		c->vm_bo = NULL;
	}

	drm_exec_fini(&exec);
	return ret;
}

static int do_map(struct drm_gpuvm *vm, struct tctx *c, struct drm_gem_object *obj,
		  u64 addr, u64 range, u64 offset)
{
	return run(vm, c, obj, addr, range, offset);
}

static int do_unmap(struct drm_gpuvm *vm, struct tctx *c, u64 addr, u64 range)
{
	return run(vm, c, NULL, addr, range, 0);
}

/* Map with a throw-away context, expecting success. */
static void map_ok(struct drm_gpuvm *vm, struct drm_gem_object *obj, u64 addr, u64 range,
		   u64 offset)
{
	struct tctx c;

	ctx_init(&c, vm);
	assert_int_equal(do_map(vm, &c, obj, addr, range, offset), 0);
	ctx_fini(&c);
}

/* Unmap everything below the kernel node and drop the VM. */
static void vm_teardown(struct drm_gpuvm *vm)
{
	struct drm_gpuva *va;
	struct tctx c;

	ctx_init(&c, vm);
	assert_int_equal(do_unmap(vm, &c, 0, KERNEL_START), 0);
	ctx_fini(&c);

	/* Only the kernel reserved node is left. */
	drm_gpuvm_for_each_va(va, vm)
		assert_ptr_equal(va, &vm->kernel_alloc_node);
	assert_true(list_empty(&vm->extobj.list));
	assert_true(list_empty(&vm->evict.list));

	drm_gpuvm_put(vm);
	assert_int_equal(nr_vm_free, 1);
}

static void assert_va(struct drm_gpuvm *vm, u64 addr, u64 range, struct drm_gem_object *obj,
		      u64 offset)
{
	struct drm_gpuva *va = drm_gpuva_find(vm, addr, range);

	assert_non_null(va);
	assert_ptr_equal(va->gem.obj, obj);
	assert_int_equal(va->gem.offset, offset);
	assert_ptr_equal(va->vm, vm);
	assert_non_null(va->vm_bo);
	assert_ptr_equal(va->vm_bo->obj, obj);
}

static int count_vas(struct drm_gpuvm *vm)
{
	struct drm_gpuva *va;
	int n = 0;

	drm_gpuvm_for_each_va(va, vm) {
		if (va != &vm->kernel_alloc_node)
			n++;
	}
	return n;
}

static void assert_step(const struct step *s, enum drm_gpuva_op_type op, u64 addr,
			u64 range, struct drm_gem_object *obj, u64 offset)
{
	assert_int_equal(s->op, op);
	assert_int_equal(s->addr, addr);
	assert_int_equal(s->range, range);
	assert_ptr_equal(s->obj, obj);
	assert_int_equal(s->offset, offset);
}

static void assert_part(const struct drm_gpuva_op_map *m, u64 addr, u64 range,
			struct drm_gem_object *obj, u64 offset)
{
	assert_int_equal(m->va.addr, addr);
	assert_int_equal(m->va.range, range);
	assert_ptr_equal(m->gem.obj, obj);
	assert_int_equal(m->gem.offset, offset);
}

/* ---- split/merge ------------------------------------------------------ */

/* A map into empty space is a single MAP step; the VA is linked to a vm_bo. */
static void test_map_empty(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuva *va;
	struct tctx c;

	ctx_init(&c, vm);
	assert_int_equal(do_map(vm, &c, a, 0x10000, 0x4000, 0x1000), 0);
	assert_int_equal(c.nsteps, 1);
	assert_step(&c.steps[0], DRM_GPUVA_OP_MAP, 0x10000, 0x4000, a, 0x1000);
	ctx_fini(&c);

	assert_va(vm, 0x10000, 0x4000, a, 0x1000);
	assert_int_equal(count_vas(vm), 1);
	assert_false(drm_gpuvm_interval_empty(vm, 0x13fff, 1));
	assert_true(drm_gpuvm_interval_empty(vm, 0x14000, 0x1000));
	assert_null(drm_gpuva_find(vm, 0x10000, 0x1000));
	va = drm_gpuva_find_first(vm, 0x12000, 0x10000);
	assert_non_null(va);
	assert_int_equal(va->va.addr, 0x10000);

	/* The VA holds the vm_bo, the vm_bo the VM and the object. */
	assert_int_equal(kref_read(&va->vm_bo->kref), 1);
	assert_true(list_is_singular(&a->gpuva.list));
	/* vm ref: initial + vm_bo + inserted VA. */
	assert_int_equal(kref_read(&vm->kref), 3);

	vm_teardown(vm);
	assert_int_equal(nr_vm_bo_free, 1);
	assert_true(list_empty(&a->gpuva.list));
	drm_gem_object_put(a);
}

/*
 * Split/merge cases: from the mappings a case starts with, a map or unmap
 * request must produce exactly the listed steps, in order, and leave
 * exactly the listed mappings. Objects are A and B; "keep" is the
 * kernel's merge flag (same object at the matching offset).
 */
enum { A = 1, B };

struct tmap {
	int obj;		/* A, B; 0 ends a list (and: no such part) */
	u64 addr, range, offset;
};

struct tstep {
	enum drm_gpuva_op_type op;
	struct tmap va;		/* MAP: the request; REMAP/UNMAP: the original */
	bool keep;
	struct tmap prev, next;	/* REMAP: the parts left standing */
};

struct sm_case {
	const char *name;
	struct tmap existing[5];
	bool unmap;		/* unmap req.addr/range; else map req */
	struct tmap req;
	struct tstep steps[MAX_STEPS];
	struct tmap after[5];	/* in address order */
};

#define MAP(o, a, r, off)	{ .obj = (o), .addr = (a), .range = (r), .offset = (off) }
#define STEP_MAP(o, a, r, off)	{ DRM_GPUVA_OP_MAP, MAP(o, a, r, off) }
#define STEP_UNMAP(o, a, r, off, k) \
	{ DRM_GPUVA_OP_UNMAP, MAP(o, a, r, off), .keep = (k) }
#define STEP_REMAP(o, a, r, off, k, p, n) \
	{ DRM_GPUVA_OP_REMAP, MAP(o, a, r, off), .keep = (k), .prev = p, .next = n }
#define NONE			{ 0 }

static const struct sm_case sm_cases[] = {
	{
		.name = "map into empty space: one MAP",
		.req = MAP(A, 0x10000, 0x4000, 0x1000),
		.steps = { STEP_MAP(A, 0x10000, 0x4000, 0x1000) },
		.after = { MAP(A, 0x10000, 0x4000, 0x1000) },
	}, {
		.name = "map next to a mapping of the same object: no merge, one MAP",
		.existing = { MAP(A, 0x10000, 0x4000, 0) },
		.req = MAP(A, 0x14000, 0x4000, 0x4000),
		.steps = { STEP_MAP(A, 0x14000, 0x4000, 0x4000) },
		.after = { MAP(A, 0x10000, 0x4000, 0), MAP(A, 0x14000, 0x4000, 0x4000) },
	}, {
		.name = "map over the middle, other object: REMAP with both parts, MAP",
		.existing = { MAP(A, 0x100000, 0x10000, 0) },
		.req = MAP(B, 0x104000, 0x4000, 0x2000),
		.steps = {
			STEP_REMAP(A, 0x100000, 0x10000, 0, false,
				   MAP(A, 0x100000, 0x4000, 0), MAP(A, 0x108000, 0x8000, 0x8000)),
			STEP_MAP(B, 0x104000, 0x4000, 0x2000),
		},
		.after = { MAP(A, 0x100000, 0x4000, 0), MAP(B, 0x104000, 0x4000, 0x2000),
			   MAP(A, 0x108000, 0x8000, 0x8000) },
	}, {
		.name = "map over the middle, same object at the matching offset: keep",
		.existing = { MAP(A, 0x108000, 0x8000, 0x8000) },
		.req = MAP(A, 0x10a000, 0x2000, 0xa000),
		.steps = {
			STEP_REMAP(A, 0x108000, 0x8000, 0x8000, true,
				   MAP(A, 0x108000, 0x2000, 0x8000), MAP(A, 0x10c000, 0x4000, 0xc000)),
			STEP_MAP(A, 0x10a000, 0x2000, 0xa000),
		},
		.after = { MAP(A, 0x108000, 0x2000, 0x8000), MAP(A, 0x10a000, 0x2000, 0xa000),
			   MAP(A, 0x10c000, 0x4000, 0xc000) },
	}, {
		.name = "map over the middle, same object at another offset: no keep",
		.existing = { MAP(A, 0x10c000, 0x4000, 0xc000) },
		.req = MAP(A, 0x10d000, 0x1000, 0),
		.steps = {
			STEP_REMAP(A, 0x10c000, 0x4000, 0xc000, false,
				   MAP(A, 0x10c000, 0x1000, 0xc000), MAP(A, 0x10e000, 0x2000, 0xe000)),
			STEP_MAP(A, 0x10d000, 0x1000, 0),
		},
		.after = { MAP(A, 0x10c000, 0x1000, 0xc000), MAP(A, 0x10d000, 0x1000, 0),
			   MAP(A, 0x10e000, 0x2000, 0xe000) },
	}, {
		.name = "map across three mappings: REMAP (prev), UNMAP, REMAP (next), MAP",
		.existing = { MAP(A, 0x0000, 0x4000, 0), MAP(B, 0x4000, 0x4000, 0),
			      MAP(A, 0x8000, 0x4000, 0x8000) },
		.req = MAP(A, 0x2000, 0x8000, 0x2000),
		.steps = {
			/* A at 0x2000 continues A's offsets on both sides: keep. */
			STEP_REMAP(A, 0x0000, 0x4000, 0, true, MAP(A, 0x0000, 0x2000, 0), NONE),
			STEP_UNMAP(B, 0x4000, 0x4000, 0, false),
			STEP_REMAP(A, 0x8000, 0x4000, 0x8000, true,
				   NONE, MAP(A, 0xa000, 0x2000, 0xa000)),
			STEP_MAP(A, 0x2000, 0x8000, 0x2000),
		},
		.after = { MAP(A, 0x0000, 0x2000, 0), MAP(A, 0x2000, 0x8000, 0x2000),
			   MAP(A, 0xa000, 0x2000, 0xa000) },
	}, {
		.name = "map over a whole mapping and beyond: UNMAP, MAP",
		.existing = { MAP(A, 0x30000, 0x2000, 0) },
		.req = MAP(B, 0x2f000, 0x4000, 0),
		.steps = {
			STEP_UNMAP(A, 0x30000, 0x2000, 0, false),
			STEP_MAP(B, 0x2f000, 0x4000, 0),
		},
		.after = { MAP(B, 0x2f000, 0x4000, 0) },
	}, {
		.name = "map the identical range, same object and offset: UNMAP (keep), MAP",
		.existing = { MAP(A, 0x20000, 0x8000, 0x1000) },
		.req = MAP(A, 0x20000, 0x8000, 0x1000),
		.steps = {
			STEP_UNMAP(A, 0x20000, 0x8000, 0x1000, true),
			STEP_MAP(A, 0x20000, 0x8000, 0x1000),
		},
		.after = { MAP(A, 0x20000, 0x8000, 0x1000) },
	}, {
		.name = "map the identical range at another offset: no keep",
		.existing = { MAP(A, 0x20000, 0x8000, 0x1000) },
		.req = MAP(A, 0x20000, 0x8000, 0x2000),
		.steps = {
			STEP_UNMAP(A, 0x20000, 0x8000, 0x1000, false),
			STEP_MAP(A, 0x20000, 0x8000, 0x2000),
		},
		.after = { MAP(A, 0x20000, 0x8000, 0x2000) },
	}, {
		.name = "map the identical range with another object: no keep",
		.existing = { MAP(A, 0x20000, 0x8000, 0x2000) },
		.req = MAP(B, 0x20000, 0x8000, 0x2000),
		.steps = {
			STEP_UNMAP(A, 0x20000, 0x8000, 0x2000, false),
			STEP_MAP(B, 0x20000, 0x8000, 0x2000),
		},
		.after = { MAP(B, 0x20000, 0x8000, 0x2000) },
	}, {
		.name = "unmap the start: one REMAP with the next part",
		.existing = { MAP(A, 0x40000, 0x10000, 0) },
		.unmap = true,
		.req = MAP(0, 0x40000, 0x4000, 0),
		.steps = {
			STEP_REMAP(A, 0x40000, 0x10000, 0, false,
				   NONE, MAP(A, 0x44000, 0xc000, 0x4000)),
		},
		.after = { MAP(A, 0x44000, 0xc000, 0x4000) },
	}, {
		.name = "unmap the end: one REMAP with the prev part",
		.existing = { MAP(A, 0x44000, 0xc000, 0x4000) },
		.unmap = true,
		.req = MAP(0, 0x4c000, 0x4000, 0),
		.steps = {
			STEP_REMAP(A, 0x44000, 0xc000, 0x4000, false,
				   MAP(A, 0x44000, 0x8000, 0x4000), NONE),
		},
		.after = { MAP(A, 0x44000, 0x8000, 0x4000) },
	}, {
		.name = "unmap the middle: one REMAP with both parts",
		.existing = { MAP(A, 0x44000, 0x8000, 0x4000) },
		.unmap = true,
		.req = MAP(0, 0x46000, 0x2000, 0),
		.steps = {
			STEP_REMAP(A, 0x44000, 0x8000, 0x4000, false,
				   MAP(A, 0x44000, 0x2000, 0x4000), MAP(A, 0x48000, 0x4000, 0x8000)),
		},
		.after = { MAP(A, 0x44000, 0x2000, 0x4000), MAP(A, 0x48000, 0x4000, 0x8000) },
	}, {
		.name = "unmap a hole: no step at all",
		.existing = { MAP(A, 0x44000, 0x2000, 0x4000), MAP(A, 0x48000, 0x4000, 0x8000) },
		.unmap = true,
		.req = MAP(0, 0x46000, 0x2000, 0),
		.after = { MAP(A, 0x44000, 0x2000, 0x4000), MAP(A, 0x48000, 0x4000, 0x8000) },
	}, {
		.name = "unmap across four mappings: REMAP, UNMAPs (never keep), REMAP",
		.existing = { MAP(A, 0x0000, 0x4000, 0), MAP(B, 0x4000, 0x4000, 0),
			      MAP(B, 0x9000, 0x1000, 0x4000), MAP(A, 0xa000, 0x4000, 0x8000) },
		.unmap = true,
		.req = MAP(0, 0x2000, 0xa000, 0),
		.steps = {
			STEP_REMAP(A, 0x0000, 0x4000, 0, false, MAP(A, 0x0000, 0x2000, 0), NONE),
			STEP_UNMAP(B, 0x4000, 0x4000, 0, false),
			STEP_UNMAP(B, 0x9000, 0x1000, 0x4000, false),
			STEP_REMAP(A, 0xa000, 0x4000, 0x8000, false,
				   NONE, MAP(A, 0xc000, 0x2000, 0xa000)),
		},
		.after = { MAP(A, 0x0000, 0x2000, 0), MAP(A, 0xc000, 0x2000, 0xa000) },
	},
};

static void check_map(const char *name, const char *what, int i, const struct tmap *want,
		      const struct drm_gpuva_op_map *got, struct drm_gem_object *const *objs)
{
	if (got->va.addr != want->addr || got->va.range != want->range ||
	    got->gem.obj != objs[want->obj] || got->gem.offset != want->offset)
		fail_msg("%s: step %d: %s is %#llx+%#llx at %#llx, want %#llx+%#llx at %#llx of %c",
			 name, i, what, got->va.addr, got->va.range, got->gem.offset,
			 want->addr, want->range, want->offset, 'A' + want->obj - 1);
}

static void check_step(const struct sm_case *t, int i, const struct step *got,
		       struct drm_gem_object *const *objs)
{
	const struct tstep *want = &t->steps[i];
	struct drm_gpuva_op_map va = {
		.va.addr = got->addr, .va.range = got->range,
		.gem.obj = got->obj, .gem.offset = got->offset,
	};
	u64 hole_start, hole_end;

	if (got->op != want->op || got->keep != want->keep)
		fail_msg("%s: step %d is op %d keep %d, want op %d keep %d", t->name, i,
			 got->op, got->keep, want->op, want->keep);
	check_map(t->name, "the mapping", i, &want->va, &va, objs);
	if (got->op != DRM_GPUVA_OP_REMAP)
		return;
	if (got->has_prev != !!want->prev.obj || got->has_next != !!want->next.obj)
		fail_msg("%s: step %d has prev %d next %d, want %d %d", t->name, i,
			 got->has_prev, got->has_next, !!want->prev.obj, !!want->next.obj);
	if (got->has_prev)
		check_map(t->name, "prev", i, &want->prev, &got->prev, objs);
	if (got->has_next)
		check_map(t->name, "next", i, &want->next, &got->next, objs);
	/* What the REMAP unmaps lies between the parts it keeps. */
	hole_start = want->prev.obj ? want->prev.addr + want->prev.range : want->va.addr;
	hole_end = want->next.obj ? want->next.addr : want->va.addr + want->va.range;
	if (got->hole_start != hole_start || got->hole_range != hole_end - hole_start)
		fail_msg("%s: step %d unmaps %#llx+%#llx, want %#llx+%#llx", t->name, i,
			 got->hole_start, got->hole_range, hole_start, hole_end - hole_start);
}

/* The VA space left: exactly @t->after, and a vm_bo only for objects still mapped. */
static void check_after(const struct sm_case *t, struct drm_gpuvm *vm,
			struct drm_gem_object *const *objs)
{
	bool mapped[B + 1] = { false };
	struct drm_gpuva *va;
	int n = 0, o;

	drm_gpuvm_for_each_va(va, vm) {
		const struct tmap *want = &t->after[n];

		if (va == &vm->kernel_alloc_node)
			continue;
		if (!want->obj)
			fail_msg("%s: unexpected mapping %#llx+%#llx", t->name, va->va.addr,
				 va->va.range);
		check_map(t->name, "the mapping left", n, want,
			  &(struct drm_gpuva_op_map){ .va.addr = va->va.addr,
						      .va.range = va->va.range,
						      .gem.obj = va->gem.obj,
						      .gem.offset = va->gem.offset }, objs);
		assert_non_null(va->vm_bo);
		assert_ptr_equal(va->vm_bo->obj, va->gem.obj);
		mapped[want->obj] = true;
		n++;
	}
	if (t->after[n].obj)
		fail_msg("%s: mapping %d (%#llx) missing", t->name, n, t->after[n].addr);
	/* One vm_bo per object however many VAs; none once its last VA is gone. */
	for (o = A; o <= B; o++) {
		if (mapped[o] != list_is_singular(&objs[o]->gpuva.list))
			fail_msg("%s: object %c %s a vm_bo", t->name, 'A' + o - 1,
				 mapped[o] ? "lacks" : "still has");
	}
}

/*
 * Every split/merge case of the table, each in a VM of its own: the steps
 * of the request in order, and the VA space they leave.
 */
static void test_split_merge_cases(void **state)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(sm_cases); k++) {
		const struct sm_case *t = &sm_cases[k];
		struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
		struct drm_gem_object *objs[B + 1] = {
			NULL, tobj_new(state, NULL), tobj_new(state, NULL),
		};
		const struct tmap *m;
		struct tctx c;
		int i, n = 0, ret;

		for (m = t->existing; m->obj; m++)
			map_ok(vm, objs[m->obj], m->addr, m->range, m->offset);

		ctx_init(&c, vm);
		if (t->unmap)
			ret = do_unmap(vm, &c, t->req.addr, t->req.range);
		else
			ret = do_map(vm, &c, objs[t->req.obj], t->req.addr, t->req.range,
				     t->req.offset);
		if (ret)
			fail_msg("%s: returned %d", t->name, ret);
		while (n < MAX_STEPS && t->steps[n].va.obj)
			n++;
		if (c.nsteps != n)
			fail_msg("%s: %d steps, want %d", t->name, c.nsteps, n);
		for (i = 0; i < n; i++)
			check_step(t, i, &c.steps[i], objs);
		ctx_fini(&c);

		check_after(t, vm, objs);
		vm_teardown(vm);
		drm_gem_object_put(objs[A]);
		drm_gem_object_put(objs[B]);
	}
}

/* The first failing step stops the walk and its error is returned. */
static void test_step_error_stops_walk(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct tctx c;

	map_ok(vm, a, 0x0000, 0x4000, 0);
	map_ok(vm, a, 0x4000, 0x4000, 0x4000);
	map_ok(vm, a, 0x8000, 0x4000, 0x8000);

	ctx_init(&c, vm);
	c.fail_step = 2;
	assert_int_equal(do_map(vm, &c, a, 0x0000, 0xc000, 0x10000), -EIO);
	assert_int_equal(c.nsteps, 2);
	assert_int_equal(c.steps[0].op, DRM_GPUVA_OP_UNMAP);
	assert_int_equal(c.steps[1].op, DRM_GPUVA_OP_UNMAP);
	ctx_fini(&c);

	/* The first step was applied, the failed one not. */
	assert_int_equal(count_vas(vm), 2);

	vm_teardown(vm);
	drm_gem_object_put(a);
}

/* Ranges outside the VM, in the kernel node or overlapping are refused. */
static void test_invalid_ranges(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuva *va = kzalloc(sizeof(*va), GFP_KERNEL);
	struct tctx c;

	assert_true(drm_gpuvm_range_valid(vm, 0, KERNEL_START));
	assert_false(drm_gpuvm_range_valid(vm, 0, VM_SIZE));
	assert_false(drm_gpuvm_range_valid(vm, KERNEL_START - 0x1000, 0x2000));
	assert_false(drm_gpuvm_range_valid(vm, ~0ULL - 0xfff, 0x2000));
	assert_ptr_equal(drm_gpuva_find_first(vm, KERNEL_START, 1), &vm->kernel_alloc_node);

	ctx_init(&c, vm);
	assert_int_equal(do_map(vm, &c, a, KERNEL_START - 0x1000, 0x2000, 0), -EINVAL);
	assert_int_equal(do_unmap(vm, &c, VM_SIZE, 0x1000), -EINVAL);
	assert_int_equal(c.nsteps, 0);
	ctx_fini(&c);

	map_ok(vm, a, 0x1000, 0x2000, 0);
	drm_gpuva_init(va, 0x2000, 0x2000, a, 0);
	assert_int_equal(drm_gpuva_insert(vm, va), -EEXIST);
	drm_gpuva_init(va, 0x3000, 0x1000, a, 0);
	assert_int_equal(drm_gpuva_insert(vm, va), 0);
	assert_int_equal(drm_gpuva_find_prev(vm, 0x3000)->va.addr, 0x1000);
	assert_ptr_equal(drm_gpuva_find_next(vm, 0x3000), va);
	drm_gpuva_remove(va);
	kfree(va);

	/* The kernel node stays. */
	sw_expect_reports(SW_REPORT_WARN, 1);
	drm_gpuva_remove(&vm->kernel_alloc_node);
	assert_ptr_equal(drm_gpuva_find_first(vm, KERNEL_START, 1), &vm->kernel_alloc_node);

	vm_teardown(vm);
	drm_gem_object_put(a);
}

/*
 * The VM's mapping index against a model: random inserts (some refused as
 * overlapping) and removals on a grid of pages, and after each one the
 * lookups (find_first over random ranges, find_prev, find_next) and the
 * address-ordered walk agree with a brute-force scan of the model.
 */
#define GRID		64
#define GRID_BASE	0x100000ULL

static struct drm_gpuva *model_first(struct drm_gpuva *const owner[GRID], int first, int n)
{
	int i;

	for (i = first; i < first + n && i < GRID; i++) {
		if (owner[i])
			return owner[i];
	}
	return NULL;
}

static u64 grid_addr(int slot)
{
	return GRID_BASE + (u64)slot * PAGE_SIZE;
}

static void check_index(struct drm_gpuvm *vm, struct drm_gpuva *const owner[GRID], int mapped)
{
	struct drm_gpuva *va, *prev = NULL;
	int n = 0, first, len;

	drm_gpuvm_for_each_va(va, vm) {
		if (prev)
			assert_true(prev->va.addr + prev->va.range <= va->va.addr);
		prev = va;
		n++;
	}
	assert_int_equal(n, mapped + 1);

	first = rand() % GRID;
	len = 1 + rand() % (GRID - first);
	assert_ptr_equal(drm_gpuva_find_first(vm, grid_addr(first), len * PAGE_SIZE),
			 model_first(owner, first, len));

	va = owner[first];
	if (va) {
		int slot = (va->va.addr - GRID_BASE) / PAGE_SIZE;
		int end = slot + va->va.range / PAGE_SIZE;

		assert_ptr_equal(drm_gpuva_find(vm, va->va.addr, va->va.range), va);
		/* As the kernel's: [start - 1, start] also overlaps @va itself. */
		assert_ptr_equal(drm_gpuva_find_prev(vm, va->va.addr),
				 slot && owner[slot - 1] ? owner[slot - 1] : va);
		assert_ptr_equal(drm_gpuva_find_next(vm, va->va.addr + va->va.range),
				 end < GRID ? owner[end] : NULL);
	}
}

static void test_va_index_matches_a_model(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gpuva *owner[GRID] = {};
	int op, i, mapped = 0, refused = 0;

	srand(10);
	for (op = 0; op < 4000; op++) {
		int first = rand() % GRID;
		struct drm_gpuva *va = owner[first];

		if (va && rand() % 2) {
			for (i = 0; i < GRID; i++)
				if (owner[i] == va)
					owner[i] = NULL;
			drm_gpuva_remove(va);
			kfree(va);
			mapped--;
		} else {
			int len = 1 + rand() % min(4, GRID - first);
			bool free_range = !model_first(owner, first, len);

			va = kzalloc(sizeof(*va), GFP_KERNEL);
			assert_non_null(va);
			drm_gpuva_init(va, grid_addr(first), len * PAGE_SIZE, NULL, 0);
			assert_int_equal(drm_gpuva_insert(vm, va), free_range ? 0 : -EEXIST);
			if (free_range) {
				for (i = first; i < first + len; i++)
					owner[i] = va;
				mapped++;
			} else {
				kfree(va);
				refused++;
			}
		}
		check_index(vm, owner, mapped);
	}
	/* Both paths ran many times. */
	assert_true(refused > 100 && mapped > 0);

	for (i = 0; i < GRID; i++) {
		struct drm_gpuva *va = owner[i];
		int j;

		if (!va)
			continue;
		for (j = i; j < GRID; j++)
			if (owner[j] == va)
				owner[j] = NULL;
		drm_gpuva_remove(va);
		kfree(va);
	}
	vm_teardown(vm);
}

/* The list form of the same walk gives the same steps and changes nothing. */
static void test_ops_create(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuvm_map_req req = {
		.map.va.addr = 0x2000, .map.va.range = 0x1000, .map.gem.obj = a,
	};
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	int n = 0;

	map_ok(vm, a, 0x0000, 0x4000, 0);

	ops = drm_gpuvm_sm_map_ops_create(vm, &req);
	assert_false(IS_ERR(ops));
	drm_gpuva_for_each_op(op, ops) {
		if (n == 0) {
			assert_int_equal(op->op, DRM_GPUVA_OP_REMAP);
			assert_part(op->remap.prev, 0x0000, 0x2000, a, 0);
			assert_part(op->remap.next, 0x3000, 0x1000, a, 0x3000);
			assert_false(op->remap.unmap->keep);
		} else {
			assert_int_equal(op->op, DRM_GPUVA_OP_MAP);
			assert_part(&op->map, 0x2000, 0x1000, a, 0);
		}
		n++;
	}
	assert_int_equal(n, 2);
	drm_gpuva_ops_free(vm, ops);
	assert_int_equal(count_vas(vm), 1);

	ops = drm_gpuvm_sm_unmap_ops_create(vm, 0, 0x4000);
	assert_false(IS_ERR(ops));
	op = drm_gpuva_first_op(ops);
	assert_int_equal(op->op, DRM_GPUVA_OP_UNMAP);
	assert_ptr_equal(op->unmap.va, drm_gpuva_find(vm, 0, 0x4000));
	assert_ptr_equal(op, drm_gpuva_last_op(ops));
	drm_gpuva_ops_free(vm, ops);

	ops = drm_gpuvm_prefetch_ops_create(vm, 0, 0x10000);
	assert_false(IS_ERR(ops));
	assert_int_equal(drm_gpuva_first_op(ops)->op, DRM_GPUVA_OP_PREFETCH);
	drm_gpuva_ops_free(vm, ops);

	vm_teardown(vm);
	drm_gem_object_put(a);
}

/* ---- vm_bo lifetime ----------------------------------------------------- */

/*
 * A vm_bo holds one VM and one GEM reference; obtain_prealloc of a second
 * vm_bo for the same pair returns the first and frees the spare; the last
 * put unlinks it from the GEM and drops both references.
 */
static void test_vm_bo_put_releases_refs(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuvm_bo *vm_bo, *spare, *got;

	assert_int_equal(kref_read(&vm->kref), 1);
	assert_int_equal(kref_read(&a->refcount), 1);

	vm_bo = drm_gpuvm_bo_create(vm, a);
	assert_non_null(vm_bo);
	assert_int_equal(kref_read(&vm->kref), 2);
	assert_int_equal(kref_read(&a->refcount), 2);
	assert_true(list_empty(&a->gpuva.list));

	dma_resv_lock(drm_gpuvm_resv(vm), NULL);
	mutex_lock(&a->gpuva.lock);
	got = drm_gpuvm_bo_obtain_prealloc(vm_bo);
	assert_ptr_equal(got, vm_bo);
	assert_true(list_is_singular(&a->gpuva.list));

	spare = drm_gpuvm_bo_create(vm, a);
	got = drm_gpuvm_bo_obtain_prealloc(spare);
	assert_ptr_equal(got, vm_bo);
	assert_int_equal(nr_vm_bo_free, 1);
	assert_int_equal(kref_read(&vm_bo->kref), 2);
	assert_ptr_equal(drm_gpuvm_bo_find(vm, a), vm_bo);
	assert_int_equal(kref_read(&vm_bo->kref), 3);

	assert_false(drm_gpuvm_bo_put(vm_bo));
	assert_false(drm_gpuvm_bo_put(vm_bo));
	assert_true(drm_gpuvm_bo_put(vm_bo));
	assert_false(drm_gpuvm_bo_put(NULL));
	assert_null(drm_gpuvm_bo_find(vm, a));
	mutex_unlock(&a->gpuva.lock);
	dma_resv_unlock(drm_gpuvm_resv(vm));

	assert_int_equal(nr_vm_bo_free, 2);
	assert_true(list_empty(&a->gpuva.list));
	assert_int_equal(kref_read(&vm->kref), 1);
	assert_int_equal(kref_read(&a->refcount), 1);

	drm_gpuvm_put(vm);
	assert_int_equal(nr_vm_free, 1);
	drm_gem_object_put(a);
}

/* ---- extobj and evict lists -------------------------------------------- */

static struct drm_gpuvm_bo *find_vm_bo(struct drm_gpuvm *vm, struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo;

	mutex_lock(&obj->gpuva.lock);
	vm_bo = drm_gpuvm_bo_find(vm, obj);
	mutex_unlock(&obj->gpuva.lock);
	assert_non_null(vm_bo);
	return vm_bo;
}

static void put_vm_bo(struct drm_gpuvm_bo *vm_bo)
{
	struct drm_gem_object *obj = vm_bo->obj;

	mutex_lock(&obj->gpuva.lock);
	assert_false(drm_gpuvm_bo_put(vm_bo));
	mutex_unlock(&obj->gpuva.lock);
}

static void evict(struct drm_gpuvm_bo *vm_bo)
{
	dma_resv_lock(vm_bo->obj->resv, NULL);
	drm_gpuvm_bo_evict(vm_bo, true);
	dma_resv_unlock(vm_bo->obj->resv);
}

static bool on_evict_list(struct drm_gpuvm_bo *vm_bo)
{
	return !list_empty(&vm_bo->list.entry.evict);
}

/* Lock the VM and its extobjs; then validate. */
static int lock_and_validate(struct drm_gpuvm *vm, bool check_between,
			     struct drm_gpuvm_bo *shared)
{
	struct drm_exec exec;
	int ret = 0;

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_gpuvm_prepare_vm(vm, &exec, 1);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
		ret = drm_gpuvm_prepare_objects(vm, &exec, 1);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
	}
	if (!ret) {
		if (check_between)
			assert_true(on_evict_list(shared));
		ret = drm_gpuvm_validate(vm, &exec);
	}
	drm_exec_fini(&exec);
	return ret;
}

/*
 * R-EXTOBJ-VIA-PREPARE: with DRM_GPUVM_RESV_PROTECTED a private BO's vm_bo
 * goes on the evict list at drm_gpuvm_bo_evict(), a shared BO's only when
 * drm_gpuvm_prepare_objects() has locked it; validate then restores both.
 */
static void test_extobj_evicted_via_prepare_objects(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *priv = tobj_new(state, drm_gpuvm_resv_obj(vm));
	struct drm_gem_object *shared = tobj_new(state, NULL);
	struct drm_gpuvm_bo *vb_priv, *vb_shared;

	assert_false(drm_gpuvm_is_extobj(vm, priv));
	assert_true(drm_gpuvm_is_extobj(vm, shared));

	map_ok(vm, priv, 0x10000, 0x4000, 0);
	map_ok(vm, shared, 0x20000, 0x4000, 0);
	vb_priv = find_vm_bo(vm, priv);
	vb_shared = find_vm_bo(vm, shared);

	/* Only the shared BO is an extobj. */
	assert_true(list_is_singular(&vm->extobj.list));
	assert_false(list_empty(&vb_shared->list.entry.extobj));
	assert_true(list_empty(&vb_priv->list.entry.extobj));

	evict(vb_priv);
	assert_true(vb_priv->evicted);
	assert_true(on_evict_list(vb_priv));

	evict(vb_shared);
	assert_true(vb_shared->evicted);
	assert_false(on_evict_list(vb_shared));

	assert_int_equal(lock_and_validate(vm, true, vb_shared), 0);
	assert_int_equal(nr_validate, 2);
	assert_false(vb_priv->evicted);
	assert_false(vb_shared->evicted);
	assert_true(list_empty(&vm->evict.list));

	/* Nothing evicted: validate calls nothing. */
	assert_int_equal(lock_and_validate(vm, false, NULL), 0);
	assert_int_equal(nr_validate, 2);

	put_vm_bo(vb_priv);
	put_vm_bo(vb_shared);
	vm_teardown(vm);
	drm_gem_object_put(priv);
	drm_gem_object_put(shared);
}

/* validate calls the callback once per evicted vm_bo and stops at an error. */
static void test_validate_stops_on_error(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *objs[3];
	struct drm_gpuvm_bo *vbs[3];
	int i;

	for (i = 0; i < 3; i++) {
		objs[i] = tobj_new(state, drm_gpuvm_resv_obj(vm));
		map_ok(vm, objs[i], 0x10000 * (i + 1), 0x4000, 0);
		vbs[i] = find_vm_bo(vm, objs[i]);
	}

	/* drm_gpuvm_bo_gem_evict() under the object's resv and gpuva lock. */
	dma_resv_lock(drm_gpuvm_resv(vm), NULL);
	for (i = 0; i < 3; i++) {
		mutex_lock(&objs[i]->gpuva.lock);
		drm_gpuvm_bo_gem_evict(objs[i], true);
		mutex_unlock(&objs[i]->gpuva.lock);
	}
	dma_resv_unlock(drm_gpuvm_resv(vm));

	validate_fail_at = 2;
	assert_int_equal(lock_and_validate(vm, false, NULL), -EIO);
	assert_int_equal(nr_validate, 2);
	assert_false(on_evict_list(vbs[0]));
	assert_true(on_evict_list(vbs[1]));
	assert_true(on_evict_list(vbs[2]));

	validate_fail_at = 0;
	assert_int_equal(lock_and_validate(vm, false, NULL), 0);
	assert_int_equal(nr_validate, 4);
	assert_true(list_empty(&vm->evict.list));

	for (i = 0; i < 3; i++)
		put_vm_bo(vbs[i]);
	vm_teardown(vm);
	for (i = 0; i < 3; i++)
		drm_gem_object_put(objs[i]);
}

/* Without RESV_PROTECTED the lists have their own locks: extobjs go on directly. */
static void test_unprotected_lists(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, 0);
	struct drm_gem_object *priv = tobj_new(state, drm_gpuvm_resv_obj(vm));
	struct drm_gem_object *shared = tobj_new(state, NULL);
	struct drm_gpuvm_bo *vb_priv, *vb_shared;

	map_ok(vm, priv, 0x10000, 0x4000, 0);
	map_ok(vm, shared, 0x20000, 0x4000, 0);

	/* Not immediate mode: the gpuva list is under the object's resv. */
	dma_resv_lock(priv->resv, NULL);
	vb_priv = drm_gpuvm_bo_find(vm, priv);
	drm_gpuvm_bo_evict(vb_priv, true);
	dma_resv_unlock(priv->resv);
	dma_resv_lock(shared->resv, NULL);
	vb_shared = drm_gpuvm_bo_find(vm, shared);
	drm_gpuvm_bo_evict(vb_shared, true);
	dma_resv_unlock(shared->resv);

	assert_true(on_evict_list(vb_priv));
	assert_true(on_evict_list(vb_shared));
	assert_null(vm->evict.local_list);

	assert_int_equal(lock_and_validate(vm, false, NULL), 0);
	assert_int_equal(nr_validate, 2);
	assert_true(list_empty(&vm->evict.list));
	assert_null(vm->evict.local_list);
	assert_null(vm->extobj.local_list);
	assert_true(list_is_singular(&vm->extobj.list));

	dma_resv_lock(priv->resv, NULL);
	assert_false(drm_gpuvm_bo_put(vb_priv));
	dma_resv_unlock(priv->resv);
	dma_resv_lock(shared->resv, NULL);
	assert_false(drm_gpuvm_bo_put(vb_shared));
	dma_resv_unlock(shared->resv);

	vm_teardown(vm);
	drm_gem_object_put(priv);
	drm_gem_object_put(shared);
}

/* ---- fences and drm_gpuvm_exec ---------------------------------------- */

static const char *tfence_name(struct dma_fence *fence)
{
	return "gpuvm-test";
}

static const struct dma_fence_ops tfence_ops = {
	.get_driver_name = tfence_name,
	.get_timeline_name = tfence_name,
};

static DEFINE_SPINLOCK(tfence_lock);

/* Private resvs get private_usage, external objects extobj_usage. */
static void test_exec_lock_and_add_fence(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *priv = tobj_new(state, drm_gpuvm_resv_obj(vm));
	struct drm_gem_object *shared = tobj_new(state, NULL);
	struct drm_gpuvm_exec vm_exec = { .vm = vm, .num_fences = 1 };
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	assert_non_null(f);
	dma_fence_init(f, &tfence_ops, &tfence_lock, dma_fence_context_alloc(1), 1);

	map_ok(vm, priv, 0x10000, 0x4000, 0);
	map_ok(vm, shared, 0x20000, 0x4000, 0);

	assert_int_equal(drm_gpuvm_exec_lock(&vm_exec), 0);
	assert_true(dma_resv_held(drm_gpuvm_resv(vm)));
	assert_true(dma_resv_held(shared->resv));
	drm_gpuvm_exec_resv_add_fence(&vm_exec, f, DMA_RESV_USAGE_WRITE,
				      DMA_RESV_USAGE_BOOKKEEP);
	assert_int_equal(drm_gpuvm_exec_validate(&vm_exec), 0);
	drm_gpuvm_exec_unlock(&vm_exec);
	assert_false(dma_resv_is_locked(drm_gpuvm_resv(vm)));

	assert_int_equal(sw_dma_resv_fence_count(drm_gpuvm_resv(vm)), 1);
	assert_int_equal(sw_dma_resv_fence_count(shared->resv), 1);
	/* A READ wait ignores BOOKKEEP fences but not WRITE ones. */
	assert_false(dma_resv_test_signaled(drm_gpuvm_resv(vm), DMA_RESV_USAGE_READ));
	assert_true(dma_resv_test_signaled(shared->resv, DMA_RESV_USAGE_READ));
	assert_false(dma_resv_test_signaled(shared->resv, DMA_RESV_USAGE_BOOKKEEP));

	dma_fence_signal(f);
	dma_fence_put(f);

	vm_teardown(vm);
	drm_gem_object_put(priv);
	drm_gem_object_put(shared);
}

/* ---- lockdep ------------------------------------------------------------ */

/* Linking without the GEM's gpuva lock (immediate mode) is a lockdep report. */
static void test_link_without_gpuva_lock_reports(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuva_op_map m = { .va.addr = 0x1000, .va.range = 0x1000, .gem.obj = a };
	struct drm_gpuva *va = kzalloc(sizeof(*va), GFP_KERNEL);
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_create(vm, a);

	assert_non_null(va);
	assert_non_null(vm_bo);
	drm_gpuva_map(vm, va, &m);

	mutex_lock(&a->gpuva.lock);
	vm_bo = drm_gpuvm_bo_obtain_prealloc(vm_bo);
	mutex_unlock(&a->gpuva.lock);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	drm_gpuva_link(va, vm_bo);
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);

	/* The same with the lock held is silent. */
	dma_resv_lock(drm_gpuvm_resv(vm), NULL);
	mutex_lock(&a->gpuva.lock);
	drm_gpuva_unlink(va);
	drm_gpuva_link(va, vm_bo);
	drm_gpuva_unlink(va);
	drm_gpuvm_bo_put(vm_bo);
	mutex_unlock(&a->gpuva.lock);
	dma_resv_unlock(drm_gpuvm_resv(vm));
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);

	drm_gpuva_remove(va);
	kfree(va);
	drm_gpuvm_put(vm);
	drm_gem_object_put(a);
}

/*
 * Without immediate mode the gpuva list is under the object's resv: the
 * gpuva mutex alone does not satisfy the assertion.
 */
static void test_link_needs_resv_without_immediate_mode(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, DRM_GPUVM_RESV_PROTECTED);
	struct drm_gem_object *a = tobj_new(state, NULL);
	struct drm_gpuva_op_map m = { .va.addr = 0x1000, .va.range = 0x1000, .gem.obj = a };
	struct drm_gpuva *va = kzalloc(sizeof(*va), GFP_KERNEL);
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_create(vm, a);

	assert_non_null(va);
	assert_non_null(vm_bo);
	drm_gpuva_map(vm, va, &m);

	dma_resv_lock(a->resv, NULL);
	vm_bo = drm_gpuvm_bo_obtain_prealloc(vm_bo);
	dma_resv_unlock(a->resv);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	mutex_lock(&a->gpuva.lock);
	drm_gpuva_link(va, vm_bo);
	mutex_unlock(&a->gpuva.lock);
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);

	/* Teardown with the VM resv (RESV_PROTECTED) and the object's resv. */
	{
		struct drm_exec exec;
		int ret = 0;

		drm_exec_init(&exec, 0, 0);
		drm_exec_until_all_locked(&exec) {
			ret = drm_gpuvm_prepare_vm(vm, &exec, 0);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
			ret = drm_exec_lock_obj(&exec, a);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
		}
		assert_int_equal(ret, 0);
		drm_gpuva_unlink(va);
		drm_gpuva_remove(va);
		drm_gpuvm_bo_put(vm_bo);
		drm_exec_fini(&exec);
	}
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);

	kfree(va);
	drm_gpuvm_put(vm);
	drm_gem_object_put(a);
}

/* Evicting without the object's resv is a lockdep report. */
static void test_evict_needs_obj_resv(void **state)
{
	struct drm_gpuvm *vm = tvm_new(state, PROT_IMM);
	struct drm_gem_object *shared = tobj_new(state, NULL);
	struct drm_gpuvm_bo *vm_bo;

	map_ok(vm, shared, 0x10000, 0x1000, 0);
	vm_bo = find_vm_bo(vm, shared);

	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	drm_gpuvm_bo_evict(vm_bo, true);
	assert_int_equal(sw_report_count(SW_REPORT_LOCKDEP), 1);

	dma_resv_lock(shared->resv, NULL);
	drm_gpuvm_bo_evict(vm_bo, false);
	dma_resv_unlock(shared->resv);

	put_vm_bo(vm_bo);
	vm_teardown(vm);
	drm_gem_object_put(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_map_empty),
		SW_TEST(test_split_merge_cases),
		SW_TEST(test_step_error_stops_walk),
		SW_TEST(test_invalid_ranges),
		SW_TEST(test_va_index_matches_a_model),
		SW_TEST(test_ops_create),
		SW_TEST(test_vm_bo_put_releases_refs),
		SW_TEST(test_extobj_evicted_via_prepare_objects),
		SW_TEST(test_validate_stops_on_error),
		SW_TEST(test_unprotected_lists),
		SW_TEST(test_exec_lock_and_add_fence),
		SW_TEST(test_link_without_gpuva_lock_reports),
		SW_TEST(test_link_needs_resv_without_immediate_mode),
		SW_TEST(test_evict_needs_obj_resv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
