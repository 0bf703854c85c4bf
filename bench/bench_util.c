// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Shared benchmark plumbing; see bench_util.h.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/dma-resv.h>
#include <drm/drm_gem.h>
#include <drm/drm_exec.h>

#include "bench_util.h"

static void usage(const char *prog, const char *what, FILE *f)
{
	fprintf(f, "%s: %s\n"
		"usage: %s [--quick] [--out DIR]\n"
		"  --quick    tiny sizes, seconds: a smoke test, not figures\n"
		"  --out DIR  CSV output directory (default: bench-out next to the\n"
		"             build's bench/ directory, e.g. build/release/bench-out)\n",
		prog, what, prog);
}

/**
 * bench_parse() - parse the options every benchmark takes.
 * @argc: argument count.
 * @argv: arguments.
 * @what: one-line description for --help.
 * @o: filled in.
 *
 * Return: 0 to run, -1 after --help (exit 0), 1 on a bad option.
 */
int bench_parse(int argc, char **argv, const char *what, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char exe[4096];
	ssize_t len;
	int c;

	memset(o, 0, sizeof(*o));
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = 0;
		snprintf(o->out_dir, sizeof(o->out_dir), "%s/../bench-out", dirname(exe));
	} else {
		snprintf(o->out_dir, sizeof(o->out_dir), "bench-out");
	}

	while ((c = getopt_long(argc, argv, "qo:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			o->quick = true;
			break;
		case 'o':
			if (strlen(optarg) >= sizeof(o->out_dir)) {
				fprintf(stderr, "%s: --out %s: path too long\n", argv[0], optarg);
				return 1;
			}
			snprintf(o->out_dir, sizeof(o->out_dir), "%s", optarg);
			break;
		case 'h':
			usage(argv[0], what, stdout);
			return -1;
		default:
			usage(argv[0], what, stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(argv[0], what, stderr);
		return 1;
	}
	return 0;
}

double bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

FILE *bench_csv_open(const struct bench_opts *o, const char *name, const char *header)
{
	char path[4200];
	FILE *f;

	if (mkdir(o->out_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "bench: mkdir %s: %s\n", o->out_dir, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s.csv", o->out_dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	fprintf(f, "%s\n", header);
	return f;
}

int bench_csv_close(FILE *f, const struct bench_opts *o, const char *name)
{
	if (fclose(f)) {
		fprintf(stderr, "bench: writing %s/%s.csv: %s\n", o->out_dir, name,
			strerror(errno));
		return 1;
	}
	printf("(CSV: %s/%s.csv)\n", o->out_dir, name);
	return 0;
}

/* The object array's mapping: whole 2 MiB huge pages. */
static size_t objs_bytes(long n)
{
	return ALIGN(n * sizeof(struct drm_gem_object), SZ_2M);
}

/*
 * The objects live in transparent huge pages where the kernel allows it:
 * the kernel's slab objects sit in its direct map, mapped with huge pages,
 * so a walk over them pays cache misses but few TLB misses; 4 KiB pages
 * here would add a page walk per object (two-level under a hypervisor).
 */
struct drm_gem_object *bench_objs_create(struct drm_device *dev, long n)
{
	struct drm_gem_object *objs;

	objs = mmap(NULL, objs_bytes(n), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (objs == MAP_FAILED) {
		fprintf(stderr, "bench: no memory for %ld GEM objects\n", n);
		return NULL;
	}
	madvise(objs, objs_bytes(n), MADV_HUGEPAGE);
	for (long i = 0; i < n; i++)
		drm_gem_private_object_init(dev, &objs[i], PAGE_SIZE);
	return objs;
}

void bench_objs_destroy(struct drm_gem_object *objs, long n)
{
	for (long i = 0; i < n; i++) {
		drm_gem_lru_remove(&objs[i]);
		drm_gem_private_object_fini(&objs[i]);
	}
	munmap(objs, objs_bytes(n));
}

static void *hold_resvs(void *arg)
{
	struct bench_holder *h = arg;
	struct drm_exec exec;
	int ret = 0;

	/* As a submit would: all of them under one acquire context. */
	drm_exec_init(&exec, 0, h->n);
	drm_exec_until_all_locked(&exec) {
		for (long i = 0; i < h->n && !ret; i++)
			ret = drm_exec_lock_obj(&exec, h->objs[i]);
		drm_exec_retry_on_contention(&exec);
	}
	h->ret = ret;
	pthread_barrier_wait(&h->held);
	pthread_barrier_wait(&h->done);
	drm_exec_fini(&exec);
	return NULL;
}

int bench_hold_start(struct bench_holder *h, struct drm_gem_object **objs, long n)
{
	h->objs = objs;
	h->n = n;
	h->ret = 0;
	pthread_barrier_init(&h->held, NULL, 2);
	pthread_barrier_init(&h->done, NULL, 2);
	if (pthread_create(&h->thread, NULL, hold_resvs, h)) {
		fprintf(stderr, "bench: cannot start the resv holder thread\n");
		return -EAGAIN;
	}
	pthread_barrier_wait(&h->held);
	if (h->ret)
		fprintf(stderr, "bench: holding %ld resvs: %d\n", n, h->ret);
	return h->ret;
}

void bench_hold_stop(struct bench_holder *h)
{
	pthread_barrier_wait(&h->done);
	pthread_join(h->thread, NULL);
	pthread_barrier_destroy(&h->held);
	pthread_barrier_destroy(&h->done);
}
