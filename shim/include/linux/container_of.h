/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_CONTAINER_OF_H
#define _LINUX_CONTAINER_OF_H

#include <linux/stddef.h>
#include <linux/compiler.h>

#define container_of(ptr, type, member) ({				\
		void *__mptr = (void *)(ptr);				\
		((type *)(__mptr - offsetof(type, member))); })

#define container_of_const(ptr, type, member)				\
	_Generic(ptr,							\
		const typeof(*(ptr)) *: ((const type *)container_of(ptr, type, member)), \
		default: ((type *)container_of(ptr, type, member)))

#endif
