/* SPDX-License-Identifier: MIT */
#ifndef __DRM_PRIME_H__
#define __DRM_PRIME_H__

#include <linux/scatterlist.h>

struct drm_device;

struct sg_table *drm_prime_pages_to_sg(struct drm_device *dev, struct page **pages,
				       unsigned int nr_pages);

#endif
