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
#include <errno.h>
#include <getopt.h>
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
	unsigned int gen;		/* contents generation, 0: never written */
	enum panthor_gem_reclaim_state last_state;
	bool resident;
};

struct opts {
	int procs, bos, rounds, gpu_percent;
	unsigned long mem_mib, swap_mib, seed;
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

static void pattern(char *buf, size_t size, unsigned int gen)
{
	unsigned int i, words = size / sizeof(unsigned int);
	unsigned int *p = (unsigned int *)buf;

	for (i = 0; i < words; i++)
		p[i] = gen ? gen * 2654435761u ^ i : 0;
}

/* The GPU writes a new generation, or reads and checks the current one. */
static int gpu_touch(struct sim_bo *b, char *buf, bool write)
{
	size_t size = sw_bo_size(b->bo);
	struct sw_gpu_access acc = { .va = b->va, .len = size };
	int ret;

	pattern(buf, size, write ? b->gen + 1 : b->gen);
	if (write)
		acc.write = buf;
	else
		acc.expect = buf;
	ret = sw_submit_wait(b->vm, &acc, 1);
	if (!ret && write)
		b->gen++;
	return ret;
}

static int touch(struct sim_bo *b, char *buf, bool write)
{
	size_t size = sw_bo_size(b->bo);
	unsigned int i, words = size / sizeof(unsigned int);
	unsigned int *p = (unsigned int *)buf;

	/* A BO unmapped earlier is mapped again before it is touched. */
	if (!b->map && sw_mmap(b->proc, b->bo, 0, &b->map))
		return -ENOMEM;

	if (write) {
		b->gen++;
		for (i = 0; i < words; i++)
			p[i] = b->gen * 2654435761u ^ i;
		return sw_cpu_write(b->map, 0, buf, size);
	}
	if (sw_cpu_read(b->map, 0, buf, size))
		return -EFAULT;
	for (i = 0; i < words; i++)
		if (p[i] != (b->gen ? (b->gen * 2654435761u ^ i) : 0))
			return -EIO;
	return 0;
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
		"  --mem-mib N           memory budget in MiB (24)\n"
		"  --swap-mib N          swap in MiB (256)\n"
		"  --budget SIZE         memory budget, SIZE in K, M or G (MiB without)\n"
		"  --swap SIZE           swap, SIZE as for --budget\n"
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
		"Exit status: 0 when every byte was read back and nothing leaked, 1 on a\n"
		"failure, 2 on a bad option.\n", argv0);
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
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		unsigned long v = 0;

		if (c == 'B' || c == 'W') {
			unsigned long mib;

			errno = 0;
			mib = strtoul(optarg, &end, 0);
			if (*end == 'G' || *end == 'g')
				mib <<= 10, end++;
			else if (*end == 'K' || *end == 'k')
				mib = mib % 1024 ? 0 : mib >> 10, end++;
			else if (*end == 'M' || *end == 'm')
				end++;
			if (errno || *end || !*optarg || *optarg == '-' || !mib) {
				fprintf(stderr, "%s: --%s: not a size in K, M or G: '%s'\n",
					argv[0], c == 'B' ? "budget" : "swap", optarg);
				return -EINVAL;
			}
			*(c == 'B' ? &o->mem_mib : &o->swap_mib) = mib;
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
					longopts[c == 'p' ? 0 : c == 'b' ? 1 : c == 'r' ? 2 :
						 c == 'm' ? 3 : c == 's' ? 4 : c == 'S' ? 5 :
						 6].name, optarg);
				return -EINVAL;
			}
		}
		switch (c) {
		case 'p': o->procs = v; break;
		case 'b': o->bos = v; break;
		case 'r': o->rounds = v; break;
		case 'm': o->mem_mib = v; break;
		case 's': o->swap_mib = v; break;
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
	    !o->mem_mib || o->gpu_percent > 100) {
		fprintf(stderr, "%s: need 1..64 procs, 1..4096 BOs per process, mem-mib > 0, "
			"gpu-percent 0..100\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .procs = 4, .bos = 24, .rounds = 40, .mem_mib = 24,
			  .swap_mib = 256, .gpu_percent = 75, .seed = 1 };
	static const size_t sizes[] = { 16 << 10, 64 << 10, 256 << 10, 1 << 20 };
	struct sw_world_config cfg = { 0 };
	struct sw_reclaim_stats rs;
	struct sw_mm_stats ms;
	unsigned long working_set = 0, touches = 0, errors = 0;
	unsigned long gpu_touches = 0, bound = 0, shared = 0, submit_failures = 0;
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
	char *buf;
	int i, r, n, problems, st;

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

	cfg.mem_pages = (o.mem_mib << 20) >> PAGE_SHIFT;
	cfg.swap_pages = (o.swap_mib << 20) >> PAGE_SHIFT;
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
	proc_stats = calloc(o.procs, sizeof(*proc_stats));
	bos_per_proc = o.bos;
	if (!procs || !files || !vms || !b || !buf || !proc_stats)
		return 1;

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
		int ret = sw_fuse_mount(o.mount_dir, &fo, &fs, why, sizeof(why));

		if (ret) {
			fprintf(stderr, "sw_sim: --mount %s: %s\n", o.mount_dir, why);
			return 1;
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
		b[i].last_state = PANTHOR_GEM_UNRECLAIMABLE;
		working_set += sw_bo_size(b[i].bo);
		if (sw_mmap(b[i].proc, b[i].bo, 0, &b[i].map)) {
			fprintf(stderr, "sw_sim: mmap failed\n");
			return 1;
		}
		if (!gpu)
			continue;
		/* Each BO gets its own 1 MiB of VA, the same in every VM. */
		b[i].vm = vms[p];
		b[i].va = (1ULL << 32) + ((uint64_t)i << 20);
		if (sw_vm_bind(b[i].vm, b[i].bo, 0, size, b[i].va, 0)) {
			fprintf(stderr, "sw_sim: bind failed\n");
			return 1;
		}
		bound++;
		/* A few are also used by the next process: GPU-shared. */
		if (!priv && o.procs > 1 && next_rand() % 4 == 0) {
			if (sw_vm_bind(vms[(p + 1) % o.procs], b[i].bo, 0, size, b[i].va, 0)) {
				fprintf(stderr, "sw_sim: bind failed\n");
				return 1;
			}
			shared++;
		}
	}

	/* Every BO is written once, then random BOs are read or rewritten. */
	for (i = 0; i < n; i++) {
		if (touch(&b[i], buf, true))
			errors++;
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
			int ret;

			if (x->vm && next_rand() % 2) {
				ret = gpu_touch(x, buf, write);
				gpu_touches++;
				/* Out of memory while the VM resv was held: try later. */
				if (ret == -ENOMEM) {
					submit_failures++;
					ret = 0;
				}
			} else {
				ret = touch(x, buf, write);
				touches++;
			}
			if (ret) {
				errors++;
				fprintf(stderr, "sw_sim: BO of %s lost its contents (%d)\n",
					sw_bo_size(x->bo) ? "process" : "?", ret);
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
		account(b, n);
	}

	sw_mm_stats(&ms);
	sw_reclaim_stats(&rs);

	printf("shrinkwrap simulator: %d processes x %d BOs, seed %lu\n", o.procs, o.bos, o.seed);
	printf("  memory budget      %8lu KiB (%lu pages)\n", o.mem_mib << 10, ms.total_pages);
	printf("  swap               %8lu KiB\n", o.swap_mib << 10);
	printf("  working set        %8lu KiB (%.1fx the budget)\n", working_set >> 10,
	       (double)working_set / (double)(o.mem_mib << 20));
	sw_gpu_stats(w, &gs);
	printf("  GPU-bound BOs      %8lu (%lu also bound in a second VM)\n", bound, shared);
	printf("  CPU touches        %8lu (whole-BO reads and writes)\n", touches);
	printf("  GPU jobs           %8lu (whole-BO reads and writes; %lu submits out of "
	       "memory)\n", gs.jobs, submit_failures);
	printf("  GPU faults         %8lu\n", gs.faults);
	printf("  pages allocated    %8lu\n", ms.allocs);
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
	printf("  allocation failures %7lu\n", ms.alloc_failures);
	printf("  content errors     %8lu\n", errors);
	printf("  wall time          %8.3f s\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);

	if (sw_check_invariants(w))
		errors++;
	if (gs.faults || gs.mismatches)
		errors++;
	free(buf);
	free(vms);
	free(files);
	free(b);
	free(procs);
	free(proc_stats);
	problems = sw_world_destroy(w);
	if (problems || errors) {
		printf("FAILED: %lu content error(s), %d teardown problem(s)\n", errors, problems);
		return 1;
	}
	printf("OK: every byte written was read back; no WARN, lockdep report or leak\n");
	return 0;
}
