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
#include <linux/mmzone.h>
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

/* WMARK_MIN, WMARK_LOW, WMARK_HIGH in pages; read without pool_lock. */
static unsigned long wmark[NR_WMARK];

/* alloc_flags of get_page_from_freelist() that the shim honours. */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_MASK	0x03
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_MIN_RESERVE	0x08	/* __GFP_HIGH: half the min reserve */
#define ALLOC_NON_BLOCK		0x10	/* cannot reclaim: a further quarter */
#define ALLOC_KSWAPD		0x20	/* __GFP_KSWAPD_RECLAIM */

#define MAX_RECLAIM_RETRIES	16

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
	sw_mm_set_watermarks(0, 0, 0);
	return 0;
}

/**
 * sw_mm_set_watermarks() - set the pool's min, low and high watermarks.
 * @min: pages kept free for PF_MEMALLOC and atomic allocations; 0 with
 *       @low and @high 0 for the kernel's defaults for this pool size.
 * @low: below it, allocations wake kswapd.
 * @high: kswapd reclaims until this many pages are free.
 *
 * The defaults are init_per_zone_wmark_min() and __setup_per_zone_wmarks()
 * on one zone: min_free_kbytes = sqrt(16 * KiB) within [128, 262144], and
 * low and high each a further max(min / 4, 0.1% of the pool) above it.
 *
 * Return: 0, or -EINVAL unless min <= low <= high < the pool size.
 */
int sw_mm_set_watermarks(unsigned long min, unsigned long low, unsigned long high)
{
	if (!min && !low && !high) {
		unsigned long kib = pool_nr * (PAGE_SIZE / 1024), min_kib, step;

		for (min_kib = 1; (min_kib + 1) * (min_kib + 1) <= kib * 16; min_kib++)
			;
		min_kib = clamp(min_kib, 128UL, 262144UL);
		min = min_kib / (PAGE_SIZE / 1024);
		step = max(min / 4, pool_nr * 10 / 10000);
		/* shim: a pool too small for the kernel's floor keeps 1/16 of itself. */
		if (min + 2 * step >= pool_nr / 2) {
			min = pool_nr / 16;
			step = min / 4;
		}
		low = min + step;
		high = low + step;
	}
	if (min > low || low > high || high >= pool_nr) {
		pr_err("sw_mm_set_watermarks: need min %lu <= low %lu <= high %lu < %lu pages\n",
		       min, low, high, pool_nr);
		return -EINVAL;
	}
	WRITE_ONCE(wmark[WMARK_MIN], min);
	WRITE_ONCE(wmark[WMARK_LOW], low);
	WRITE_ONCE(wmark[WMARK_HIGH], high);
	return 0;
}

/**
 * nr_free_pages() - free pages in the pool, read without its lock.
 *
 * Return: the count.
 */
unsigned long nr_free_pages(void)
{
	return READ_ONCE(nr_free);
}

/**
 * sw_mm_watermark_ok() - would @mark leave more than its pages free?
 * @mark: WMARK_MIN, WMARK_LOW or WMARK_HIGH.
 *
 * Return: true if more than that watermark's pages are free.
 */
bool sw_mm_watermark_ok(enum zone_watermarks mark)
{
	return nr_free_pages() > READ_ONCE(wmark[mark]);
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
		.wmark_min = wmark[WMARK_MIN],
		.wmark_low = wmark[WMARK_LOW],
		.wmark_high = wmark[WMARK_HIGH],
	};
	pthread_mutex_unlock(&pool_lock);
	/* Counted without the locks. */
	stats->alloc_failures = __atomic_load_n(&mm_stats.alloc_failures, __ATOMIC_RELAXED);
	stats->alloc_warnings = __atomic_load_n(&mm_stats.alloc_warnings, __ATOMIC_RELAXED);
	stats->oom_invocations = __atomic_load_n(&mm_stats.oom_invocations, __ATOMIC_RELAXED);
	stats->swap_outs = __atomic_load_n(&mm_stats.swap_outs, __ATOMIC_RELAXED);
	stats->swap_ins = __atomic_load_n(&mm_stats.swap_ins, __ATOMIC_RELAXED);
	pthread_mutex_lock(&swap_lock);
	stats->swap_total = swap_nr;
	stats->swap_free = nr_swap_free;
	pthread_mutex_unlock(&swap_lock);
}

/*
 * get_page_from_freelist() of one zone: take a page if more than the
 * watermark that @alloc_flags select would stay free (__zone_watermark_ok()).
 */
static struct page *take_free_page(unsigned int alloc_flags)
{
	unsigned long min = READ_ONCE(wmark[alloc_flags & ALLOC_WMARK_MASK]);
	struct page *page = NULL;

	if (alloc_flags & ALLOC_NO_WATERMARKS) {
		min = 0;
	} else if (alloc_flags & ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & ALLOC_NON_BLOCK)
			min -= min / 4;
	}

	pthread_mutex_lock(&pool_lock);
	/* The kernel's test is free <= min fails; with no watermark, free > 0. */
	if (nr_free > min && !list_empty(&free_list)) {
		page = list_first_entry(&free_list, struct page, lru);
		list_del_init(&page->lru);
		WRITE_ONCE(nr_free, nr_free - 1);
		mm_stats.allocs++;
		page->flags = PAGE_FLAG_ALLOCATED;
	}
	pthread_mutex_unlock(&pool_lock);
	return page;
}

/* gfp_to_alloc_flags() for order 0 without cpusets. */
static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_NON_BLOCK;
	return alloc_flags;
}

/* __gfp_pfmemalloc_flags(): may this allocation dip below the min watermark? */
static bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return false;
	if (gfp & __GFP_MEMALLOC)
		return true;
	return READ_ONCE(current->flags) & PF_MEMALLOC;
}

/* warn_alloc(): the kernel prints and dumps the stack, rate-limited. */
static void warn_alloc(gfp_t gfp)
{
	unsigned long n;

	if (gfp & __GFP_NOWARN)
		return;
	n = __atomic_add_fetch(&mm_stats.alloc_warnings, 1, __ATOMIC_RELAXED);
	if (n <= 10)
		pr_warn("%s: page allocation failure: order:0, mode:%#x, free %lu, min %lu\n",
			current->comm, gfp, nr_free_pages(), READ_ONCE(wmark[WMARK_MIN]));
}

/*
 * Where __alloc_pages_may_oom() would run: an order-0 request without
 * __GFP_RETRY_MAYFAIL or __GFP_NORETRY is too small to fail in the kernel,
 * which kills a process (or, without __GFP_FS, keeps retrying) instead.
 * The shim has no OOM killer: it counts and says so, and the request fails.
 */
static void oom_shim(gfp_t gfp)
{
	unsigned long n = __atomic_add_fetch(&mm_stats.oom_invocations, 1, __ATOMIC_RELAXED);

	if (n > 10)
		return;
	if (gfp & __GFP_FS)
		pr_warn("%s invoked oom-killer: gfp_mask=%#x, order=0 (shim: no OOM killer, "
			"the allocation fails)\n", current->comm, gfp);
	else
		pr_warn("%s: order-0 allocation without __GFP_FS would retry for good: "
			"gfp_mask=%#x (shim: the allocation fails)\n", current->comm, gfp);
}

/*
 * __alloc_pages_slow() for order 0: wake kswapd, try the min watermark (or
 * none under PF_MEMALLOC), then reclaim directly and retry while reclaim
 * makes progress, at most MAX_RECLAIM_RETRIES times without any.
 * shim: no OOM killer and no compaction (see oom_shim()).
 */
static struct page *alloc_pages_slow(gfp_t gfp)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	int no_progress_loops = 0;
	struct page *page;

	/*
	 * As 6.12, on entry and whatever __GFP_NOWARN says: __GFP_NOFAIL needs
	 * a context that can reclaim. The kernel then fails the first and
	 * loops on the second; the shim fails both rather than hang.
	 */
	if (gfp & __GFP_NOFAIL) {
		WARN_ON_ONCE(!can_direct_reclaim);
		WARN_ON_ONCE(READ_ONCE(current->flags) & PF_MEMALLOC);
	}

	if (alloc_flags & ALLOC_KSWAPD)
		wakeup_kswapd_shim(gfp);
	page = take_free_page(alloc_flags);
	if (page)
		return page;

	for (;;) {
		unsigned long progress;

		if (alloc_flags & ALLOC_KSWAPD)
			wakeup_kswapd_shim(gfp);
		if (gfp_pfmemalloc_allowed(gfp)) {
			page = take_free_page(alloc_flags | ALLOC_NO_WATERMARKS);
			if (page)
				return page;
		}
		if (!can_direct_reclaim)
			break;
		/* Reclaim itself must not recurse into reclaim. */
		if (READ_ONCE(current->flags) & PF_MEMALLOC)
			break;

		progress = try_to_free_pages_shim(gfp, SWAP_CLUSTER_MAX);
		page = take_free_page(alloc_flags);
		if (page)
			return page;
		if (gfp & __GFP_NORETRY)
			break;
		if (progress)
			no_progress_loops = 0;
		else if (++no_progress_loops > MAX_RECLAIM_RETRIES && !(gfp & __GFP_NOFAIL)) {
			if (!(gfp & __GFP_RETRY_MAYFAIL))
				oom_shim(gfp);
			break;
		}
		if (gfp & __GFP_NOFAIL)
			schedule();
	}
	warn_alloc(gfp);
	return NULL;
}

/**
 * alloc_pages_noprof() - allocate one page; use alloc_page().
 * @gfp: GFP flags: __GFP_KSWAPD_RECLAIM wakes kswapd below the low
 *       watermark, __GFP_DIRECT_RECLAIM lets the caller reclaim below min,
 *       __GFP_NORETRY gives up after one reclaim, __GFP_NOFAIL never gives up,
 *       __GFP_NOWARN keeps a failure quiet.
 * @order: must be 0 (shim: no higher-order pages).
 *
 * Return: the page (refcount 1), or NULL.
 */
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (WARN_ON_ONCE(order))
		return NULL;
	gfp = current_gfp_context(gfp);
	might_alloc(gfp);
	if (!(gfp & __GFP_NOFAIL) && sw_fault_should_fail(SW_FAULT_PAGES, NULL)) {
		__atomic_add_fetch(&mm_stats.alloc_failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}

	page = take_free_page(ALLOC_WMARK_LOW);
	if (!page)
		page = alloc_pages_slow(gfp);
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
	WRITE_ONCE(nr_free, nr_free + 1);
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
	/*
	 * The slot keeps its memory until it is reused (the store is freed at
	 * teardown): a madvise() per page made every swap-in a TLB shootdown.
	 */
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
	unsigned int i, n;
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
	/* One mapping per run of pages that follow each other in the pool. */
	for (i = 0; i < count; i += n) {
		off_t off = (off_t)(pages[i] - pool_pages) * PAGE_SIZE;

		for (n = 1; i + n < count && pages[i + n] == pages[i] + n; n++)
			;
		if (mmap(addr + (size_t)i * PAGE_SIZE, (size_t)n * PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, pool_fd,
			 off) == MAP_FAILED) {
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
