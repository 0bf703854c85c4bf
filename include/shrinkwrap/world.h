/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: build a world (memory and swap budget, a panthor
 * device), processes with DRM files, BOs, CPU mappings that go through the
 * fault path, and memory pressure; then inspect the driver's own state.
 *
 * One world exists at a time. sw_world_destroy() frees what the test left
 * and checks that nothing leaked and no report was raised unexpectedly.
 */
#ifndef SHRINKWRAP_WORLD_H
#define SHRINKWRAP_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <shrinkwrap/report.h>
#include <shrinkwrap/fault.h>

struct page;
struct device;
struct panthor_device;
struct panthor_gem_object;
struct vm_area_struct;
struct mm_struct;

struct sw_world_config {
	unsigned long mem_pages;	/* page budget (default 4096 = 16 MiB) */
	unsigned long swap_pages;	/* swap slots (default 8192) */
	bool coherent;			/* CPU/GPU coherent device (default false) */
};

struct dma_fence;
struct panthor_vm;

struct sw_world;
struct sw_proc;
struct sw_file;
struct sw_bo;
struct sw_map;
struct sw_vm;

/**
 * sw_world_create() - a fresh world: reports, lockdep, fault injection and
 * allocators reset, a panthor device with its shrinker registered.
 * @cfg: configuration, or NULL for the defaults.
 *
 * Return: the world, or NULL (with a message) on failure.
 */
struct sw_world *sw_world_create(const struct sw_world_config *cfg);

/**
 * sw_world_destroy() - free everything left in @w, unplug the device, and
 * check the world ended clean.
 * @w: the world.
 *
 * Return: number of problems found (unexpected reports of any kind,
 * leaked objects, pages, swap slots, VMAs, vmaps), each already printed.
 */
int sw_world_destroy(struct sw_world *w);

struct panthor_device *sw_world_device(struct sw_world *w);
struct sw_world *sw_world_current(void);

/* Processes: a TGID, a comm, capabilities and an address space. */
struct sw_proc *sw_proc_create(struct sw_world *w, const char *comm,
			       unsigned long long caps);
pid_t sw_proc_tgid(struct sw_proc *p);
/** sw_proc_enter() - the calling thread now acts as a thread of @p. */
void sw_proc_enter(struct sw_proc *p);

/* DRM files: BOs are created through one. */
struct sw_file *sw_file_open(struct sw_proc *p);
void sw_file_close(struct sw_file *f);

/* BOs: a handle holds one GEM reference. */
struct sw_bo *sw_bo_create(struct sw_file *f, size_t size, unsigned int flags);
int sw_bo_create_err(struct sw_file *f, size_t size, unsigned int flags, struct sw_bo **out);
void sw_bo_close(struct sw_bo *bo);
struct panthor_gem_object *sw_bo_obj(struct sw_bo *bo);
size_t sw_bo_size(struct sw_bo *bo);
int sw_bo_vmap(struct sw_bo *bo, void **vaddr);
void sw_bo_vunmap(struct sw_bo *bo, void *vaddr);

/* CPU mappings of BOs in a process's address space. */
enum sw_map_flags {
	SW_MAP_PRIVATE = 1 << 0,	/* a COW mapping (must be refused) */
};
int sw_mmap(struct sw_proc *p, struct sw_bo *bo, unsigned int flags, struct sw_map **out);
/** sw_mmap_dup() - copy a mapping as fork() does (vm_ops->open). */
int sw_mmap_dup(struct sw_map *m, struct sw_proc *child, struct sw_map **out);
void sw_munmap(struct sw_map *m);

enum sw_fault_mode {
	SW_FAULT_RETRY,		/* the core default: retry allowed, mmap_lock may drop */
	SW_FAULT_NORETRY,	/* no retry: the handler populates with mmap_lock held */
	SW_FAULT_RETRY_NOWAIT,	/* retry allowed but no waiting (GUP-like) */
};

/**
 * sw_cpu_access() - CPU reads or writes through a mapping, faulting pages
 * in through the driver's fault handler as the MM core would.
 * @m: the mapping.
 * @offset: byte offset in the mapping.
 * @buf: data.
 * @len: bytes.
 * @write: true to write @buf, false to read into it.
 * @mode: how faults are raised.
 *
 * Return: 0, or -EFAULT if a fault returned SIGBUS/an error.
 */
int sw_cpu_access(struct sw_map *m, size_t offset, void *buf, size_t len, bool write,
		  enum sw_fault_mode mode);
int sw_cpu_write(struct sw_map *m, size_t offset, const void *buf, size_t len);
int sw_cpu_read(struct sw_map *m, size_t offset, void *buf, size_t len);
/** sw_map_present_pages() - pages of @m with a PTE. */
unsigned long sw_map_present_pages(struct sw_map *m);
/** sw_map_pfn() - the pfn of @m's PTE for page @idx (0: not present). */
unsigned long sw_map_pfn(struct sw_map *m, unsigned long idx);
struct vm_area_struct *sw_map_vma(struct sw_map *m);
struct sw_proc *sw_map_proc(struct sw_map *m);
struct mm_struct *sw_proc_mm(struct sw_proc *p);
/** sw_map_faults() - calls of the fault handler through @m. */
unsigned long sw_map_faults(struct sw_map *m);

/*
 * GPU VMs of a DRM file, VM_BIND (synchronous), and GPU jobs that run on
 * the world's mock GPU thread, reading and writing memory through the VM's
 * page tables.
 */
int sw_vm_create_err(struct sw_file *f, struct sw_vm **out);
struct sw_vm *sw_vm_create(struct sw_file *f);
/** sw_vm_destroy() - what closing the VM does: unmap everything, drop it. */
void sw_vm_destroy(struct sw_vm *vm);
struct panthor_vm *sw_vm_obj(struct sw_vm *vm);
/** sw_bo_create_private() - a BO only @vm may map; it shares the VM's resv. */
struct sw_bo *sw_bo_create_private(struct sw_file *f, struct sw_vm *vm, size_t size,
				  unsigned int flags);
/** sw_vm_bind() - map @size bytes of @bo at @bo_offset to @va (DRM_PANTHOR_VM_BIND_OP_MAP_*). */
int sw_vm_bind(struct sw_vm *vm, struct sw_bo *bo, uint64_t bo_offset, uint64_t size,
	       uint64_t va, unsigned int flags);
int sw_vm_unbind(struct sw_vm *vm, uint64_t va, uint64_t size);
/** sw_vm_validate() - lock, swap in and remap, as a submission does, without a job. */
int sw_vm_validate(struct sw_vm *vm);
/** sw_vm_mapped_pages() - pages of [@va, @va + @size) with a live PTE. */
unsigned long sw_vm_mapped_pages(struct sw_vm *vm, uint64_t va, uint64_t size);

/* One GPU memory access of a job. */
struct sw_gpu_access {
	uint64_t va;
	size_t len;
	const void *write;	/* bytes the GPU writes at @va, or NULL */
	const void *expect;	/* bytes the GPU must read at @va, or NULL */
};

/**
 * sw_submit() - submit a job of @vm doing @acc in order, as the driver
 * does: lock the VM and its BOs, validate (swap in, remap), add the job's
 * fence (BOOKKEEP) to every resv, mark the VM active, queue the job.
 * @vm: the VM.
 * @acc: accesses (copied).
 * @n: number of accesses.
 * @delay_us: time the job spends on the GPU before its accesses.
 * @fence: if not NULL, receives a reference to the job's fence.
 *
 * Return: 0, or the submit error (the job is then not queued). The job's
 * own result is its fence error: -EFAULT for a GPU page fault, -EIO for
 * data that did not match @expect.
 */
int sw_submit(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n,
	      unsigned int delay_us, struct dma_fence **fence);
/** sw_submit_wait() - sw_submit() and wait: 0, the submit error, or the job's. */
int sw_submit_wait(struct sw_vm *vm, const struct sw_gpu_access *acc, unsigned int n);
/** sw_fence_wait() - wait for a fence and drop it; returns its error. */
int sw_fence_wait(struct dma_fence *fence);
/** sw_gpu_idle() - wait until every queued job has run. */
void sw_gpu_idle(struct sw_world *w);
struct sw_gpu_stats {
	unsigned long jobs, faults, mismatches;
};
void sw_gpu_stats(struct sw_world *w, struct sw_gpu_stats *st);

/**
 * sw_check_invariants() - check every reclaim invariant (DESIGN.md, Tests)
 * at a quiescent point.
 * @w: the world.
 *
 * Return: violations found, each printed.
 */
int sw_check_invariants(struct sw_world *w);

/* Memory pressure. */
unsigned long sw_shrinker_count(struct sw_world *w, unsigned int gfp);
unsigned long sw_shrinker_scan(struct sw_world *w, unsigned long nr_to_scan,
			       unsigned int gfp);
/** sw_reclaim() - direct reclaim: shrink_slab() at rising priority. */
unsigned long sw_reclaim(unsigned int gfp, unsigned long nr_pages);
struct sw_reclaim_stats {
	unsigned long counts, scans, stops, freed, direct_reclaims;
};
void sw_reclaim_stats(struct sw_reclaim_stats *stats);
void sw_reclaim_stats_reset(void);
long sw_shrinkers_registered(void);

/* Memory accounting. */
struct sw_mm_stats {
	unsigned long total_pages, free_pages, allocs, frees, alloc_failures;
	unsigned long swap_total, swap_free, swap_outs, swap_ins;
};
void sw_mm_stats(struct sw_mm_stats *stats);
int sw_mm_init(unsigned long nr_pages, unsigned long nr_swap_pages);
long sw_mm_fini(void);
bool sw_page_is_allocated(const struct page *page);
long sw_vmap_live(void);

/* debugfs and sysfs, as read(2)/write(2) would reach them. */
ssize_t sw_debugfs_read(const char *path, char *buf, size_t len);
ssize_t sw_debugfs_write(const char *path, const char *str);
ssize_t sw_sysfs_write(struct device *dev, const char *name, const char *str);
ssize_t sw_sysfs_read(struct device *dev, const char *name, char *buf);

/* Task identity of the calling thread. */
void sw_task_set(pid_t tgid, const char *comm, unsigned long long caps);
void sw_task_signal(int pending);
/** sw_task_set_kswapd() - mark the calling thread as kswapd (or not). */
void sw_task_set_kswapd(bool kswapd);

/* shim-internal, for the world: */
void dma_resv_lockdep_prime_shim(void);

#endif
