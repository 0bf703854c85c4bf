/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap worlds: a memory and swap budget and one panthor device with
 * its shrinker. Implemented in harness/world.c.
 *
 * One world exists at a time. sw_world_destroy() frees what the test left
 * and checks that nothing leaked and no report was raised unexpectedly.
 * The other concerns have a header each, paired with the harness file that
 * implements it: proc.h (processes, DRM files), bo.h (BOs, vmap), mmap.h
 * (CPU mappings and accesses), vm.h (GPU VMs, VM_BIND), submit.h (GPU
 * jobs), pressure.h (the shrinker), invariants.h, interleave.h, fault_sweep.h (the systematic fault
 * sweep); gpu.h is
 * the mock GPU; report.h, fault.h and introspect.h are served by the shim.
 */
#ifndef SHRINKWRAP_WORLD_H
#define SHRINKWRAP_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct panthor_device;
struct sw_world;

struct sw_world_config {
	unsigned long mem_pages;	/* page budget (default 4096 = 16 MiB) */
	unsigned long swap_pages;	/* swap slots (default 8192) */
	bool coherent;			/* CPU/GPU coherent device (default false) */
	/* Watermarks in pages; all 0: the kernel's defaults for mem_pages. */
	unsigned long wmark_min, wmark_low, wmark_high;
	bool no_kswapd;			/* no kswapd thread: direct reclaim only */
};

/**
 * sw_world_create() - a fresh world: reports, lockdep, fault injection and
 * allocators reset, a panthor device with its shrinker registered.
 * @cfg: configuration, or NULL for the defaults.
 *
 * Return: the world, or NULL (with a message) on failure.
 */
struct sw_world *sw_world_create(const struct sw_world_config *cfg);

/**
 * sw_world_destroy() - free everything left in @w, unplug the device, and
 * check the world ended clean.
 * @w: the world.
 *
 * Return: number of problems found (unexpected reports of any kind,
 * leaked objects, pages, swap slots, VMAs, vmaps), each already printed.
 */
int sw_world_destroy(struct sw_world *w);

struct panthor_device *sw_world_device(struct sw_world *w);
struct sw_world *sw_world_current(void);

/**
 * sw_harness_fail() - a harness call could not do what it promises (a
 * BO, VM or mapping that must exist could not be made). Calls the handler
 * set with sw_harness_set_fail_handler() (a test fails the current test);
 * without one, prints the message and aborts the program.
 * @fmt: printf format of the message.
 */
void sw_harness_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * sw_harness_set_fail_handler() - who hears of harness failures.
 * @fn: called with the message; it may not return (cmocka's fail_msg()
 *	longjmps out of the test). NULL restores the default (abort).
 */
void sw_harness_set_fail_handler(void (*fn)(const char *msg));

#endif
