// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * A mock of the ARM LPAE stage-1 io-pgtable format: real 4-level tables with
 * a 4 KiB granule, 4 KiB pages and 2 MiB / 1 GiB blocks, table memory from
 * the shim page allocator (or the caller's cfg->alloc), and the kernel's
 * WARNs on mapping over a valid entry and unmapping an invalid one.
 *
 * shim: each set of tables has a spinlock taken by map, unmap and every walk,
 * standing in for the hardware's own walk/update ordering; table memory is
 * never allocated or freed with it held (a table is allocated with the lock
 * dropped and the walk restarted; freed tables are released after unlock).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/io-pgtable.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

#define LPAE_LEVELS		4
#define LPAE_BITS_PER_LEVEL	9
#define LPAE_GRANULE_SHIFT	12
#define LPAE_GRANULE		(1UL << LPAE_GRANULE_SHIFT)
#define LPAE_MAX_ADDR_BITS	48

/* Descriptor layout (ARMv8 VMSA, stage 1). */
#define LPAE_PTE_TYPE_MASK	0x3ULL
#define LPAE_PTE_TYPE_BLOCK	0x1ULL
#define LPAE_PTE_TYPE_TABLE	0x3ULL
#define LPAE_PTE_TYPE_PAGE	0x3ULL
#define LPAE_PTE_ADDR_MASK	(((1ULL << 48) - 1) & ~((1ULL << 12) - 1))
/* Tables from cfg->alloc are named by their virtual address: keep bits 47:2. */
#define LPAE_TABLE_ADDR_MASK	(((1ULL << 48) - 1) & ~0x3ULL)
#define LPAE_PTE_ATTRINDX_SHIFT	2
#define LPAE_PTE_ATTRINDX_MASK	(0x7ULL << LPAE_PTE_ATTRINDX_SHIFT)
#define LPAE_PTE_NS		(1ULL << 5)
#define LPAE_PTE_AP_UNPRIV	(1ULL << 6)
#define LPAE_PTE_AP_RDONLY	(1ULL << 7)
#define LPAE_PTE_SH_OS		(2ULL << 8)
#define LPAE_PTE_SH_IS		(3ULL << 8)
#define LPAE_PTE_AF		(1ULL << 10)
#define LPAE_PTE_NG		(1ULL << 11)
#define LPAE_PTE_XN		(3ULL << 53)
#define LPAE_PTE_NSTABLE	(1ULL << 63)

/* MAIR slots and their attributes. */
#define LPAE_MAIR_IDX_NC	0
#define LPAE_MAIR_IDX_CACHE	1
#define LPAE_MAIR_IDX_DEV	2
#define LPAE_MAIR_IDX_INC_OCACHE 3
#define LPAE_MAIR_NC		0x44ULL
#define LPAE_MAIR_WBRWA		0xffULL
#define LPAE_MAIR_DEVICE	0x04ULL
#define LPAE_MAIR_INC_OWBRWA	0xf4ULL

/* TCR field values. */
#define LPAE_TCR_SH_OS		2
#define LPAE_TCR_SH_IS		3
#define LPAE_TCR_RGN_NC		0
#define LPAE_TCR_RGN_WBWA	1
#define LPAE_TCR_TG0_4K		0

struct lpae_pgtable {
	struct io_pgtable	iop;
	/* shim: serialises table updates and walks (kernel: none, see above). */
	spinlock_t		lock;
	int			start_level;
	int			pgd_bits;
	u64			*pgd;
	u64			pgd_addr;
	unsigned long		nr_tables;
};

/* A table waiting to be freed once the lock is dropped; lives in the table. */
struct lpae_dead_table {
	struct lpae_dead_table	*next;
	u64			addr;
	size_t			size;
};

/* A table allocated with the lock dropped, not installed yet. */
struct lpae_spare {
	u64	*va;
	u64	addr;
};

static struct lpae_pgtable *to_lpae(struct io_pgtable_ops *ops)
{
	return container_of(io_pgtable_ops_to_pgtable(ops), struct lpae_pgtable, iop);
}

static unsigned int lpae_shift(int lvl)
{
	return (LPAE_LEVELS - lvl) * LPAE_BITS_PER_LEVEL + 3;
}

static u64 lpae_block_size(int lvl)
{
	return 1ULL << lpae_shift(lvl);
}

static unsigned long lpae_entries(struct lpae_pgtable *d, int lvl)
{
	return 1UL << (lvl == d->start_level ? d->pgd_bits : LPAE_BITS_PER_LEVEL);
}

static unsigned long lpae_idx(struct lpae_pgtable *d, u64 iova, int lvl)
{
	return (iova >> lpae_shift(lvl)) & (lpae_entries(d, lvl) - 1);
}

static size_t lpae_table_size(struct lpae_pgtable *d, int lvl)
{
	return sizeof(u64) * lpae_entries(d, lvl);
}

static bool lpae_is_leaf(u64 pte, int lvl)
{
	if (lvl == LPAE_LEVELS - 1)
		return (pte & LPAE_PTE_TYPE_MASK) == LPAE_PTE_TYPE_PAGE;
	return (pte & LPAE_PTE_TYPE_MASK) == LPAE_PTE_TYPE_BLOCK;
}

static bool lpae_is_table(u64 pte, int lvl)
{
	return lvl < LPAE_LEVELS - 1 && (pte & LPAE_PTE_TYPE_MASK) == LPAE_PTE_TYPE_TABLE;
}

/*
 * Allocate zeroed table memory. Pool pages are named by their physical
 * address (pfn << PAGE_SHIFT), cfg->alloc memory by its virtual address.
 * shim: no DMA mapping or cache maintenance of tables when !coherent_walk.
 */
static u64 *lpae_alloc_table(const struct io_pgtable_cfg *cfg, void *cookie, size_t size,
			     gfp_t gfp, u64 *addr)
{
	struct page *page;
	u64 *va;

	if (cfg->alloc) {
		va = cfg->alloc(cookie, max_t(size_t, size, 64), gfp);
		if (!va)
			return NULL;
		if (WARN_ON((uintptr_t)va & ~LPAE_TABLE_ADDR_MASK)) {
			cfg->free(cookie, va, size);
			return NULL;
		}
		*addr = (uintptr_t)va;
		return va;
	}

	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return NULL;
	*addr = (u64)page_to_pfn(page) << PAGE_SHIFT;
	return page_address(page);
}

static void lpae_free_table(struct lpae_pgtable *d, void *va, u64 addr, size_t size)
{
	const struct io_pgtable_cfg *cfg = &d->iop.cfg;

	if (cfg->free)
		cfg->free(d->iop.cookie, va, size);
	else
		__free_page(pfn_to_page(addr >> PAGE_SHIFT));
}

static u64 *lpae_table_va(struct lpae_pgtable *d, u64 pte)
{
	u64 addr = pte & LPAE_TABLE_ADDR_MASK;

	if (d->iop.cfg.alloc)
		return (u64 *)(uintptr_t)addr;
	return page_address(pfn_to_page(addr >> PAGE_SHIFT));
}

static u64 lpae_table_pte(struct lpae_pgtable *d, u64 addr)
{
	u64 pte = addr | LPAE_PTE_TYPE_TABLE;

	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= LPAE_PTE_NSTABLE;
	return pte;
}

/*
 * Unlink bookkeeping of a table and everything below it: each table goes on
 * @dead (its memory reused as the list node once its entries were read).
 */
static void lpae_retire_table(struct lpae_pgtable *d, u64 *table, u64 addr, int lvl,
			      struct lpae_dead_table **dead)
{
	struct lpae_dead_table *node;
	unsigned long i, n = lpae_entries(d, lvl);

	lockdep_assert_held(&d->lock);

	for (i = 0; lvl < LPAE_LEVELS - 1 && i < n; i++) {
		u64 pte = table[i];

		if (lpae_is_table(pte, lvl))
			lpae_retire_table(d, lpae_table_va(d, pte), pte & LPAE_TABLE_ADDR_MASK,
					  lvl + 1, dead);
	}

	d->nr_tables--;
	node = (struct lpae_dead_table *)table;
	node->addr = addr;
	node->size = lpae_table_size(d, lvl);
	node->next = *dead;
	*dead = node;
}

static void lpae_free_dead(struct lpae_pgtable *d, struct lpae_dead_table *dead)
{
	while (dead) {
		struct lpae_dead_table *next = dead->next;

		lpae_free_table(d, dead, dead->addr, dead->size);
		dead = next;
	}
}

static u64 lpae_prot_to_pte(struct lpae_pgtable *d, int prot)
{
	u64 pte = LPAE_PTE_NG | LPAE_PTE_AF;

	if ((prot & IOMMU_READ) && !(prot & IOMMU_WRITE))
		pte |= LPAE_PTE_AP_RDONLY;
	if (!(prot & IOMMU_PRIV))
		pte |= LPAE_PTE_AP_UNPRIV;

	if (prot & IOMMU_MMIO)
		pte |= (u64)LPAE_MAIR_IDX_DEV << LPAE_PTE_ATTRINDX_SHIFT;
	else if (prot & IOMMU_CACHE)
		pte |= (u64)LPAE_MAIR_IDX_CACHE << LPAE_PTE_ATTRINDX_SHIFT;

	pte |= (prot & IOMMU_CACHE) ? LPAE_PTE_SH_IS : LPAE_PTE_SH_OS;
	if (prot & IOMMU_NOEXEC)
		pte |= LPAE_PTE_XN;
	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= LPAE_PTE_NS;
	return pte;
}

static int lpae_pte_to_prot(u64 pte)
{
	u64 attr = (pte & LPAE_PTE_ATTRINDX_MASK) >> LPAE_PTE_ATTRINDX_SHIFT;
	int prot = IOMMU_READ;

	if (!(pte & LPAE_PTE_AP_RDONLY))
		prot |= IOMMU_WRITE;
	if (!(pte & LPAE_PTE_AP_UNPRIV))
		prot |= IOMMU_PRIV;
	if ((pte & LPAE_PTE_XN) == LPAE_PTE_XN)
		prot |= IOMMU_NOEXEC;
	if (attr == LPAE_MAIR_IDX_DEV)
		prot |= IOMMU_MMIO;
	else if (attr == LPAE_MAIR_IDX_CACHE)
		prot |= IOMMU_CACHE;
	return prot;
}

static bool lpae_warn_enabled(struct lpae_pgtable *d)
{
	return !(d->iop.cfg.quirks & IO_PGTABLE_QUIRK_NO_WARN);
}

/* Write leaf entries at @lvl, starting at @table[@idx], within this table. */
static int lpae_install_leaves(struct lpae_pgtable *d, unsigned long iova, phys_addr_t paddr,
			       size_t pgcount, u64 prot, int lvl, u64 *table,
			       unsigned long idx, size_t *mapped,
			       struct lpae_dead_table **dead)
{
	u64 size = lpae_block_size(lvl);
	u64 type = lvl == LPAE_LEVELS - 1 ? LPAE_PTE_TYPE_PAGE : LPAE_PTE_TYPE_BLOCK;
	unsigned long i, n = min_t(unsigned long, pgcount, lpae_entries(d, lvl) - idx);

	for (i = 0; i < n; i++) {
		/* Mapping over a live mapping needs an unmap first. */
		if (lpae_is_leaf(table[idx + i], lvl)) {
			WARN_ON(lpae_warn_enabled(d));
			return -EEXIST;
		}
	}

	for (i = 0; i < n; i++) {
		u64 pte = table[idx + i];

		/* A block replaces a table: the table and what hangs off it go. */
		if (lpae_is_table(pte, lvl)) {
			table[idx + i] = 0;
			io_pgtable_tlb_flush_walk(&d->iop, iova + i * size, size, LPAE_GRANULE);
			lpae_retire_table(d, lpae_table_va(d, pte), pte & LPAE_TABLE_ADDR_MASK,
					  lvl + 1, dead);
		}
	}

	for (i = 0; i < n; i++)
		table[idx + i] = prot | type | ((paddr + i * size) & LPAE_PTE_ADDR_MASK);

	*mapped += n * size;
	return 0;
}

/* Walk down to @pgsize's level; -EAGAIN when a table is missing and no spare. */
static int lpae_map_locked(struct lpae_pgtable *d, unsigned long iova, phys_addr_t paddr,
			   size_t pgsize, size_t pgcount, u64 prot, struct lpae_spare *spare,
			   size_t *mapped, struct lpae_dead_table **dead)
{
	u64 *table = d->pgd;
	int lvl = d->start_level;

	lockdep_assert_held(&d->lock);

	for (;;) {
		unsigned long idx = lpae_idx(d, iova, lvl);
		u64 pte;

		if (pgsize == lpae_block_size(lvl))
			return lpae_install_leaves(d, iova, paddr, pgcount, prot, lvl, table, idx,
						   mapped, dead);

		if (WARN_ON(lvl >= LPAE_LEVELS - 1))
			return -EINVAL;

		pte = table[idx];
		if (!pte) {
			if (!spare->va)
				return -EAGAIN;
			pte = lpae_table_pte(d, spare->addr);
			table[idx] = pte;
			d->nr_tables++;
			spare->va = NULL;
		} else if (lpae_is_leaf(pte, lvl)) {
			WARN_ON(lpae_warn_enabled(d));
			return -EEXIST;
		} else if (WARN_ON(!lpae_is_table(pte, lvl))) {
			return -EINVAL;
		}

		table = lpae_table_va(d, pte);
		lvl++;
	}
}

static int lpae_map_pages(struct io_pgtable_ops *ops, unsigned long iova, phys_addr_t paddr,
			  size_t pgsize, size_t pgcount, int iommu_prot, gfp_t gfp,
			  size_t *mapped)
{
	struct lpae_pgtable *d = to_lpae(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	struct lpae_dead_table *dead = NULL;
	struct lpae_spare spare = { };
	u64 prot;
	int ret;

	if (WARN_ON(!pgsize || (pgsize & cfg->pgsize_bitmap) != pgsize))
		return -EINVAL;
	if (WARN_ON(((u64)iova >> cfg->ias) || (paddr >> cfg->oas)))
		return -ERANGE;
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;

	prot = lpae_prot_to_pte(d, iommu_prot);

	spin_lock(&d->lock);
	for (;;) {
		ret = lpae_map_locked(d, iova, paddr, pgsize, pgcount, prot, &spare, mapped,
				      &dead);
		if (ret != -EAGAIN)
			break;

		spin_unlock(&d->lock);
		/* shim: fails as if the table allocator had (with panthor's it can't). */
		if (sw_fault_op_fails("io_pgtable map: table allocation", -ENOMEM))
			return -ENOMEM;
		spare.va = lpae_alloc_table(cfg, d->iop.cookie, LPAE_GRANULE, gfp, &spare.addr);
		if (!spare.va)
			return -ENOMEM;
		spin_lock(&d->lock);
	}
	spin_unlock(&d->lock);

	/* Lost a race with another mapper for that slot: not needed after all. */
	if (spare.va)
		lpae_free_table(d, spare.va, spare.addr, LPAE_GRANULE);
	lpae_free_dead(d, dead);
	return ret;
}

static size_t lpae_unmap_locked(struct lpae_pgtable *d, struct iommu_iotlb_gather *gather,
				unsigned long iova, size_t size, size_t pgcount,
				struct lpae_dead_table **dead)
{
	u64 *table = d->pgd;
	int lvl = d->start_level;

	lockdep_assert_held(&d->lock);

	for (;;) {
		unsigned long idx, i, j, n;
		u64 pte;

		if (WARN_ON(lvl == LPAE_LEVELS))
			return 0;

		idx = lpae_idx(d, iova, lvl);
		pte = table[idx];
		if (!pte) {
			/* shim: 0 as in 6.12; since 6.17 the kernel returns (size_t)-ENOENT. */
			WARN_ON(lpae_warn_enabled(d));
			return 0;
		}

		if (size != lpae_block_size(lvl)) {
			if (lpae_is_leaf(pte, lvl)) {
				WARN_ONCE(true, "Unmap of a partial large IOPTE is not allowed");
				return 0;
			}
			table = lpae_table_va(d, pte);
			lvl++;
			continue;
		}

		n = min_t(unsigned long, pgcount, lpae_entries(d, lvl) - idx);
		for (i = 0; i < n; i++) {
			pte = table[idx + i];
			if (!pte) {
				WARN_ON(lpae_warn_enabled(d));
				break;
			}
			if (lpae_is_table(pte, lvl)) {
				table[idx + i] = 0;
				io_pgtable_tlb_flush_walk(&d->iop, iova + i * size, size,
							  LPAE_GRANULE);
				lpae_retire_table(d, lpae_table_va(d, pte),
						  pte & LPAE_TABLE_ADDR_MASK, lvl + 1, dead);
			}
		}

		for (j = 0; j < i; j++)
			table[idx + j] = 0;

		if (gather && !iommu_iotlb_gather_queued(gather))
			for (j = 0; j < i; j++)
				io_pgtable_tlb_add_page(&d->iop, gather, iova + j * size, size);

		return i * size;
	}
}

static size_t lpae_unmap_pages(struct io_pgtable_ops *ops, unsigned long iova, size_t pgsize,
			       size_t pgcount, struct iommu_iotlb_gather *gather)
{
	struct lpae_pgtable *d = to_lpae(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	struct lpae_dead_table *dead = NULL;
	size_t unmapped;

	if (WARN_ON(!pgsize || (pgsize & cfg->pgsize_bitmap) != pgsize || !pgcount))
		return 0;
	if (WARN_ON((u64)iova >> cfg->ias))
		return 0;

	spin_lock(&d->lock);
	unmapped = lpae_unmap_locked(d, gather, iova, pgsize, pgcount, &dead);
	spin_unlock(&d->lock);

	lpae_free_dead(d, dead);
	return unmapped;
}

/* The leaf entry translating @iova and its level, or 0. */
static u64 lpae_lookup_locked(struct lpae_pgtable *d, u64 iova, int *leaf_lvl)
{
	u64 *table = d->pgd;
	int lvl;

	lockdep_assert_held(&d->lock);

	for (lvl = d->start_level; lvl < LPAE_LEVELS; lvl++) {
		u64 pte = table[lpae_idx(d, iova, lvl)];

		if (lpae_is_leaf(pte, lvl)) {
			*leaf_lvl = lvl;
			return pte;
		}
		if (!lpae_is_table(pte, lvl))
			return 0;
		table = lpae_table_va(d, pte);
	}
	return 0;
}

static phys_addr_t lpae_translate(struct lpae_pgtable *d, u64 iova, int *prot)
{
	int lvl = 0;
	u64 pte;

	spin_lock(&d->lock);
	pte = lpae_lookup_locked(d, iova, &lvl);
	spin_unlock(&d->lock);

	if (prot)
		*prot = pte ? lpae_pte_to_prot(pte) : 0;
	if (!pte)
		return 0;
	return (pte & LPAE_PTE_ADDR_MASK) | (iova & (lpae_block_size(lvl) - 1));
}

static phys_addr_t lpae_iova_to_phys(struct io_pgtable_ops *ops, unsigned long iova)
{
	return lpae_translate(to_lpae(ops), iova, NULL);
}

/**
 * sw_io_pgtable_translate() - translate an IOVA and report its permissions
 * @ops: the page tables.
 * @iova: the address.
 * @prot: set to the IOMMU_* flags of the mapping, 0 when not mapped.
 *
 * Return: the physical address, or 0 when @iova is not mapped.
 */
phys_addr_t sw_io_pgtable_translate(struct io_pgtable_ops *ops, u64 iova, int *prot)
{
	return lpae_translate(to_lpae(ops), iova, prot);
}

/* Pages with a leaf entry in [@start, @end), in the table at @lvl covering @base. */
static unsigned long lpae_count_locked(struct lpae_pgtable *d, u64 *table, int lvl, u64 base,
				       u64 start, u64 end)
{
	u64 size = lpae_block_size(lvl);
	unsigned long i, first, last, count = 0;

	first = (start - base) / size;
	last = min_t(u64, (end - 1 - base) / size, lpae_entries(d, lvl) - 1);

	for (i = first; i <= last; i++) {
		u64 pte = table[i];
		u64 lo = max_t(u64, start, base + i * size);
		u64 hi = min_t(u64, end, base + (i + 1) * size);

		if (lpae_is_leaf(pte, lvl))
			count += (hi - lo) >> LPAE_GRANULE_SHIFT;
		else if (lpae_is_table(pte, lvl))
			count += lpae_count_locked(d, lpae_table_va(d, pte), lvl + 1,
						   base + i * size, lo, hi);
	}
	return count;
}

/**
 * sw_io_pgtable_mapped_pages() - count the mapped pages of a range
 * @ops: the page tables.
 * @iova: start of the range (rounded down to 4 KiB).
 * @size: length in bytes (the end is rounded up to 4 KiB).
 *
 * Return: how many 4 KiB pages of the range have a valid translation.
 */
unsigned long sw_io_pgtable_mapped_pages(struct io_pgtable_ops *ops, u64 iova, u64 size)
{
	struct lpae_pgtable *d = to_lpae(ops);
	u64 limit = 1ULL << d->iop.cfg.ias;
	u64 start = iova & ~(u64)(LPAE_GRANULE - 1);
	u64 end = size > limit - min(iova, limit) ? limit : iova + size;
	unsigned long count;

	end = min(ALIGN(end, (u64)LPAE_GRANULE), limit);
	if (start >= end)
		return 0;

	spin_lock(&d->lock);
	count = lpae_count_locked(d, d->pgd, d->start_level, 0, start, end);
	spin_unlock(&d->lock);
	return count;
}

/**
 * sw_io_pgtable_nr_tables() - how many tables the page tables own
 * @ops: the page tables.
 *
 * Return: the number of table allocations currently live, the pgd included.
 */
unsigned long sw_io_pgtable_nr_tables(struct io_pgtable_ops *ops)
{
	struct lpae_pgtable *d = to_lpae(ops);
	unsigned long n;

	spin_lock(&d->lock);
	n = d->nr_tables;
	spin_unlock(&d->lock);
	return n;
}

static int lpae_ips(unsigned int oas)
{
	switch (oas) {
	case 32:
		return 0;
	case 36:
		return 1;
	case 40:
		return 2;
	case 42:
		return 3;
	case 44:
		return 4;
	case 48:
		return 5;
	default:
		return -EINVAL;
	}
}

static struct lpae_pgtable *lpae_alloc_s1(struct io_pgtable_cfg *cfg, void *cookie)
{
	unsigned long quirks_ok = IO_PGTABLE_QUIRK_ARM_NS | IO_PGTABLE_QUIRK_ARM_OUTER_WBWA |
				  IO_PGTABLE_QUIRK_NO_WARN;
	typeof(&cfg->arm_lpae_s1_cfg.tcr) tcr = &cfg->arm_lpae_s1_cfg.tcr;
	struct lpae_pgtable *d;
	int va_bits, levels, ips;

	if (cfg->quirks & ~quirks_ok)
		return NULL;

	/* shim: only the 4 KiB granule; the kernel would pick 16K/64K here. */
	cfg->pgsize_bitmap &= SZ_4K | SZ_2M | SZ_1G;
	if (!(cfg->pgsize_bitmap & SZ_4K))
		return NULL;
	cfg->ias = min(cfg->ias, (unsigned int)LPAE_MAX_ADDR_BITS);
	cfg->oas = min(cfg->oas, (unsigned int)LPAE_MAX_ADDR_BITS);

	va_bits = (int)cfg->ias - LPAE_GRANULE_SHIFT;
	ips = lpae_ips(cfg->oas);
	if (va_bits <= 0 || ips < 0)
		return NULL;
	if (cfg->coherent_walk && (cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA))
		return NULL;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;

	levels = DIV_ROUND_UP(va_bits, LPAE_BITS_PER_LEVEL);
	d->start_level = LPAE_LEVELS - levels;
	d->pgd_bits = va_bits - LPAE_BITS_PER_LEVEL * (levels - 1);

	if (cfg->coherent_walk) {
		tcr->sh = LPAE_TCR_SH_IS;
		tcr->irgn = LPAE_TCR_RGN_WBWA;
		tcr->orgn = LPAE_TCR_RGN_WBWA;
	} else {
		tcr->sh = LPAE_TCR_SH_OS;
		tcr->irgn = LPAE_TCR_RGN_NC;
		tcr->orgn = (cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA) ?
			    LPAE_TCR_RGN_WBWA : LPAE_TCR_RGN_NC;
	}
	tcr->tg = LPAE_TCR_TG0_4K;
	tcr->ips = ips;
	tcr->tsz = 64 - cfg->ias;

	cfg->arm_lpae_s1_cfg.mair =
		(LPAE_MAIR_NC << (LPAE_MAIR_IDX_NC * 8)) |
		(LPAE_MAIR_WBRWA << (LPAE_MAIR_IDX_CACHE * 8)) |
		(LPAE_MAIR_DEVICE << (LPAE_MAIR_IDX_DEV * 8)) |
		(LPAE_MAIR_INC_OWBRWA << (LPAE_MAIR_IDX_INC_OCACHE * 8));

	d->pgd = lpae_alloc_table(cfg, cookie, lpae_table_size(d, d->start_level), GFP_KERNEL,
				  &d->pgd_addr);
	if (!d->pgd) {
		kfree(d);
		return NULL;
	}
	d->nr_tables = 1;
	cfg->arm_lpae_s1_cfg.ttbr = d->pgd_addr;
	spin_lock_init(&d->lock);
	return d;
}

/**
 * alloc_io_pgtable_ops() - allocate a set of page tables
 * @fmt: the format; the shim implements ARM_64_LPAE_S1 only.
 * @cfg: the configuration; updated with what the format really provides
 *       (restricted page sizes, ias/oas, and the TTBR/TCR/MAIR values).
 * @cookie: handed back to the @cfg->tlb and @cfg->alloc/free callbacks.
 *
 * Return: the operations of the new tables, or NULL.
 */
struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
					    struct io_pgtable_cfg *cfg,
					    void *cookie)
{
	struct lpae_pgtable *d;

	if (fmt != ARM_64_LPAE_S1)
		return NULL;
	/* A custom allocator comes as a pair. */
	if (!cfg->alloc != !cfg->free)
		return NULL;

	d = lpae_alloc_s1(cfg, cookie);
	if (!d)
		return NULL;

	d->iop.fmt = fmt;
	d->iop.cookie = cookie;
	d->iop.cfg = *cfg;
	d->iop.ops = (struct io_pgtable_ops) {
		.map_pages	= lpae_map_pages,
		.unmap_pages	= lpae_unmap_pages,
		.iova_to_phys	= lpae_iova_to_phys,
	};
	return &d->iop.ops;
}

/**
 * free_io_pgtable_ops() - free a set of page tables and all their tables
 * @ops: the operations returned by alloc_io_pgtable_ops(), or NULL.
 *
 * The tables must no longer be live (no walker may use them); mappings still
 * present are dropped without WARN, as in the kernel.
 */
void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	struct lpae_dead_table *dead = NULL;
	struct lpae_pgtable *d;

	if (!ops)
		return;

	d = to_lpae(ops);
	io_pgtable_tlb_flush_all(&d->iop);

	spin_lock(&d->lock);
	lpae_retire_table(d, d->pgd, d->pgd_addr, d->start_level, &dead);
	d->pgd = NULL;
	spin_unlock(&d->lock);

	lpae_free_dead(d, dead);
	kfree(d);
}
