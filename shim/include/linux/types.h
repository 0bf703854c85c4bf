/* SPDX-License-Identifier: GPL-2.0 */
/* shim: built on the libc and uapi types instead of the kernel's own. */
#ifndef _LINUX_TYPES_H_SHIM
#define _LINUX_TYPES_H_SHIM

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef __u8  u8;
typedef __s8  s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

typedef unsigned int gfp_t;
typedef u64 dma_addr_t;
typedef u64 phys_addr_t;
typedef unsigned long pgoff_t;
typedef unsigned long uintptr_t_k;
typedef s64 ktime_t;
typedef unsigned int fmode_t;
typedef unsigned short umode_t;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
	/* shim: liburcu's queue node, which call_rcu() hands to liburcu. */
	void *urcu_node[2];
};
#define rcu_head callback_head

typedef void (*rcu_callback_t)(struct rcu_head *head);

#endif
