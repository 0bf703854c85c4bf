// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * shrinkwrap workload simulator.
 *
 * A few processes own BOs of mixed sizes, mmap them and touch them with
 * the CPU on a memory budget smaller than their working set. Each process
 * also has a GPU VM: some of its BOs are bound there (some private to the
 * VM, some also bound in the next process's VM, so shared) and are touched
 * by GPU jobs as often as by the CPU. Every page allocation that finds no
 * free page runs direct reclaim, so the panthor shrinker evicts BOs to
 * swap, tearing down their GPU mappings too; later CPU touches fault them
 * back in, and submits validate the VM and map them again. The simulator
 * checks that every byte written is read back, by the CPU and by the GPU,
 * and prints what was allocated, reclaimed per LRU, swapped back in, and
 * how many scans ran.
 *
 * With --mount DIR the driver's sysfs and debugfs files are served over
 * FUSE at DIR (DIR/sys/bus/platform/drivers/panthor/sw-panthor/mem_reclaim,
 * DIR/sys/kernel/debug/dri/0/gems, ...) while the workload runs, and after
 * it until SIGINT or SIGTERM, so a person can cat gems and echo a process's
 * TGID (printed at start) into mem_reclaim or mem_claim.
 *
 * Usage: see usage() or --help.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/mm.h>

#include <shrinkwrap/fuse.h>
#include <shrinkwrap/world.h>
#include <shrinkwrap/proc.h>
#include <shrinkwrap/bo.h>
#include <shrinkwrap/mmap.h>
#include <shrinkwrap/vm.h>
#include <shrinkwrap/submit.h>
#include <shrinkwrap/pressure.h>
#include <shrinkwrap/invariants.h>
#include <shrinkwrap/introspect.h>
#include <shrinkwrap/report.h>
#include <shrinkwrap/fault.h>
#include <drm/panthor_drm.h>

#include "panthor_device.h"
#include "panthor_gem.h"

struct sim_bo {
	struct sw_bo *bo;
	struct sw_map *map;
	struct sw_proc *proc;
	struct sw_vm *vm;		/* VM it is bound in at va, or NULL */
	uint64_t va;
	unsigned int gen;		/* latest generation written, 0: never written */
	unsigned int *page_gen;		/* generation each page holds */
	enum panthor_gem_reclaim_state last_state;
	bool resident;
};

struct opts {
	int procs, bos, rounds, gpu_percent;
	unsigned long mem_pages, swap_pages, seed;
	bool quiet, no_kswapd;
	const char *mount_dir;
	bool grant_sys_resource;
};

/* Set by SIGINT/SIGTERM: stop the workload, or stop serving the mount. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static unsigned long long rng;

static unsigned long next_rand(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned long)(rng >> 33);
}

static const char *const state_name[] = {
	"unused", "mmapped", "gpu-private", "gpu-shared", "unreclaimable",
};

static unsigned long evicted_from[PANTHOR_GEM_UNRECLAIMABLE + 1];
static unsigned long evicted_pages_from[PANTHOR_GEM_UNRECLAIMABLE + 1];

/* Per process: BOs, and how often its BOs were evicted and came back. */
struct sim_proc_stats {
	unsigned long bos, bytes, evictions, evicted_pages, swapins;
};

static struct sim_proc_stats *proc_stats;
static struct sim_bo *sim_bos;
static int bos_per_proc;

/* Attribute evictions to the LRU each BO was on before the last operation. */
static void account(struct sim_bo *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct panthor_gem_object *obj = sw_bo_obj(b[i].bo);
		bool resident = READ_ONCE(obj->backing.pages) != NULL;
		struct sim_proc_stats *ps = &proc_stats[i / bos_per_proc];

		if (b[i].resident && !resident) {
			evicted_from[b[i].last_state]++;
			evicted_pages_from[b[i].last_state] += obj->base.size >> PAGE_SHIFT;
			ps->evictions++;
			ps->evicted_pages += obj->base.size >> PAGE_SHIFT;
		} else if (!b[i].resident && resident && b[i].gen) {
			ps->swapins++;
		}
		b[i].resident = resident;
		/* kswapd may be evicting it right now. */
		b[i].last_state = READ_ONCE(obj->reclaim_state);
	}
}

/* Word i of a BO written with generation gen holds gen * 2654435761 ^ i. */
static void pattern(unsigned int *p, size_t first, size_t words, unsigned int gen)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = gen ? gen * 2654435761u ^ (unsigned int)(first + i) : 0;
}

/* What the model says @b holds: each page as its last successful write left it. */
static void expected(struct sim_bo *b, char *buf)
{
	size_t pg, pages = sw_bo_size(b->bo) >> PAGE_SHIFT;
	size_t words = PAGE_SIZE / sizeof(unsigned int);

	for (pg = 0; pg < pages; pg++)
		pattern((unsigned int *)(buf + pg * PAGE_SIZE), pg * words, words,
			b->page_gen[pg]);
}

/* A write of the next generation landed on the first @pages pages. */
static void written(struct sim_bo *b, size_t pages)
{
	size_t pg;

	if (!pages)
		return;
	b->gen++;
	for (pg = 0; pg < pages; pg++)
		b->page_gen[pg] = b->gen;
}

/*
 * Compare what a successful read returned with the model: a difference is
 * data the library lost or corrupted, never a lack of memory.
 */
static int check(struct sim_bo *b, const char *got, char *want)
{
	size_t size = sw_bo_size(b->bo), i;
	const unsigned int *g = (const unsigned int *)got;
	const unsigned int *e = (const unsigned int *)want;

	expected(b, want);
	for (i = 0; i < size / sizeof(unsigned int); i++) {
		if (g[i] == e[i])
			continue;
		fprintf(stderr, "sw_sim: CPU read of BO %td: page %zu word %zu is %#x, "
			"expected %#x (generation %u)\n", b - sim_bos,
			i * sizeof(unsigned int) >> PAGE_SHIFT,
			i % (PAGE_SIZE / sizeof(unsigned int)), g[i], e[i],
			b->page_gen[i * sizeof(unsigned int) >> PAGE_SHIFT]);
		return -EIO;
	}
	return 0;
}

/*
 * Bind @b at its VA in @vm. Return: 0, 1 if it failed for lack of memory
 * (counted in @failures), or another negative error (reported).
 */
static int sim_bind(struct sw_vm *vm, struct sim_bo *b, size_t size, unsigned long *failures)
{
	int ret = sw_vm_bind(vm, b->bo, 0, size, b->va, 0);

	if (ret == -ENOMEM) {
		(*failures)++;
		return 1;
	}
	if (ret)
		fprintf(stderr, "sw_sim: bind failed (%d)\n", ret);
	return ret;
}

/*
 * The GPU writes a new generation, or reads and checks the current one.
 * A submit that can't bring the BOs back for lack of memory fails with
 * -ENOMEM before the job runs: nothing was written.
 */
static int gpu_touch(struct sim_bo *b, char *buf, bool write)
{
	size_t size = sw_bo_size(b->bo);
	struct sw_gpu_access acc = { .va = b->va, .len = size };
	int ret;

	if (write) {
		pattern((unsigned int *)buf, 0, size / sizeof(unsigned int), b->gen + 1);
		acc.write = buf;
	} else {
		expected(b, buf);
		acc.expect = buf;
	}
	ret = sw_submit_wait(b->vm, &acc, 1);
	if (!ret && write)
		written(b, size >> PAGE_SHIFT);
	return ret;
}

static unsigned long page_alloc_failures(void)
{
	struct sw_mm_stats ms;

	sw_mm_stats(&ms);
	return ms.alloc_failures;
}

/*
 * The CPU writes a new generation, or reads and checks the current one.
 * Return: 0, -ENOMEM when the access failed for lack of memory, -EIO when
 * a read returned other bytes than were written, or another error.
 */
static int touch(struct sim_bo *b, char *buf, char *want, bool write)
{
	size_t size = sw_bo_size(b->bo), done = 0;
	unsigned long failures = page_alloc_failures();
	int ret;

	/* A BO unmapped earlier is mapped again before it is touched. */
	if (!b->map) {
		ret = sw_mmap(b->proc, b->bo, 0, &b->map);
		if (ret)
			return ret;
	}

	if (write) {
		pattern((unsigned int *)buf, 0, size / sizeof(unsigned int), b->gen + 1);
		/*
		 * A page at a time: a fault that fails ends the write with
		 * the pages before it already holding the new generation
		 * (kswapd can evict the BO between two of them), and the
		 * model must say so.
		 */
		do {
			ret = sw_cpu_write(b->map, done, buf + done, PAGE_SIZE);
			if (!ret)
				done += PAGE_SIZE;
		} while (!ret && done < size);
		written(b, done >> PAGE_SHIFT);
	} else {
		ret = sw_cpu_read(b->map, 0, buf, size);
		if (!ret)
			return check(b, buf, want);
	}
	/*
	 * A fault fails with VM_FAULT_SIGBUS, so -EFAULT here, whatever went
	 * wrong. Only this thread allocates pages (kswapd and the GPU thread
	 * never do), so a page allocation that failed meanwhile is why.
	 */
	if (ret == -EFAULT && page_alloc_failures() != failures)
		return -ENOMEM;
	return ret;
}

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [options]\n"
		"Simulates processes whose GPU buffers don't fit in memory: the panthor\n"
		"shrinker evicts them to swap, CPU faults and GPU submits bring them back,\n"
		"and every byte is checked. Prints a report per LRU and per process.\n"
		"\n"
		"  --procs N             processes, each with a DRM file and a GPU VM (4)\n"
		"  --bos N               BOs per process (24)\n"
		"  --rounds N            rounds of random CPU and GPU touches (40)\n"
		"  --budget SIZE         memory budget (24M): SIZE in bytes, or with a K, M\n"
		"                        or G suffix, a whole number of 4 KiB pages\n"
		"  --swap SIZE           swap, SIZE as for --budget (256M); 0: no swap\n"
		"  --mem-mib N           --budget in MiB\n"
		"  --swap-mib N          --swap in MiB\n"
		"  --kswapd on|off       background reclaim below the low watermark (on)\n"
		"  --gpu-percent N       share of BOs bound in a GPU VM (75)\n"
		"  --seed N              random seed (1)\n"
		"  --mount DIR           serve sysfs and debugfs over FUSE at DIR, during the\n"
		"                        run and after it until SIGINT or SIGTERM\n"
		"  --grant-sys-resource  with --mount: writers get CAP_SYS_RESOURCE (needed by\n"
		"                        mem_claim, and by mem_reclaim of another process)\n"
		"                        even where the machine withholds it\n"
		"  --quiet               no progress line\n"
		"  --help                this text\n"
		"\n"
		"Accesses that fail for lack of memory (swap full, budget exhausted) are\n"
		"counted as allocation failures: the kernel fails them too.\n"
		"\n"
		"Exit status: 0 when every byte read back was as written and nothing\n"
		"leaked, 1 on a failure, 2 on a bad option.\n", argv0);
}

/*
 * A size in bytes, or in KiB, MiB or GiB with a K, M or G suffix (@mib: a
 * plain number of MiB, for --mem-mib and --swap-mib), into pages. Prints
 * what is wrong with @arg, naming @opt, and returns false when it isn't one.
 */
static bool parse_size(const char *argv0, const char *opt, const char *arg, bool mib,
		       unsigned long *pages)
{
	unsigned int shift = mib ? 20 : 0;
	unsigned long long v;
	char *end;

	/* strtoull() would take leading blanks and a sign. */
	if (!isdigit((unsigned char)*arg))
		goto not_a_size;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!mib && *end) {
		switch (*end++) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: goto not_a_size;
		}
	}
	if (*end)
		goto not_a_size;
	if (errno || v > (ULONG_MAX >> shift)) {
		fprintf(stderr, "%s: --%s: too large: '%s'\n", argv0, opt, arg);
		return false;
	}
	v <<= shift;
	if (v % PAGE_SIZE) {
		fprintf(stderr, "%s: --%s: not a whole number of %lu-byte pages: '%s'\n",
			argv0, opt, PAGE_SIZE, arg);
		return false;
	}
	*pages = v >> PAGE_SHIFT;
	return true;

not_a_size:
	fprintf(stderr, "%s: --%s: not a size%s: '%s'\n", argv0, opt,
		mib ? " in MiB" : " (bytes, or K, M or G)", arg);
	return false;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "bos", required_argument, NULL, 'b' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "mem-mib", required_argument, NULL, 'm' },
		{ "swap-mib", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "gpu-percent", required_argument, NULL, 'g' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "mount", required_argument, NULL, 'M' },
		{ "grant-sys-resource", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "budget", required_argument, NULL, 'B' },
		{ "swap", required_argument, NULL, 'W' },
		{ "kswapd", required_argument, NULL, 'k' },
		{ }
	};
	int c, idx;

	while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		char *end;
		unsigned long v = 0;

		/* --mem-mib and --swap-mib are --budget and --swap counted in MiB. */
		if (c == 'B' || c == 'W' || c == 'm' || c == 's') {
			bool budget = c == 'B' || c == 'm';
			unsigned long *pages = budget ? &o->mem_pages : &o->swap_pages;

			if (!parse_size(argv[0], longopts[idx].name, optarg, c == 'm' || c == 's',
					pages))
				return -EINVAL;
			/* No swap is a machine without a swap device; no memory isn't one. */
			if (budget && !*pages) {
				fprintf(stderr, "%s: --%s: the budget can't be 0: '%s'\n", argv[0],
					longopts[idx].name, optarg);
				return -EINVAL;
			}
			continue;
		}
		if (c == 'k') {
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "%s: --kswapd: 'on' or 'off', not '%s'\n",
					argv[0], optarg);
				return -EINVAL;
			}
			o->no_kswapd = !strcmp(optarg, "off");
			continue;
		}
		if (c != 'q' && c != 'h' && c != 'M' && c != 'G' && c != '?') {
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "%s: --%s: not a number: '%s'\n", argv[0],
					longopts[idx].name, optarg);
				return -EINVAL;
			}
		}
		switch (c) {
		case 'p': o->procs = v; break;
		case 'b': o->bos = v; break;
		case 'r': o->rounds = v; break;
		case 'S': o->seed = v; break;
		case 'g': o->gpu_percent = v; break;
		case 'q': o->quiet = true; break;
		case 'M': o->mount_dir = optarg; break;
		case 'G': o->grant_sys_resource = true; break;
		case 'h': usage(stdout, argv[0]); exit(0);
		default:
			/* getopt_long() named the option already. */
			fprintf(stderr, "Try '%s --help'.\n", argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return -EINVAL;
	}
	if (o->grant_sys_resource && !o->mount_dir) {
		fprintf(stderr, "%s: --grant-sys-resource needs --mount\n", argv[0]);
		return -EINVAL;
	}
	if (o->procs < 1 || o->procs > 64 || o->bos < 1 || o->bos > 4096 || o->rounds < 0 ||
	    o->gpu_percent > 100) {
		fprintf(stderr, "%s: need 1..64 procs, 1..4096 BOs per process, "
			"gpu-percent 0..100\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

/* Free what main() allocated, then the world. Return: its teardown problems. */
static int sim_free(struct sw_world *w, struct sim_bo *b, int n, struct sw_proc **procs,
		    struct sw_file **files, struct sw_vm **vms, char *buf, char *want)
{
	int i;

	for (i = 0; b && i < n; i++)
		free(b[i].page_gen);
	free(want);
	free(buf);
	free(vms);
	free(files);
	free(b);
	free(procs);
	free(proc_stats);
	return sw_world_destroy(w);
}

int main(int argc, char **argv)
{
	struct opts o = { .procs = 4, .bos = 24, .rounds = 40,
			  .mem_pages = (24UL << 20) >> PAGE_SHIFT,
			  .swap_pages = (256UL << 20) >> PAGE_SHIFT, .gpu_percent = 75, .seed = 1 };
	static const size_t sizes[] = { 16 << 10, 64 << 10, 256 << 10, 1 << 20 };
	struct sw_world_config cfg = { 0 };
	struct sw_reclaim_stats rs;
	struct sw_mm_stats ms;
	unsigned long working_set = 0, touches = 0, errors = 0;
	unsigned long gpu_touches = 0, bound = 0, shared = 0, submit_failures = 0;
	unsigned long touch_failures = 0, bind_failures = 0, alloc_failures;
	struct sw_gpu_stats gs;
	struct sw_proc **procs;
	struct sw_file **files;
	struct sw_vm **vms;
	struct sim_bo *b;
	struct sw_world *w;
	struct timespec t0, t1, last_progress;
	struct sigaction sa = { .sa_handler = on_signal };
	struct sw_fuse *fs = NULL;
	bool progress_shown = false;
	sigset_t stop_signals;
	char *buf, *want;
	int i, r, n, problems, st, ret;

	if (parse(argc, argv, &o))
		return 2;
	rng = o.seed;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Only this thread takes them: the world's and the server's threads are born blocked. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	cfg.mem_pages = o.mem_pages;
	/* 0: no swap device, so the shrinker has nowhere to evict to. */
	cfg.swap_pages = o.swap_pages;
	cfg.coherent = false;
	cfg.no_kswapd = o.no_kswapd;
	sw_report_quiet(true);
	w = sw_world_create(&cfg);
	if (!w)
		return 1;

	n = o.procs * o.bos;
	procs = calloc(o.procs, sizeof(*procs));
	files = calloc(o.procs, sizeof(*files));
	vms = calloc(o.procs, sizeof(*vms));
	b = calloc(n, sizeof(*b));
	buf = malloc(1 << 20);
	want = malloc(1 << 20);
	proc_stats = calloc(o.procs, sizeof(*proc_stats));
	sim_bos = b;
	bos_per_proc = o.bos;
	if (!procs || !files || !vms || !b || !buf || !want || !proc_stats) {
		fprintf(stderr, "sw_sim: out of memory\n");
		goto fail;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < o.procs; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "app%d", i);
		procs[i] = sw_proc_create(w, comm, 0);
		files[i] = sw_file_open(procs[i]);
		vms[i] = sw_vm_create(files[i]);
	}
	if (o.mount_dir) {
		struct sw_fuse_opts fo = { .grant_sys_resource = o.grant_sys_resource };
		char why[256] = "";

		ret = sw_fuse_mount(o.mount_dir, &fo, &fs, why, sizeof(why));
		if (ret) {
			fprintf(stderr, "sw_sim: --mount %s: %s\n", o.mount_dir, why);
			goto fail;
		}
		printf("sysfs and debugfs served at %s (until SIGINT or SIGTERM)%s\n",
		       o.mount_dir, o.grant_sys_resource ?
		       ", writers granted CAP_SYS_RESOURCE" : "");
		printf("  %s/sys/bus/platform/drivers/panthor/sw-panthor/{mem_reclaim,mem_claim}\n"
		       "  %s/sys/kernel/debug/dri/0/{gems,shrink}\n", o.mount_dir, o.mount_dir);
		for (i = 0; i < o.procs; i++)
			printf("  process app%d: TGID %d\n", i, sw_proc_tgid(procs[i]));
		fflush(stdout);
	}
	pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
	for (i = 0; i < n; i++) {
		int p = i / o.bos;
		size_t size = sizes[next_rand() % ARRAY_SIZE(sizes)];
		bool gpu = (int)(next_rand() % 100) < o.gpu_percent;
		bool priv = gpu && next_rand() % 2;

		b[i].proc = procs[p];
		if (priv)
			b[i].bo = sw_bo_create_private(files[p], vms[p], size, 0);
		else
			b[i].bo = sw_bo_create(files[p], size, 0);
		b[i].page_gen = calloc(size >> PAGE_SHIFT, sizeof(*b[i].page_gen));
		if (!b[i].page_gen) {
			fprintf(stderr, "sw_sim: out of memory\n");
			goto fail;
		}
		b[i].last_state = PANTHOR_GEM_UNRECLAIMABLE;
		working_set += sw_bo_size(b[i].bo);
		ret = sw_mmap(b[i].proc, b[i].bo, 0, &b[i].map);
		if (ret) {
			fprintf(stderr, "sw_sim: mmap failed (%d)\n", ret);
			goto fail;
		}
		if (!gpu)
			continue;
		/*
		 * Each BO gets its own 1 MiB of VA, the same in every VM. A
		 * bind allocates the BO's pages: once memory and swap are
		 * full it fails with -ENOMEM, and the BO is used by the CPU
		 * only.
		 */
		b[i].va = (1ULL << 32) + ((uint64_t)i << 20);
		ret = sim_bind(vms[p], &b[i], size, &bind_failures);
		if (ret < 0)
			goto fail;
		if (ret)
			continue;
		b[i].vm = vms[p];
		bound++;
		/* A few are also used by the next process: GPU-shared. */
		if (!priv && o.procs > 1 && next_rand() % 4 == 0) {
			ret = sim_bind(vms[(p + 1) % o.procs], &b[i], size, &bind_failures);
			if (ret < 0)
				goto fail;
			if (ret)
				continue;
			shared++;
		}
	}

	/* Every BO is written once, then random BOs are read or rewritten. */
	for (i = 0; i < n; i++) {
		ret = touch(&b[i], buf, want, true);
		if (ret == -ENOMEM) {
			touch_failures++;
		} else if (ret) {
			errors++;
			fprintf(stderr, "sw_sim: CPU write of BO %d failed (%d)\n", i, ret);
		}
		touches++;
		account(b, n);
	}
	last_progress = t0;
	for (r = 0; r < o.rounds && !interrupted; r++) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		/* A progress line, once a second, for runs that last longer. */
		if (!o.quiet && now.tv_sec - last_progress.tv_sec >= 1 &&
		    (now.tv_sec - last_progress.tv_sec) * 1000000000L +
		    (now.tv_nsec - last_progress.tv_nsec) >= 1000000000L) {
			struct sw_mm_stats pm;

			sw_mm_stats(&pm);
			fprintf(stderr, "\rround %d/%d: %lu CPU touches, %lu GPU jobs, "
				"%lu pages swapped out, %lu in   ", r, o.rounds, touches,
				gpu_touches, pm.swap_outs, pm.swap_ins);
			progress_shown = true;
			last_progress = now;
		}
		for (i = 0; i < n / 2 && !interrupted; i++) {
			struct sim_bo *x = &b[next_rand() % n];
			bool write = next_rand() % 3 == 0;
			bool gpu = x->vm && next_rand() % 2;

			/*
			 * Out of memory (swap full, budget exhausted) the
			 * access fails cleanly, as the kernel fails it: the
			 * model keeps what was really written, and a later
			 * read still checks it.
			 */
			if (gpu) {
				ret = gpu_touch(x, buf, write);
				gpu_touches++;
				if (ret == -ENOMEM)
					submit_failures++;
			} else {
				ret = touch(x, buf, want, write);
				touches++;
				if (ret == -ENOMEM)
					touch_failures++;
			}
			if (ret && ret != -ENOMEM) {
				errors++;
				fprintf(stderr, "sw_sim: %s %s of BO %td failed (%d)\n",
					gpu ? "GPU" : "CPU", write ? "write" : "read", x - b, ret);
			}
			/* Some BOs get unmapped after use: they go to the unused LRU. */
			if (next_rand() % 4 == 0 && x->map) {
				sw_munmap(x->map);
				x->map = NULL;
			}
			account(b, n);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (progress_shown)
		fprintf(stderr, "\n");
	if (interrupted)
		printf("interrupted after %d of %d rounds\n", r, o.rounds);

	if (fs) {
		if (!interrupted) {
			printf("workload done; still serving %s: press Ctrl-C to stop\n",
			       o.mount_dir);
			fflush(stdout);
		}
		while (!interrupted)
			pause();
		sw_fuse_unmount(fs);
		fs = NULL;
		account(b, n);
	}

	sw_mm_stats(&ms);
	sw_reclaim_stats(&rs);
	alloc_failures = touch_failures + submit_failures + bind_failures;

	printf("shrinkwrap simulator: %d processes x %d BOs, seed %lu\n", o.procs, o.bos, o.seed);
	printf("  memory budget      %8lu KiB (%lu pages)\n", o.mem_pages << (PAGE_SHIFT - 10),
	       ms.total_pages);
	printf("  swap               %8lu KiB%s\n", o.swap_pages << (PAGE_SHIFT - 10),
	       o.swap_pages ? "" : " (no swap: nothing can be evicted)");
	printf("  working set        %8lu KiB (%.1fx the budget)\n", working_set >> 10,
	       (double)working_set / (double)(o.mem_pages << PAGE_SHIFT));
	sw_gpu_stats(w, &gs);
	printf("  GPU-bound BOs      %8lu (%lu also bound in a second VM)\n", bound, shared);
	printf("  CPU touches        %8lu (whole-BO reads and writes)\n", touches);
	printf("  GPU jobs           %8lu (whole-BO reads and writes; %lu submits out of "
	       "memory)\n", gs.jobs, submit_failures);
	printf("  GPU faults         %8lu\n", gs.faults);
	printf("  pages allocated    %8lu (%lu allocations failed)\n", ms.allocs,
	       ms.alloc_failures);
	printf("  pages freed        %8lu\n", ms.frees);
	printf("  reclaimed by kswapd %7lu pages (%lu wake-ups, %lu passes)%s\n",
	       rs.kswapd_freed, rs.kswapd_wakeups, rs.kswapd_runs,
	       o.no_kswapd ? "; kswapd off" : "");
	printf("  reclaimed directly %8lu pages (%lu direct reclaims)\n", rs.direct_freed,
	       rs.direct_reclaims);
	printf("  shrinker counts    %8lu\n", rs.counts);
	printf("  shrinker scans     %8lu (%lu returned SHRINK_STOP)\n", rs.scans, rs.stops);
	printf("  reclaimed per LRU:\n");
	for (st = PANTHOR_GEM_UNUSED; st <= PANTHOR_GEM_UNRECLAIMABLE; st++)
		if (evicted_from[st] || st <= PANTHOR_GEM_MMAPPED)
			printf("    %-16s %6lu BOs %8lu pages\n", state_name[st],
			       evicted_from[st], evicted_pages_from[st]);
	printf("  per process:       %8s %10s %10s %10s %10s\n", "BOs", "KiB",
	       "resident", "evictions", "swap-ins");
	for (i = 0; i < o.procs; i++) {
		unsigned long res = 0;
		int k;

		for (k = i * o.bos; k < (i + 1) * o.bos; k++)
			if (READ_ONCE(sw_bo_obj(b[k].bo)->backing.pages))
				res += sw_bo_size(b[k].bo);
		for (k = i * o.bos; k < (i + 1) * o.bos; k++) {
			proc_stats[i].bos++;
			proc_stats[i].bytes += sw_bo_size(b[k].bo);
		}
		printf("    app%-2d tgid %-6d %6lu %10lu %10lu %10lu %10lu\n", i,
		       sw_proc_tgid(procs[i]), proc_stats[i].bos, proc_stats[i].bytes >> 10,
		       res >> 10, proc_stats[i].evictions, proc_stats[i].swapins);
	}
	printf("  swapped out        %8lu pages\n", ms.swap_outs);
	printf("  swapped back in    %8lu pages\n", ms.swap_ins);
	printf("  allocation failures %7lu (out of memory, failed cleanly: %lu CPU touches, "
	       "%lu GPU submits, %lu binds)\n", alloc_failures, touch_failures,
	       submit_failures, bind_failures);
	printf("  content errors     %8lu\n", errors);
	printf("  wall time          %8.3f s\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);

	if (sw_check_invariants(w))
		errors++;
	if (gs.faults || gs.mismatches)
		errors++;
	problems = sim_free(w, b, n, procs, files, vms, buf, want);
	if (problems || errors) {
		printf("FAILED: %lu content error(s), %d teardown problem(s)\n", errors, problems);
		return 1;
	}
	if (alloc_failures)
		printf("OK: every byte read back was as written (%lu accesses failed for lack "
		       "of memory); no WARN, lockdep report or leak\n", alloc_failures);
	else
		printf("OK: every byte written was read back; no WARN, lockdep report or leak\n");
	return 0;

fail:
	/* The world's teardown frees the BOs, mappings and VMs left in it. */
	if (fs)
		sw_fuse_unmount(fs);
	sim_free(w, b, n, procs, files, vms, buf, want);
	return 1;
}
