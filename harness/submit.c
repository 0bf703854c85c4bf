// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * GPU jobs submitted the way panthor submits them (lock the VM and its BOs
 * with drm_exec, validate, add the job fence, mark the VM active), then run
 * by the world's mock GPU thread through the VM's page tables:
 * include/shrinkwrap/submit.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/io-pgtable.h>
#include <linux/slab.h>
#include <drm/drm_exec.h>

#include <shrinkwrap/gpu.h>
#include <shrinkwrap/submit.h>

#include "panthor_device.h"
#include "panthor_gem.h"
#include "panthor_mmu.h"
#include "world_priv.h"


struct sw_job {
	struct sw_gpu_job base;
	struct sw_world *w;
	struct panthor_vm *vm;
	unsigned int n;
	struct sw_job_access {
		uint64_t va;
		size_t len;
		void *write;
		void *expect;
	} *acc;
};

static unsigned long nr_jobs, nr_mismatches;
/* Serialises fence creation with queueing (the drm_sched entity's job). */
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;

/**
 * sw_world_gpu_init() - start the world's GPU thread.
 * @w: the world.
 *
 * Return: 0 or -ENOMEM.
 */
int sw_world_gpu_init(struct sw_world *w)
{
	__atomic_store_n(&nr_jobs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&nr_mismatches, 0, __ATOMIC_RELAXED);
	sw_gpu_faults_reset();
	w->gpu = sw_gpu_create("sw-gpu");
	return w->gpu ? 0 : -ENOMEM;
}

/**
 * sw_world_gpu_fini() - run what is queued and stop the GPU thread.
 * @w: the world.
 */
void sw_world_gpu_fini(struct sw_world *w)
{
	if (!w->gpu)
		return;
	sw_gpu_destroy(w->gpu);
	w->gpu = NULL;
}

static int job_run(struct sw_gpu_job *base)
{
	struct sw_job *job = container_of(base, struct sw_job, base);
	struct io_pgtable_ops *pgtbl = panthor_vm_pgtbl_ops(job->vm);

	for (unsigned int i = 0; i < job->n; i++) {
		struct sw_job_access *a = &job->acc[i];
		int ret;

		if (a->write) {
			ret = sw_gpu_write(pgtbl, a->va, a->write, a->len);
			if (ret)
				return ret;
		}
		if (a->expect) {
			void *buf = malloc(a->len);

			if (!buf)
				return -ENOMEM;
			ret = sw_gpu_read(pgtbl, a->va, buf, a->len);
			if (!ret && memcmp(buf, a->expect, a->len)) {
				__atomic_add_fetch(&nr_mismatches, 1, __ATOMIC_RELAXED);
				fprintf(stderr, "GPU job: data mismatch at %#llx+%#zx\n",
					(unsigned long long)a->va, a->len);
				ret = -EIO;
			}
			free(buf);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void job_free(struct sw_job *job)
{
	for (unsigned int i = 0; i < job->n; i++) {
		free(job->acc[i].write);
		free(job->acc[i].expect);
	}
	free(job->acc);
	if (job->base.fence)
		dma_fence_put(job->base.fence);
	free(job);
}

/* On the GPU thread, after the fence is signalled. */
static void job_done(struct sw_gpu_job *base)
{
	struct sw_job *job = container_of(base, struct sw_job, base);

	panthor_vm_idle(job->vm);
	panthor_vm_put(job->vm);
	job_free(job);
}

static void *dup_or_null(const void *p, size_t len)
{
	void *q;

	if (!p)
		return NULL;
	q = malloc(len);
	if (q)
		memcpy(q, p, len);
	return q;
}

/**
 * sw_submit() - see include/shrinkwrap/world.h.
 * @vm: the VM.
 * @acc: accesses.
 * @n: number of accesses.
 * @delay_us: GPU time before the accesses.
 * @fence: receives a fence reference, or NULL.
 *
 * Return: 0 or the submit error.
 */
int sw_submit(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n,
	      unsigned int delay_us, struct dma_fence **fence)
{
	struct sw_world *w = vm->w;
	struct drm_exec exec;
	struct sw_job *job;
	int ret = 0;

	sw_proc_enter(vm->file->proc);
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->acc = calloc(n ? n : 1, sizeof(*job->acc));
	if (!job->acc) {
		free(job);
		return -ENOMEM;
	}
	job->n = n;
	for (unsigned int i = 0; i < n; i++) {
		job->acc[i].va = acc[i].va;
		job->acc[i].len = acc[i].len;
		job->acc[i].write = dup_or_null(acc[i].write, acc[i].len);
		job->acc[i].expect = dup_or_null(acc[i].expect, acc[i].len);
	}
	job->w = w;
	job->vm = panthor_vm_get(vm->vm);
	job->base.run = job_run;
	job->base.done = job_done;
	job->base.delay_us = delay_us;
	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT | DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(&exec) {
		ret = panthor_vm_prepare_mapped_bos_resvs(&exec, job->vm, 1);
		drm_exec_retry_on_contention(&exec);
	}
	if (!ret)
		ret = panthor_vm_active(job->vm);
	if (!ret) {
		/*
		 * Arm and push in one go, as drm_sched requires: the GPU
		 * runs jobs in queue order, so fences of its one context
		 * must be queued in seqno order, or a resv that keeps only
		 * the later fence of a context would let a wait end while
		 * the earlier job has not run.
		 */
		pthread_mutex_lock(&submit_lock);
		job->base.fence = sw_gpu_fence_create(w->gpu);
		if (job->base.fence) {
			panthor_vm_update_resvs(job->vm, &exec, job->base.fence,
						DMA_RESV_USAGE_BOOKKEEP, DMA_RESV_USAGE_BOOKKEEP);
			if (fence)
				*fence = dma_fence_get(job->base.fence);
			__atomic_add_fetch(&nr_jobs, 1, __ATOMIC_RELAXED);
			sw_gpu_queue(w->gpu, &job->base);
		} else {
			panthor_vm_idle(job->vm);
			ret = -ENOMEM;
		}
		pthread_mutex_unlock(&submit_lock);
	}
	drm_exec_fini(&exec);

	if (ret) {
		panthor_vm_put(job->vm);
		job_free(job);
	}
	return ret;
}

/**
 * sw_fence_wait() - wait for a fence and drop the reference.
 * @fence: the fence.
 *
 * Return: its error, 0 on success.
 */
int sw_fence_wait(struct dma_fence *fence)
{
	int ret;

	dma_fence_wait(fence, false);
	ret = fence->error;
	dma_fence_put(fence);
	return ret;
}

/**
 * sw_submit_wait() - submit and wait for the job.
 * @vm: the VM.
 * @acc: accesses.
 * @n: number of accesses.
 *
 * Return: 0, the submit error, or the job's error.
 */
int sw_submit_wait(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n)
{
	struct dma_fence *fence;
	int ret = sw_submit(vm, acc, n, 0, &fence);

	if (ret)
		return ret;
	return sw_fence_wait(fence);
}

/**
 * sw_gpu_idle() - wait for every queued job.
 * @w: the world.
 */
void sw_gpu_idle(struct sw_world *w)
{
	sw_gpu_wait_idle(w->gpu);
}

/**
 * sw_gpu_hold() - hold the world's GPU queue, or release it.
 * @w: the world.
 * @hold: true: no job not yet started (queued before or after the call)
 *        starts, its fence unsignalled, until the release or the world's
 *        destruction. Meanwhile sw_gpu_idle(), sw_submit_wait() and any
 *        untimed wait for such a fence never return.
 */
void sw_gpu_hold(struct sw_world *w, bool hold)
{
	sw_gpu_set_held(w->gpu, hold);
}

/**
 * sw_gpu_stats() - what the GPU did in this world.
 * @w: the world.
 * @st: receives jobs run, page faults and data mismatches.
 */
void sw_gpu_stats(struct sw_world *w, struct sw_gpu_stats *st)
{
	st->jobs = __atomic_load_n(&nr_jobs, __ATOMIC_RELAXED);
	st->faults = sw_gpu_faults();
	st->mismatches = __atomic_load_n(&nr_mismatches, __ATOMIC_RELAXED);
}
