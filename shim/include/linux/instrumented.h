/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instrumentation of atomic accesses. shim: instead of KASAN/KCSAN checks,
 * an atomic access is a switch point of the interleaving scheduler
 * (shim/interleave.c); outside a scheduled run the cost is one branch.
 */
#ifndef _LINUX_INSTRUMENTED_H
#define _LINUX_INSTRUMENTED_H

#include <linux/compiler.h>
#include <linux/types.h>

extern bool __sw_interleaving;
/* Only @v's address matters: GCC must not take the call for a read. */
void __sw_interleave_atomic(const volatile void *v, bool write) __sw_address_only(1);

static __always_inline void instrument_atomic_read(const volatile void *v, size_t size)
{
	if (unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)))
		__sw_interleave_atomic(v, false);
}

static __always_inline void instrument_atomic_write(const volatile void *v, size_t size)
{
	if (unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)))
		__sw_interleave_atomic(v, true);
}

static __always_inline void instrument_atomic_read_write(const volatile void *v, size_t size)
{
	if (unlikely(__atomic_load_n(&__sw_interleaving, __ATOMIC_RELAXED)))
		__sw_interleave_atomic(v, true);
}

#endif
