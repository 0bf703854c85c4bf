// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The mock GPU: jobs run in order on the GPU thread, their fences signal
 * after run() with run()'s error, memory is reached through the page tables
 * (translation and permission faults are counted, a freed frame behind a
 * valid PTE WARNs), and destroying the GPU drains its queue.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/dma-fence.h>
#include <linux/io-pgtable.h>

#include <shrinkwrap/gpu.h>

#include "sw_test.h"

#define VA		(SZ_1G + SZ_2M)
#define NPAGES		3

/* A GPU, page tables, and NPAGES pool pages mapped read-write at VA. */
struct rig {
	struct sw_gpu *gpu;
	struct io_pgtable_ops *pgtbl;
	struct page *pages[NPAGES];
};

static void rig_init(struct rig *r)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = SZ_4K | SZ_2M,
		.ias = 48,
		.oas = 48,
		.coherent_walk = true,
	};
	int i;

	sw_gpu_faults_reset();
	r->gpu = sw_gpu_create("test-gpu");
	assert_non_null(r->gpu);
	r->pgtbl = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, NULL);
	assert_non_null(r->pgtbl);
	for (i = 0; i < NPAGES; i++) {
		size_t mapped = 0;

		r->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		assert_non_null(r->pages[i]);
		assert_int_equal(r->pgtbl->map_pages(r->pgtbl, VA + i * SZ_4K,
						     (u64)page_to_pfn(r->pages[i]) << PAGE_SHIFT,
						     SZ_4K, 1, IOMMU_READ | IOMMU_WRITE,
						     GFP_KERNEL, &mapped), 0);
	}
}

static void rig_fini(struct rig *r)
{
	int i;

	sw_gpu_destroy(r->gpu);
	free_io_pgtable_ops(r->pgtbl);
	for (i = 0; i < NPAGES; i++)
		if (r->pages[i])
			__free_page(r->pages[i]);
}

/* A job doing one access through the rig's page tables. */
struct tjob {
	struct sw_gpu_job base;
	struct rig *r;
	u64 va;
	void *buf;
	size_t len;
	bool write;
	int forced;		/* returned instead of the access result if set */
	int ran;
	pthread_mutex_t *gate;	/* run() waits for it if set */
};

static int tjob_run(struct sw_gpu_job *job)
{
	struct tjob *t = container_of(job, struct tjob, base);
	int ret;

	if (t->gate) {
		pthread_mutex_lock(t->gate);
		pthread_mutex_unlock(t->gate);
	}
	if (t->write)
		ret = sw_gpu_write(t->r->pgtbl, t->va, t->buf, t->len);
	else
		ret = sw_gpu_read(t->r->pgtbl, t->va, t->buf, t->len);
	smp_store_release(&t->ran, 1);
	return t->forced ? t->forced : ret;
}

static void tjob_init(struct tjob *t, struct rig *r, u64 va, void *buf, size_t len, bool write)
{
	memset(t, 0, sizeof(*t));
	t->base.run = tjob_run;
	t->base.fence = sw_gpu_fence_create(r->gpu);
	assert_non_null(t->base.fence);
	t->r = r;
	t->va = va;
	t->buf = buf;
	t->len = len;
	t->write = write;
}

/* Wait for the job's fence, drop the job's reference; returns the fence error. */
static int tjob_wait(struct tjob *t)
{
	int err;

	assert_int_equal(dma_fence_wait(t->base.fence, false), 0);
	assert_true(dma_fence_is_signaled(t->base.fence));
	err = t->base.fence->error;
	dma_fence_put(t->base.fence);
	t->base.fence = NULL;
	return err;
}

/* A job writes across page boundaries through the mapping; another reads it back. */
static void test_gpu_write_then_read(void **state)
{
	size_t len = 2 * SZ_4K + 100;
	char *src = malloc(len), *dst = calloc(1, len);
	struct tjob w, rd;
	struct rig r;

	rig_init(&r);
	sw_pattern_fill(src, len, 7);
	tjob_init(&w, &r, VA + 50, src, len, true);
	tjob_init(&rd, &r, VA + 50, dst, len, false);
	sw_gpu_queue(r.gpu, &w.base);
	sw_gpu_queue(r.gpu, &rd.base);
	assert_int_equal(tjob_wait(&w), 0);
	assert_int_equal(tjob_wait(&rd), 0);
	assert_int_equal(w.base.status, 0);
	assert_memory_equal(src, dst, len);

	/* The bytes are in the pages the PTEs point at. */
	assert_memory_equal((char *)page_address(r.pages[0]) + 50, src, SZ_4K - 50);
	assert_memory_equal(page_address(r.pages[1]), src + SZ_4K - 50, SZ_4K);
	assert_int_equal(sw_gpu_faults(), 0);

	rig_fini(&r);
	free(src);
	free(dst);
}

struct signal_check {
	struct dma_fence_cb cb;
	struct tjob *t;
	int ran_at_signal;
	int status_at_signal;
	int called;
};

static void signal_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct signal_check *c = container_of(cb, struct signal_check, cb);

	c->ran_at_signal = smp_load_acquire(&c->t->ran);
	c->status_at_signal = c->t->base.status;
	c->called = 1;
}

/* The fence signals after run(), with its status; seqnos increase in one context. */
static void test_gpu_fence_signalled_after_run(void **state)
{
	static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	struct signal_check c = { };
	bool signalled;
	struct tjob a, b;
	char buf[8] = "gpu";
	struct rig r;

	rig_init(&r);
	tjob_init(&a, &r, VA, buf, sizeof(buf), true);
	tjob_init(&b, &r, VA, buf, sizeof(buf), false);
	assert_int_equal(a.base.fence->context, b.base.fence->context);
	assert_true(b.base.fence->seqno > a.base.fence->seqno);

	/* a runs only once the gate opens: nothing can have signalled before. */
	a.gate = &gate;
	pthread_mutex_lock(&gate);
	c.t = &a;
	assert_int_equal(dma_fence_add_callback(a.base.fence, &c.cb, signal_cb), 0);
	sw_gpu_queue(r.gpu, &a.base);
	sw_gpu_queue(r.gpu, &b.base);
	usleep(2000);
	signalled = dma_fence_is_signaled(a.base.fence) || dma_fence_is_signaled(b.base.fence);
	pthread_mutex_unlock(&gate);
	assert_false(signalled);

	sw_gpu_wait_idle(r.gpu);
	assert_true(dma_fence_is_signaled(a.base.fence));
	assert_true(dma_fence_is_signaled(b.base.fence));
	assert_int_equal(c.called, 1);
	assert_int_equal(c.ran_at_signal, 1);
	assert_int_equal(c.status_at_signal, 0);
	assert_int_equal(tjob_wait(&a), 0);
	assert_int_equal(tjob_wait(&b), 0);
	rig_fini(&r);
}

/* run()'s error becomes the fence error. */
static void test_gpu_error_propagates(void **state)
{
	char buf[8] = { };
	struct tjob t;
	struct rig r;

	rig_init(&r);
	tjob_init(&t, &r, VA, buf, sizeof(buf), false);
	t.forced = -EIO;
	sw_gpu_queue(r.gpu, &t.base);
	assert_int_equal(tjob_wait(&t), -EIO);
	assert_int_equal(t.base.status, -EIO);
	assert_int_equal(sw_gpu_faults(), 0);
	rig_fini(&r);
}

/* Unmapped VA and a write to a read-only page: GPU faults, -EFAULT fences. */
static void test_gpu_fault_unmapped_and_readonly(void **state)
{
	char buf[16] = "fault";
	struct tjob t, ro;
	size_t mapped = 0;
	struct rig r;

	rig_init(&r);
	tjob_init(&t, &r, VA + NPAGES * SZ_4K - 8, buf, sizeof(buf), false);
	sw_gpu_queue(r.gpu, &t.base);
	assert_int_equal(tjob_wait(&t), -EFAULT);
	assert_int_equal(sw_gpu_faults(), 1);

	assert_int_equal(r.pgtbl->unmap_pages(r.pgtbl, VA + 2 * SZ_4K, SZ_4K, 1, NULL), SZ_4K);
	assert_int_equal(r.pgtbl->map_pages(r.pgtbl, VA + 2 * SZ_4K,
					    (u64)page_to_pfn(r.pages[2]) << PAGE_SHIFT, SZ_4K, 1,
					    IOMMU_READ, GFP_KERNEL, &mapped), 0);
	tjob_init(&ro, &r, VA + 2 * SZ_4K, buf, sizeof(buf), true);
	sw_gpu_queue(r.gpu, &ro.base);
	assert_int_equal(tjob_wait(&ro), -EFAULT);
	assert_int_equal(sw_gpu_faults(), 2);
	/* Reading it is fine. */
	assert_int_equal(sw_gpu_read(r.pgtbl, VA + 2 * SZ_4K, buf, sizeof(buf)), 0);
	rig_fini(&r);
}

/* A freed frame behind a valid PTE: a GPU use-after-free, which WARNs. */
static void test_gpu_freed_frame_warns(void **state)
{
	char buf[16];
	struct tjob t;
	struct rig r;

	rig_init(&r);
	__free_page(r.pages[1]);
	r.pages[1] = NULL;

	tjob_init(&t, &r, VA + SZ_4K, buf, sizeof(buf), false);
	sw_expect_reports(SW_REPORT_WARN, 1);
	sw_gpu_queue(r.gpu, &t.base);
	assert_int_equal(tjob_wait(&t), -EFAULT);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	assert_int_equal(sw_gpu_faults(), 1);
	rig_fini(&r);
}

/* Jobs freed by their done() callback; destroying the GPU drains the queue. */
static int drained_runs;

static int count_run(struct sw_gpu_job *job)
{
	drained_runs++;		/* only the GPU thread writes it */
	return 0;
}

static void free_done(struct sw_gpu_job *job)
{
	WARN_ON(!dma_fence_is_signaled(job->fence));
	dma_fence_put(job->fence);
	kfree(job);
}

static void test_gpu_destroy_drains_queue(void **state)
{
	struct dma_fence *fences[10];
	struct sw_gpu *gpu;
	int i;

	drained_runs = 0;
	gpu = sw_gpu_create("drain");
	assert_non_null(gpu);
	for (i = 0; i < 10; i++) {
		struct sw_gpu_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

		assert_non_null(job);
		job->run = count_run;
		job->done = free_done;
		job->delay_us = 1000;
		job->fence = sw_gpu_fence_create(gpu);
		fences[i] = dma_fence_get(job->fence);
		sw_gpu_queue(gpu, job);
	}
	sw_gpu_destroy(gpu);

	/* pthread_join() in destroy orders the GPU thread's writes before this. */
	assert_int_equal(drained_runs, 10);
	for (i = 0; i < 10; i++) {
		assert_true(dma_fence_is_signaled(fences[i]));
		assert_int_equal(fences[i]->error, 0);
		dma_fence_put(fences[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_gpu_write_then_read),
		SW_TEST(test_gpu_fence_signalled_after_run),
		SW_TEST(test_gpu_error_propagates),
		SW_TEST(test_gpu_fault_unmapped_and_readonly),
		SW_TEST(test_gpu_freed_frame_warns),
		SW_TEST(test_gpu_destroy_drains_queue),
	};

	return cmocka_run_group_tests_name("gpu", tests, NULL, NULL);
}
