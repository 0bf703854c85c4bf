// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * printk and the kernel's printf format extensions (%pe, %pK, %ps, %pS, %pB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/err.h>
#include <linux/slab.h>

static const char *errname(long err)
{
	static const struct { int code; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENOMEM, "ENOMEM" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
		{ EDEADLK, "EDEADLK" }, { EAGAIN, "EAGAIN" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EALREADY, "EALREADY" }, { ENODEV, "ENODEV" }, { E2BIG, "E2BIG" },
		{ EOVERFLOW, "EOVERFLOW" }, { ERESTARTSYS, "ERESTARTSYS" },
		{ ENOTSUPP, "ENOTSUPP" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ECANCELED, "ECANCELED" }, { ENOEXEC, "ENOEXEC" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].code == -err)
			return names[i].name;
	return NULL;
}

static size_t put(char *buf, size_t size, size_t pos, const char *s, size_t len)
{
	if (pos < size) {
		size_t room = size - pos - 1;

		memcpy(buf + pos, s, len < room ? len : room);
		buf[pos + (len < room ? len : room)] = '\0';
	}
	return pos + len;
}

static size_t put_pointer(char *buf, size_t size, size_t pos, char ext, void *p)
{
	char tmp[KSYM_SYMBOL_LEN];
	int n;

	switch (ext) {
	case 'e': {
		const char *name = IS_ERR(p) ? errname(PTR_ERR(p)) : NULL;

		if (name)
			n = snprintf(tmp, sizeof(tmp), "-%s", name);
		else if (IS_ERR(p))
			n = snprintf(tmp, sizeof(tmp), "%ld", PTR_ERR(p));
		else
			n = snprintf(tmp, sizeof(tmp), "%p", p);
		break;
	}
	case 's':
		n = sprint_symbol_no_offset(tmp, (unsigned long)p);
		break;
	case 'S':
		n = sprint_symbol(tmp, (unsigned long)p);
		break;
	case 'B':
		n = sprint_backtrace(tmp, (unsigned long)p);
		break;
	default:
		n = snprintf(tmp, sizeof(tmp), "%p", p);
		break;
	}
	return put(buf, size, pos, tmp, n > 0 ? (size_t)n : 0);
}

/**
 * vsnprintf_kernel() - vsnprintf with the kernel's pointer extensions.
 * @buf: output.
 * @size: output size.
 * @fmt: format.
 * @args: arguments.
 *
 * Return: the length the full output would have.
 */
static size_t vsnprintf_kernel(char *buf, size_t size, const char *fmt, va_list args)
{
	size_t pos = 0;
	const char *p = fmt;

	if (size)
		buf[0] = '\0';

	while (*p) {
		const char *start = p;
		char spec[64], tmp[512];
		size_t len;
		int n = 0, lng = 0;
		bool star_w = false, star_p = false;
		int wv = 0, pv = 0;

		if (*p != '%') {
			while (*p && *p != '%')
				p++;
			pos = put(buf, size, pos, start, p - start);
			continue;
		}
		p++;
		if (*p == '%') {
			pos = put(buf, size, pos, "%", 1);
			p++;
			continue;
		}
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			star_w = true;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				star_p = true;
				p++;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		while (*p && strchr("hlzjtL", *p)) {
			if (*p == 'l' || *p == 'z' || *p == 'j' || *p == 't')
				lng++;
			p++;
		}
		if (!*p)
			break;
		len = p - start + 1;
		if (len >= sizeof(spec))
			len = sizeof(spec) - 1;
		memcpy(spec, start, len);
		spec[len] = '\0';
		if (star_w)
			wv = va_arg(args, int);
		if (star_p)
			pv = va_arg(args, int);

#define FMT1(val) do {							\
		if (star_w && star_p)					\
			n = snprintf(tmp, sizeof(tmp), spec, wv, pv, val); \
		else if (star_w)					\
			n = snprintf(tmp, sizeof(tmp), spec, wv, val);	\
		else if (star_p)					\
			n = snprintf(tmp, sizeof(tmp), spec, pv, val);	\
		else							\
			n = snprintf(tmp, sizeof(tmp), spec, val);	\
	} while (0)

		switch (*p) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
			if (lng >= 2)
				FMT1(va_arg(args, long long));
			else if (lng == 1)
				FMT1(va_arg(args, long));
			else
				FMT1(va_arg(args, int));
			break;
		case 'f': case 'g': case 'e': case 'G': case 'E':
			FMT1(va_arg(args, double));
			break;
		case 's': {
			const char *s = va_arg(args, const char *);

			FMT1(s ? s : "(null)");
			break;
		}
		case 'p': {
			void *ptr = va_arg(args, void *);
			char ext = p[1];

			if (ext && strchr("eKsSBxhb", ext)) {
				p++;
				pos = put_pointer(buf, size, pos, ext, ptr);
				p++;
				continue;
			}
			FMT1(ptr);
			break;
		}
		default:
			break;
		}
#undef FMT1
		if (n > 0)
			pos = put(buf, size, pos, tmp, (size_t)n < sizeof(tmp) ?
				  (size_t)n : sizeof(tmp) - 1);
		p++;
	}
	return pos;
}

/**
 * vscnprintf() - format into @buf, returning the characters written.
 * @buf: output.
 * @size: output size.
 * @fmt: kernel format.
 * @args: arguments.
 *
 * Return: characters written, excluding the terminating NUL.
 */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	size_t n;

	if (!size)
		return 0;
	n = vsnprintf_kernel(buf, size, fmt, args);
	return n >= size ? (int)size - 1 : (int)n;
}

/**
 * scnprintf() - format into @buf, returning the characters written.
 * @buf: output.
 * @size: output size.
 * @fmt: kernel format.
 *
 * Return: characters written, excluding the terminating NUL.
 */
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/**
 * kvasprintf() - allocate a formatted string.
 * @gfp: allocation flags.
 * @fmt: kernel format.
 * @args: arguments.
 *
 * Return: the string (kfree() it), or NULL.
 */
char *kvasprintf(gfp_t gfp, const char *fmt, va_list args)
{
	va_list aq;
	size_t len;
	char *s;

	va_copy(aq, args);
	len = vsnprintf_kernel(NULL, 0, fmt, aq);
	va_end(aq);
	s = kmalloc(len + 1, gfp);
	if (!s)
		return NULL;
	vsnprintf_kernel(s, len + 1, fmt, args);
	return s;
}

/**
 * kasprintf() - allocate a formatted string.
 * @gfp: allocation flags.
 * @fmt: kernel format.
 *
 * Return: the string (kfree() it), or NULL.
 */
char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return s;
}

static int printk_level(const char **fmt)
{
	int level = 4;

	while ((*fmt)[0] == '\001' && (*fmt)[1]) {
		if ((*fmt)[1] >= '0' && (*fmt)[1] <= '7')
			level = (*fmt)[1] - '0';
		*fmt += 2;
	}
	return level;
}

/**
 * vprintk() - print a kernel message to stderr.
 * @fmt: kernel format with an optional KERN_* prefix.
 * @args: arguments.
 *
 * Return: characters printed.
 */
int vprintk(const char *fmt, va_list args)
{
	static int debug = -1;
	char line[1024];
	int level = printk_level(&fmt);
	int n;
	int dbg = __atomic_load_n(&debug, __ATOMIC_RELAXED);

	/* Lazily, from any thread: every racer stores the same value. */
	if (dbg < 0) {
		dbg = getenv("SW_DEBUG") != NULL;
		__atomic_store_n(&debug, dbg, __ATOMIC_RELAXED);
	}
	if (level == 7 && !dbg)
		return 0;
	n = vscnprintf(line, sizeof(line), fmt, args);
	fputs(line, stderr);
	return n;
}

/**
 * printk() - print a kernel message to stderr.
 * @fmt: kernel format with an optional KERN_* prefix.
 *
 * Return: characters printed.
 */
int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
