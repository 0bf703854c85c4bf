/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic IOMMU page-table formats, with the kernel's API.
 * shim: only ARM_64_LPAE_S1 with a 4 KiB granule is implemented (a mock of
 * drivers/iommu/io-pgtable-arm.c); each ops instance has an internal lock so
 * that a mock GPU can walk the tables while the driver updates other ranges.
 */
#ifndef __IO_PGTABLE_H
#define __IO_PGTABLE_H

#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/iommu.h>

struct device;

enum io_pgtable_fmt {
	ARM_32_LPAE_S1,
	ARM_32_LPAE_S2,
	ARM_64_LPAE_S1,
	ARM_64_LPAE_S2,
	ARM_V7S,
	ARM_MALI_LPAE,
	AMD_IOMMU_V1,
	AMD_IOMMU_V2,
	APPLE_DART,
	APPLE_DART2,
	IO_PGTABLE_NUM_FMTS,
};

/**
 * struct iommu_flush_ops - TLB maintenance callbacks of an io-pgtable user
 * @tlb_flush_all: invalidate the whole TLB context, synchronously.
 * @tlb_flush_walk: invalidate the intermediate (walk cache) entries of a
 *                  range, synchronously; called before a table is freed.
 * @tlb_add_page: optional, queue the leaf invalidation of one page in a gather.
 *
 * They may be called in atomic context (the shim calls them with the table
 * lock held) and must not sleep. Any of them may be NULL.
 */
struct iommu_flush_ops {
	void (*tlb_flush_all)(void *cookie);
	void (*tlb_flush_walk)(unsigned long iova, size_t size, size_t granule,
			       void *cookie);
	void (*tlb_add_page)(struct iommu_iotlb_gather *gather,
			     unsigned long iova, size_t granule, void *cookie);
};

/* shim: quirk values as shifts, linux/bits.h does not exist in the shim yet. */
#define IO_PGTABLE_QUIRK_ARM_NS			(1UL << 0)
#define IO_PGTABLE_QUIRK_NO_PERMS		(1UL << 1)
#define IO_PGTABLE_QUIRK_ARM_MTK_EXT		(1UL << 3)
#define IO_PGTABLE_QUIRK_ARM_MTK_TTBR_EXT	(1UL << 4)
#define IO_PGTABLE_QUIRK_ARM_TTBR1		(1UL << 5)
#define IO_PGTABLE_QUIRK_ARM_OUTER_WBWA		(1UL << 6)
#define IO_PGTABLE_QUIRK_ARM_HD			(1UL << 7)
#define IO_PGTABLE_QUIRK_ARM_S2FWB		(1UL << 8)
#define IO_PGTABLE_QUIRK_NO_WARN		(1UL << 9)

/**
 * struct io_pgtable_cfg - configuration of a set of page tables
 * @quirks: IO_PGTABLE_QUIRK_* flags (the shim accepts ARM_NS, ARM_OUTER_WBWA
 *          and NO_WARN; NO_WARN silences the map-over-mapped and
 *          unmap-of-unmapped WARNs).
 * @pgsize_bitmap: page and block sizes the caller wants; restricted on
 *                 allocation to what the format supports.
 * @ias: input (IOVA) address size in bits.
 * @oas: output (physical) address size in bits.
 * @coherent_walk: the walker snoops CPU caches.
 * @tlb: TLB maintenance callbacks, or NULL.
 * @iommu_dev: the device doing the table walks.
 * @alloc: optional allocator of zeroed table memory; @free must be set too.
 * @free: releases memory from @alloc.
 * @arm_lpae_s1_cfg: register values for an LPAE stage-1 table, filled in by
 *                   alloc_io_pgtable_ops().
 * @arm_mali_lpae_cfg: register values of the Mali format (unused by the shim).
 */
struct io_pgtable_cfg {
	unsigned long			quirks;
	unsigned long			pgsize_bitmap;
	unsigned int			ias;
	unsigned int			oas;
	bool				coherent_walk;
	const struct iommu_flush_ops	*tlb;
	struct device			*iommu_dev;

	void *(*alloc)(void *cookie, size_t size, gfp_t gfp);
	void (*free)(void *cookie, void *pages, size_t size);

	union {
		struct {
			/* shim: the table's virtual address when @alloc is set. */
			u64	ttbr;
			struct {
				u32	ips:3;
				u32	tg:2;
				u32	sh:2;
				u32	orgn:2;
				u32	irgn:2;
				u32	tsz:6;
			}	tcr;
			u64	mair;
		} arm_lpae_s1_cfg;

		struct {
			u64	transtab;
			u64	memattr;
		} arm_mali_lpae_cfg;
	};
};

/**
 * struct io_pgtable_ops - operations on a set of page tables
 * @map_pages: map @pgcount pages of @pgsize at @iova to @paddr; maps at most
 *             up to the end of one table per call and adds what it mapped to
 *             *@mapped.
 * @unmap_pages: unmap @pgcount pages of @pgsize at @iova; returns the bytes
 *               unmapped.
 * @iova_to_phys: translate @iova, 0 when it is not mapped.
 *
 * shim: no pgtable_walk or read_and_clear_dirty.
 */
struct io_pgtable_ops {
	int (*map_pages)(struct io_pgtable_ops *ops, unsigned long iova,
			 phys_addr_t paddr, size_t pgsize, size_t pgcount,
			 int prot, gfp_t gfp, size_t *mapped);
	size_t (*unmap_pages)(struct io_pgtable_ops *ops, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather);
	phys_addr_t (*iova_to_phys)(struct io_pgtable_ops *ops, unsigned long iova);
};

struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
					    struct io_pgtable_cfg *cfg,
					    void *cookie);
void free_io_pgtable_ops(struct io_pgtable_ops *ops);

/**
 * struct io_pgtable - a set of page tables, as seen by format implementations
 * @fmt: its format.
 * @cookie: the caller's token, handed back to the @cfg.tlb callbacks.
 * @cfg: a copy of the configuration it was allocated with.
 * @ops: its operations.
 */
struct io_pgtable {
	enum io_pgtable_fmt	fmt;
	void			*cookie;
	struct io_pgtable_cfg	cfg;
	struct io_pgtable_ops	ops;
};

#define io_pgtable_ops_to_pgtable(x) container_of((x), struct io_pgtable, ops)

static inline void io_pgtable_tlb_flush_all(struct io_pgtable *iop)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_all)
		iop->cfg.tlb->tlb_flush_all(iop->cookie);
}

static inline void io_pgtable_tlb_flush_walk(struct io_pgtable *iop, unsigned long iova,
					     size_t size, size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_walk)
		iop->cfg.tlb->tlb_flush_walk(iova, size, granule, iop->cookie);
}

static inline void io_pgtable_tlb_add_page(struct io_pgtable *iop,
					   struct iommu_iotlb_gather *gather,
					   unsigned long iova, size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_add_page)
		iop->cfg.tlb->tlb_add_page(gather, iova, granule, iop->cookie);
}


#endif
