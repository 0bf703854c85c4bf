// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * sysfs and debugfs over a real FUSE mount (shim/fuse.c), driven from a
 * separate process: a forked child opens, writes and reads the files with
 * plain syscalls, as a shell would, and reports each result to the test
 * over a pipe. The child is a real process with its own TGID; the world
 * gets a process with that TGID (sw_proc_create_tgid()), so what the child
 * writes about itself reaches that process's DRM files.
 *
 * Checked: the files' paths and modes, partial reads; every error of
 * mem_reclaim and mem_claim and their order (unparsable, out of range,
 * unprivileged, interrupted by a real signal, unknown TGID); a reclaim and
 * a claim of one process seen through gems and through the harness; the
 * claim of a VM holding an evicted shared BO; writes racing the shrinker
 * and the owning process's files closing; random bytes into every
 * writable file. Where FUSE cannot be mounted the tests are skipped and
 * say why.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/dma-resv.h>
#include <drm/drm_device.h>

#include <shrinkwrap/fuse.h>

#include "sw_test.h"
#include "panthor_device.h"
#include "panthor_gem.h"

#define PAGES 4
#define SIZE (PAGES * PAGE_SIZE)
#define VA0 0x100000ULL
#define VA1 0x200000ULL
#define MAX_DATA 6000

#define SYSFS_DIR "/sys/bus/platform/drivers/panthor/sw-panthor"
#define DEBUGFS_DIR "/sys/kernel/debug/dri/0"

enum child_op {
	OP_WRITE,	/* open O_WRONLY, one write(2), close */
	OP_WRITE_INTR,	/* open, SIGUSR1 handler, says "ready", write, ignore SIGUSR1, close */
	OP_READ,	/* open O_RDONLY, read(2) by chunks to the end, close */
	OP_STAT,	/* stat(2): the mode */
	OP_DROP_CAP,	/* drop CAP_SYS_RESOURCE from the effective and permitted sets */
	OP_EXIT,
};

struct child_req {
	int op;
	int chunk;
	int len;
	char path[256];
	char data[MAX_DATA];
};

struct child_reply {
	long ret;
	int err;
	char data[16384];
};

struct child {
	pid_t pid;
	int req_fd, reply_fd;
};

struct fuse_ctx {
	struct sw_world *w;
	struct sw_fuse *fs;
	char dir[64];
	struct child child;
	/* A test holding this lock: the teardown drops it if the test failed. */
	struct mutex *held;
};

/* What the child runs: syscalls only (it was forked from a threaded process). */
static void child_intr(int sig)
{
}

static int full_read(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static int full_write(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static void child_drop_cap(struct child_reply *rep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data)) {
		rep->ret = -1;
		rep->err = errno;
		return;
	}
	data[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
	data[CAP_SYS_RESOURCE / 32].permitted &= ~(1u << (CAP_SYS_RESOURCE % 32));
	rep->ret = syscall(SYS_capset, &hdr, data);
	rep->err = rep->ret ? errno : 0;
}

static void child_main(int req_fd, int reply_fd)
{
	static struct child_req req;
	static struct child_reply rep;

	for (;;) {
		int fd;

		if (full_read(req_fd, &req, sizeof(req)))
			_exit(1);
		memset(&rep, 0, offsetof(struct child_reply, data));
		switch (req.op) {
		case OP_WRITE_INTR: {
			struct sigaction sa = { .sa_handler = child_intr };
			int open_err;

			/* Only the write may be interrupted: open before any signal. */
			fd = open(req.path, O_WRONLY);
			open_err = errno;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
			full_write(reply_fd, &rep, offsetof(struct child_reply, data));
			if (fd < 0) {
				rep.ret = -1;
				rep.err = open_err;
			} else {
				rep.ret = write(fd, req.data, req.len);
				rep.err = rep.ret < 0 ? errno : 0;
			}
			/* Drops the signals still on their way, before the close. */
			sa.sa_handler = SIG_IGN;
			sigaction(SIGUSR1, &sa, NULL);
			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_WRITE:
			fd = open(req.path, O_WRONLY);
			if (fd < 0) {
				rep.ret = -1;
				rep.err = errno;
				break;
			}
			rep.ret = write(fd, req.data, req.len);
			rep.err = rep.ret < 0 ? errno : 0;
			close(fd);
			break;
		case OP_READ: {
			size_t total = 0;
			ssize_t n = 0;

			fd = open(req.path, O_RDONLY);
			if (fd < 0) {
				rep.ret = -1;
				rep.err = errno;
				break;
			}
			while (total < sizeof(rep.data)) {
				size_t want = sizeof(rep.data) - total;

				if (req.chunk && want > (size_t)req.chunk)
					want = req.chunk;
				n = read(fd, rep.data + total, want);
				if (n <= 0)
					break;
				total += n;
			}
			rep.ret = n < 0 ? -1 : (long)total;
			rep.err = n < 0 ? errno : 0;
			close(fd);
			break;
		}
		case OP_STAT: {
			struct stat st;

			rep.ret = stat(req.path, &st) ? -1 : (long)st.st_mode;
			rep.err = rep.ret < 0 ? errno : 0;
			break;
		}
		case OP_DROP_CAP:
			child_drop_cap(&rep);
			break;
		case OP_EXIT:
			_exit(0);
		}
		if (full_write(reply_fd, &rep, sizeof(rep)))
			_exit(1);
	}
}

static int child_start(struct child *c)
{
	int req[2], reply[2];

	if (pipe(req) || pipe(reply))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		close(req[1]);
		close(reply[0]);
		child_main(req[0], reply[1]);
	}
	close(req[0]);
	close(reply[1]);
	c->req_fd = req[1];
	c->reply_fd = reply[0];
	return 0;
}

static void child_stop(struct child *c)
{
	static struct child_req req = { .op = OP_EXIT };
	int status, i;

	if (c->pid <= 0)
		return;
	full_write(c->req_fd, &req, sizeof(req));
	close(c->req_fd);
	close(c->reply_fd);
	/* A child stuck in a request of a failed test is killed after 10 s. */
	for (i = 0; i < 1000 && !waitpid(c->pid, &status, WNOHANG); i++)
		usleep(10000);
	if (i == 1000) {
		fprintf(stderr, "child %d did not exit: killed\n", c->pid);
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &status, 0);
	}
	c->pid = 0;
}

static struct child_req *req_buf(void)
{
	static struct child_req req;

	memset(&req, 0, offsetof(struct child_req, data));
	return &req;
}

static struct child_reply *rep_buf(void)
{
	static struct child_reply rep;

	return &rep;
}

/*
 * Wait up to @ms for the child's reply to start: false if it did not. A
 * request the server never answers then fails the test, instead of
 * hanging it until CTest's timeout.
 */
static bool reply_ready(struct fuse_ctx *fc, int ms)
{
	struct pollfd pfd = { .fd = fc->child.reply_fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

#define REPLY_TIMEOUT_MS 60000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Read the child's reply to @req into rep_buf(), or fail within a minute. */
static void child_reply(struct fuse_ctx *fc, const struct child_req *req, size_t len)
{
	if (!reply_ready(fc, REPLY_TIMEOUT_MS))
		fail_msg("no reply in %d s to op %d on %s: %lu requests in the server",
			 REPLY_TIMEOUT_MS / 1000, req->op, req->path, sw_fuse_in_flight(fc->fs));
	assert_int_equal(full_read(fc->child.reply_fd, rep_buf(), len), 0);
}

/* Send a request; the reply is in rep_buf(). Returns ret, or -errno. */
static long child_call(struct fuse_ctx *fc, struct child_req *req)
{
	struct child_reply *rep = rep_buf();

	sw_fuse_sync();
	assert_int_equal(full_write(fc->child.req_fd, req, sizeof(*req)), 0);
	child_reply(fc, req, sizeof(*rep));
	sw_fuse_sync();
	return rep->ret < 0 ? -rep->err : rep->ret;
}

static void set_path(struct fuse_ctx *fc, struct child_req *req, const char *dir,
		     const char *file)
{
	snprintf(req->path, sizeof(req->path), "%s%s/%s", fc->dir, dir, file);
}

static long child_write_len(struct fuse_ctx *fc, const char *dir, const char *file,
			    const void *data, int len)
{
	struct child_req *req = req_buf();

	req->op = OP_WRITE;
	set_path(fc, req, dir, file);
	memcpy(req->data, data, len);
	req->len = len;
	return child_call(fc, req);
}

static long child_write(struct fuse_ctx *fc, const char *dir, const char *file,
			const char *str)
{
	return child_write_len(fc, dir, file, str, strlen(str));
}

static long knob(struct fuse_ctx *fc, const char *file, pid_t tgid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", tgid);
	return child_write(fc, SYSFS_DIR, file, buf);
}

/* Read a whole file by @chunk-byte reads; the text is in rep_buf()->data. */
static long child_read(struct fuse_ctx *fc, const char *dir, const char *file, int chunk)
{
	struct child_req *req = req_buf();
	long ret;

	req->op = OP_READ;
	req->chunk = chunk;
	set_path(fc, req, dir, file);
	ret = child_call(fc, req);
	if (ret >= 0 && ret < (long)sizeof(rep_buf()->data))
		rep_buf()->data[ret] = '\0';
	return ret;
}

static long child_simple(struct fuse_ctx *fc, int op, const char *dir, const char *file)
{
	struct child_req *req = req_buf();

	req->op = op;
	if (dir)
		set_path(fc, req, dir, file);
	return child_call(fc, req);
}

/* "Total resident: N" of gems, read by the child. */
static long gems_resident(struct fuse_ctx *fc)
{
	const char *t;

	assert_true(child_read(fc, DEBUGFS_DIR, "gems", 0) > 0);
	t = strstr(rep_buf()->data, "Total resident: ");
	assert_non_null(t);
	return atol(t + strlen("Total resident: "));
}

/* Does this process have CAP_SYS_RESOURCE (the child, forked from it, too)? */
static bool have_cap_sys_resource(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_SYS_RESOURCE / 32].effective & (1u << (CAP_SYS_RESOURCE % 32));
}

/*
 * (Re)mount. @grant: the server's documented option that grants writers
 * CAP_SYS_RESOURCE, used by the tests that need a privileged writer where
 * the machine withholds the capability (a container's root often lacks it).
 */
static int fuse_mount_ctx(struct fuse_ctx *fc, bool grant)
{
	struct sw_fuse_opts opts = { .grant_sys_resource = grant };
	char why[256] = "";
	int ret;

	sw_fuse_unmount(fc->fs);
	fc->fs = NULL;
	ret = sw_fuse_mount(fc->dir, &opts, &fc->fs, why, sizeof(why));
	if (ret) {
		fc->fs = NULL;
		printf("FUSE not available here: %s\n", why);
	}
	return ret;
}

/*
 * The mounts of earlier runs that were killed (CTest's timeout, ^C): their
 * server is gone, so a stat of the mount point fails with ENOTCONN. Live
 * mounts of other runs answer, and are left alone.
 */
static void sweep_dead_mounts(void)
{
	static bool swept;
	struct dirent *de;
	struct stat st;
	char path[300];
	DIR *d;

	if (swept)
		return;
	swept = true;
	d = opendir("/tmp");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "sw-fuse-", 8))
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", de->d_name);
		if (!stat(path, &st) || errno != ENOTCONN || umount2(path, MNT_DETACH))
			continue;
		printf("unmounted %s, left by a run that was killed\n", path);
		rmdir(path);
	}
	closedir(d);
}

static int fuse_setup(void **state)
{
	struct fuse_ctx *fc = calloc(1, sizeof(*fc));

	if (!fc || sw_setup((void **)&fc->w)) {
		free(fc);
		return -1;
	}
	sweep_dead_mounts();
	snprintf(fc->dir, sizeof(fc->dir), "/tmp/sw-fuse-XXXXXX");
	if (!mkdtemp(fc->dir)) {
		perror("mkdtemp");
		sw_teardown((void **)&fc->w);
		free(fc);
		return -1;
	}
	/* The child first: it must not inherit the server's /dev/fuse descriptor. */
	if (child_start(&fc->child))
		fprintf(stderr, "fork: %s\n", strerror(errno));
	if (!have_cap_sys_resource())
		printf("no CAP_SYS_RESOURCE here: privileged writes use the server's grant option\n");
	fuse_mount_ctx(fc, !have_cap_sys_resource());
	*state = fc;
	return 0;
}

static int fuse_teardown(void **state)
{
	struct fuse_ctx *fc = *state;
	int ret;

	if (fc->held)
		mutex_unlock(fc->held);
	child_stop(&fc->child);
	sw_fuse_unmount(fc->fs);
	rmdir(fc->dir);
	ret = sw_teardown((void **)&fc->w);
	free(fc);
	return ret;
}

/* The test's context, or skip() with the reason already printed. */
static struct fuse_ctx *ctx(void **state)
{
	struct fuse_ctx *fc = *state;

	if (!fc->fs) {
		printf("skipped: no FUSE mount (see above)\n");
		skip();
	}
	assert_true(fc->child.pid > 0);
	return fc;
}

#define FUSE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fuse_setup, fuse_teardown)

/* A VM of @f with a private BO bound at @va, written by the GPU. */
static struct sw_bo *bound_private_bo(struct sw_file *f, struct sw_vm **vm, uint64_t va,
				      unsigned int seed)
{
	struct sw_gpu_access acc = { .va = va, .len = SIZE };
	char *buf = malloc(SIZE);
	struct sw_bo *bo;

	*vm = sw_vm_create(f);
	bo = sw_bo_create_private(f, *vm, SIZE, 0);
	assert_int_equal(sw_vm_bind(*vm, bo, 0, SIZE, va, 0), 0);
	sw_pattern_fill(buf, SIZE, seed);
	acc.write = buf;
	assert_int_equal(sw_submit_wait(*vm, &acc, 1), 0);
	free(buf);
	return bo;
}

static int gpu_check(struct sw_vm *vm, uint64_t va, unsigned int seed)
{
	char *buf = malloc(SIZE);
	struct sw_gpu_access acc = { .va = va, .len = SIZE, .expect = buf };
	int ret;

	sw_pattern_fill(buf, SIZE, seed);
	ret = sw_submit_wait(vm, &acc, 1);
	free(buf);
	return ret;
}

/* Under the BO's resv: the server's threads changed it under that lock. */
static bool resident(struct sw_bo *bo)
{
	struct dma_resv *resv = sw_bo_obj(bo)->base.resv;
	bool ret;

	dma_resv_lock(resv, NULL);
	ret = sw_bo_obj(bo)->backing.pages != NULL;
	dma_resv_unlock(resv);
	return ret;
}

/* Fewer rounds under valgrind, which runs one thread at a time. */
static unsigned int iterations(unsigned int n)
{
	return getenv("SW_UNDER_VALGRIND") ? n / 8 + 1 : n;
}

/* The kernel's paths and modes; reads by any chunk size give the same text. */
static void test_fuse_paths_modes_partial_reads(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	struct sw_proc *p = sw_proc_create(fc->w, "reader", 0);
	struct sw_file *f = sw_file_open(p);
	static char whole[16384];
	long n, m;

	sw_bo_create(f, SIZE, 0);
	sw_bo_create(f, 2 * SIZE, 0);
	assert_int_equal(child_simple(fc, OP_STAT, SYSFS_DIR, "mem_reclaim"), S_IFREG | 0200);
	assert_int_equal(child_simple(fc, OP_STAT, SYSFS_DIR, "mem_claim"), S_IFREG | 0200);
	assert_int_equal(child_simple(fc, OP_STAT, DEBUGFS_DIR, "gems"), S_IFREG | 0444);
	assert_int_equal(child_simple(fc, OP_STAT, DEBUGFS_DIR, "shrink"), S_IFREG | 0600);
	assert_int_equal(child_simple(fc, OP_STAT, DEBUGFS_DIR, "nothing"), -ENOENT);
	assert_int_equal(child_simple(fc, OP_STAT, "/sys/kernel", "debug"), S_IFDIR | 0700);

	/* A write-only attribute can't be read, as kernfs refuses the open. */
	assert_int_equal(child_read(fc, SYSFS_DIR, "mem_reclaim", 0), -EACCES);

	n = child_read(fc, DEBUGFS_DIR, "gems", 0);
	assert_true(n > 0);
	memcpy(whole, rep_buf()->data, n + 1);
	assert_non_null(strstr(whole, "reader/"));
	m = child_read(fc, DEBUGFS_DIR, "gems", 7);
	assert_int_equal(m, n);
	assert_string_equal(rep_buf()->data, whole);

	assert_int_equal(child_read(fc, DEBUGFS_DIR, "shrink", 3), 11);
	assert_string_equal(rep_buf()->data, "0x00000000\n");
}

/*
 * Every error of the ABI, in its order: unparsable and out-of-range before
 * the permission check, unprivileged before an unknown TGID. The child
 * starts as root with every capability, then gives up CAP_SYS_RESOURCE.
 */
static void test_fuse_knob_errors_and_order(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_file *f = sw_file_open(p);
	struct sw_proc *other = sw_proc_create(fc->w, "other", 0);
	char buf[32];
	int k;

	sw_file_open(other);
	for (k = 0; k < 2; k++) {
		const char *file = k ? "mem_claim" : "mem_reclaim";

		assert_int_equal(child_write(fc, SYSFS_DIR, file, "abc"), -EINVAL);
		assert_int_equal(child_write(fc, SYSFS_DIR, file, "12abc\n"), -EINVAL);
		assert_int_equal(child_write(fc, SYSFS_DIR, file, "99999999999\n"), -ERANGE);
		assert_int_equal(child_write(fc, SYSFS_DIR, file, "-2147483649"), -ERANGE);
		assert_int_equal(child_write(fc, SYSFS_DIR, file, "0"), -ESRCH);
		assert_int_equal(knob(fc, file, 2147483647), -ESRCH);
		snprintf(buf, sizeof(buf), "%d\n", me);
		assert_int_equal(knob(fc, file, me), strlen(buf));
		snprintf(buf, sizeof(buf), "%d\n", sw_proc_tgid(other));
		assert_int_equal(knob(fc, file, sw_proc_tgid(other)), strlen(buf));
	}

	/* Unprivileged: no grant from the server, and the child drops the capability. */
	assert_int_equal(fuse_mount_ctx(fc, false), 0);
	assert_int_equal(child_simple(fc, OP_DROP_CAP, NULL, NULL), 0);
	for (k = 0; k < 2; k++) {
		const char *file = k ? "mem_claim" : "mem_reclaim";

		assert_int_equal(child_write(fc, SYSFS_DIR, file, "nope"), -EINVAL);
		assert_int_equal(child_write(fc, SYSFS_DIR, file, "4294967296"), -ERANGE);
		assert_int_equal(knob(fc, file, sw_proc_tgid(other)), -EPERM);
		assert_int_equal(knob(fc, file, 2147483647), -EPERM);
	}
	/* A process may reclaim itself; claiming needs the capability even then. */
	snprintf(buf, sizeof(buf), "%d\n", me);
	assert_int_equal(knob(fc, "mem_reclaim", me), strlen(buf));
	assert_int_equal(knob(fc, "mem_claim", me), -EPERM);

	/* Its files gone, the process is unknown: -ESRCH for its own reclaim. */
	sw_file_close(f);
	assert_int_equal(knob(fc, "mem_reclaim", me), -ESRCH);
}

/*
 * One mem_claim of @me written by the child while this thread holds the
 * device's file list lock, and the child signalled until its write
 * returns. @in_store: the first signal only once the request is inside
 * the server's store; else from the start, every @gap_us, so that the
 * interrupt reaches the server at any point of the request's life.
 * Returns the write's errno (0 if it succeeded).
 */
static int interrupted_claim(struct fuse_ctx *fc, pid_t me, bool in_store, int gap_us)
{
	struct mutex *filelist = &sw_world_device(fc->w)->base.filelist_mutex;
	struct child_req *req = req_buf();
	struct child_reply *rep = rep_buf();
	long deadline;

	mutex_lock(filelist);
	fc->held = filelist;
	req->op = OP_WRITE_INTR;
	set_path(fc, req, SYSFS_DIR, "mem_claim");
	req->len = snprintf(req->data, sizeof(req->data), "%d", me);
	sw_fuse_sync();
	assert_int_equal(full_write(fc->child.req_fd, req, sizeof(*req)), 0);
	/* "ready": the file is open and the handler in place. */
	child_reply(fc, req, offsetof(struct child_reply, data));
	deadline = now_ms() + REPLY_TIMEOUT_MS;
	while (in_store && !sw_fuse_in_flight(fc->fs)) {
		if (now_ms() > deadline)
			fail_msg("the write never reached the server's store");
		usleep(1000);
	}
	/* Until the write returns; a signal before the write is harmless. */
	deadline = now_ms() + REPLY_TIMEOUT_MS;
	while (!reply_ready(fc, 0)) {
		/* The kernel sends one interrupt per request: a lost one hangs it. */
		if (now_ms() > deadline)
			fail_msg("the interrupted write did not return in %d s",
				 REPLY_TIMEOUT_MS / 1000);
		kill(me, SIGUSR1);
		usleep(gap_us);
	}
	child_reply(fc, req, sizeof(*rep));
	sw_fuse_sync();
	fc->held = NULL;
	mutex_unlock(filelist);
	return rep->ret < 0 ? rep->err : 0;
}

/*
 * A real signal to the writer while its write waits in the store for the
 * device file list lock: the kernel interrupts the FUSE request, the
 * server's worker gets its signal pending, mutex_lock_interruptible()
 * gives up, and the write fails with EINTR. Nothing was claimed.
 */
static void test_fuse_knob_eintr_on_signal(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_file *f = sw_file_open(p);
	unsigned long eintr = sw_fuse_nr_eintr(fc->fs);
	struct sw_vm *vm;
	struct sw_bo *bo = bound_private_bo(f, &vm, VA0, 5);

	sw_shrinker_scan(fc->w, 1 << 20, GFP_KERNEL);
	assert_false(resident(bo));

	sw_task_set(1, "sw-main", 0);
	assert_int_equal(interrupted_claim(fc, me, true, 20000), EINTR);
	/* The server's store gave up, not the kernel before sending it. */
	assert_int_equal(sw_fuse_nr_eintr(fc->fs), eintr + 1);
	assert_false(resident(bo));

	/* Without the signal, the same write claims. */
	assert_int_equal(knob(fc, "mem_claim", me), 0 + snprintf(NULL, 0, "%d\n", me));
	assert_true(resident(bo));
	assert_int_equal(gpu_check(vm, VA0, 5), 0);
}

/*
 * Signals from the moment the write starts, many times: the interrupt
 * reaches the server at every point of a request's life, among them the
 * one where libfuse has read the request but cannot signal its worker
 * yet and only marks it interrupted. The kernel sends a request one
 * interrupt: a server that missed it would never answer. Every write
 * fails with EINTR (from the server's store, or from the kernel for a
 * request not sent yet), and nothing is claimed.
 */
static void test_fuse_knob_eintr_at_any_time(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_file *f = sw_file_open(p);
	unsigned long eintr = sw_fuse_nr_eintr(fc->fs);
	unsigned int i, n = iterations(400);
	struct sw_vm *vm;
	struct sw_bo *bo = bound_private_bo(f, &vm, VA0, 6);

	sw_shrinker_scan(fc->w, 1 << 20, GFP_KERNEL);
	sw_task_set(1, "sw-main", 0);
	for (i = 0; i < n; i++)
		assert_int_equal(interrupted_claim(fc, me, false, 50 + i % 7 * 30), EINTR);
	printf("%u interrupted writes: %lu answered by the server's store, the rest by the kernel\n",
	       n, sw_fuse_nr_eintr(fc->fs) - eintr);
	assert_false(resident(bo));
	assert_int_equal(knob(fc, "mem_claim", me), 0 + snprintf(NULL, 0, "%d\n", me));
	assert_true(resident(bo));
	assert_int_equal(gpu_check(vm, VA0, 6), 0);
}

/*
 * The child reclaims itself and claims itself back; gems shows the
 * resident bytes go and come back, and the harness shows that only its
 * BOs moved and that the GPU reads the same data.
 */
static void test_fuse_reclaim_and_claim_one_process(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_proc *q = sw_proc_create(fc->w, "bystander", 0);
	struct sw_file *f = sw_file_open(p), *g = sw_file_open(q);
	struct sw_vm *vm1, *vm2, *vm3;
	struct sw_bo *bo1 = bound_private_bo(f, &vm1, VA0, 1);
	struct sw_bo *bo2 = bound_private_bo(f, &vm2, VA1, 2);
	struct sw_bo *bo3 = bound_private_bo(g, &vm3, VA0, 3);
	long before, after;
	int len = snprintf(NULL, 0, "%d\n", me);

	before = gems_resident(fc);
	assert_int_equal(before, 3 * SIZE);
	assert_int_equal(knob(fc, "mem_reclaim", me), len);
	after = gems_resident(fc);
	assert_int_equal(after, SIZE);
	assert_false(resident(bo1));
	assert_false(resident(bo2));
	assert_true(resident(bo3));
	assert_int_equal(sw_vm_mapped_pages(vm1, VA0, SIZE), 0);
	assert_int_equal(sw_check_invariants(fc->w), 0);

	assert_int_equal(knob(fc, "mem_claim", me), len);
	assert_int_equal(gems_resident(fc), 3 * SIZE);
	assert_int_equal(sw_vm_mapped_pages(vm1, VA0, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA1, SIZE), PAGES);
	assert_int_equal(sw_check_invariants(fc->w), 0);
	assert_int_equal(gpu_check(vm1, VA0, 1), 0);
	assert_int_equal(gpu_check(vm2, VA1, 2), 0);
	assert_int_equal(gpu_check(vm3, VA0, 3), 0);
}

/* The claim of a VM holding an evicted BO shared with another process's VM. */
static void test_fuse_claim_vm_with_evicted_shared_bo(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_proc *q = sw_proc_create(fc->w, "sharer", 0);
	struct sw_file *f = sw_file_open(p), *g = sw_file_open(q);
	struct sw_vm *vm1 = sw_vm_create(f), *vm2 = sw_vm_create(g);
	struct sw_bo *shared = sw_bo_create(f, SIZE, 0);
	struct sw_gpu_access acc = { .va = VA1, .len = SIZE };
	char *buf = malloc(SIZE);

	assert_int_equal(sw_vm_bind(vm1, shared, 0, SIZE, VA1, 0), 0);
	assert_int_equal(sw_vm_bind(vm2, shared, 0, SIZE, VA1, 0), 0);
	sw_pattern_fill(buf, SIZE, 9);
	acc.write = buf;
	assert_int_equal(sw_submit_wait(vm2, &acc, 1), 0);
	free(buf);

	assert_int_equal(child_write(fc, DEBUGFS_DIR, "shrink", "1048576\n"), 8);
	assert_int_equal(child_read(fc, DEBUGFS_DIR, "shrink", 0), 11);
	assert_string_equal(rep_buf()->data, "0x00000004\n");
	assert_false(resident(shared));
	assert_int_equal(gems_resident(fc), 0);

	assert_int_equal(knob(fc, "mem_claim", me), snprintf(NULL, 0, "%d\n", me));
	assert_true(resident(shared));
	assert_int_equal(gems_resident(fc), SIZE);
	assert_int_equal(sw_vm_mapped_pages(vm1, VA1, SIZE), PAGES);
	assert_int_equal(sw_vm_mapped_pages(vm2, VA1, SIZE), 0);
	assert_int_equal(gpu_check(vm1, VA1, 9), 0);
	assert_int_equal(sw_check_invariants(fc->w), 0);
}

struct shrinker_loop {
	struct sw_world *w;
	bool stop;
	unsigned long scans;
};

static void *shrinker_loop_fn(void *arg)
{
	struct shrinker_loop *sl = arg;

	sw_task_set(2, "kswapd-ish", 0);
	while (!__atomic_load_n(&sl->stop, __ATOMIC_ACQUIRE)) {
		sw_shrinker_scan(sl->w, 8, GFP_KERNEL);
		sl->scans++;
		/*
		 * A breath between scans: valgrind runs one thread at a time,
		 * and a thread that never blocks starves the FUSE workers.
		 */
		usleep(200);
	}
	return NULL;
}

/*
 * Reclaims and claims written through the mount while the shrinker scans
 * the same BOs: every write completes, nothing is lost (the GPU reads back
 * what it wrote, the invariants hold).
 */
static void test_fuse_writes_race_the_shrinker(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_file *f = sw_file_open(p);
	static struct shrinker_loop sl;
	int len = snprintf(NULL, 0, "%d\n", me);
	struct sw_vm *vm1, *vm2;
	struct sw_bo *bo1, *bo2;
	unsigned int i, n = iterations(40);
	pthread_t t;

	sl = (struct shrinker_loop){ .w = fc->w };
	bo1 = bound_private_bo(f, &vm1, VA0, 11);
	bo2 = bound_private_bo(f, &vm2, VA1, 12);
	sw_test_thread_start(&t, shrinker_loop_fn, &sl);
	for (i = 0; i < n; i++) {
		assert_int_equal(knob(fc, i & 1 ? "mem_claim" : "mem_reclaim", me), len);
		if (i % 8 == 7)
			assert_true(child_read(fc, DEBUGFS_DIR, "gems", 0) > 0);
	}
	__atomic_store_n(&sl.stop, true, __ATOMIC_RELEASE);
	sw_test_thread_join(t);
	sw_task_set(1, "sw-main", 0);
	assert_int_equal(sw_check_invariants(fc->w), 0);
	assert_int_equal(gpu_check(vm1, VA0, 11), 0);
	assert_int_equal(gpu_check(vm2, VA1, 12), 0);
	(void)bo1;
	(void)bo2;
}

struct closer {
	struct sw_file *f;
	struct sw_proc *p;
};

static void *closer_fn(void *arg)
{
	struct closer *cl = arg;
	struct sw_vm *vm;

	sw_task_set(3, "closer", 0);
	sched_yield();
	/* What the process's exit does to its DRM files. */
	sw_file_close(cl->f);
	cl->f = sw_file_open(cl->p);
	bound_private_bo(cl->f, &vm, VA0, 21);
	sw_file_close(cl->f);
	return NULL;
}

/*
 * Writes about a process whose files close meanwhile (as on exit): each
 * write either did its work or found nothing (-ESRCH); none fails
 * otherwise, none blocks the close, and nothing is left behind.
 */
static void test_fuse_writes_race_the_owner_exiting(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	static struct closer cl;
	int len = snprintf(NULL, 0, "%d\n", me);
	unsigned int i, n = iterations(30), ok = 0, gone = 0;
	struct sw_vm *vm;
	pthread_t t;

	cl = (struct closer){ .p = p, .f = sw_file_open(p) };
	bound_private_bo(cl.f, &vm, VA0, 20);
	sw_test_thread_start(&t, closer_fn, &cl);
	for (i = 0; i < n; i++) {
		long ret = knob(fc, i & 1 ? "mem_claim" : "mem_reclaim", me);

		if (ret == len)
			ok++;
		else if (ret == -ESRCH)
			gone++;
		else
			fail_msg("write %u: %ld", i, ret);
	}
	sw_test_thread_join(t);
	sw_task_set(1, "sw-main", 0);
	assert_int_equal(ok + gone, n);
	assert_int_equal(knob(fc, "mem_reclaim", me), -ESRCH);
	assert_int_equal(sw_check_invariants(fc->w), 0);
}

/*
 * Random bytes of random lengths (up to past a page) into every writable
 * file: no crash, only the documented errors, and nothing lost.
 */
static void test_fuse_fuzz_writable_files(void **state)
{
	struct fuse_ctx *fc = ctx(state);
	pid_t me = fc->child.pid;
	struct sw_proc *p = sw_proc_create_tgid(fc->w, "child", 0, me);
	struct sw_file *f = sw_file_open(p);
	static const struct {
		const char *dir, *file;
	} targets[] = {
		{ SYSFS_DIR, "mem_reclaim" },
		{ SYSFS_DIR, "mem_claim" },
		{ DEBUGFS_DIR, "shrink" },
	};
	static char data[MAX_DATA];
	unsigned int seed = 0x5eed, i, n = iterations(300);
	struct sw_vm *vm;

	bound_private_bo(f, &vm, VA0, 31);
	printf("fuzz seed 0x%x\n", seed);
	srandom(seed);
	for (i = 0; i < n; i++) {
		int t = random() % ARRAY_SIZE(targets);
		int len = random() % 3 ? random() % 24 : random() % MAX_DATA;
		int k, mode = random() % 3;
		long ret;

		for (k = 0; k < len; k++) {
			/* Some writes look like numbers, some are anything. */
			if (mode == 0)
				data[k] = "0123456789xX-+ \n"[random() % 16];
			else if (mode == 1)
				data[k] = "0123456789"[random() % 10];
			else
				data[k] = random();
		}
		/* Sometimes the child's own TGID, to do real work. */
		if (mode == 1 && len > 0 && random() % 4 == 0)
			len = snprintf(data, sizeof(data), "%d", me);
		ret = child_write_len(fc, targets[t].dir, targets[t].file, data, len);
		if (t < 2 && len > PAGE_SIZE && ret == PAGE_SIZE)
			continue;
		if (ret == len || ret == -EINVAL || ret == -ERANGE || ret == -ESRCH)
			continue;
		fail_msg("fuzz write %u (%d bytes to %s): %ld, seed 0x%x", i, len,
			 targets[t].file, ret, seed);
	}
	assert_int_equal(sw_check_invariants(fc->w), 0);
	assert_int_equal(gpu_check(vm, VA0, 31), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FUSE_TEST(test_fuse_paths_modes_partial_reads),
		FUSE_TEST(test_fuse_knob_errors_and_order),
		FUSE_TEST(test_fuse_knob_eintr_on_signal),
		FUSE_TEST(test_fuse_knob_eintr_at_any_time),
		FUSE_TEST(test_fuse_reclaim_and_claim_one_process),
		FUSE_TEST(test_fuse_claim_vm_with_evicted_shared_bo),
		FUSE_TEST(test_fuse_writes_race_the_shrinker),
		FUSE_TEST(test_fuse_writes_race_the_owner_exiting),
		FUSE_TEST(test_fuse_fuzz_writable_files),
	};

	/* The child's pipe must not kill the test if the child dies. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
