// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The i_mmap interval tree: a file mapping's VMAs in an augmented
 * red-black tree ordered by first page offset, each node holding the
 * largest last page offset of its subtree, so that the VMAs overlapping a
 * range are found in O(log n + hits) (unmap_mapping_range()).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rbtree_augmented.h>

static inline unsigned long vma_start_pgoff(const struct vm_area_struct *v)
{
	return v->vm_pgoff;
}

static inline unsigned long vma_last_pgoff(const struct vm_area_struct *v)
{
	return v->vm_pgoff + vma_pages(v) - 1;
}

static inline struct vm_area_struct *to_vma(struct rb_node *rb)
{
	return rb_entry(rb, struct vm_area_struct, shared.rb);
}

/* The largest last offset of @v's subtree, from its children's values. */
static unsigned long subtree_last(const struct vm_area_struct *v)
{
	unsigned long last = vma_last_pgoff(v);

	if (v->shared.rb.rb_left && to_vma(v->shared.rb.rb_left)->shared.rb_subtree_last > last)
		last = to_vma(v->shared.rb.rb_left)->shared.rb_subtree_last;
	if (v->shared.rb.rb_right && to_vma(v->shared.rb.rb_right)->shared.rb_subtree_last > last)
		last = to_vma(v->shared.rb.rb_right)->shared.rb_subtree_last;
	return last;
}

static void vma_augment_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop) {
		struct vm_area_struct *v = to_vma(rb);
		unsigned long last = subtree_last(v);

		if (v->shared.rb_subtree_last == last)
			break;
		v->shared.rb_subtree_last = last;
		rb = rb_parent(rb);
	}
}

static void vma_augment_copy(struct rb_node *old, struct rb_node *new)
{
	to_vma(new)->shared.rb_subtree_last = to_vma(old)->shared.rb_subtree_last;
}

static void vma_augment_rotate(struct rb_node *old, struct rb_node *new)
{
	to_vma(new)->shared.rb_subtree_last = to_vma(old)->shared.rb_subtree_last;
	to_vma(old)->shared.rb_subtree_last = subtree_last(to_vma(old));
}

static const struct rb_augment_callbacks vma_augment = {
	.propagate = vma_augment_propagate,
	.copy = vma_augment_copy,
	.rotate = vma_augment_rotate,
};

/**
 * vma_interval_tree_insert() - add a VMA to a mapping's tree.
 * @node: the VMA, in no tree; vm_start, vm_end and vm_pgoff set.
 * @root: the tree; i_mmap_rwsem held for writing.
 */
void vma_interval_tree_insert(struct vm_area_struct *node, struct rb_root_cached *root)
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	unsigned long start = vma_start_pgoff(node), last = vma_last_pgoff(node);
	bool leftmost = true;

	/* Equal starts go right: a new VMA follows the ones already there. */
	while (*link) {
		struct vm_area_struct *p = to_vma(*link);

		parent = *link;
		if (p->shared.rb_subtree_last < last)
			p->shared.rb_subtree_last = last;
		if (start < vma_start_pgoff(p)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	node->shared.rb_subtree_last = last;
	rb_link_node(&node->shared.rb, parent, link);
	rb_insert_augmented_cached(&node->shared.rb, root, leftmost, &vma_augment);
}

/**
 * vma_interval_tree_remove() - take a VMA out of a mapping's tree.
 * @node: the VMA.
 * @root: the tree; i_mmap_rwsem held for writing.
 */
void vma_interval_tree_remove(struct vm_area_struct *node, struct rb_root_cached *root)
{
	rb_erase_augmented_cached(&node->shared.rb, root, &vma_augment);
}

/*
 * The leftmost VMA of @v's subtree overlapping [@start, @last], given that
 * some VMA of the subtree ends at or after @start.
 */
static struct vm_area_struct *subtree_search(struct vm_area_struct *v, unsigned long start,
					     unsigned long last)
{
	for (;;) {
		struct rb_node *left = v->shared.rb.rb_left;

		/*
		 * Something on the left ends late enough: if it starts too
		 * late, so does everything from @v on, so go left either way.
		 */
		if (left && to_vma(left)->shared.rb_subtree_last >= start) {
			v = to_vma(left);
			continue;
		}
		if (vma_start_pgoff(v) > last)
			return NULL;
		if (vma_last_pgoff(v) >= start)
			return v;
		if (!v->shared.rb.rb_right)
			return NULL;
		v = to_vma(v->shared.rb.rb_right);
		if (v->shared.rb_subtree_last < start)
			return NULL;
	}
}

/**
 * vma_interval_tree_iter_first() - the first VMA overlapping a range.
 * @root: the tree; i_mmap_rwsem held.
 * @start: first page offset.
 * @last: last page offset (inclusive).
 *
 * Return: the VMA with the lowest vm_pgoff overlapping [@start, @last], or NULL.
 */
struct vm_area_struct *vma_interval_tree_iter_first(struct rb_root_cached *root,
						    unsigned long start, unsigned long last)
{
	struct vm_area_struct *v;

	if (!root->rb_root.rb_node)
		return NULL;
	v = to_vma(root->rb_root.rb_node);
	if (v->shared.rb_subtree_last < start)
		return NULL;
	if (vma_start_pgoff(to_vma(root->rb_leftmost)) > last)
		return NULL;
	return subtree_search(v, start, last);
}

/**
 * vma_interval_tree_iter_next() - the next VMA overlapping a range.
 * @node: the VMA returned last for this range.
 * @start: first page offset.
 * @last: last page offset (inclusive).
 *
 * Return: the following overlapping VMA in vm_pgoff order, or NULL.
 */
struct vm_area_struct *vma_interval_tree_iter_next(struct vm_area_struct *node,
						   unsigned long start, unsigned long last)
{
	struct rb_node *rb = node->shared.rb.rb_right, *prev;

	for (;;) {
		/* The right subtree follows @node: search it when worth it. */
		if (rb && to_vma(rb)->shared.rb_subtree_last >= start)
			return subtree_search(to_vma(rb), start, last);

		/* Up until we arrive from a left child: that parent is next. */
		do {
			rb = rb_parent(&node->shared.rb);
			if (!rb)
				return NULL;
			prev = &node->shared.rb;
			node = to_vma(rb);
			rb = node->shared.rb.rb_right;
		} while (prev == rb);

		if (vma_start_pgoff(node) > last)
			return NULL;
		if (vma_last_pgoff(node) >= start)
			return node;
	}
}
