// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The mock GPU: a thread that runs queued jobs in order and signals their
 * fences, and the GPU side of memory accesses, through io-pgtable tables.
 *
 * The queue is guarded by a plain pthread mutex: it is the hardware's ring,
 * not a kernel lock, so lockdep does not see it. Signalling a fence happens
 * inside a dma-fence signalling section, as the driver's job-done path does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/dma-fence.h>
#include <linux/io-pgtable.h>

#include <shrinkwrap/gpu.h>
#include <shrinkwrap/introspect.h>

struct sw_gpu {
	char name[32];
	pthread_t thread;
	pthread_mutex_t lock;		/* protects the fields below */
	pthread_cond_t work;		/* a job was queued, or stop */
	pthread_cond_t idle;		/* a job completed */
	struct list_head queue;
	unsigned long queued, completed;
	bool stop;
	bool held;			/* sw_gpu_set_held(): run nothing */

	spinlock_t fence_lock;		/* the lock of every fence of this GPU */
	u64 context;
	atomic64_t seqno;
};

struct sw_gpu_fence {
	struct dma_fence base;
	char timeline[32];
};

static unsigned long gpu_faults;

static const char *sw_gpu_fence_driver_name(struct dma_fence *fence)
{
	return "sw-gpu";
}

static const char *sw_gpu_fence_timeline_name(struct dma_fence *fence)
{
	return container_of(fence, struct sw_gpu_fence, base)->timeline;
}

static void sw_gpu_fence_release(struct dma_fence *fence)
{
	struct sw_gpu_fence *f = container_of(fence, struct sw_gpu_fence, base);

	/* RCU readers may still look at it: free after a grace period. */
	kfree_rcu(f, base.rcu);
}

static const struct dma_fence_ops sw_gpu_fence_ops = {
	.get_driver_name = sw_gpu_fence_driver_name,
	.get_timeline_name = sw_gpu_fence_timeline_name,
	.release = sw_gpu_fence_release,
};

/**
 * sw_gpu_fence_create() - see include/shrinkwrap/gpu.h.
 * @gpu: the GPU.
 *
 * Return: a new fence, or NULL.
 */
struct dma_fence *sw_gpu_fence_create(struct sw_gpu *gpu)
{
	struct sw_gpu_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	snprintf(f->timeline, sizeof(f->timeline), "%s", gpu->name);
	dma_fence_init(&f->base, &sw_gpu_fence_ops, &gpu->fence_lock, gpu->context,
		       atomic64_inc_return(&gpu->seqno));
	return &f->base;
}

static void sw_gpu_complete(struct sw_gpu *gpu, struct sw_gpu_job *job)
{
	void (*done)(struct sw_gpu_job *job) = job->done;
	struct dma_fence *fence = job->fence;
	bool cookie;

	if (job->delay_us)
		usleep(job->delay_us);
	job->status = job->run(job);

	cookie = dma_fence_begin_signalling();
	if (job->status < 0)
		dma_fence_set_error(fence, job->status);
	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);

	/* From here on, the job belongs to its submitter again. */
	if (done)
		done(job);
	dma_fence_put(fence);
}

static void *sw_gpu_thread(void *arg)
{
	struct sw_gpu *gpu = arg;

	sw_task_set(current->tgid, gpu->name, 0);

	pthread_mutex_lock(&gpu->lock);
	for (;;) {
		struct sw_gpu_job *job;

		while ((list_empty(&gpu->queue) || gpu->held) && !gpu->stop)
			pthread_cond_wait(&gpu->work, &gpu->lock);
		if (list_empty(&gpu->queue))
			break;

		job = list_first_entry(&gpu->queue, struct sw_gpu_job, node);
		list_del_init(&job->node);
		pthread_mutex_unlock(&gpu->lock);

		sw_gpu_complete(gpu, job);

		pthread_mutex_lock(&gpu->lock);
		gpu->completed++;
		pthread_cond_broadcast(&gpu->idle);
	}
	pthread_mutex_unlock(&gpu->lock);
	return NULL;
}

/**
 * sw_gpu_create() - see include/shrinkwrap/gpu.h.
 * @name: the GPU's name.
 *
 * Return: the GPU, or NULL.
 */
struct sw_gpu *sw_gpu_create(const char *name)
{
	struct sw_gpu *gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);

	if (!gpu)
		return NULL;
	snprintf(gpu->name, sizeof(gpu->name), "%s", name);
	pthread_mutex_init(&gpu->lock, NULL);
	pthread_cond_init(&gpu->work, NULL);
	pthread_cond_init(&gpu->idle, NULL);
	INIT_LIST_HEAD(&gpu->queue);
	spin_lock_init(&gpu->fence_lock);
	gpu->context = dma_fence_context_alloc(1);
	atomic64_set(&gpu->seqno, 0);

	if (pthread_create(&gpu->thread, NULL, sw_gpu_thread, gpu)) {
		pthread_cond_destroy(&gpu->idle);
		pthread_cond_destroy(&gpu->work);
		pthread_mutex_destroy(&gpu->lock);
		kfree(gpu);
		return NULL;
	}
	return gpu;
}

/**
 * sw_gpu_destroy() - see include/shrinkwrap/gpu.h.
 * @gpu: the GPU, or NULL.
 */
void sw_gpu_destroy(struct sw_gpu *gpu)
{
	if (!gpu)
		return;

	pthread_mutex_lock(&gpu->lock);
	gpu->stop = true;
	pthread_cond_signal(&gpu->work);
	pthread_mutex_unlock(&gpu->lock);
	pthread_join(gpu->thread, NULL);

	WARN_ON(!list_empty(&gpu->queue));
	pthread_cond_destroy(&gpu->idle);
	pthread_cond_destroy(&gpu->work);
	pthread_mutex_destroy(&gpu->lock);
	kfree(gpu);
}

/**
 * sw_gpu_queue() - see include/shrinkwrap/gpu.h.
 * @gpu: the GPU.
 * @job: the job.
 */
void sw_gpu_queue(struct sw_gpu *gpu, struct sw_gpu_job *job)
{
	if (WARN_ON(!job->run || !job->fence))
		return;

	dma_fence_get(job->fence);
	job->status = 0;
	pthread_mutex_lock(&gpu->lock);
	WARN_ON(gpu->stop);
	list_add_tail(&job->node, &gpu->queue);
	gpu->queued++;
	pthread_cond_signal(&gpu->work);
	pthread_mutex_unlock(&gpu->lock);
}

/**
 * sw_gpu_set_held() - see include/shrinkwrap/gpu.h.
 * @gpu: the GPU.
 * @held: true to hold queued jobs, false to run them again.
 */
void sw_gpu_set_held(struct sw_gpu *gpu, bool held)
{
	pthread_mutex_lock(&gpu->lock);
	gpu->held = held;
	pthread_cond_signal(&gpu->work);
	pthread_mutex_unlock(&gpu->lock);
}

/**
 * sw_gpu_wait_idle() - see include/shrinkwrap/gpu.h.
 * @gpu: the GPU.
 */
void sw_gpu_wait_idle(struct sw_gpu *gpu)
{
	unsigned long target;

	pthread_mutex_lock(&gpu->lock);
	target = gpu->queued;
	while ((long)(gpu->completed - target) < 0)
		pthread_cond_wait(&gpu->idle, &gpu->lock);
	pthread_mutex_unlock(&gpu->lock);
}

/**
 * sw_gpu_faults() - see include/shrinkwrap/gpu.h.
 *
 * Return: the count.
 */
unsigned long sw_gpu_faults(void)
{
	return __atomic_load_n(&gpu_faults, __ATOMIC_RELAXED);
}

/**
 * sw_gpu_faults_reset() - see include/shrinkwrap/gpu.h.
 */
void sw_gpu_faults_reset(void)
{
	__atomic_store_n(&gpu_faults, 0, __ATOMIC_RELAXED);
}

static int sw_gpu_fault(u64 va, bool write, const char *why)
{
	__atomic_add_fetch(&gpu_faults, 1, __ATOMIC_RELAXED);
	pr_info("sw-gpu: %s fault at VA %#llx: %s\n", write ? "write" : "read",
		(unsigned long long)va, why);
	return -EFAULT;
}

/* Resolve the page behind @va for an access of @write; NULL on a fault. */
static void *sw_gpu_translate(struct io_pgtable_ops *pgtbl, u64 va, bool write, int *err)
{
	struct page *page;
	unsigned long pfn;
	phys_addr_t pa;
	int prot;

	pa = sw_io_pgtable_translate(pgtbl, va, &prot);
	if (!pa) {
		*err = sw_gpu_fault(va, write, "translation fault");
		return NULL;
	}
	if (write && !(prot & IOMMU_WRITE)) {
		*err = sw_gpu_fault(va, write, "permission fault");
		return NULL;
	}

	pfn = pa >> PAGE_SHIFT;
	if (WARN(!pfn_valid(pfn), "GPU VA %#llx maps pa %#llx, outside memory\n",
		 (unsigned long long)va, (unsigned long long)pa)) {
		*err = sw_gpu_fault(va, write, "bus fault");
		return NULL;
	}
	page = pfn_to_page(pfn);
	if (WARN(!sw_page_is_allocated(page),
		 "GPU use-after-free: VA %#llx maps freed pfn %#lx\n",
		 (unsigned long long)va, pfn)) {
		*err = sw_gpu_fault(va, write, "freed page");
		return NULL;
	}
	return (char *)page_address(page) + (pa & ~PAGE_MASK);
}

static int sw_gpu_access(struct io_pgtable_ops *pgtbl, u64 va, void *buf, size_t len,
			 bool write)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - (va & ~PAGE_MASK));
		int err = 0;
		void *mem = sw_gpu_translate(pgtbl, va, write, &err);

		if (!mem)
			return err;
		if (write)
			memcpy(mem, buf, chunk);
		else
			memcpy(buf, mem, chunk);
		va += chunk;
		buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * sw_gpu_read() - see include/shrinkwrap/gpu.h.
 * @pgtbl: page tables.
 * @va: GPU VA.
 * @buf: destination.
 * @len: bytes.
 *
 * Return: 0 or -EFAULT.
 */
int sw_gpu_read(struct io_pgtable_ops *pgtbl, u64 va, void *buf, size_t len)
{
	return sw_gpu_access(pgtbl, va, buf, len, false);
}

/**
 * sw_gpu_write() - see include/shrinkwrap/gpu.h.
 * @pgtbl: page tables.
 * @va: GPU VA.
 * @buf: source.
 * @len: bytes.
 *
 * Return: 0 or -EFAULT.
 */
int sw_gpu_write(struct io_pgtable_ops *pgtbl, u64 va, const void *buf, size_t len)
{
	return sw_gpu_access(pgtbl, va, (void *)buf, len, true);
}
