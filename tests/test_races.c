// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Races explored deterministically (shrinkwrap/interleave.h): the review's
 * and docs/review-rules.md section 5's races, each stated as its threads
 * and the property that must hold after them, run for a budget of
 * schedules, each in a fresh world. A failing schedule prints the
 * SW_INTERLEAVE_SEED value that replays it. First, self-tests of the
 * explorer on textbook races.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/gfp.h>
#include <drm/drm_gem.h>
#include <drm/panthor_drm.h>

#include <shrinkwrap/interleave.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL

/* Small worlds: one is built per schedule. */
static const struct sw_world_config small = { .mem_pages = 64, .swap_pages = 64 };

/*
 * Under valgrind (some 50 times slower) a tenth of the budget, under TSan a
 * quarter: they look at the shim's own synchronisation, which a few
 * schedules cover. The default preset's run is the one that must find each
 * race when its fix is reverted.
 */

static unsigned int budget(unsigned int n)
{
	if (getenv("SW_UNDER_VALGRIND"))
		return (n + 9) / 10;
#ifdef SW_TEST_TSAN
	return (n + 3) / 4;
#endif
	return n;
}

static int explore(const struct sw_race *race, enum sw_interleave_mode mode,
		   unsigned int schedules, struct sw_interleave_result *res)
{
	struct sw_interleave_opts o = { .mode = mode, .schedules = schedules, .depth = 3 };
	struct sw_interleave_result r;
	int ret = sw_interleave_explore(race, &o, &r);

	fprintf(stderr, "%s: %u schedule(s)%s, up to %lu switch points\n", race->name,
		r.schedules, r.complete ? " (all within the bound)" : "", r.max_steps);
	if (res)
		*res = r;
	return ret;
}

/*
 * A race must hold under both a budget of PCT schedules and every schedule
 * with up to two preemptions (or the first @exhaustive of them).
 */
static void race_holds(const struct sw_race *race, unsigned int pct, unsigned int exhaustive)
{
	int a = explore(race, SW_INTERLEAVE_PCT, budget(pct), NULL);
	int b = explore(race, SW_INTERLEAVE_EXHAUSTIVE, budget(exhaustive), NULL);

	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
}

/* ---- Self-tests of the explorer ---- */

struct counter {
	struct mutex lock;
	bool locked;
	int value;
};

static void *counter_setup(struct sw_world *w)
{
	struct counter *c = calloc(1, sizeof(*c));

	if (c)
		mutex_init(&c->lock);
	return c;
}

static void counter_bump(void *arg)
{
	struct counter *c = arg;
	int v;

	if (c->locked)
		mutex_lock(&c->lock);
	v = c->value;
	sw_interleave_point("read");
	c->value = v + 1;
	if (c->locked)
		mutex_unlock(&c->lock);
}

static int counter_check(void *arg)
{
	struct counter *c = arg;

	if (c->value == 2)
		return 0;
	fprintf(stderr, "counter: %d after two increments\n", c->value);
	return 1;
}

static void counter_cleanup(void *arg)
{
	struct counter *c = arg;

	mutex_destroy(&c->lock);
	free(c);
}

static void *locked_counter_setup(struct sw_world *w)
{
	struct counter *c = counter_setup(w);

	if (c)
		c->locked = true;
	return c;
}

static const struct sw_race lost_update = {
	.cfg = &small,
	.name = "lost update",
	.setup = counter_setup,
	.thread = { counter_bump, counter_bump },
	.check = counter_check,
	.cleanup = counter_cleanup,
	.locks_outside_world = true,
};

static const struct sw_race locked_update = {
	.cfg = &small,
	.name = "locked update",
	.setup = locked_counter_setup,
	.thread = { counter_bump, counter_bump },
	.check = counter_check,
	.cleanup = counter_cleanup,
	.locks_outside_world = true,
};

/* A plain counter protected by nothing loses an update; a mutex fixes it. */
static void test_explorer_finds_lost_update(void **state)
{
	struct sw_interleave_result r;

	assert_int_equal(explore(&lost_update, SW_INTERLEAVE_PCT, 50, &r), 1);
	assert_false(r.deadlock);
	assert_int_equal(explore(&lost_update, SW_INTERLEAVE_EXHAUSTIVE, 50, &r), 1);
	assert_int_equal(explore(&locked_update, SW_INTERLEAVE_EXHAUSTIVE, 1000, &r), 0);
	assert_true(r.complete);
	assert_true(r.schedules > 1);
	assert_int_equal(explore(&locked_update, SW_INTERLEAVE_PCT, 50, &r), 0);
}

/* The replay string of a failing schedule reruns exactly that schedule. */
static void test_explorer_replays_a_seed(void **state)
{
	enum sw_interleave_mode modes[] = { SW_INTERLEAVE_PCT, SW_INTERLEAVE_EXHAUSTIVE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct sw_interleave_opts o = { .mode = modes[i], .schedules = 50 };
		struct sw_interleave_result found, again;
		char replay[sizeof(found.replay)];

		assert_int_equal(sw_interleave_explore(&lost_update, &o, &found), 1);
		strcpy(replay, found.replay);
		o.replay = replay;
		assert_int_equal(sw_interleave_explore(&lost_update, &o, &again), 1);
		assert_int_equal(again.schedules, 1);
		assert_true(again.hash == found.hash);
		assert_string_equal(again.replay, replay);
	}
}

/* An ABBA lock order deadlocks in some schedule: reported as a deadlock. */
struct abba {
	struct mutex a, b;
};

static void *abba_setup(struct sw_world *w)
{
	struct abba *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	mutex_init(&s->a);
	mutex_init(&s->b);
	/* Lockdep sees both orders in any schedule that gets far enough. */
	sw_expect_reports(SW_REPORT_LOCKDEP, 1);
	sw_report_quiet(true);
	return s;
}

static void abba_ab(void *arg)
{
	struct abba *s = arg;

	mutex_lock(&s->a);
	mutex_lock(&s->b);
	mutex_unlock(&s->b);
	mutex_unlock(&s->a);
}

static void abba_ba(void *arg)
{
	struct abba *s = arg;

	mutex_lock(&s->b);
	mutex_lock(&s->a);
	mutex_unlock(&s->a);
	mutex_unlock(&s->b);
}

static int abba_check(void *arg)
{
	return 0;
}

static void abba_cleanup(void *arg)
{
	struct abba *s = arg;

	sw_report_quiet(false);
	/* After the deadlock the parked threads still hold (and use) these. */
	if (mutex_is_locked(&s->a) || mutex_is_locked(&s->b))
		return;
	mutex_destroy(&s->a);
	mutex_destroy(&s->b);
	free(s);
}

static const struct sw_race abba = {
	.cfg = &small,
	.name = "ABBA",
	.setup = abba_setup,
	.thread = { abba_ab, abba_ba },
	.check = abba_check,
	.cleanup = abba_cleanup,
	.locks_outside_world = true,
};

static void test_explorer_reports_abba_deadlock(void **state)
{
	struct sw_interleave_result r;

	assert_int_equal(explore(&abba, SW_INTERLEAVE_EXHAUSTIVE, 100, &r), 1);
	assert_true(r.deadlock);
	assert_int_equal(explore(&abba, SW_INTERLEAVE_PCT, 100, &r), 1);
	assert_true(r.deadlock);
}

/*
 * A thread that waits where the scheduler cannot see (here, in sleep(3))
 * keeps the turn for good: the explorer names it and aborts once it has
 * held it stall_secs, where it used to wait with it for ever.
 */
static int stall_state;

static void *stall_setup(struct sw_world *w)
{
	return &stall_state;
}

static void stall_sleeper(void *arg)
{
	fprintf(stderr, "stall: the sleeper runs\n");
	sleep(30);
}

static void stall_idle(void *arg)
{
}

static int stall_check(void *arg)
{
	return 0;
}

static const struct sw_race stall = {
	.cfg = &small,
	.name = "stall",
	.setup = stall_setup,
	.thread = { stall_sleeper, stall_idle },
	.check = stall_check,
	.locks_outside_world = true,
};

static void stall_child(void)
{
	struct sw_interleave_opts o = { .mode = SW_INTERLEAVE_PCT, .schedules = 1,
					.stall_secs = 1 };

	sw_interleave_explore(&stall, &o, NULL);
}

static void test_explorer_aborts_on_a_thread_outside_the_scheduler(void **state)
{
	sw_test_child_aborts(stall_child, "has run 1 s without reaching a switch point",
			     "stall: the sleeper runs");
}

/* ---- The review's and the bug list's races ---- */

struct rs {
	struct sw_world *w;
	struct panthor_device *ptdev;
	struct sw_proc *p, *p2;
	struct sw_file *f;
	struct sw_vm *vm, *vm2;
	struct sw_bo *bo, *bo2;
	struct sw_map *map, *map2;
	unsigned long remaining[SW_RACE_MAX_THREADS];
	int err;
};

static struct rs *rs_new(struct sw_world *w)
{
	struct rs *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->w = w;
	s->ptdev = sw_world_device(w);
	s->p = sw_proc_create(w, "race", 0);
	s->f = sw_file_open(s->p);
	return s;
}

static void rs_free(void *arg)
{
	free(arg);
}

static struct panthor_gem_object *obj_of(struct sw_bo *bo)
{
	return sw_bo_obj(bo);
}

/* A BO with pages and nothing using them: UNUSED, on the unused LRU. */
static struct sw_bo *unused_bo(struct rs *s)
{
	struct sw_bo *bo = sw_bo_create(s->f, SIZE, 0);

	if (bo && !panthor_gem_pin(obj_of(bo)))
		panthor_gem_unpin(obj_of(bo));
	return bo;
}

static int check_invariants(struct rs *s)
{
	return sw_check_invariants(s->w) ? 1 : 0;
}

/*
 * R-PIN-COUNT-TRANSITIONS: the last unpin (1->0, under the resv)
 * racing with a lockless nested pin (1->2). The pin must never be lost:
 * afterwards the count is 1 and the BO is pinned with its pages.
 */
static void *pin_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);

	if (!s)
		return NULL;
	s->bo = sw_bo_create(s->f, SIZE, 0);
	if (!s->bo || panthor_gem_pin(obj_of(s->bo))) {
		free(s);
		return NULL;
	}
	return s;
}

static void pin_thread(void *arg)
{
	struct rs *s = arg;

	s->err = panthor_gem_pin(obj_of(s->bo));
}

static void unpin_thread(void *arg)
{
	struct rs *s = arg;

	panthor_gem_unpin(obj_of(s->bo));
}

static int pin_check(void *arg)
{
	struct rs *s = arg;
	struct panthor_gem_object *bo = obj_of(s->bo);

	if (s->err || refcount_read(&bo->backing.pin_count) != 1 || !bo->backing.pages ||
	    bo->reclaim_state != PANTHOR_GEM_UNRECLAIMABLE) {
		fprintf(stderr, "pin: err %d, pin_count %u, pages %p, state %d\n", s->err,
			refcount_read(&bo->backing.pin_count), bo->backing.pages,
			bo->reclaim_state);
		return 1;
	}
	return check_invariants(s);
}

static void pin_cleanup(void *arg)
{
	struct rs *s = arg;

	if (refcount_read(&obj_of(s->bo)->backing.pin_count))
		panthor_gem_unpin(obj_of(s->bo));
	free(s);
}

static const struct sw_race pin_race = {
	.cfg = &small,
	.name = "pin_count 1->0 vs lockless pin",
	.setup = pin_setup,
	.thread = { unpin_thread, pin_thread },
	.check = pin_check,
	.cleanup = pin_cleanup,
};

static void test_race_pin_count_last_unpin_vs_pin(void **state)
{
	race_holds(&pin_race, 100, 100);
}

/*
 * R-MMAP-COUNT-TRANSITIONS: the last munmap (1->0, under the resv)
 * racing with a new mmap of the BO (lockless 1->2). The new mapping must
 * keep the count at 1.
 */
static void *mmap_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);
	char buf[64];

	if (!s)
		return NULL;
	sw_pattern_fill(buf, sizeof(buf), 7);
	/* Another process: mmap and munmap of one mm are serialised by its mmap_lock. */
	s->p2 = sw_proc_create(w, "race2", 0);
	s->bo = sw_bo_create(s->f, SIZE, 0);
	if (!s->bo || sw_mmap(s->p, s->bo, 0, &s->map) ||
	    sw_cpu_write(s->map, 0, buf, sizeof(buf))) {
		free(s);
		return NULL;
	}
	return s;
}

static void munmap_thread(void *arg)
{
	struct rs *s = arg;

	sw_proc_enter(s->p);
	sw_munmap(s->map);
}

static void mmap_thread(void *arg)
{
	struct rs *s = arg;

	sw_proc_enter(s->p2);
	s->err = sw_mmap(s->p2, s->bo, 0, &s->map2);
}

static int mmap_check(void *arg)
{
	struct rs *s = arg;
	struct panthor_gem_object *bo = obj_of(s->bo);

	char buf[64];

	/* The new mapping counts, and sees the data. */
	if (s->err || refcount_read(&bo->cmap.mmap_count) != 1 ||
	    sw_cpu_read(s->map2, 0, buf, sizeof(buf)) || !sw_pattern_check(buf, sizeof(buf), 7)) {
		fprintf(stderr, "mmap: err %d, mmap_count %u, state %d\n", s->err,
			refcount_read(&bo->cmap.mmap_count), bo->reclaim_state);
		return 1;
	}
	return check_invariants(s);
}

static const struct sw_race mmap_race = {
	.cfg = &small,
	.name = "mmap_count 1->0 vs lockless mmap",
	.setup = mmap_setup,
	.thread = { munmap_thread, mmap_thread },
	.check = mmap_check,
	.cleanup = rs_free,
};

static void test_race_mmap_count_last_munmap_vs_mmap(void **state)
{
	race_holds(&mmap_race, 150, 250);
}

/*
 * Bug list #2: a BO going UNRECLAIMABLE (pinned) while a scan moves it to
 * its on-stack list. Taking it off with drm_gem_lru_remove() peeks
 * obj->lru without the lock and can see the NULL of the move: the scan
 * then puts the pinned BO back on a reclaim LRU.
 */
static void *lru_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);

	if (!s)
		return NULL;
	s->bo = unused_bo(s);
	if (!s->bo) {
		free(s);
		return NULL;
	}
	return s;
}

static void scan_thread(void *arg)
{
	struct rs *s = arg;

	sw_shrinker_scan(s->w, PAGES, GFP_KERNEL);
}

static int lru_check(void *arg)
{
	struct rs *s = arg;
	struct panthor_gem_object *bo = obj_of(s->bo);

	if (s->err || !bo->backing.pages) {
		fprintf(stderr, "lru: pin %d, pages %p\n", s->err, bo->backing.pages);
		return 1;
	}
	return check_invariants(s);
}

static const struct sw_race lru_race = {
	.cfg = &small,
	.name = "LRU remove vs scan",
	.setup = lru_setup,
	.thread = { scan_thread, pin_thread },
	.check = lru_check,
	.cleanup = pin_cleanup,
};

static void test_race_lru_remove_vs_scan(void **state)
{
	race_holds(&lru_race, 60, 750);
}

/*
 * R-SYNC-UNDER-RESV: a BO sync racing with its eviction. The walk over
 * the sg table happens under the resv, so eviction can't free the pages
 * (or the table) under it; the mock DMA layer WARNs on a freed page.
 */
static void sync_thread(void *arg)
{
	struct rs *s = arg;

	s->err = panthor_gem_sync(obj_of(s->bo), DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE,
				  0, SIZE);
}

static int sync_check(void *arg)
{
	struct rs *s = arg;

	if (s->err) {
		fprintf(stderr, "sync: %d\n", s->err);
		return 1;
	}
	return check_invariants(s);
}

static const struct sw_race sync_race = {
	.cfg = &small,
	.name = "BO sync vs eviction",
	.setup = lru_setup,
	.thread = { sync_thread, scan_thread },
	.check = sync_check,
	.cleanup = rs_free,
};

static void test_race_sync_vs_eviction(void **state)
{
	race_holds(&sync_race, 50, 50);
}

/*
 * Bug list #5: two scans of private BOs and an activation. The first scan
 * has the VM's first BO aside (its eviction fails) when activation moves
 * the VM and a second scan takes it, evicts the other BO and drops the VM,
 * its LRU looking empty. The first scan must put the VM back on the list
 * with the BO it returns to the VM's LRU.
 */
static struct drm_gem_object *keep_obj;

static bool keep_shrink(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	if (obj == keep_obj)
		return false;
	return panthor_gem_try_evict(obj, ticket);
}

static void *priv_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);

	if (!s)
		return NULL;
	s->vm = sw_vm_create(s->f);
	s->bo = sw_bo_create(s->f, SIZE, 0);
	s->bo2 = sw_bo_create(s->f, SIZE, 0);
	if (!s->vm || !s->bo || !s->bo2 || sw_vm_bind(s->vm, s->bo, 0, SIZE, VA0, 0) ||
	    sw_vm_bind(s->vm, s->bo2, 0, SIZE, VA1, 0)) {
		free(s);
		return NULL;
	}
	keep_obj = &obj_of(s->bo)->base;
	return s;
}

static void priv_scan_thread(void *arg)
{
	struct rs *s = arg;
	unsigned long remaining = 0;

	panthor_mmu_reclaim_priv_bos(s->ptdev, 1000, &remaining, keep_shrink);
}

static void activate_thread(void *arg)
{
	struct rs *s = arg;

	s->err = panthor_vm_active(sw_vm_obj(s->vm));
	if (!s->err)
		panthor_vm_idle(sw_vm_obj(s->vm));
}

static int priv_check(void *arg)
{
	struct rs *s = arg;
	struct panthor_vm *vm = sw_vm_obj(s->vm);

	long pages = panthor_vm_reclaim_lru(vm)->count;

	if (s->err || (pages && !panthor_vm_on_reclaim_list(vm))) {
		fprintf(stderr, "priv: activation %d; VM with %ld pages on its LRU on no list\n",
			s->err, pages);
		return 1;
	}
	return check_invariants(s);
}

static const struct sw_race priv_race = {
	.cfg = &small,
	.name = "two private-BO scans vs activation",
	.setup = priv_setup,
	.thread = { priv_scan_thread, activate_thread, priv_scan_thread },
	.check = priv_check,
	.cleanup = rs_free,
};

static void test_race_priv_scans_vs_activation(void **state)
{
	race_holds(&priv_race, 100, 100);
}

/*
 * Bug list #10: a VM activated while a scan holds its BOs aside (its LRU
 * count 0 for that moment) still moves to the tail of the VM list, where
 * the scan leaves it: the most recently active VM is reclaimed last.
 */
static bool keep_all(struct drm_gem_object *obj, struct ww_acquire_ctx *ticket)
{
	return false;
}

static void *active_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);

	if (!s)
		return NULL;
	s->vm = sw_vm_create(s->f);
	s->vm2 = sw_vm_create(s->f);
	if (!s->vm || !s->vm2)
		goto err;
	s->bo = sw_bo_create_private(s->f, s->vm, SIZE, 0);
	s->bo2 = sw_bo_create_private(s->f, s->vm2, SIZE, 0);
	if (!s->bo || !s->bo2 || sw_vm_bind(s->vm, s->bo, 0, SIZE, VA0, 0) ||
	    sw_vm_bind(s->vm2, s->bo2, 0, SIZE, VA0, 0))
		goto err;
	return s;
err:
	free(s);
	return NULL;
}

static void keep_all_scan_thread(void *arg)
{
	struct rs *s = arg;
	unsigned long remaining = 0;

	panthor_mmu_reclaim_priv_bos(s->ptdev, 1000, &remaining, keep_all);
}

static void activate_vm2_thread(void *arg)
{
	struct rs *s = arg;

	s->err = panthor_vm_active(sw_vm_obj(s->vm2));
}

static int active_check(void *arg)
{
	struct rs *s = arg;
	struct list_head *vms = &s->ptdev->reclaim.vms;

	if (s->err || panthor_vm_from_reclaim_node(vms->prev) != sw_vm_obj(s->vm2)) {
		fprintf(stderr, "activation: %d; the active VM is not last on the VM list\n",
			s->err);
		return 1;
	}
	return check_invariants(s);
}

static void active_cleanup(void *arg)
{
	struct rs *s = arg;

	if (!s->err)
		panthor_vm_idle(sw_vm_obj(s->vm2));
	free(s);
}

static const struct sw_race active_race = {
	.cfg = &small,
	.name = "VM activation vs private-BO scan",
	.setup = active_setup,
	.thread = { keep_all_scan_thread, activate_vm2_thread },
	.check = active_check,
	.cleanup = active_cleanup,
};

static void test_race_activation_vs_scan(void **state)
{
	race_holds(&active_race, 60, 200);
}

/*
 * Bug list #4: the handle of a BO sharing its VM's resv closed while a
 * scan holds a reference: the scan's put frees it in reclaim, which must
 * not block on the VM resv (lockdep knows resv -> fs_reclaim).
 */
static void *free_setup(struct sw_world *w)
{
	struct rs *s = rs_new(w);

	if (!s)
		return NULL;
	s->vm = sw_vm_create(s->f);
	if (!s->vm)
		goto err;
	s->bo = sw_bo_create_private(s->f, s->vm, SIZE, 0);
	if (!s->bo || sw_vm_bind(s->vm, s->bo, 0, SIZE, VA0, 0) ||
	    sw_vm_unbind(s->vm, VA0, SIZE))
		goto err;
	return s;
err:
	free(s);
	return NULL;
}

static void close_thread(void *arg)
{
	struct rs *s = arg;

	sw_bo_close(s->bo);
}

static int free_check(void *arg)
{
	return check_invariants(arg);
}

static const struct sw_race free_race = {
	.cfg = &small,
	.name = "free while a scan holds the BO",
	.setup = free_setup,
	.thread = { scan_thread, close_thread },
	.check = free_check,
	.cleanup = rs_free,
};

static void test_race_free_vs_scan(void **state)
{
	race_holds(&free_race, 60, 150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explorer_finds_lost_update),
		cmocka_unit_test(test_explorer_replays_a_seed),
		cmocka_unit_test(test_explorer_reports_abba_deadlock),
		cmocka_unit_test(test_explorer_aborts_on_a_thread_outside_the_scheduler),
		cmocka_unit_test(test_race_pin_count_last_unpin_vs_pin),
		cmocka_unit_test(test_race_mmap_count_last_munmap_vs_mmap),
		cmocka_unit_test(test_race_lru_remove_vs_scan),
		cmocka_unit_test(test_race_sync_vs_eviction),
		cmocka_unit_test(test_race_priv_scans_vs_activation),
		cmocka_unit_test(test_race_activation_vs_scan),
		cmocka_unit_test(test_race_free_vs_scan),
	};

	return cmocka_run_group_tests_name("races", tests, NULL, NULL);
}
