/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Augmented red-black trees: each node carries a value computed from its
 * subtree, kept up to date through three callbacks.
 */
#ifndef _LINUX_RBTREE_AUGMENTED_H
#define _LINUX_RBTREE_AUGMENTED_H

#include <linux/rbtree.h>

/**
 * struct rb_augment_callbacks - keep a subtree value up to date.
 * @propagate: recompute from @node up to (not including) @stop; may stop
 *             early once a node's value does not change.
 * @copy: @new takes @old's place in the tree: copy the value.
 * @rotate: @new became the root of @old's subtree: @new takes @old's
 *          value, @old recomputes its own.
 */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

#define RB_RED		0
#define RB_BLACK	1

#define __rb_color(pc)     ((pc) & 1)
#define __rb_is_black(pc)  __rb_color(pc)
#define __rb_is_red(pc)    (!__rb_color(pc))
#define rb_color(rb)       __rb_color((rb)->__rb_parent_color)
#define rb_is_red(rb)      __rb_is_red((rb)->__rb_parent_color)
#define rb_is_black(rb)    __rb_is_black((rb)->__rb_parent_color)

/* shim: both out of line in shim/rbtree.c, where the kernel inlines them. */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

/**
 * rb_insert_augmented_cached() - rebalance after linking @node into an
 * augmented tree with a cached leftmost node.
 * @node: the node just linked; the caller updated the values on its path.
 * @root: the tree.
 * @newleft: the search went left at every step.
 * @augment: the callbacks.
 */
static inline void rb_insert_augmented_cached(struct rb_node *node, struct rb_root_cached *root,
					      bool newleft,
					      const struct rb_augment_callbacks *augment)
{
	if (newleft)
		root->rb_leftmost = node;
	rb_insert_augmented(node, &root->rb_root, augment);
}

/**
 * rb_erase_augmented_cached() - remove @node from an augmented tree with a
 * cached leftmost node.
 * @node: the node.
 * @root: the tree.
 * @augment: the callbacks.
 */
static inline void rb_erase_augmented_cached(struct rb_node *node, struct rb_root_cached *root,
					     const struct rb_augment_callbacks *augment)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase_augmented(node, &root->rb_root, augment);
}

#endif
