// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * kmalloc and kmem_cache over malloc. Each object carries a header naming
 * its allocation site; per-site counters give the leak report. No global
 * lock is taken on the allocation path (it would hide races from TSan).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/lockdep.h>
#include <shrinkwrap/fault.h>
#include <shrinkwrap/report.h>

#include "internal.h"

#define SLAB_MAGIC	0x5ab1f00du
#define SLAB_FREED	0xdeadf00du

struct slab_hdr {
	unsigned int		magic;
	unsigned int		align;
	size_t			size;
	struct alloc_tag	*tag;
	struct kmem_cache	*cache;
};

struct kmem_cache {
	char			*name;
	unsigned int		size;
	unsigned int		align;
	unsigned int		flags;
	void			(*ctor)(void *obj);
	long			live;
};

static __thread struct alloc_tag *cur_tag;
static pthread_mutex_t tags_lock = PTHREAD_MUTEX_INITIALIZER;
static struct alloc_tag *tags;
static struct alloc_tag untagged = { .file = "?", .func = "(untagged)" };

/**
 * alloc_tag_save() - make @tag the site of the allocations that follow.
 * @tag: the call site.
 *
 * Return: the previous site, for alloc_tag_restore().
 */
struct alloc_tag *alloc_tag_save(struct alloc_tag *tag)
{
	struct alloc_tag *old = cur_tag;

	/* The __sw_ helpers also show helgrind the acquire/release pair. */
	if (!__sw_load_acquire(&tag->registered)) {
		pthread_mutex_lock(&tags_lock);
		if (!tag->registered) {
			tag->next = tags;
			tags = tag;
			__sw_store_release(&tag->registered, 1);
		}
		pthread_mutex_unlock(&tags_lock);
	}
	cur_tag = tag;
	return old;
}

/**
 * alloc_tag_restore() - restore the site saved by alloc_tag_save().
 * @old: the previous site.
 */
void alloc_tag_restore(struct alloc_tag *old)
{
	cur_tag = old;
}

static struct alloc_tag *current_tag(void)
{
	return cur_tag ? cur_tag : &untagged;
}

/**
 * alloc_tag_current_shim() - the call site allocations are tagged with.
 *
 * Return: the site of the alloc_hooks() being run, or an "(untagged)" tag.
 */
struct alloc_tag *alloc_tag_current_shim(void)
{
	return current_tag();
}

static size_t hdr_room(unsigned int align)
{
	return align > sizeof(struct slab_hdr) ? align : sizeof(struct slab_hdr);
}

static struct slab_hdr *to_hdr(const void *p)
{
	return (struct slab_hdr *)p - 1;
}

static void *slab_alloc(size_t size, gfp_t flags, unsigned int align,
			struct kmem_cache *cache)
{
	struct alloc_tag *tag = current_tag();
	struct slab_hdr *hdr;
	size_t room;
	void *base;

	might_alloc(flags);
	__atomic_add_fetch(&tag->calls, 1, __ATOMIC_RELAXED);
	if (!(flags & __GFP_NOFAIL) && sw_fault_should_fail(SW_FAULT_KMALLOC, tag))
		return NULL;

	if (align < 16)
		align = 16;
	room = hdr_room(align);
	if (posix_memalign(&base, align, room + size))
		return NULL;
	hdr = (struct slab_hdr *)((char *)base + room) - 1;
	hdr->magic = SLAB_MAGIC;
	hdr->align = align;
	hdr->size = size;
	hdr->tag = tag;
	hdr->cache = cache;
	__atomic_add_fetch(&tag->live, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&tag->bytes, (long)size, __ATOMIC_RELAXED);
	/* Left uninitialised otherwise, so valgrind can flag reads of it. */
	if (flags & __GFP_ZERO)
		memset(hdr + 1, 0, size);
	return hdr + 1;
}

static void slab_free(const void *p, struct kmem_cache *cache)
{
	struct slab_hdr *hdr = to_hdr(p);

	if (hdr->magic != SLAB_MAGIC) {
		WARN(1, "kfree(%p): not a live slab object (%s)\n", p,
		     hdr->magic == SLAB_FREED ? "double free" : "bad pointer");
		return;
	}
	WARN(hdr->cache != cache, "object %p freed to the wrong cache\n", p);
	debug_check_no_locks_freed(p, hdr->size);
	__atomic_sub_fetch(&hdr->tag->live, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&hdr->tag->bytes, (long)hdr->size, __ATOMIC_RELAXED);
	hdr->magic = SLAB_FREED;
	memset((void *)p, POISON_FREE, hdr->size);
	free((char *)(hdr + 1) - hdr_room(hdr->align));
}

/**
 * __kmalloc_noprof() - allocate @size bytes; use kmalloc().
 * @size: bytes.
 * @flags: GFP flags (__GFP_ZERO honoured; reclaim-capable flags annotate
 *         fs_reclaim for lockdep).
 *
 * Return: the object, ZERO_SIZE_PTR for 0 bytes, or NULL.
 */
void *__kmalloc_noprof(size_t size, gfp_t flags)
{
	if (!size)
		return ZERO_SIZE_PTR;
	return slab_alloc(size, flags, 16, NULL);
}

/**
 * kfree() - free a kmalloc()ed object.
 * @objp: the object, NULL or ZERO_SIZE_PTR.
 */
void kfree(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	slab_free(objp, to_hdr(objp)->cache);
}

/**
 * ksize() - usable size of an object.
 * @objp: the object.
 *
 * Return: its size.
 */
size_t ksize(const void *objp)
{
	return ZERO_OR_NULL_PTR(objp) ? 0 : to_hdr(objp)->size;
}

/**
 * krealloc_noprof() - resize an object; use krealloc().
 * @p: object or NULL.
 * @new_size: new size.
 * @flags: GFP flags.
 *
 * Return: the new object (the old one is freed), or NULL (old one kept).
 */
void *krealloc_noprof(const void *p, size_t new_size, gfp_t flags)
{
	size_t old = ksize(p);
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	n = slab_alloc(new_size, flags & ~__GFP_ZERO, 16, NULL);
	if (!n)
		return NULL;
	if (old)
		memcpy(n, p, old < new_size ? old : new_size);
	if ((flags & __GFP_ZERO) && new_size > old)
		memset((char *)n + old, 0, new_size - old);
	kfree(p);
	return n;
}

/**
 * __kmem_cache_create() - create an object cache; use kmem_cache_create().
 * @name: cache name.
 * @size: object size.
 * @align: object alignment (0 for the default).
 * @flags: SLAB_* flags.
 * @ctor: constructor run on each new object, or NULL.
 *
 * Return: the cache or NULL.
 */
struct kmem_cache *__kmem_cache_create(const char *name, unsigned int size,
					  unsigned int align, unsigned int flags,
					  void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (sw_fault_op_fails("kmem_cache_create", -ENOMEM))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(name);
	s->size = size;
	s->align = align;
	s->flags = flags;
	s->ctor = ctor;
	return s;
}

/**
 * kmem_cache_destroy() - destroy a cache; WARNs if objects are still live.
 * @s: the cache or NULL.
 */
void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	WARN(__atomic_load_n(&s->live, __ATOMIC_RELAXED),
	     "kmem_cache_destroy %s: Slab cache still has objects\n", s->name);
	free(s->name);
	free(s);
}

/**
 * kmem_cache_alloc_noprof() - allocate an object; use kmem_cache_alloc().
 * @s: the cache.
 * @flags: GFP flags.
 *
 * Return: the object or NULL.
 */
void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags)
{
	void *p = slab_alloc(s->size, flags, s->align, s);

	if (p) {
		__atomic_add_fetch(&s->live, 1, __ATOMIC_RELAXED);
		if (s->ctor)
			s->ctor(p);
	}
	return p;
}

/**
 * kmem_cache_free() - free an object to its cache.
 * @s: the cache.
 * @objp: the object.
 */
void kmem_cache_free(struct kmem_cache *s, void *objp)
{
	if (!objp)
		return;
	__atomic_sub_fetch(&s->live, 1, __ATOMIC_RELAXED);
	slab_free(objp, s);
}

/**
 * kmem_cache_alloc_bulk_noprof() - allocate @size objects, all or none.
 * @s: the cache.
 * @flags: GFP flags.
 * @size: number of objects.
 * @p: array receiving them.
 *
 * Return: @size on success, 0 on failure (nothing allocated).
 */
int kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, gfp_t flags, size_t size, void **p)
{
	size_t i;

	for (i = 0; i < size; i++) {
		p[i] = kmem_cache_alloc_noprof(s, flags);
		if (!p[i]) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	return size;
}

/**
 * kmem_cache_free_bulk() - free @size objects.
 * @s: the cache.
 * @size: number of objects.
 * @p: the objects.
 */
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	size_t i;

	for (i = 0; i < size; i++)
		kmem_cache_free(s, p[i]);
}

/** sw_slab_mark_world() - snapshot live objects per site. */
void sw_slab_mark_world(void)
{
	struct alloc_tag *t;

	pthread_mutex_lock(&tags_lock);
	for (t = tags; t; t = t->next)
		t->base = __atomic_load_n(&t->live, __ATOMIC_RELAXED);
	untagged.base = __atomic_load_n(&untagged.live, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&tags_lock);
}

/**
 * sw_slab_report_leaks() - report sites with more live objects than at the
 * last sw_slab_mark_world().
 *
 * Return: number of leaked objects.
 */
long sw_slab_report_leaks(void)
{
	struct alloc_tag *t;
	long total = 0;

	pthread_mutex_lock(&tags_lock);
	for (t = tags; t; t = t->next) {
		long n = __atomic_load_n(&t->live, __ATOMIC_RELAXED) - t->base;

		if (n > 0) {
			total += n;
			sw_report(SW_REPORT_LEAK, "%ld object(s) leaked, allocated at %s:%d (%s)",
				  n, t->file, t->line, t->func);
			t->base += n;
		}
	}
	pthread_mutex_unlock(&tags_lock);
	return total;
}

/**
 * sw_slab_live() - objects currently allocated through the shim.
 *
 * Return: the count.
 */
long sw_slab_live(void)
{
	struct alloc_tag *t;
	long total = untagged.live;

	pthread_mutex_lock(&tags_lock);
	for (t = tags; t; t = t->next)
		total += __atomic_load_n(&t->live, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&tags_lock);
	return total;
}
