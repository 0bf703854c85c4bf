// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * sg tables and the mock DMA layer (identity IOMMU). Syncs and unmaps of
 * tables that are not mapped, or whose pages were freed, WARN: that is how
 * a BO sync racing with eviction shows up here.
 */
#include <linux/kernel.h>
#include <linux/scatterlist.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

static unsigned long dma_syncs;

/**
 * sg_alloc_table() - allocate a table of @nents entries.
 * @table: the table.
 * @nents: entries.
 * @gfp_mask: allocation flags.
 *
 * Return: 0 or -ENOMEM.
 */
int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp_mask)
{
	memset(table, 0, sizeof(*table));
	if (!nents)
		return -EINVAL;
	table->sgl = kcalloc(nents, sizeof(*table->sgl), gfp_mask);
	if (!table->sgl)
		return -ENOMEM;
	table->sgl[nents - 1].shim_last = 1;
	table->nents = table->orig_nents = nents;
	return 0;
}

/**
 * sg_alloc_table_from_pages() - build a table, merging physically
 * contiguous pages into one entry.
 * @sgt: the table.
 * @pages: the pages.
 * @n_pages: how many.
 * @offset: offset into the first page.
 * @size: total bytes.
 * @gfp_mask: allocation flags.
 *
 * Return: 0 or -ENOMEM.
 */
int sg_alloc_table_from_pages(struct sg_table *sgt, struct page **pages,
			      unsigned int n_pages, unsigned int offset,
			      unsigned long size, gfp_t gfp_mask)
{
	unsigned int i, chunks = 0, c = 0;
	int ret;

	for (i = 0; i < n_pages; i++)
		if (!i || page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1)
			chunks++;
	ret = sg_alloc_table(sgt, chunks, gfp_mask);
	if (ret)
		return ret;
	for (i = 0; i < n_pages; i++) {
		if (i && page_to_pfn(pages[i]) == page_to_pfn(pages[i - 1]) + 1) {
			sgt->sgl[c - 1].length += PAGE_SIZE;
			continue;
		}
		sgt->sgl[c].page = pages[i];
		sgt->sgl[c].offset = i ? 0 : offset;
		sgt->sgl[c].length = PAGE_SIZE;
		c++;
	}
	return 0;
}

/**
 * sg_free_table() - free a table's entries; WARNs if still DMA-mapped.
 * @table: the table.
 */
void sg_free_table(struct sg_table *table)
{
	WARN(table->shim_mapped, "sg_free_table() of a DMA-mapped table\n");
	kfree(table->sgl);
	table->sgl = NULL;
	table->nents = table->orig_nents = 0;
}

static bool sgt_pages_alive(struct sg_table *sgt)
{
	struct scatterlist *sg;
	unsigned int i, p;

	for_each_sgtable_sg(sgt, sg, i)
		for (p = 0; p < sg->length >> PAGE_SHIFT; p++)
			if (!sw_page_is_allocated(pfn_to_page(page_to_pfn(sg->page) + p)))
				return false;
	return true;
}

/**
 * dma_map_sgtable() - map a table for the device.
 * @dev: the device.
 * @sgt: the table.
 * @dir: direction.
 * @attrs: DMA attributes.
 *
 * Return: 0, -EINVAL if it is already mapped, or -ENOMEM (no IOVA space).
 */
int dma_map_sgtable(struct device *dev, struct sg_table *sgt,
		    enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	unsigned int i;

	if (WARN(sgt->shim_mapped, "dma_map_sgtable() of a mapped table\n"))
		return -EINVAL;
	if (sw_fault_op_fails("dma_map_sgtable", -ENOMEM))
		return -ENOMEM;
	for_each_sgtable_sg(sgt, sg, i) {
		sg->dma_address = ((dma_addr_t)page_to_pfn(sg->page) << PAGE_SHIFT) + sg->offset;
		sg->dma_length = sg->length;
	}
	sgt->nents = sgt->orig_nents;
	sgt->shim_mapped = 1;
	return 0;
}

/**
 * dma_unmap_sgtable() - unmap a table.
 * @dev: the device.
 * @sgt: the table.
 * @dir: direction.
 * @attrs: DMA attributes.
 */
void dma_unmap_sgtable(struct device *dev, struct sg_table *sgt,
		       enum dma_data_direction dir, unsigned long attrs)
{
	if (WARN(!sgt->shim_mapped, "dma_unmap_sgtable() of an unmapped table\n"))
		return;
	sgt->shim_mapped = 0;
}

static void sync_sgtable(struct sg_table *sgt, const char *what)
{
	WARN(!sgt->shim_mapped, "%s on an unmapped table\n", what);
	WARN(!sgt_pages_alive(sgt), "%s on a table whose pages were freed\n", what);
	__atomic_add_fetch(&dma_syncs, 1, __ATOMIC_RELAXED);
}

/**
 * dma_sync_sgtable_for_cpu() - make device writes visible to the CPU.
 * @dev: the device.
 * @sgt: a mapped table.
 * @dir: direction.
 */
void dma_sync_sgtable_for_cpu(struct device *dev, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	sync_sgtable(sgt, "dma_sync_sgtable_for_cpu()");
}

/**
 * dma_sync_sgtable_for_device() - make CPU writes visible to the device.
 * @dev: the device.
 * @sgt: a mapped table.
 * @dir: direction.
 */
void dma_sync_sgtable_for_device(struct device *dev, struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	sync_sgtable(sgt, "dma_sync_sgtable_for_device()");
}

static void sync_single(dma_addr_t addr, size_t size, const char *what)
{
	unsigned long pfn = addr >> PAGE_SHIFT;
	unsigned long end = (addr + size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (; pfn < end; pfn++)
		if (WARN(!pfn_valid(pfn) || !sw_page_is_allocated(pfn_to_page(pfn)),
			 "%s on a freed page (pfn %#lx)\n", what, pfn))
			break;
	__atomic_add_fetch(&dma_syncs, 1, __ATOMIC_RELAXED);
}

/**
 * dma_sync_single_for_cpu() - sync one range for the CPU.
 * @dev: the device.
 * @addr: DMA address.
 * @size: bytes.
 * @dir: direction.
 */
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	sync_single(addr, size, "dma_sync_single_for_cpu()");
}

/**
 * dma_sync_single_for_device() - sync one range for the device.
 * @dev: the device.
 * @addr: DMA address.
 * @size: bytes.
 * @dir: direction.
 */
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir)
{
	sync_single(addr, size, "dma_sync_single_for_device()");
}

/**
 * sw_dma_sync_count() - syncs performed so far.
 *
 * Return: the count.
 */
unsigned long sw_dma_sync_count(void)
{
	return __atomic_load_n(&dma_syncs, __ATOMIC_RELAXED);
}
