/* SPDX-License-Identifier: MIT */
#ifndef DRM_PRINT_H_
#define DRM_PRINT_H_

#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/device.h>

struct drm_device;

struct drm_printer {
	void (*printfn)(struct drm_printer *p, const char *fmt, va_list args);
	void *arg;
	const char *prefix;
};

void drm_printf(struct drm_printer *p, const char *f, ...) __printf(2, 3);
void drm_puts(struct drm_printer *p, const char *str);

#define drm_printf_indent(printer, indent, fmt, ...) \
	drm_printf((printer), "%.*s" fmt, (indent), "\t\t\t\t\tX", ##__VA_ARGS__)

/* shim: messages name the device by dev_name() alone, not driver and device. */
#define drm_err(drm, fmt, ...) \
	pr_err("%s [drm] *ERROR* " fmt, dev_name((drm)->dev), ##__VA_ARGS__)
#define drm_warn(drm, fmt, ...) \
	pr_warn("%s [drm] " fmt, dev_name((drm)->dev), ##__VA_ARGS__)
#define drm_info(drm, fmt, ...) \
	pr_info("%s [drm] " fmt, dev_name((drm)->dev), ##__VA_ARGS__)
#define drm_dbg(drm, fmt, ...) \
	pr_debug("%s [drm] " fmt, dev_name((drm)->dev), ##__VA_ARGS__)
#define drm_dbg_kms(drm, fmt, ...) drm_dbg(drm, fmt, ##__VA_ARGS__)
#define drm_dbg_driver(drm, fmt, ...) drm_dbg(drm, fmt, ##__VA_ARGS__)

#define drm_WARN(drm, condition, format, arg...) \
	WARN(condition, "%s: [drm] " format, dev_name((drm)->dev), ##arg)
#define drm_WARN_ONCE(drm, condition, format, arg...) \
	WARN_ONCE(condition, "%s: [drm] " format, dev_name((drm)->dev), ##arg)
#define drm_WARN_ON(drm, x) \
	drm_WARN((drm), (x), "drm_WARN_ON(" #x ")")
#define drm_WARN_ON_ONCE(drm, x) \
	drm_WARN_ONCE((drm), (x), "drm_WARN_ON_ONCE(" #x ")")

#endif
