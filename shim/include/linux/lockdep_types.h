/* SPDX-License-Identifier: GPL-2.0 */
/* Lock classes and lock instances as lockdep sees them. */
#ifndef _LINUX_LOCKDEP_TYPES_H
#define _LINUX_LOCKDEP_TYPES_H

#define MAX_LOCKDEP_SUBCLASSES		8UL

/*
 * A lock class is identified by the address of a static key, one per
 * lock-init site (mutex_init() and friends declare one).
 */
struct lock_class_key {
	char __one_byte;
};

struct lock_class;

/* How a lock waits: lockdep uses it to flag sleeping in atomic context. */
enum lockdep_wait_type {
	LD_WAIT_INV = 0,
	LD_WAIT_FREE,
	LD_WAIT_SPIN,
	LD_WAIT_CONFIG,
	LD_WAIT_SLEEP,
	LD_WAIT_MAX,
};

/**
 * struct lockdep_map - what a lock instance carries for lockdep.
 * @key: class key (static, identifies the init site or lockdep_set_class()).
 * @name: name printed in reports.
 * @class_cache: resolved classes per subclass, filled lazily.
 * @wait_type_inner: LD_WAIT_SPIN for spinlocks, LD_WAIT_SLEEP for sleeping
 *                   locks: lets might_sleep() flag sleeping in atomic context.
 */
struct lockdep_map {
	struct lock_class_key		*key;
	struct lock_class		*class_cache[2];
	const char			*name;
	unsigned char			wait_type_inner;
	unsigned char			wait_type_outer;
	unsigned char			lock_type;
};

#define STATIC_LOCKDEP_MAP_INIT(_name, _key) \
	{ .name = (_name), .key = (void *)(_key), }

#endif
