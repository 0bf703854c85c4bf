/* SPDX-License-Identifier: GPL-2.0 */
/* Lists with RCU readers: writers serialise, readers walk under rcu_read_lock(). */
#ifndef _LINUX_RCULIST_H
#define _LINUX_RCULIST_H

#include <linux/list.h>
#include <linux/rcupdate.h>

#define list_next_rcu(list)	(*((struct list_head __rcu **)(&(list)->next)))

static inline void INIT_LIST_HEAD_RCU(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	WRITE_ONCE(list->prev, list);
}

static inline void __list_add_rcu(struct list_head *new, struct list_head *prev,
				  struct list_head *next)
{
	new->next = next;
	new->prev = prev;
	rcu_assign_pointer(list_next_rcu(prev), new);
	next->prev = new;
}

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head->prev, head);
}

/* The entry keeps its next pointer for readers still on it; no poisoning. */
static inline void list_del_rcu(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	next->prev = prev;
	WRITE_ONCE(prev->next, next);
	entry->prev = LIST_POISON2;
}

#define list_entry_rcu(ptr, type, member) \
	container_of(__rcu_load(ptr), type, member)

/**
 * list_for_each_entry_rcu() - walk an RCU list.
 * @pos: cursor.
 * @head: the list.
 * @member: the list_head member of the entries.
 * @cond: optional lockdep expression: the walk is also legal when it holds.
 */
#define list_for_each_entry_rcu(pos, head, member, cond...)		\
	for (__list_check_rcu(0, ##cond, 0),				\
	     pos = list_entry_rcu((head)->next, __typeof__(*pos), member); \
	     &pos->member != (head);					\
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))

#define __list_check_rcu(dummy, cond, extra...)				\
	({ RCU_LOCKDEP_WARN(!(cond) && !rcu_read_lock_held(),		\
			    "RCU-list traversed in non-reader section!"); })

#define list_first_or_null_rcu(ptr, type, member) ({			\
		struct list_head *__lf_head = (ptr);			\
		struct list_head *__lf_next = __rcu_load(__lf_head->next); \
		__lf_next != __lf_head ?				\
			container_of(__lf_next, type, member) : NULL; })

#endif
