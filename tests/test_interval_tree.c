// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The i_mmap interval tree (shim/interval_tree.c on shim/rbtree.c) against
 * a brute-force model: random inserts, removes and range queries, with the
 * red-black rules, the subtree values and the cached leftmost node checked
 * after every step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rbtree_augmented.h>

#include "sw_test.h"

#define NR_VMAS		256

struct model {
	struct rb_root_cached root;
	struct vm_area_struct vma[NR_VMAS];
	bool in[NR_VMAS];
	unsigned long long rng;
	unsigned long key_space;	/* page offsets drawn from [0, key_space) */
};

static unsigned long next_rand(struct model *m)
{
	m->rng = m->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned long)(m->rng >> 33);
}

static unsigned long first_pg(const struct vm_area_struct *v)
{
	return v->vm_pgoff;
}

static unsigned long last_pg(const struct vm_area_struct *v)
{
	return v->vm_pgoff + vma_pages(v) - 1;
}

/*
 * Check the subtree at @rb: parent links, order, red-black rules and the
 * subtree value. Returns its black height; counts nodes into @count.
 */
static int check_subtree(struct rb_node *rb, struct rb_node *parent, unsigned long *count)
{
	struct vm_area_struct *v;
	unsigned long max_last;
	int lh, rh;

	if (!rb)
		return 1;
	v = rb_entry(rb, struct vm_area_struct, shared.rb);
	(*count)++;
	assert_ptr_equal(rb_parent(rb), parent);
	if (rb_is_red(rb)) {
		assert_true(!rb->rb_left || rb_is_black(rb->rb_left));
		assert_true(!rb->rb_right || rb_is_black(rb->rb_right));
	}
	lh = check_subtree(rb->rb_left, rb, count);
	rh = check_subtree(rb->rb_right, rb, count);
	assert_int_equal(lh, rh);

	max_last = last_pg(v);
	if (rb->rb_left) {
		struct vm_area_struct *l = rb_entry(rb->rb_left, struct vm_area_struct, shared.rb);

		assert_true(first_pg(l) <= first_pg(v));
		max_last = max(max_last, l->shared.rb_subtree_last);
	}
	if (rb->rb_right) {
		struct vm_area_struct *r = rb_entry(rb->rb_right, struct vm_area_struct, shared.rb);

		assert_true(first_pg(r) >= first_pg(v));
		max_last = max(max_last, r->shared.rb_subtree_last);
	}
	assert_int_equal(v->shared.rb_subtree_last, max_last);
	return lh + rb_is_black(rb);
}

static void check_tree(struct model *m)
{
	struct rb_node *rb, *prev = NULL;
	unsigned long count = 0, in_order = 0, expect = 0;

	for (int i = 0; i < NR_VMAS; i++)
		expect += m->in[i];
	if (m->root.rb_root.rb_node)
		assert_true(rb_is_black(m->root.rb_root.rb_node));
	check_subtree(m->root.rb_root.rb_node, NULL, &count);
	assert_int_equal(count, expect);
	assert_ptr_equal(rb_first_cached(&m->root), rb_first(&m->root.rb_root));

	/* In-order walks both ways agree with the node count and the order. */
	for (rb = rb_first(&m->root.rb_root); rb; prev = rb, rb = rb_next(rb)) {
		struct vm_area_struct *v = rb_entry(rb, struct vm_area_struct, shared.rb);

		assert_true(m->in[v - m->vma]);
		assert_ptr_equal(rb_prev(rb), prev);
		if (prev)
			assert_true(first_pg(rb_entry(prev, struct vm_area_struct, shared.rb)) <=
				    first_pg(v));
		in_order++;
	}
	assert_ptr_equal(prev, rb_last(&m->root.rb_root));
	assert_int_equal(in_order, expect);
}

/* The query against the model: same VMAs, each once, in vm_pgoff order. */
static void check_query(struct model *m, unsigned long start, unsigned long last)
{
	bool seen[NR_VMAS] = { false };
	struct vm_area_struct *v;
	unsigned long prev_first = 0;
	int hits = 0, expect = 0;

	vma_interval_tree_foreach(v, &m->root, start, last) {
		int i = v - m->vma;

		assert_true(i >= 0 && i < NR_VMAS);
		assert_true(m->in[i]);
		assert_false(seen[i]);
		assert_true(first_pg(v) <= last && last_pg(v) >= start);
		assert_true(first_pg(v) >= prev_first);
		prev_first = first_pg(v);
		seen[i] = true;
		hits++;
	}
	for (int i = 0; i < NR_VMAS; i++) {
		bool overlaps = m->in[i] && first_pg(&m->vma[i]) <= last &&
				last_pg(&m->vma[i]) >= start;

		assert_int_equal(seen[i], overlaps);
		expect += overlaps;
	}
	assert_int_equal(hits, expect);
}

static void set_range(struct vm_area_struct *v, unsigned long pgoff, unsigned long pages)
{
	memset(v, 0, sizeof(*v));
	v->vm_start = 0x100000UL;
	v->vm_end = v->vm_start + (pages << PAGE_SHIFT);
	v->vm_pgoff = pgoff;
	RB_CLEAR_NODE(&v->shared.rb);
}

static void run_model(unsigned long long seed, unsigned long key_space, int steps)
{
	struct model *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->root = RB_ROOT_CACHED;
	m->rng = seed;
	m->key_space = key_space;

	for (int step = 0; step < steps; step++) {
		int i = next_rand(m) % NR_VMAS;
		unsigned long op = next_rand(m) % 8;

		if (op < 3 && !m->in[i]) {
			set_range(&m->vma[i], next_rand(m) % key_space, 1 + next_rand(m) % 16);
			vma_interval_tree_insert(&m->vma[i], &m->root);
			m->in[i] = true;
		} else if (op < 5 && m->in[i]) {
			vma_interval_tree_remove(&m->vma[i], &m->root);
			m->in[i] = false;
		} else {
			unsigned long s = next_rand(m) % (key_space + 16);
			unsigned long len = next_rand(m) % 32;

			check_query(m, s, s + len);
		}
		check_tree(m);
	}
	/* Whole-range and edge queries, then empty the tree. */
	check_query(m, 0, ULONG_MAX);
	check_query(m, 0, 0);
	check_query(m, ULONG_MAX, ULONG_MAX);
	for (int i = 0; i < NR_VMAS; i++) {
		if (m->in[i]) {
			vma_interval_tree_remove(&m->vma[i], &m->root);
			m->in[i] = false;
			check_tree(m);
		}
	}
	assert_true(RB_EMPTY_ROOT(&m->root.rb_root));
	assert_null(rb_first_cached(&m->root));
	assert_null(vma_interval_tree_iter_first(&m->root, 0, ULONG_MAX));
	free(m);
}

static int steps(void)
{
	return getenv("SW_UNDER_VALGRIND") ? 300 : 10000;
}

/* Dense keys: many equal starts and nested ranges. */
static void test_random_dense(void **state)
{
	run_model(1, 64, steps());
}

/* Sparse keys: mostly disjoint ranges, queries that often miss. */
static void test_random_sparse(void **state)
{
	run_model(2, 1UL << 20, steps());
}

/* Sorted inserts and removes: the rebalancing paths a random order rarely takes. */
static void test_sorted_inserts(void **state)
{
	struct model *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->root = RB_ROOT_CACHED;
	for (int i = 0; i < NR_VMAS; i++) {
		set_range(&m->vma[i], 4 * i, 8);
		vma_interval_tree_insert(&m->vma[i], &m->root);
		m->in[i] = true;
		check_tree(m);
	}
	check_query(m, 10, 10);
	check_query(m, 4 * NR_VMAS, ULONG_MAX);
	for (int i = NR_VMAS - 1; i >= 0; i -= 2) {
		vma_interval_tree_remove(&m->vma[i], &m->root);
		m->in[i] = false;
		check_tree(m);
		check_query(m, 4 * i - 3, 4 * i + 3);
	}
	for (int i = 0; i < NR_VMAS; i++) {
		if (m->in[i]) {
			vma_interval_tree_remove(&m->vma[i], &m->root);
			m->in[i] = false;
			check_tree(m);
		}
	}
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_random_dense),
		SW_TEST(test_random_sparse),
		SW_TEST(test_sorted_inserts),
	};

	sw_report_quiet(true);
	return cmocka_run_group_tests_name("interval_tree", tests, NULL, NULL);
}
