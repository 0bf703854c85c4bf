/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation tags: every allocation is accounted to the call site that made
 * it (the kernel's CONFIG_MEM_ALLOC_PROFILING model), which gives per-site
 * counts, the leak report and per-site fault injection.
 */
#ifndef _LINUX_ALLOC_TAG_H
#define _LINUX_ALLOC_TAG_H

struct alloc_tag {
	const char	*file;
	const char	*func;
	int		line;
	unsigned int	registered;
	long		live;		/* objects still allocated */
	long		bytes;		/* bytes still allocated */
	unsigned long	calls;		/* allocation attempts */
	long		base;		/* live objects when the world started */
	struct alloc_tag *next;
};

struct alloc_tag *alloc_tag_save(struct alloc_tag *tag);
void alloc_tag_restore(struct alloc_tag *old);

#define alloc_hooks(_do_alloc) ({					\
		static struct alloc_tag __alloc_tag = {			\
			.file = __FILE__, .func = __func__, .line = __LINE__ \
		};							\
		struct alloc_tag *__old = alloc_tag_save(&__alloc_tag);	\
		typeof(_do_alloc) __res = _do_alloc;			\
		alloc_tag_restore(__old);				\
		__res; })

#endif
