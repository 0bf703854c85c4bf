/* SPDX-License-Identifier: GPL-2.0 */
/* Scatter-gather tables. shim: flat arrays, never chained. */
#ifndef _LINUX_SCATTERLIST_H
#define _LINUX_SCATTERLIST_H

#include <linux/types.h>
#include <linux/mm.h>

struct scatterlist {
	struct page	*page;
	unsigned int	offset;
	unsigned int	length;
	dma_addr_t	dma_address;
	unsigned int	dma_length;
	unsigned int	shim_last;
};

struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents;
	unsigned int orig_nents;
	/* shim: set while DMA-mapped, to catch syncs/unmaps of unmapped tables. */
	unsigned int shim_mapped;
};

#define sg_dma_address(sg)	((sg)->dma_address)
#define sg_dma_len(sg)		((sg)->dma_length)

static inline struct page *sg_page(struct scatterlist *sg)
{
	return sg->page;
}

static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
	return sg->shim_last ? NULL : sg + 1;
}

#define for_each_sg(sglist, sg, nr, __i) \
	for (__i = 0, sg = (sglist); __i < (nr); __i++, sg = sg_next(sg))
#define for_each_sgtable_sg(sgt, sg, i) \
	for_each_sg((sgt)->sgl, sg, (sgt)->orig_nents, i)
#define for_each_sgtable_dma_sg(sgt, sg, i) \
	for_each_sg((sgt)->sgl, sg, (sgt)->nents, i)

int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp_mask);
int sg_alloc_table_from_pages(struct sg_table *sgt, struct page **pages,
			      unsigned int n_pages, unsigned int offset,
			      unsigned long size, gfp_t gfp_mask);
void sg_free_table(struct sg_table *table);

#endif
