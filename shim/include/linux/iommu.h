/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOMMU API. shim: only the protection flags and the IOTLB gather used by
 * io-pgtable users; there are no IOMMU domains or drivers.
 */
#ifndef __LINUX_IOMMU_H
#define __LINUX_IOMMU_H

#include <linux/types.h>
#include <linux/limits.h>

#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)	/* DMA cache coherency */
#define IOMMU_NOEXEC	(1 << 3)
#define IOMMU_MMIO	(1 << 4)	/* e.g. things like MSI doorbells */
#define IOMMU_PRIV	(1 << 5)

/**
 * struct iommu_iotlb_gather - range of IOVAs whose TLB invalidation is batched
 * @start: first IOVA of the range.
 * @end: last IOVA of the range (inclusive).
 * @pgsize: granule of the invalidation.
 * @queued: the invalidation is deferred to a flush queue, so the page-table
 *          code must not add pages to the gather.
 *
 * shim: no freelist of page-table pages to release after the flush.
 */
struct iommu_iotlb_gather {
	unsigned long	start;
	unsigned long	end;
	size_t		pgsize;
	bool		queued;
};

/**
 * iommu_iotlb_gather_init() - start an empty gather
 * @gather: the gather.
 */
static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	*gather = (struct iommu_iotlb_gather) {
		.start = ULONG_MAX,
	};
}

/**
 * iommu_iotlb_gather_queued() - is the invalidation of @gather deferred?
 * @gather: the gather, or NULL.
 *
 * Return: true when @gather is a flush-queue gather.
 */
static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *gather)
{
	return gather && gather->queued;
}

#endif
