/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slab allocators. shim: objects come from malloc with a header recording
 * the allocation site; fault injection can fail any of them (shrinkwrap/fault.h).
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/alloc_tag.h>

#define SLAB_HWCACHE_ALIGN	0x00002000U
#define SLAB_ACCOUNT		0x04000000U
#define SLAB_RECLAIM_ACCOUNT	0x00020000U
#define SLAB_PANIC		0x00040000U
#define SLAB_TYPESAFE_BY_RCU	0x00080000U

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

void *__kmalloc_noprof(size_t size, gfp_t flags);
void kfree(const void *objp);
size_t ksize(const void *objp);
void *krealloc_noprof(const void *p, size_t new_size, gfp_t flags);

#define kmalloc(...)		alloc_hooks(__kmalloc_noprof(__VA_ARGS__))
#define kzalloc(size, flags)	kmalloc(size, (flags) | __GFP_ZERO)
#define kmalloc_array(n, size, flags) ({				\
		size_t __bytes;						\
		check_mul_overflow((size_t)(n), (size_t)(size), &__bytes) ? \
			NULL : kmalloc(__bytes, flags); })
#define kcalloc(n, size, flags) kmalloc_array(n, size, (flags) | __GFP_ZERO)
#define krealloc(...)		alloc_hooks(krealloc_noprof(__VA_ARGS__))
#define kvmalloc(size, flags)	kmalloc(size, flags)
#define kvzalloc(size, flags)	kzalloc(size, flags)
#define kvmalloc_array(n, size, flags) kmalloc_array(n, size, flags)
#define kvcalloc(n, size, flags) kcalloc(n, size, flags)
#define kvfree(p)		kfree(p)
#define kfree_const(p)		kfree(p)

struct kmem_cache;

struct kmem_cache *__kmem_cache_create(const char *name, unsigned int size,
					  unsigned int align, unsigned int flags,
					  void (*ctor)(void *));
#define kmem_cache_create(name, size, align, flags, ctor) \
	__kmem_cache_create(name, size, align, flags, ctor)
#define KMEM_CACHE(__struct, __flags) \
	kmem_cache_create(#__struct, sizeof(struct __struct), \
			  __alignof__(struct __struct), (__flags), NULL)
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *objp);
int kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, gfp_t flags, size_t size, void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

#define kmem_cache_alloc(...)	alloc_hooks(kmem_cache_alloc_noprof(__VA_ARGS__))
#define kmem_cache_zalloc(s, flags) kmem_cache_alloc(s, (flags) | __GFP_ZERO)
#define kmem_cache_alloc_bulk(...) alloc_hooks(kmem_cache_alloc_bulk_noprof(__VA_ARGS__))

#endif
