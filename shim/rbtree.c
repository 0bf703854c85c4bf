// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Red-black trees, plain and augmented. Rules: every node is red or black,
 * the root is black, a red node has no red child, and every path from a
 * node down to a NULL leaf crosses the same number of black nodes. So the
 * height is at most 2 log2(n + 1) and every operation is O(log n).
 *
 * Augmented trees keep a per-node value derived from the node's subtree
 * (an interval tree keeps the largest interval end): rotations hand it
 * over through the rotate callback, removals recompute it up the path.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <linux/rbtree_augmented.h>

static inline void rb_set_parent(struct rb_node *rb, struct rb_node *p)
{
	rb->__rb_parent_color = (unsigned long)p | rb_color(rb);
}

static inline void rb_set_color(struct rb_node *rb, int color)
{
	rb->__rb_parent_color = (unsigned long)rb_parent(rb) | color;
}

/* NULL leaves count as black. */
static inline bool node_is_red(const struct rb_node *rb)
{
	return rb && rb_is_red(rb);
}

/* Make @new the child of @parent that @old was (or the root). */
static void rb_replace_child(struct rb_node *old, struct rb_node *new,
			     struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

static void dummy_propagate(struct rb_node *node, struct rb_node *stop) {}
static void dummy_copy(struct rb_node *old, struct rb_node *new) {}
static void dummy_rotate(struct rb_node *old, struct rb_node *new) {}

static const struct rb_augment_callbacks dummy_callbacks = {
	.propagate = dummy_propagate,
	.copy = dummy_copy,
	.rotate = dummy_rotate,
};

/* The child pointer of @n on side @dir (0: left, 1: right). */
static inline struct rb_node **child_ptr(struct rb_node *n, int dir)
{
	return dir ? &n->rb_right : &n->rb_left;
}

/* The last node of @n's subtree going down side @dir. */
static struct rb_node *extreme(struct rb_node *n, int dir)
{
	while (n && *child_ptr(n, dir))
		n = *child_ptr(n, dir);
	return n;
}

/* The in-order neighbour of @node on side @dir (1: next, 0: previous). */
static struct rb_node *neighbour(const struct rb_node *node, int dir)
{
	struct rb_node *n = (struct rb_node *)node, *parent;

	if (RB_EMPTY_NODE(n))
		return NULL;
	if (*child_ptr(n, dir))
		return extreme(*child_ptr(n, dir), !dir);
	/* Up until we come from the other side. */
	while ((parent = rb_parent(n)) && n == *child_ptr(parent, dir))
		n = parent;
	return parent;
}

/*
 * Rotate the child of @x on side @dir up into @x's place, @x going down on
 * the other side. Colours are the caller's business; the augmented value
 * moves with the subtree root.
 */
static void rotate_up(struct rb_node *x, int dir, struct rb_root *root,
		      const struct rb_augment_callbacks *augment)
{
	struct rb_node *y = *child_ptr(x, dir);
	struct rb_node *inner = *child_ptr(y, !dir);
	struct rb_node *parent = rb_parent(x);

	*child_ptr(x, dir) = inner;
	if (inner)
		rb_set_parent(inner, x);
	*child_ptr(y, !dir) = x;
	rb_set_parent(y, parent);
	rb_replace_child(x, y, parent, root);
	rb_set_parent(x, y);
	augment->rotate(x, y);
}

/* Restore the rules after a red leaf @node was linked. */
static void insert_fixup(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment)
{
	struct rb_node *parent, *gparent, *uncle;
	int side;

	rb_set_color(node, RB_RED);
	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		/* A red parent is never the root: the grandparent exists. */
		gparent = rb_parent(parent);
		side = parent == gparent->rb_right;
		uncle = *child_ptr(gparent, !side);
		if (node_is_red(uncle)) {
			/* Push the grandparent's black down a level. */
			rb_set_color(parent, RB_BLACK);
			rb_set_color(uncle, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			node = gparent;
			continue;
		}
		if (node == *child_ptr(parent, !side)) {
			/* Make it an outer grandchild first. */
			rotate_up(parent, !side, root, augment);
			node = parent;
			parent = rb_parent(node);
		}
		rb_set_color(parent, RB_BLACK);
		rb_set_color(gparent, RB_RED);
		rotate_up(gparent, side, root, augment);
	}
	rb_set_color(root->rb_node, RB_BLACK);
}

/*
 * Restore the rules after a black node was removed: the subtree at @node
 * (possibly NULL), child of @parent, is one black short.
 */
static void erase_fixup(struct rb_node *node, struct rb_node *parent, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	struct rb_node *sibling;
	int side;

	while (node != root->rb_node && !node_is_red(node)) {
		/* A NULL @node has a non-NULL sibling: this finds its side. */
		side = node != parent->rb_left;
		sibling = *child_ptr(parent, !side);
		if (rb_is_red(sibling)) {
			/* Make the sibling black: rotate the red one up. */
			rb_set_color(sibling, RB_BLACK);
			rb_set_color(parent, RB_RED);
			rotate_up(parent, !side, root, augment);
			sibling = *child_ptr(parent, !side);
		}
		if (!node_is_red(sibling->rb_left) && !node_is_red(sibling->rb_right)) {
			/* Both sides one short now: move the deficit up. */
			rb_set_color(sibling, RB_RED);
			node = parent;
			parent = rb_parent(node);
			continue;
		}
		if (!node_is_red(*child_ptr(sibling, !side))) {
			/* Make the sibling's red child the outer one. */
			rb_set_color(*child_ptr(sibling, side), RB_BLACK);
			rb_set_color(sibling, RB_RED);
			rotate_up(sibling, side, root, augment);
			sibling = *child_ptr(parent, !side);
		}
		rb_set_color(sibling, rb_color(parent));
		rb_set_color(parent, RB_BLACK);
		rb_set_color(*child_ptr(sibling, !side), RB_BLACK);
		rotate_up(parent, !side, root, augment);
		node = root->rb_node;
	}
	if (node)
		rb_set_color(node, RB_BLACK);
}

/**
 * rb_insert_augmented() - rebalance after linking @node into an augmented
 * tree.
 * @node: the node, linked with rb_link_node(); the caller has updated the
 *        values of the nodes on its search path.
 * @root: the tree.
 * @augment: the callbacks.
 */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment)
{
	insert_fixup(node, root, augment);
}
EXPORT_SYMBOL(rb_insert_augmented);

/**
 * rb_erase_augmented() - remove @node from an augmented tree.
 * @node: the node.
 * @root: the tree.
 * @augment: the callbacks.
 */
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	struct rb_node *parent = rb_parent(node);
	struct rb_node *child, *succ, *fix_parent;
	bool removed_black;

	if (!node->rb_left || !node->rb_right) {
		/* At most one child: it takes @node's place. */
		child = node->rb_left ? node->rb_left : node->rb_right;
		removed_black = rb_is_black(node);
		rb_replace_child(node, child, parent, root);
		if (child)
			rb_set_parent(child, parent);
		fix_parent = parent;
		if (parent)
			augment->propagate(parent, NULL);
	} else {
		/*
		 * Two children: the successor (leftmost of the right subtree,
		 * so without a left child) leaves its place to its right child
		 * and takes @node's place, colour and value.
		 */
		succ = extreme(node->rb_right, 0);
		child = succ->rb_right;
		removed_black = rb_is_black(succ);
		if (succ == node->rb_right) {
			fix_parent = succ;
		} else {
			fix_parent = rb_parent(succ);
			fix_parent->rb_left = child;
			if (child)
				rb_set_parent(child, fix_parent);
			succ->rb_right = node->rb_right;
			rb_set_parent(node->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		rb_set_parent(node->rb_left, succ);
		succ->__rb_parent_color = node->__rb_parent_color;
		rb_replace_child(node, succ, parent, root);
		augment->copy(node, succ);
		/* Below @succ first, then @succ and up: it lost @node's interval. */
		if (fix_parent != succ)
			augment->propagate(fix_parent, succ);
		augment->propagate(succ, NULL);
	}
	if (removed_black)
		erase_fixup(child, fix_parent, root, augment);
}
EXPORT_SYMBOL(rb_erase_augmented);

/**
 * rb_insert_color() - rebalance after linking @node.
 * @node: the node, linked with rb_link_node().
 * @root: the tree.
 */
void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_fixup(node, root, &dummy_callbacks);
}
EXPORT_SYMBOL(rb_insert_color);

/**
 * rb_erase() - remove @node from its tree.
 * @node: the node.
 * @root: the tree.
 */
void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_augmented(node, root, &dummy_callbacks);
}
EXPORT_SYMBOL(rb_erase);

/**
 * rb_first() - the leftmost (smallest) node.
 * @root: the tree.
 *
 * Return: the node, or NULL for an empty tree.
 */
struct rb_node *rb_first(const struct rb_root *root)
{
	return extreme(root->rb_node, 0);
}
EXPORT_SYMBOL(rb_first);

/**
 * rb_last() - the rightmost (largest) node.
 * @root: the tree.
 *
 * Return: the node, or NULL for an empty tree.
 */
struct rb_node *rb_last(const struct rb_root *root)
{
	return extreme(root->rb_node, 1);
}
EXPORT_SYMBOL(rb_last);

/**
 * rb_next() - the in-order successor.
 * @node: a node in a tree.
 *
 * Return: the successor, or NULL for the last node or a node in no tree.
 */
struct rb_node *rb_next(const struct rb_node *node)
{
	return neighbour(node, 1);
}
EXPORT_SYMBOL(rb_next);

/**
 * rb_prev() - the in-order predecessor.
 * @node: a node in a tree.
 *
 * Return: the predecessor, or NULL for the first node or a node in no tree.
 */
struct rb_node *rb_prev(const struct rb_node *node)
{
	return neighbour(node, 0);
}
EXPORT_SYMBOL(rb_prev);
