/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-copy update. shim: backed by liburcu's memb flavour (shim/rcu.c);
 * threads register with it on their first use of RCU. rcu_read_lock() is a
 * recursive read of rcu_lock_map for lockdep, so PROVE_RCU's checks and
 * might_sleep() see read-side critical sections.
 */
#ifndef __LINUX_RCUPDATE_H
#define __LINUX_RCUPDATE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>

extern struct lockdep_map rcu_lock_map;

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);
void kvfree_call_rcu(struct rcu_head *head, void *ptr);

/**
 * rcu_read_lock_held() - is current in an RCU read-side critical section?
 *
 * Return: 1 if it is.
 */
static inline int rcu_read_lock_held(void)
{
	return lock_is_held(&rcu_lock_map);
}

/* Report a suspicious RCU usage (PROVE_RCU), once per site and world. */
void lockdep_rcu_suspicious(const char *file, const int line, const char *s);

#define RCU_LOCKDEP_WARN(c, s) do {					\
		static unsigned int __rcu_warned_gen;			\
		if (unlikely(c)) {					\
			unsigned int __g = __warn_once_generation();	\
			if (__atomic_exchange_n(&__rcu_warned_gen, __g,	\
						__ATOMIC_RELAXED) != __g) \
				lockdep_rcu_suspicious(__FILE__, __LINE__, s); \
		}							\
	} while (0)
unsigned int __warn_once_generation(void);

/* shim: an acquire load, so that ThreadSanitizer and helgrind see the publication. */
#define __rcu_load(p) ((__typeof__(*(p)) *)__sw_load_acquire(&(p)))

#define rcu_dereference_check(p, c) ({					\
		RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_held()),	\
				 "suspicious rcu_dereference_check() usage"); \
		__rcu_load(p); })
#define rcu_dereference_protected(p, c) ({				\
		RCU_LOCKDEP_WARN(!(c),					\
				 "suspicious rcu_dereference_protected() usage"); \
		((__typeof__(*(p)) *)READ_ONCE(p)); })
#define rcu_dereference(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_raw(p)		__rcu_load(p)
#define rcu_access_pointer(p)		((__typeof__(*(p)) *)READ_ONCE(p))
#define rcu_pointer_handoff(p)		(p)

#define rcu_assign_pointer(p, v) do {					\
		__typeof__(p) __ra_v = (v);				\
		__sw_store_release(&(p), __ra_v);			\
	} while (0)
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define RCU_POINTER_INITIALIZER(p, v)	.p = (v)

/**
 * kfree_rcu() - kfree() @ptr after a grace period.
 * @ptr: the object.
 * @rhf: name of its struct rcu_head member.
 */
#define kfree_rcu(ptr, rhf) do {					\
		__typeof__(ptr) __kr_p = (ptr);				\
		if (__kr_p)						\
			kvfree_call_rcu(&__kr_p->rhf, (void *)__kr_p);	\
	} while (0)

#endif
