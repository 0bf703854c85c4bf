/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * GPU jobs of a VM, submitted as panthor submits them and run by the
 * world's mock GPU thread, reading and writing memory through the VM's page
 * tables. Implemented in harness/submit.c.
 */
#ifndef SHRINKWRAP_SUBMIT_H
#define SHRINKWRAP_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dma_fence;
struct sw_world;
struct sw_vm;

/* One GPU memory access of a job. */
struct sw_gpu_access {
	uint64_t va;
	size_t len;
	const void *write;	/* bytes the GPU writes at @va, or NULL */
	const void *expect;	/* bytes the GPU must read at @va, or NULL */
};

/**
 * sw_submit() - submit a job of @vm doing @acc in order, as the driver
 * does: lock the VM and its BOs, validate (swap in, remap), add the job's
 * fence (BOOKKEEP) to every resv, mark the VM active, queue the job.
 * @vm: the VM.
 * @acc: accesses (copied).
 * @n: number of accesses.
 * @delay_us: time the job spends on the GPU before its accesses.
 * @fence: if not NULL, receives a reference to the job's fence.
 *
 * Return: 0, or the submit error (the job is then not queued). The job's
 * own result is its fence error: -EFAULT for a GPU page fault, -EIO for
 * data that did not match @expect.
 */
int sw_submit(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n,
	      unsigned int delay_us, struct dma_fence **fence);
/** sw_submit_wait() - sw_submit() and wait: 0, the submit error, or the job's. */
int sw_submit_wait(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n);
/** sw_fence_wait() - wait for a fence and drop it; returns its error. */
int sw_fence_wait(struct dma_fence *fence);
/** sw_gpu_idle() - wait until every queued job has run. */
void sw_gpu_idle(struct sw_world *w);
/**
 * sw_gpu_hold() - with @hold true, the GPU starts no job until called with
 * false: a test's job stays busy (its fence unsignalled) for exactly as
 * long as the test needs, where a delay would race the test's own speed.
 * While held, sw_gpu_idle() and sw_submit_wait() do not return.
 */
void sw_gpu_hold(struct sw_world *w, bool hold);
struct sw_gpu_stats {
	unsigned long jobs, faults, mismatches;
};
void sw_gpu_stats(struct sw_world *w, struct sw_gpu_stats *st);

#endif
