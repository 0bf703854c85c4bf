// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * io-pgtable (ARM LPAE stage 1) conformance: map, unmap and translate at
 * 4K/2M/1G, the kernel's WARNs on map-over-mapped and unmap-of-unmapped,
 * table freeing, allocation failures, the custom table allocator, and a
 * walker racing with map/unmap of other ranges.
 */
#include <pthread.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/io-pgtable.h>

#include "sw_test.h"

#define PA_BASE		(1ULL << 32)	/* fake physical addresses, never accessed */

struct tlb_calls {
	unsigned long flush_all, flush_walk, add_page;
};

static void tlb_flush_all(void *cookie)
{
	((struct tlb_calls *)cookie)->flush_all++;
}

static void tlb_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
	((struct tlb_calls *)cookie)->flush_walk++;
}

static void tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			 size_t granule, void *cookie)
{
	((struct tlb_calls *)cookie)->add_page++;
}

static const struct iommu_flush_ops test_tlb_ops = {
	.tlb_flush_all = tlb_flush_all,
	.tlb_flush_walk = tlb_flush_walk,
	.tlb_add_page = tlb_add_page,
};

static struct io_pgtable_ops *pgtbl_new(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct io_pgtable_ops *ops;

	if (!cfg->pgsize_bitmap)
		cfg->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	if (!cfg->ias)
		cfg->ias = 48;
	if (!cfg->oas)
		cfg->oas = 48;
	cfg->coherent_walk = true;
	ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, cfg, cookie);
	assert_non_null(ops);
	return ops;
}

static int map(struct io_pgtable_ops *ops, u64 iova, u64 pa, size_t pgsize, size_t pgcount,
	       int prot, size_t *mapped)
{
	*mapped = 0;
	return ops->map_pages(ops, iova, pa, pgsize, pgcount, prot, GFP_KERNEL, mapped);
}

static unsigned long free_pages(void)
{
	struct sw_mm_stats st;

	sw_mm_stats(&st);
	return st.free_pages;
}

/* One mapping of each size: translated with its offset, counted, unmapped. */
static void test_iopgtable_map_unmap_each_size(void **state)
{
	static const size_t sizes[] = { SZ_4K, SZ_2M, SZ_1G };
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	unsigned int i;

	assert_int_equal(cfg.pgsize_bitmap, SZ_4K | SZ_2M | SZ_1G);
	assert_int_not_equal(cfg.arm_lpae_s1_cfg.ttbr, 0);
	assert_int_equal(cfg.arm_lpae_s1_cfg.tcr.tsz, 64 - 48);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t sz = sizes[i], mapped;
		u64 iova = 4ULL * SZ_1G * (i + 1) + sz;
		u64 pa = PA_BASE + sz * 3;
		int prot;

		assert_int_equal(ops->iova_to_phys(ops, iova), 0);
		assert_int_equal(map(ops, iova, pa, sz, 1, IOMMU_READ | IOMMU_WRITE, &mapped), 0);
		assert_int_equal(mapped, sz);
		assert_int_equal(ops->iova_to_phys(ops, iova), pa);
		assert_int_equal(ops->iova_to_phys(ops, iova + sz - 8), pa + sz - 8);
		assert_int_equal(ops->iova_to_phys(ops, iova + sz), 0);
		assert_int_equal(ops->iova_to_phys(ops, iova - 1), 0);
		assert_int_equal(sw_io_pgtable_translate(ops, iova + 5, &prot), pa + 5);
		assert_int_equal(prot & (IOMMU_READ | IOMMU_WRITE), IOMMU_READ | IOMMU_WRITE);
		assert_int_equal(sw_io_pgtable_mapped_pages(ops, iova - SZ_4K, sz + 2 * SZ_4K),
				 sz / SZ_4K);
		assert_int_equal(sw_io_pgtable_mapped_pages(ops, iova + SZ_4K, SZ_4K),
				 sz > SZ_4K ? 1 : 0);

		assert_int_equal(ops->unmap_pages(ops, iova, sz, 1, NULL), sz);
		assert_int_equal(ops->iova_to_phys(ops, iova), 0);
		assert_int_equal(sw_io_pgtable_mapped_pages(ops, iova, sz), 0);
	}
	free_io_pgtable_ops(ops);
}

/* Read-only and no-exec mappings keep their permissions. */
static void test_iopgtable_prot(void **state)
{
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;
	int prot;

	assert_int_equal(map(ops, SZ_1M, PA_BASE, SZ_4K, 1, IOMMU_READ | IOMMU_NOEXEC, &mapped),
			 0);
	assert_int_equal(sw_io_pgtable_translate(ops, SZ_1M, &prot), PA_BASE);
	assert_int_equal(prot & (IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC),
			 IOMMU_READ | IOMMU_NOEXEC);
	assert_int_equal(sw_io_pgtable_translate(ops, 2 * SZ_1M, &prot), 0);
	assert_int_equal(prot, 0);
	/* Neither read nor write: refused. */
	assert_int_equal(map(ops, 3 * SZ_1M, PA_BASE, SZ_4K, 1, IOMMU_CACHE, &mapped), -EINVAL);
	assert_int_equal(mapped, 0);
	free_io_pgtable_ops(ops);
}

/* A run of pages is mapped up to the end of one table per call. */
static void test_iopgtable_map_stops_at_table_end(void **state)
{
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	u64 iova = SZ_2M - 16 * SZ_4K;
	size_t mapped, total = 0;

	assert_int_equal(map(ops, iova, PA_BASE, SZ_4K, 48, IOMMU_READ, &mapped), 0);
	assert_int_equal(mapped, 16 * SZ_4K);
	total += mapped;
	assert_int_equal(map(ops, iova + total, PA_BASE + total, SZ_4K, 32, IOMMU_READ, &mapped),
			 0);
	total += mapped;
	assert_int_equal(total, 48 * SZ_4K);
	assert_int_equal(sw_io_pgtable_mapped_pages(ops, 0, SZ_1G), 48);
	assert_int_equal(ops->iova_to_phys(ops, SZ_2M + 5 * SZ_4K), PA_BASE + 21 * SZ_4K);

	/* Unmap stops at the table end too. */
	assert_int_equal(ops->unmap_pages(ops, iova, SZ_4K, 48, NULL), 16 * SZ_4K);
	assert_int_equal(ops->unmap_pages(ops, SZ_2M, SZ_4K, 32, NULL), 32 * SZ_4K);
	assert_int_equal(sw_io_pgtable_mapped_pages(ops, 0, SZ_1G), 0);
	free_io_pgtable_ops(ops);
}

/* Mapping over a valid PTE: -EEXIST and a WARN (the kernel's "unmap first"). */
static void test_iopgtable_map_over_mapped_warns(void **state)
{
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;

	assert_int_equal(map(ops, SZ_4M, PA_BASE, SZ_4K, 4, IOMMU_READ, &mapped), 0);

	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(map(ops, SZ_4M + 2 * SZ_4K, PA_BASE, SZ_4K, 4, IOMMU_READ, &mapped),
			 -EEXIST);
	assert_int_equal(mapped, 0);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	/* Nothing of the failed call was written. */
	assert_int_equal(sw_io_pgtable_mapped_pages(ops, SZ_4M, SZ_2M), 4);

	/* A page inside a block: the block is a leaf on the way down. */
	assert_int_equal(map(ops, 3 * SZ_2M, PA_BASE, SZ_2M, 1, IOMMU_READ, &mapped), 0);
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(map(ops, 3 * SZ_2M + SZ_4K, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped),
			 -EEXIST);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	free_io_pgtable_ops(ops);
}

/* IO_PGTABLE_QUIRK_NO_WARN: the same -EEXIST without the WARN. */
static void test_iopgtable_no_warn_quirk(void **state)
{
	struct io_pgtable_cfg cfg = { .quirks = IO_PGTABLE_QUIRK_NO_WARN };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;

	assert_int_equal(map(ops, SZ_4M, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), 0);
	assert_int_equal(map(ops, SZ_4M, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), -EEXIST);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_4K, 1, NULL), 0);
	assert_int_equal(sw_report_count(SW_REPORT_WARN), 0);
	free_io_pgtable_ops(ops);
}

/* Unmapping what is not mapped WARNs and unmaps nothing. */
static void test_iopgtable_unmap_unmapped_warns(void **state)
{
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;

	/* No table at all on the way. */
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_4K, 1, NULL), 0);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);

	/* The table exists, the entry is invalid. */
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), 0);
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G + SZ_4K, SZ_4K, 1, NULL), 0);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);

	/* A run that starts mapped and runs into a hole: what was mapped, and a WARN. */
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_4K, 3, NULL), SZ_4K);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	assert_int_equal(ops->iova_to_phys(ops, SZ_1G), 0);

	/* Part of a block cannot be unmapped. */
	assert_int_equal(map(ops, 2ULL * SZ_1G, PA_BASE, SZ_2M, 1, IOMMU_READ, &mapped), 0);
	sw_expect_reports(SW_REPORT_WARN, 1);
	assert_int_equal(ops->unmap_pages(ops, 2ULL * SZ_1G, SZ_4K, 1, NULL), 0);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);
	assert_int_equal(ops->iova_to_phys(ops, 2ULL * SZ_1G), PA_BASE);
	free_io_pgtable_ops(ops);
}

/* Bad arguments WARN as in the kernel. */
static void test_iopgtable_bad_args_warn(void **state)
{
	struct io_pgtable_cfg cfg = { .pgsize_bitmap = SZ_4K | SZ_2M, .ias = 40, .oas = 40 };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;

	sw_expect_reports(SW_REPORT_WARN, 4);
	assert_int_equal(map(ops, 0, PA_BASE, SZ_1G, 1, IOMMU_READ, &mapped), -EINVAL);
	assert_int_equal(map(ops, 1ULL << 40, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), -ERANGE);
	assert_int_equal(map(ops, 0, 1ULL << 40, SZ_4K, 1, IOMMU_READ, &mapped), -ERANGE);
	assert_int_equal(ops->unmap_pages(ops, 0, SZ_4K, 0, NULL), 0);
	assert_int_equal(sw_reports_unexpected(SW_REPORT_WARN), 0);

	/* ias 40 with 4K: a 2-entry pgd; the top of the space is usable. */
	assert_int_equal(map(ops, (1ULL << 40) - SZ_2M, PA_BASE, SZ_2M, 1, IOMMU_READ, &mapped),
			 0);
	assert_int_equal(ops->iova_to_phys(ops, (1ULL << 40) - 1), PA_BASE + SZ_2M - 1);
	free_io_pgtable_ops(ops);

	/* Unsupported formats and granules. */
	cfg = (struct io_pgtable_cfg) { .pgsize_bitmap = SZ_4K, .ias = 48, .oas = 48 };
	assert_null(alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, NULL));
	cfg = (struct io_pgtable_cfg) { .pgsize_bitmap = SZ_64K, .ias = 48, .oas = 48 };
	assert_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, NULL));
}

/*
 * Tables are freed when a whole block's worth is unmapped at once (with a
 * walk-cache flush), not page by page; a block mapped over a table replaces it.
 */
static void test_iopgtable_tables_freed_on_block_unmap(void **state)
{
	struct tlb_calls calls = { };
	struct io_pgtable_cfg cfg = { .tlb = &test_tlb_ops };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, &calls);
	struct iommu_iotlb_gather gather;
	size_t mapped;

	assert_int_equal(sw_io_pgtable_nr_tables(ops), 1);
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 512, IOMMU_READ, &mapped), 0);
	assert_int_equal(mapped, SZ_2M);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 4);

	/* Page by page: the last-level table stays. */
	iommu_iotlb_gather_init(&gather);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_4K, 2, &gather), 2 * SZ_4K);
	assert_int_equal(calls.add_page, 2);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 4);
	gather.queued = true;
	assert_int_equal(ops->unmap_pages(ops, SZ_1G + 2 * SZ_4K, SZ_4K, 1, &gather), SZ_4K);
	assert_int_equal(calls.add_page, 2);

	/* The whole 2M at once: the table goes, after a walk flush. */
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_2M, 1, NULL), SZ_2M);
	assert_int_equal(calls.flush_walk, 1);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 3);
	assert_int_equal(sw_io_pgtable_mapped_pages(ops, SZ_1G, SZ_2M), 0);

	/* A 2M block over a table of pages replaces the table. */
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 8, IOMMU_READ, &mapped), 0);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 4);
	assert_int_equal(map(ops, SZ_1G, PA_BASE + SZ_1G, SZ_2M, 1, IOMMU_READ, &mapped), 0);
	assert_int_equal(calls.flush_walk, 2);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 3);
	assert_int_equal(ops->iova_to_phys(ops, SZ_1G + SZ_4K), PA_BASE + SZ_1G + SZ_4K);

	/* A 1G unmap over L2+L3 tables frees both levels. */
	assert_int_equal(map(ops, SZ_1G + SZ_2M, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), 0);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 4);
	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_1G, 1, NULL), SZ_1G);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 2);

	free_io_pgtable_ops(ops);
	assert_int_equal(calls.flush_all, 1);
}

/* free_io_pgtable_ops() returns every table page, mappings or not. */
static void test_iopgtable_free_releases_tables(void **state)
{
	unsigned long before = free_pages();
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, NULL);
	size_t mapped;
	int i;

	for (i = 0; i < 16; i++)
		assert_int_equal(map(ops, (u64)i * 37 * SZ_1G + (u64)i * SZ_2M + SZ_4K,
				     PA_BASE, SZ_4K, 3, IOMMU_READ, &mapped), 0);
	assert_int_equal(free_pages(), before - sw_io_pgtable_nr_tables(ops));
	assert_true(sw_io_pgtable_nr_tables(ops) > 16);
	free_io_pgtable_ops(ops);
	assert_int_equal(free_pages(), before);
}

/* A table allocation that fails: -ENOMEM, nothing mapped, nothing leaked. */
static void test_iopgtable_alloc_failure(void **state)
{
	unsigned long before = free_pages();
	struct io_pgtable_cfg cfg = { };
	struct io_pgtable_ops *ops;
	size_t mapped = 0;

	/* The pgd itself. */
	sw_fault_fail_next(SW_FAULT_PAGES, 1);
	assert_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, NULL));
	sw_fault_reset();
	assert_int_equal(free_pages(), before);

	ops = pgtbl_new(&cfg, NULL);
	/* The walk needs three tables; the second one fails. */
	sw_fault_fail_nth(SW_FAULT_PAGES, 2);
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 4, IOMMU_READ, &mapped), -ENOMEM);
	assert_int_equal(mapped, 0);
	assert_int_equal(sw_fault_injected(SW_FAULT_PAGES), 1);
	sw_fault_reset();
	assert_int_equal(ops->iova_to_phys(ops, SZ_1G), 0);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 2);
	assert_int_equal(free_pages(), before - 2);

	/* It works once memory is back, reusing the table already installed. */
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 4, IOMMU_READ, &mapped), 0);
	assert_int_equal(mapped, 4 * SZ_4K);
	assert_int_equal(sw_io_pgtable_nr_tables(ops), 4);
	free_io_pgtable_ops(ops);
	assert_int_equal(free_pages(), before);
}

/* cfg->alloc/free: every table comes from and goes back to the caller. */
struct pt_pool {
	long live, allocs;
	bool fail;
};

static void *pt_alloc(void *cookie, size_t size, gfp_t gfp)
{
	struct pt_pool *pool = cookie;
	void *p;

	if (pool->fail)
		return NULL;
	p = kzalloc(size, gfp);
	if (p) {
		pool->live++;
		pool->allocs++;
	}
	return p;
}

static void pt_free(void *cookie, void *pages, size_t size)
{
	struct pt_pool *pool = cookie;

	pool->live--;
	kfree(pages);
}

static void test_iopgtable_custom_allocator(void **state)
{
	unsigned long before = free_pages();
	struct pt_pool pool = { };
	struct io_pgtable_cfg cfg = { .alloc = pt_alloc, .free = pt_free };
	struct io_pgtable_ops *ops = pgtbl_new(&cfg, &pool);
	size_t mapped;

	assert_int_equal(pool.live, 1);
	assert_int_equal(map(ops, SZ_1G, PA_BASE, SZ_4K, 8, IOMMU_READ | IOMMU_WRITE, &mapped),
			 0);
	assert_int_equal(pool.live, 4);
	assert_int_equal(ops->iova_to_phys(ops, SZ_1G + 7 * SZ_4K + 1), PA_BASE + 7 * SZ_4K + 1);

	pool.fail = true;
	assert_int_equal(map(ops, 5ULL * SZ_1G, PA_BASE, SZ_4K, 1, IOMMU_READ, &mapped), -ENOMEM);
	pool.fail = false;

	assert_int_equal(ops->unmap_pages(ops, SZ_1G, SZ_2M, 1, NULL), SZ_2M);
	assert_int_equal(pool.live, 3);
	free_io_pgtable_ops(ops);
	assert_int_equal(pool.live, 0);
	assert_int_equal(free_pages(), before);

	/* Only one of the pair: refused. */
	cfg = (struct io_pgtable_cfg) { .pgsize_bitmap = SZ_4K, .ias = 48, .oas = 48,
					.alloc = pt_alloc };
	assert_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &pool));
}

/*
 * A GPU-like walker translates a stable range from another thread while the
 * driver maps and unmaps other ranges (tables allocated and freed): every
 * translation is right and the walk is race-free.
 */
struct walker {
	struct io_pgtable_ops *ops;
	int stop;
	unsigned long walks, errors;
};

#define STABLE_VA	(8ULL * SZ_1G)
#define STABLE_PAGES	64

static void *walker_thread(void *arg)
{
	struct walker *wk = arg;
	unsigned long i = 0;

	while (!smp_load_acquire(&wk->stop) || wk->walks < 100) {
		u64 off = (i++ % STABLE_PAGES) * SZ_4K;

		if (wk->ops->iova_to_phys(wk->ops, STABLE_VA + off + 8) != PA_BASE + off + 8)
			wk->errors++;
		sw_io_pgtable_mapped_pages(wk->ops, STABLE_VA - SZ_2M, 2 * SZ_2M);
		wk->walks++;
	}
	return NULL;
}

static void test_iopgtable_walk_races_updates(void **state)
{
	struct io_pgtable_cfg cfg = { };
	struct walker wk = { };
	pthread_t t;
	size_t mapped;
	int round;

	wk.ops = pgtbl_new(&cfg, NULL);
	assert_int_equal(map(wk.ops, STABLE_VA, PA_BASE, SZ_4K, STABLE_PAGES, IOMMU_READ,
			     &mapped), 0);
	sw_test_thread_start(&t, walker_thread, &wk);

	for (round = 0; round < 300; round++) {
		/* Same 1G region as the stable range: shares its L1/L2 tables. */
		u64 va = STABLE_VA + SZ_2M * (1 + round % 8);
		u64 far = (u64)(round % 4 + 16) * SZ_1G;

		assert_int_equal(map(wk.ops, va, PA_BASE, SZ_4K, 16, IOMMU_READ, &mapped), 0);
		assert_int_equal(map(wk.ops, far, PA_BASE, SZ_2M, 2, IOMMU_READ, &mapped), 0);
		assert_int_equal(wk.ops->unmap_pages(wk.ops, va, SZ_2M, 1, NULL), SZ_2M);
		assert_int_equal(wk.ops->unmap_pages(wk.ops, far, SZ_2M, 2, NULL), 2 * SZ_2M);
	}

	smp_store_release(&wk.stop, 1);
	sw_test_thread_join(t);
	assert_int_equal(wk.errors, 0);
	assert_true(wk.walks >= 100);
	assert_int_equal(sw_io_pgtable_mapped_pages(wk.ops, 0, 1ULL << 48), STABLE_PAGES);
	free_io_pgtable_ops(wk.ops);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_TEST(test_iopgtable_map_unmap_each_size),
		SW_TEST(test_iopgtable_prot),
		SW_TEST(test_iopgtable_map_stops_at_table_end),
		SW_TEST(test_iopgtable_map_over_mapped_warns),
		SW_TEST(test_iopgtable_no_warn_quirk),
		SW_TEST(test_iopgtable_unmap_unmapped_warns),
		SW_TEST(test_iopgtable_bad_args_warn),
		SW_TEST(test_iopgtable_tables_freed_on_block_unmap),
		SW_TEST(test_iopgtable_free_releases_tables),
		SW_TEST(test_iopgtable_alloc_failure),
		SW_TEST(test_iopgtable_custom_allocator),
		SW_TEST(test_iopgtable_walk_races_updates),
	};

	return cmocka_run_group_tests_name("iopgtable", tests, NULL, NULL);
}
