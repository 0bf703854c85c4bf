/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/err.h>

#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL
#define VM_IO		0x00004000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_DONTDUMP	0x04000000UL
#define VM_MIXEDMAP	0x10000000UL

#define VM_FAULT_OOM		((vm_fault_t)0x000001)
#define VM_FAULT_SIGBUS		((vm_fault_t)0x000002)
#define VM_FAULT_MAJOR		((vm_fault_t)0x000004)
#define VM_FAULT_HWPOISON	((vm_fault_t)0x000010)
#define VM_FAULT_SIGSEGV	((vm_fault_t)0x000040)
#define VM_FAULT_NOPAGE		((vm_fault_t)0x000100)
#define VM_FAULT_LOCKED		((vm_fault_t)0x000200)
#define VM_FAULT_RETRY		((vm_fault_t)0x000400)
#define VM_FAULT_FALLBACK	((vm_fault_t)0x000800)
#define VM_FAULT_DONE_COW	((vm_fault_t)0x001000)
#define VM_FAULT_NEEDDSYNC	((vm_fault_t)0x002000)
#define VM_FAULT_COMPLETED	((vm_fault_t)0x004000)
#define VM_FAULT_ERROR	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | \
			 VM_FAULT_HWPOISON | VM_FAULT_FALLBACK)

enum fault_flag {
	FAULT_FLAG_WRITE =		1 << 0,
	FAULT_FLAG_MKWRITE =		1 << 1,
	FAULT_FLAG_ALLOW_RETRY =	1 << 2,
	FAULT_FLAG_RETRY_NOWAIT =	1 << 3,
	FAULT_FLAG_KILLABLE =		1 << 4,
	FAULT_FLAG_TRIED =		1 << 5,
	FAULT_FLAG_USER =		1 << 6,
	FAULT_FLAG_REMOTE =		1 << 7,
	FAULT_FLAG_INSTRUCTION =	1 << 8,
	FAULT_FLAG_INTERRUPTIBLE =	1 << 9,
};

typedef struct { unsigned long pmd; } pmd_t;

struct vm_fault {
	struct vm_area_struct	*vma;
	gfp_t			gfp_mask;
	pgoff_t			pgoff;
	unsigned long		address;
	unsigned long		real_address;
	enum fault_flag		flags;
	pmd_t			*pmd;
	struct page		*page;
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *area);
	void (*close)(struct vm_area_struct *area);
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
};

static inline bool fault_flag_allow_retry_first(enum fault_flag flags)
{
	return (flags & FAULT_FLAG_ALLOW_RETRY) && !(flags & FAULT_FLAG_TRIED);
}

static inline bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}

static inline pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	return (pgprot_t){ vm_flags & (VM_READ | VM_WRITE | VM_EXEC) };
}

#define PAGE_KERNEL		((pgprot_t){ VM_READ | VM_WRITE })
#define _PAGE_SHIM_WC		0x100000UL
#define pgprot_writecombine(p)	((pgprot_t){ (p).pgprot | _PAGE_SHIM_WC })
#define pgprot_val(p)		((p).pgprot)

/* shim: pfns start above zero so that a zero PTE means "not present". */
#define SHIM_PFN_BASE		0x100UL

unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
bool pfn_valid(unsigned long pfn);

static inline void *page_address(const struct page *page)
{
	return page->virtual;
}

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

void get_page(struct page *page);
void put_page(struct page *page);
void set_page_dirty(struct page *page);
void mark_page_accessed(struct page *page);

vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn);
vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr,
			   struct page *page);

/* The i_mmap interval tree: VMAs keyed by [vm_pgoff, vm_pgoff + pages - 1]. */
void vma_interval_tree_insert(struct vm_area_struct *node, struct rb_root_cached *root);
void vma_interval_tree_remove(struct vm_area_struct *node, struct rb_root_cached *root);
struct vm_area_struct *vma_interval_tree_iter_first(struct rb_root_cached *root,
						    unsigned long start, unsigned long last);
struct vm_area_struct *vma_interval_tree_iter_next(struct vm_area_struct *node,
						   unsigned long start, unsigned long last);

/* Every VMA of @root overlapping page offsets [@start, @last], in vm_pgoff order. */
#define vma_interval_tree_foreach(vma, root, start, last)			\
	for (vma = vma_interval_tree_iter_first(root, start, last);		\
	     vma; vma = vma_interval_tree_iter_next(vma, start, last))

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

struct address_space;
void unmap_mapping_range(struct address_space *mapping, loff_t const holebegin,
			 loff_t const holelen, int even_cows);

unsigned long totalram_pages(void);

#endif
