// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Small pieces of lib/ and kernel/: kstrto*(), strings, refcount_t slow
 * paths, jiffies.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/refcount.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "internal.h"

static int parse_ull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long acc = 0;
	unsigned int digits = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		} else if (s[0] == '0') {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}

	for (; *s; s++, digits++) {
		unsigned int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			v = *s - 'A' + 10;
		else
			break;
		if (v >= base)
			break;
		if (acc > (ULLONG_MAX - v) / base)
			return -ERANGE;
		acc = acc * base + v;
	}
	if (!digits)
		return -EINVAL;
	/* One trailing newline is accepted, nothing else. */
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = acc;
	return 0;
}

/**
 * kstrtoull() - convert a string to an unsigned long long.
 * @s: string, optionally with a leading '+' and one trailing newline.
 * @base: 0 for auto-detection (0x, 0), else 2..16.
 * @res: result.
 *
 * Return: 0, -ERANGE on overflow, -EINVAL on a parse error.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return parse_ull(s, base, res);
}

/**
 * kstrtoll() - convert a string to a long long.
 * @s: string.
 * @base: base.
 * @res: result.
 *
 * Return: 0, -ERANGE, or -EINVAL.
 */
int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long tmp;
	int ret;

	if (s[0] == '-') {
		ret = parse_ull(s + 1, base, &tmp);
		if (ret < 0)
			return ret;
		if ((long long)-tmp > 0)
			return -ERANGE;
		*res = -tmp;
	} else {
		ret = kstrtoull(s, base, &tmp);
		if (ret < 0)
			return ret;
		if ((long long)tmp < 0)
			return -ERANGE;
		*res = tmp;
	}
	return 0;
}

#define KSTRTO_NARROW(name, type, wide, wfn, lo, hi)			\
int name(const char *s, unsigned int base, type *res)			\
{									\
	wide tmp;							\
	int ret = wfn(s, base, &tmp);					\
									\
	if (ret < 0)							\
		return ret;						\
	if (tmp > (wide)(hi) || tmp < (wide)(lo))			\
		return -ERANGE;						\
	*res = tmp;							\
	return 0;							\
}

#define KSTRTO_NARROW_U(name, type, hi)					\
int name(const char *s, unsigned int base, type *res)			\
{									\
	unsigned long long tmp;						\
	int ret = kstrtoull(s, base, &tmp);				\
									\
	if (ret < 0)							\
		return ret;						\
	if (tmp > (hi))							\
		return -ERANGE;						\
	*res = tmp;							\
	return 0;							\
}

/** kstrtoul() - see kstrtoull(). */
KSTRTO_NARROW_U(kstrtoul, unsigned long, ULONG_MAX)
/** kstrtol() - see kstrtoll(). */
KSTRTO_NARROW(kstrtol, long, long long, kstrtoll, LONG_MIN, LONG_MAX)
/** kstrtouint() - see kstrtoull(). */
KSTRTO_NARROW_U(kstrtouint, unsigned int, UINT_MAX)
/** kstrtoint() - see kstrtoll(). */
KSTRTO_NARROW(kstrtoint, int, long long, kstrtoll, INT_MIN, INT_MAX)
/** kstrtou64() - see kstrtoull(). */
KSTRTO_NARROW_U(kstrtou64, u64, ULLONG_MAX)

/**
 * kstrtobool() - parse a boolean: y/Y/1/on, n/N/0/off.
 * @s: string.
 * @res: result.
 *
 * Return: 0 or -EINVAL.
 */
int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/**
 * kstrdup() - duplicate a string with kmalloc().
 * @s: string (may be NULL).
 * @gfp: allocation flags.
 *
 * Return: the copy or NULL.
 */
char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	d = kmalloc(len, gfp);
	if (d)
		memcpy(d, s, len);
	return d;
}

/**
 * kstrndup() - duplicate at most @max characters of a string.
 * @s: string.
 * @max: limit.
 * @gfp: allocation flags.
 *
 * Return: the copy or NULL.
 */
char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	d = kmalloc(len + 1, gfp);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/**
 * strscpy() - copy a string into a sized buffer, always terminated.
 * @dst: destination.
 * @src: source.
 * @count: size of @dst.
 *
 * Return: characters copied, or -E2BIG if truncated.
 */
size_t strscpy(char *dst, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/**
 * str_true_false() - "true" or "false".
 * @v: value.
 *
 * Return: the string.
 */
const char *str_true_false(bool v)
{
	return v ? "true" : "false";
}

/**
 * str_yes_no() - "yes" or "no".
 * @v: value.
 *
 * Return: the string.
 */
const char *str_yes_no(bool v)
{
	return v ? "yes" : "no";
}

/**
 * refcount_warn_saturate() - WARN about a misused refcount and saturate it.
 * @r: the refcount.
 * @t: what went wrong.
 */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	refcount_set(r, REFCOUNT_SATURATED);

	switch (t) {
	case REFCOUNT_ADD_NOT_ZERO_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_UAF:
		WARN_ONCE(1, "refcount_t: addition on 0; use-after-free.\n");
		break;
	case REFCOUNT_SUB_UAF:
		WARN_ONCE(1, "refcount_t: underflow; use-after-free.\n");
		break;
	case REFCOUNT_DEC_LEAK:
		WARN_ONCE(1, "refcount_t: decrement hit 0; leaking memory.\n");
		break;
	default:
		WARN_ONCE(1, "refcount_t: unknown saturation event!?\n");
	}
}

/**
 * refcount_dec_not_one() - decrement unless the count is one.
 * @r: the refcount.
 *
 * Return: true if decremented, false if the count was one (unchanged) or
 * saturated. Underflow WARNs.
 */
bool refcount_dec_not_one(refcount_t *r)
{
	int val, new;

	val = atomic_read(&r->refs);
	do {
		if (unlikely(val == REFCOUNT_SATURATED))
			return true;
		if (val == 1)
			return false;
		new = val - 1;
		if (new > val) {
			WARN_ONCE(new > val, "refcount_t: underflow; use-after-free.\n");
			return true;
		}
	} while (!atomic_try_cmpxchg_release(&r->refs, &val, new));

	return true;
}

/**
 * refcount_dec_if_one() - decrement from one to zero, else do nothing.
 * @r: the refcount.
 *
 * Return: true if the count went from one to zero.
 */
bool refcount_dec_if_one(refcount_t *r)
{
	int val = 1;

	return atomic_try_cmpxchg_release(&r->refs, &val, 0);
}


static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * get_jiffies() - the jiffies counter, HZ ticks per second.
 *
 * Return: jiffies since the shim started, plus an offset so that
 * wrap-around bugs show up (the kernel starts 5 minutes before the wrap).
 */
unsigned long get_jiffies(void)
{
	return (unsigned long)(now_ns() / (1000000000ull / HZ)) +
	       (unsigned long)(-300 * HZ);
}

/**
 * msecs_to_jiffies() - convert milliseconds to jiffies, rounding up.
 * @m: milliseconds.
 *
 * Return: jiffies.
 */
unsigned long msecs_to_jiffies(const unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

/**
 * usecs_to_jiffies() - convert microseconds to jiffies, rounding up.
 * @u: microseconds.
 *
 * Return: jiffies.
 */
unsigned long usecs_to_jiffies(const unsigned int u)
{
	return ((unsigned long)u * HZ + 999999) / 1000000;
}

/**
 * jiffies_to_msecs() - convert jiffies to milliseconds.
 * @j: jiffies.
 *
 * Return: milliseconds.
 */
unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (1000 / HZ) * j;
}

/**
 * jiffies_to_usecs() - convert jiffies to microseconds.
 * @j: jiffies.
 *
 * Return: microseconds.
 */
unsigned int jiffies_to_usecs(const unsigned long j)
{
	return (1000000 / HZ) * j;
}

/**
 * realtime_deadline_shim() - a deadline for pthread's timed waits.
 * @ts: receives the CLOCK_REALTIME time @usecs from now.
 * @usecs: microseconds from now.
 */
void realtime_deadline_shim(struct timespec *ts, unsigned long usecs)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += usecs / 1000000;
	ts->tv_nsec += (long)(usecs % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}
