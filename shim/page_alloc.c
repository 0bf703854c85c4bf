// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The page allocator and the swap store.
 *
 * Pages are real 4 KiB frames of one memfd-backed pool, so a frame can be
 * mapped twice (vmap()) and its contents survive. The pool is the memory
 * budget: when it is empty, an allocation whose gfp allows direct reclaim
 * runs the shrinkers (vmscan.c) and retries. Swap is a finite array of
 * slots that keep page contents.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/sched/mm.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/report.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

/*
 * shim: one internal lock guards the free list (kernel: the zone lock); it is
 * a plain pthread mutex, so lockdep does not see it.
 */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int pool_fd = -1;
static char *pool_base;
static struct page *pool_pages;
static unsigned long pool_nr;
static struct list_head free_list = LIST_HEAD_INIT(free_list);
static unsigned long nr_free;

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;
static char *swap_base;
static unsigned long swap_nr;
static long *swap_free_stack;
static unsigned long swap_free_top;
static long nr_swap_free;

static struct sw_mm_stats mm_stats;

#define PAGE_FLAG_ALLOCATED	0x1UL

/**
 * sw_mm_init() - create the page pool and the swap store of a new world.
 * @nr_pages: memory budget in 4 KiB pages.
 * @nr_swap_pages: swap slots.
 *
 * Return: 0 or -ENOMEM.
 */
int sw_mm_init(unsigned long nr_pages, unsigned long nr_swap_pages)
{
	unsigned long i;

	pool_fd = memfd_create("sw-pages", 0);
	if (pool_fd < 0 || ftruncate(pool_fd, (off_t)nr_pages * PAGE_SIZE))
		return -ENOMEM;
	pool_base = mmap(NULL, nr_pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 pool_fd, 0);
	if (pool_base == MAP_FAILED)
		return -ENOMEM;
	pool_pages = calloc(nr_pages, sizeof(*pool_pages));
	if (!pool_pages)
		return -ENOMEM;
	pool_nr = nr_pages;
	INIT_LIST_HEAD(&free_list);
	for (i = 0; i < nr_pages; i++) {
		pool_pages[i].virtual = pool_base + i * PAGE_SIZE;
		list_add_tail(&pool_pages[i].lru, &free_list);
	}
	nr_free = nr_pages;

	swap_nr = nr_swap_pages;
	swap_base = NULL;
	if (nr_swap_pages) {
		swap_base = mmap(NULL, nr_swap_pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (swap_base == MAP_FAILED)
			return -ENOMEM;
	}
	swap_free_stack = calloc(nr_swap_pages + 1, sizeof(long));
	if (!swap_free_stack)
		return -ENOMEM;
	for (i = 0; i < nr_swap_pages; i++)
		swap_free_stack[i] = nr_swap_pages - 1 - i;
	swap_free_top = nr_swap_pages;
	nr_swap_free = nr_swap_pages;
	memset(&mm_stats, 0, sizeof(mm_stats));
	return 0;
}

/**
 * sw_mm_fini() - tear the pool down; report pages and swap slots still in use.
 *
 * Return: number of leaked pages plus leaked swap slots.
 */
long sw_mm_fini(void)
{
	long leaked = (long)(pool_nr - nr_free);
	long swap_leaked = (long)swap_nr - nr_swap_free;

	if (leaked)
		sw_report(SW_REPORT_LEAK, "%ld page(s) of %lu still allocated at teardown",
			  leaked, pool_nr);
	if (swap_leaked)
		sw_report(SW_REPORT_LEAK, "%ld swap slot(s) still in use at teardown",
			  swap_leaked);
	if (pool_base)
		munmap(pool_base, pool_nr * PAGE_SIZE);
	if (pool_fd >= 0)
		close(pool_fd);
	if (swap_base)
		munmap(swap_base, swap_nr * PAGE_SIZE);
	free(pool_pages);
	free(swap_free_stack);
	pool_base = NULL;
	pool_fd = -1;
	pool_pages = NULL;
	swap_base = NULL;
	swap_free_stack = NULL;
	pool_nr = nr_free = swap_nr = 0;
	nr_swap_free = 0;
	return leaked + swap_leaked;
}

/**
 * sw_mm_stats() - allocator and swap counters of the current world.
 * @stats: filled in.
 */
void sw_mm_stats(struct sw_mm_stats *stats)
{
	pthread_mutex_lock(&pool_lock);
	*stats = (struct sw_mm_stats) {
		.total_pages = pool_nr,
		.free_pages = nr_free,
		.allocs = mm_stats.allocs,
		.frees = mm_stats.frees,
	};
	pthread_mutex_unlock(&pool_lock);
	/* Counted without the locks. */
	stats->alloc_failures = __atomic_load_n(&mm_stats.alloc_failures, __ATOMIC_RELAXED);
	stats->swap_outs = __atomic_load_n(&mm_stats.swap_outs, __ATOMIC_RELAXED);
	stats->swap_ins = __atomic_load_n(&mm_stats.swap_ins, __ATOMIC_RELAXED);
	pthread_mutex_lock(&swap_lock);
	stats->swap_total = swap_nr;
	stats->swap_free = nr_swap_free;
	pthread_mutex_unlock(&swap_lock);
}

static struct page *take_free_page(void)
{
	struct page *page = NULL;

	pthread_mutex_lock(&pool_lock);
	if (!list_empty(&free_list)) {
		page = list_first_entry(&free_list, struct page, lru);
		list_del_init(&page->lru);
		nr_free--;
		mm_stats.allocs++;
		page->flags = PAGE_FLAG_ALLOCATED;
	}
	pthread_mutex_unlock(&pool_lock);
	return page;
}

/**
 * alloc_pages_noprof() - allocate one page; use alloc_page().
 * @gfp: GFP flags. With __GFP_DIRECT_RECLAIM, an empty pool triggers direct
 *       reclaim (the shrinkers) before giving up.
 * @order: must be 0 (shim: no higher-order pages).
 *
 * Return: the page (refcount 1), or NULL.
 */
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order)
{
	struct page *page;
	int tries = 0;

	if (WARN_ON_ONCE(order))
		return NULL;
	gfp = current_gfp_context(gfp);
	might_alloc(gfp);
	if (!(gfp & __GFP_NOFAIL) && sw_fault_should_fail(SW_FAULT_PAGES, NULL)) {
		__atomic_add_fetch(&mm_stats.alloc_failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}

	for (;;) {
		page = take_free_page();
		if (page)
			break;
		if (!(gfp & __GFP_DIRECT_RECLAIM) || (current->flags & PF_MEMALLOC))
			break;
		if (!try_to_free_pages_shim(gfp, 1) && tries >= 2 && !(gfp & __GFP_NOFAIL))
			break;
		if (++tries > 16 && !(gfp & __GFP_NOFAIL))
			break;
	}
	if (!page) {
		__atomic_add_fetch(&mm_stats.alloc_failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}

	atomic_set(&page->_refcount, 1);
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	if (gfp & __GFP_ZERO)
		memset(page->virtual, 0, PAGE_SIZE);
	return page;
}

/**
 * __free_pages() - drop a reference; the page returns to the pool at zero.
 * @page: the page.
 * @order: must be 0.
 */
void __free_pages(struct page *page, unsigned int order)
{
	put_page(page);
}

/**
 * get_zeroed_page() - allocate a zeroed page.
 * @gfp: GFP flags.
 *
 * Return: its address, or 0.
 */
unsigned long get_zeroed_page(gfp_t gfp)
{
	struct page *page = alloc_page(gfp | __GFP_ZERO);

	return page ? (unsigned long)page_address(page) : 0;
}

/**
 * get_page() - take a reference on an allocated page.
 * @page: the page.
 */
void get_page(struct page *page)
{
	WARN_ON(atomic_inc_return(&page->_refcount) <= 1);
}

/**
 * put_page() - drop a reference; the page is freed when it reaches zero.
 * @page: the page.
 */
void put_page(struct page *page)
{
	int ref = atomic_dec_return(&page->_refcount);

	if (WARN(ref < 0, "put_page() on a free page (pfn %#lx)\n", page_to_pfn(page)))
		return;
	if (ref)
		return;
	pthread_mutex_lock(&pool_lock);
	page->flags = 0;
	page->mapping = NULL;
	list_add(&page->lru, &free_list);
	nr_free++;
	mm_stats.frees++;
	pthread_mutex_unlock(&pool_lock);
}

/** set_page_dirty() - no-op in the shim (every page is written back). */
void set_page_dirty(struct page *page) { }

/** mark_page_accessed() - no-op in the shim (no page LRU). */
void mark_page_accessed(struct page *page) { }

/**
 * page_to_pfn() - page frame number of a pool page.
 * @page: the page.
 *
 * Return: the pfn (never 0).
 */
unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - pool_pages) + SHIM_PFN_BASE;
}

/**
 * pfn_valid() - is @pfn a frame of the pool?
 * @pfn: page frame number.
 *
 * Return: true if valid.
 */
bool pfn_valid(unsigned long pfn)
{
	return pfn >= SHIM_PFN_BASE && pfn - SHIM_PFN_BASE < pool_nr;
}

/**
 * pfn_to_page() - the page of a pfn.
 * @pfn: page frame number.
 *
 * Return: the page.
 */
struct page *pfn_to_page(unsigned long pfn)
{
	return &pool_pages[pfn - SHIM_PFN_BASE];
}

/**
 * sw_page_is_allocated() - is @page currently allocated (not in the pool)?
 * @page: the page.
 *
 * Return: true if allocated.
 */
bool sw_page_is_allocated(const struct page *page)
{
	return atomic_read(&page->_refcount) > 0;
}

/**
 * totalram_pages() - the memory budget.
 *
 * Return: pages in the pool.
 */
unsigned long totalram_pages(void)
{
	return pool_nr;
}

/**
 * get_nr_swap_pages() - free swap slots.
 *
 * Return: the count.
 */
long get_nr_swap_pages(void)
{
	return __atomic_load_n(&nr_swap_free, __ATOMIC_RELAXED);
}

/**
 * swap_alloc_slot_shim() - take a free swap slot.
 *
 * Return: the slot, or -1 when swap is full.
 */
long swap_alloc_slot_shim(void)
{
	long slot = -1;

	pthread_mutex_lock(&swap_lock);
	if (swap_free_top) {
		slot = swap_free_stack[--swap_free_top];
		__atomic_sub_fetch(&nr_swap_free, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&swap_lock);
	return slot;
}

/**
 * swap_free_slot_shim() - return a swap slot.
 * @slot: the slot.
 */
void swap_free_slot_shim(long slot)
{
	/* Give the memory back before the slot can be handed out again. */
	madvise(swap_base + slot * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED);
	pthread_mutex_lock(&swap_lock);
	swap_free_stack[swap_free_top++] = slot;
	__atomic_add_fetch(&nr_swap_free, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&swap_lock);
}

/**
 * swap_write_shim() - write a page's contents to a slot.
 * @slot: the slot.
 * @src: page contents.
 */
void swap_write_shim(long slot, const void *src)
{
	memcpy(swap_base + slot * PAGE_SIZE, src, PAGE_SIZE);
	__atomic_add_fetch(&mm_stats.swap_outs, 1, __ATOMIC_RELAXED);
}

/**
 * swap_read_shim() - read a slot back into a page.
 * @slot: the slot.
 * @dst: page contents.
 */
void swap_read_shim(long slot, void *dst)
{
	memcpy(dst, swap_base + slot * PAGE_SIZE, PAGE_SIZE);
	__atomic_add_fetch(&mm_stats.swap_ins, 1, __ATOMIC_RELAXED);
}

struct vmap_area_shim {
	struct list_head node;
	void *addr;
	unsigned long size;
};

static pthread_mutex_t vmap_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(vmap_areas);

/**
 * vmap() - map pages contiguously in the kernel address space.
 * @pages: the pages.
 * @count: how many.
 * @flags: VM_MAP.
 * @prot: protection (write-combine is recorded, not emulated).
 *
 * Return: the address, or NULL.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vmap_area_shim *va;
	unsigned int i;
	char *addr;

	might_sleep();
	if (sw_fault_op_fails("vmap", -ENOMEM))
		return NULL;
	va = malloc(sizeof(*va));
	if (!va)
		return NULL;
	addr = mmap(NULL, (size_t)count * PAGE_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (addr == MAP_FAILED) {
		free(va);
		return NULL;
	}
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(pages[i] - pool_pages) * PAGE_SIZE;

		if (mmap(addr + (size_t)i * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, pool_fd, off) == MAP_FAILED) {
			munmap(addr, (size_t)count * PAGE_SIZE);
			free(va);
			return NULL;
		}
	}
	va->addr = addr;
	va->size = (unsigned long)count * PAGE_SIZE;
	pthread_mutex_lock(&vmap_lock);
	list_add(&va->node, &vmap_areas);
	pthread_mutex_unlock(&vmap_lock);
	return addr;
}

/**
 * vunmap() - undo vmap(); WARNs on an address vmap() did not return.
 * @addr: the address, or NULL.
 */
void vunmap(const void *addr)
{
	struct vmap_area_shim *va, *found = NULL;

	if (!addr)
		return;
	pthread_mutex_lock(&vmap_lock);
	list_for_each_entry(va, &vmap_areas, node) {
		if (va->addr == addr) {
			found = va;
			list_del(&va->node);
			break;
		}
	}
	pthread_mutex_unlock(&vmap_lock);
	if (WARN(!found, "vunmap(%p): not a vmap() area\n", addr))
		return;
	munmap(found->addr, found->size);
	free(found);
}

/**
 * sw_vmap_live() - vmap() areas not yet vunmap()ed.
 *
 * Return: the count.
 */
long sw_vmap_live(void)
{
	long n;

	pthread_mutex_lock(&vmap_lock);
	n = (long)list_count_nodes(&vmap_areas);
	pthread_mutex_unlock(&vmap_lock);
	return n;
}
