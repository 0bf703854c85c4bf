/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: a mock GPU. It runs jobs one at a time, in queue
 * order, on its own thread, and signals their fences; jobs reach memory
 * through io-pgtable page tables, page by page, the way the GPU MMU would.
 */
#ifndef SHRINKWRAP_GPU_H
#define SHRINKWRAP_GPU_H

#include <linux/types.h>
#include <linux/list.h>

struct dma_fence;
struct io_pgtable_ops;
struct sw_gpu;

/**
 * struct sw_gpu_job - a job for the mock GPU
 * @run: the job's work, called on the GPU thread; returns 0 or a negative
 *       errno that becomes the fence error.
 * @done: optional, called on the GPU thread after the fence was signalled
 *        (outside the signalling section); it may free the job. Without it,
 *        the GPU does not touch the job after signalling the fence.
 * @fence: the fence to signal after @run (from sw_gpu_fence_create()); the
 *         job's reference to it stays the caller's to drop (e.g. in @done);
 *         the GPU holds its own reference while the job is queued.
 * @priv: the caller's data.
 * @status: what @run returned, set before the fence is signalled.
 * @delay_us: time the job spends "running" before @run is called.
 * @node: queue link, owned by the GPU while the job is queued.
 */
struct sw_gpu_job {
	int (*run)(struct sw_gpu_job *job);
	void (*done)(struct sw_gpu_job *job);
	struct dma_fence *fence;
	void *priv;
	int status;
	u32 delay_us;
	struct list_head node;
};

/**
 * sw_gpu_create() - start a GPU (a thread named @name) with its own fence context
 * @name: used for the thread's comm and the fences' timeline name.
 *
 * Return: the GPU, or NULL.
 */
struct sw_gpu *sw_gpu_create(const char *name);

/**
 * sw_gpu_destroy() - run every queued job, then stop and free the GPU
 * @gpu: the GPU, or NULL. Fences it created may outlive it.
 */
void sw_gpu_destroy(struct sw_gpu *gpu);

/**
 * sw_gpu_fence_create() - a new unsignalled fence of @gpu's context
 * @gpu: the GPU.
 *
 * Return: the fence (one reference, the caller's), with the next seqno of
 * the context, or NULL if allocation failed.
 */
struct dma_fence *sw_gpu_fence_create(struct sw_gpu *gpu);

/**
 * sw_gpu_queue() - queue a job behind the jobs already queued
 * @gpu: the GPU.
 * @job: the job; @run and @fence must be set. It must stay valid until its
 *       fence is signalled (and until @done runs, if set).
 */
void sw_gpu_queue(struct sw_gpu *gpu, struct sw_gpu_job *job);

/**
 * sw_gpu_set_held() - hold the GPU's queue, or let it run again
 * @gpu: the GPU.
 * @held: while true, the GPU starts no job (one already running finishes),
 *        so a queued job's fence stays unsignalled for as long as a test
 *        needs it busy. sw_gpu_destroy() runs the queue even while held;
 *        sw_gpu_wait_idle() waits for the release.
 */
void sw_gpu_set_held(struct sw_gpu *gpu, bool held);

/**
 * sw_gpu_wait_idle() - wait until every job queued so far has completed
 * @gpu: the GPU.
 */
void sw_gpu_wait_idle(struct sw_gpu *gpu);

/**
 * sw_gpu_read() - read GPU memory through page tables, as the GPU does
 * @pgtbl: the page tables of the address space.
 * @va: GPU virtual address.
 * @buf: destination.
 * @len: bytes.
 *
 * Each page is translated; it must be mapped, and its frame must be a live
 * page of the shim's pool (a freed frame behind a valid PTE is a GPU
 * use-after-free and WARNs).
 *
 * Return: 0, or -EFAULT on a GPU page fault (counted by sw_gpu_faults()).
 */
int sw_gpu_read(struct io_pgtable_ops *pgtbl, u64 va, void *buf, size_t len);

/**
 * sw_gpu_write() - write GPU memory through page tables, as the GPU does
 * @pgtbl: the page tables of the address space.
 * @va: GPU virtual address.
 * @buf: source.
 * @len: bytes.
 *
 * As sw_gpu_read(); a page mapped without IOMMU_WRITE also faults.
 *
 * Return: 0, or -EFAULT on a GPU page fault (counted by sw_gpu_faults()).
 */
int sw_gpu_write(struct io_pgtable_ops *pgtbl, u64 va, const void *buf, size_t len);

/** sw_gpu_faults() - GPU page faults since the last sw_gpu_faults_reset(). */
unsigned long sw_gpu_faults(void);

/** sw_gpu_faults_reset() - zero the fault counter (a new world does it). */
void sw_gpu_faults_reset(void);

#endif
