// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The VFS side of sysfs and debugfs: a libfuse3 server for the tree of
 * shim/kernfs.c (include/shrinkwrap/fuse.h).
 *
 * Every request runs on a libfuse worker thread whose task takes the
 * identity of the calling process first (TGID, comm, capabilities read
 * from /proc), so capable() and task_tgid_nr(current) in a store() see the
 * writer as they would in the kernel. The kernel sends an INTERRUPT when
 * the caller gets a signal; libfuse (config intr) then signals the worker,
 * whose handler marks its task's signal pending, so an interruptible wait
 * in the store returns -EINTR and the caller's write(2) fails with EINTR.
 * An interrupt that arrives before libfuse is ready to signal only marks
 * the request (fuse_interrupted()), which the worker checks on entry.
 *
 * Files are opened direct_io: every read and write reaches the server
 * with its offset and length, as the kernel's sysfs and debugfs see them.
 */
#define FUSE_USE_VERSION 312
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <shrinkwrap/fuse.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

/* The signal libfuse sends a worker whose request the caller interrupted. */
#define SW_FUSE_INTR_SIGNAL SIGUSR1

struct sw_fuse {
	struct fuse *fuse;
	struct fuse_loop_config *loop_cfg;
	/* Requests inside an operation now, and those answered -EINTR. */
	unsigned long in_flight;
	unsigned long nr_eintr;
	pthread_t thread;
	char *dir;
	bool grant_sys_resource;
	int loop_ret;
	/* When it was mounted: the files' times. */
	struct timespec mounted;
	/* Files open through the mount, under handles_lock. */
	struct list_head open_files;
};

/* An open file of the mount: fuse_file_info::fh points at one. */
struct sw_fuse_file {
	struct list_head node;
	struct kernfs_file_shim *of;
};

/*
 * Open files by handle. libfuse hands a request to whichever worker reads
 * it from /dev/fuse, so an open file is made on one thread and used on
 * others with only the kernel in between: the handle table's lock gives
 * the ordering the threads (and ThreadSanitizer) need.
 */
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Taken by every request on entry and exit, and by sw_fuse_sync(): the
 * kernel orders a request after the syscall that made it and the caller's
 * next step after the reply, through /dev/fuse and pipes that
 * ThreadSanitizer does not see; this lock makes that order visible.
 */
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;

static void order_point(void)
{
	pthread_mutex_lock(&order_lock);
	pthread_mutex_unlock(&order_lock);
}

/**
 * sw_fuse_sync() - see include/shrinkwrap/fuse.h.
 */
void sw_fuse_sync(void)
{
	order_point();
}

/* The worker's task while it serves a request, for the interrupt handler. */
static __thread struct task_struct *request_task;

static void intr_handler(int sig)
{
	struct task_struct *t = request_task;

	if (t)
		send_sig(sig, t, 0);
}

/* Read "<key>:\t<value>" from /proc/<pid>/status. */
static bool proc_status_field(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			char *v = line + klen + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(val, len, "%s", v);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Is @pid in the user namespace of init (the initial one, as far as we see)? */
static bool in_initial_userns(pid_t pid)
{
	char path[64], ns[64], init_ns[64];
	ssize_t n, m;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	n = readlink(path, ns, sizeof(ns) - 1);
	m = readlink("/proc/1/ns/user", init_ns, sizeof(init_ns) - 1);
	if (m < 0)
		m = readlink("/proc/self/ns/user", init_ns, sizeof(init_ns) - 1);
	if (n < 0 || m < 0)
		return false;
	return n == m && !memcmp(ns, init_ns, n);
}

/*
 * Make the calling worker's task the process that sent the request: its
 * TGID, comm and effective capabilities. A caller that is gone already
 * keeps its pid as TGID and gets no capabilities.
 */
static void enter_caller(struct sw_fuse *fs)
{
	struct fuse_context *ctx = fuse_get_context();
	pid_t pid = ctx->pid, tgid = ctx->pid;
	unsigned long long caps = 0;
	char val[64], comm[TASK_COMM_LEN] = "?", path[64];
	FILE *f;

	order_point();
	if (proc_status_field(pid, "Tgid", val, sizeof(val)))
		tgid = atoi(val);
	if (proc_status_field(pid, "CapEff", val, sizeof(val)) && in_initial_userns(pid))
		caps = strtoull(val, NULL, 16);
	if (fs->grant_sys_resource)
		caps |= 1ULL << CAP_SYS_RESOURCE;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	sw_task_set(tgid, comm, caps);
	request_task = current;
	/*
	 * An interrupt that libfuse read before it registered this request's
	 * interrupt function is not signalled: it only marks the request,
	 * and the kernel sends no second one. Without this the store would
	 * wait on, and the caller with it.
	 */
	if (fuse_interrupted())
		sw_task_signal(1);
	__atomic_add_fetch(&fs->in_flight, 1, __ATOMIC_RELEASE);
}

/*
 * The request is answered with @ret: a late interrupt must not reach the
 * next one. Returns @ret.
 */
static long leave_caller(struct sw_fuse *fs, long ret)
{
	request_task = NULL;
	sw_task_signal(0);
	if (ret == -EINTR)
		__atomic_add_fetch(&fs->nr_eintr, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&fs->in_flight, 1, __ATOMIC_RELEASE);
	order_point();
	return ret;
}

static struct sw_fuse *server(void)
{
	return fuse_get_context()->private_data;
}

static int sw_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	umode_t mode;
	size_t size;
	bool dir;
	int ret = kernfs_getattr_shim(path, &mode, &dir, &size);

	if (ret)
		return ret;
	memset(st, 0, sizeof(*st));
	st->st_mode = (dir ? S_IFDIR : S_IFREG) | (mode & 07777);
	st->st_nlink = dir ? 2 : 1;
	st->st_size = size;
	st->st_blksize = PAGE_SIZE;
	st->st_atim = server()->mounted;
	st->st_mtim = server()->mounted;
	st->st_ctim = server()->mounted;
	return 0;
}

struct readdir_ctx {
	void *buf;
	fuse_fill_dir_t filler;
};

static void fill_one(void *arg, const char *name, bool dir)
{
	struct readdir_ctx *rc = arg;
	struct stat st = { .st_mode = dir ? S_IFDIR : S_IFREG };

	rc->filler(rc->buf, name, &st, 0, 0);
}

static int sw_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct readdir_ctx rc = { .buf = buf, .filler = filler };

	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	return kernfs_readdir_shim(path, fill_one, &rc);
}

static int sw_open(const char *path, struct fuse_file_info *fi)
{
	struct sw_fuse_file *file = calloc(1, sizeof(*file));
	int acc = fi->flags & O_ACCMODE;
	struct sw_fuse *fs = server();
	int ret;

	if (!file)
		return -ENOMEM;
	enter_caller(fs);
	ret = leave_caller(fs, kernfs_open_shim(path, acc != O_WRONLY, acc != O_RDONLY,
						&file->of));
	if (ret) {
		free(file);
		return ret;
	}
	pthread_mutex_lock(&handles_lock);
	list_add(&file->node, &fs->open_files);
	fi->fh = (uintptr_t)file;
	fi->direct_io = 1;
	pthread_mutex_unlock(&handles_lock);
	return 0;
}

static struct kernfs_file_shim *handle(struct fuse_file_info *fi)
{
	struct sw_fuse_file *file;

	pthread_mutex_lock(&handles_lock);
	file = (struct sw_fuse_file *)(uintptr_t)fi->fh;
	pthread_mutex_unlock(&handles_lock);
	return file->of;
}

static int sw_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	enter_caller(server());
	return leave_caller(server(), kernfs_read_shim(handle(fi), buf, size, off));
}

static int sw_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	enter_caller(server());
	return leave_caller(server(), kernfs_write_shim(handle(fi), buf, size, off));
}

static int sw_release(const char *path, struct fuse_file_info *fi)
{
	struct sw_fuse_file *file;

	pthread_mutex_lock(&handles_lock);
	file = (struct sw_fuse_file *)(uintptr_t)fi->fh;
	list_del(&file->node);
	pthread_mutex_unlock(&handles_lock);
	kernfs_release_shim(file->of);
	free(file);
	return 0;
}

static int sw_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	/* The shell's ">" truncates: sysfs and debugfs files ignore it. */
	return 0;
}

static void *sw_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* libfuse has no option for these any more: interrupts are asked for here. */
	cfg->intr = 1;
	cfg->intr_signal = SW_FUSE_INTR_SIGNAL;
	cfg->direct_io = 1;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	return fuse_get_context()->private_data;
}

static const struct fuse_operations sw_fuse_ops = {
	.init = sw_init,
	.getattr = sw_getattr,
	.readdir = sw_readdir,
	.open = sw_open,
	.read = sw_read,
	.write = sw_write,
	.release = sw_release,
	.truncate = sw_truncate,
};

static void *loop_thread(void *arg)
{
	struct sw_fuse *fs = arg;

	/* The tasks of the workers start as the server; each request enters its caller. */
	fs->loop_ret = fuse_loop_mt(fs->fuse, fs->loop_cfg);
	return NULL;
}

static void say(char *why, size_t len, const char *fmt, const char *arg, int err)
{
	if (why && len)
		snprintf(why, len, fmt, arg, strerror(err));
}

/**
 * sw_fuse_mount() - see include/shrinkwrap/fuse.h.
 * @dir: mount point.
 * @opts: options or NULL.
 * @out: receives the server.
 * @why: receives the reason of a failure.
 * @why_len: size of @why.
 *
 * Return: 0 or a negative errno.
 */
int sw_fuse_mount(const char *dir, const struct sw_fuse_opts *opts, struct sw_fuse **out,
		  char *why, size_t why_len)
{
	char *argv[8];
	struct fuse_args args;
	struct sigaction sa = { .sa_handler = intr_handler };
	struct sw_fuse *fs;
	int argc = 0, ret;

	if (access("/dev/fuse", R_OK | W_OK)) {
		ret = errno;
		say(why, why_len, "%s/dev/fuse is not usable: %s", "", ret);
		return -ENODEV;
	}

	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->grant_sys_resource = opts && opts->grant_sys_resource;
	fs->dir = strdup(dir);
	INIT_LIST_HEAD(&fs->open_files);
	clock_gettime(CLOCK_REALTIME, &fs->mounted);

	/* Before fuse_new(): libfuse installs its own handler only over SIG_DFL. */
	sigemptyset(&sa.sa_mask);
	sigaction(SW_FUSE_INTR_SIGNAL, &sa, NULL);

	argv[argc++] = "shrinkwrap";
	argv[argc++] = "-o";
	/* Mode bits checked by the kernel; root may let others in, as sysfs does. */
	argv[argc++] = geteuid() == 0 ?
		"default_permissions,allow_other,fsname=shrinkwrap,subtype=sysfs" :
		"default_permissions,fsname=shrinkwrap,subtype=sysfs";
	argv[argc] = NULL;
	args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);

	fs->fuse = fuse_new(&args, &sw_fuse_ops, sizeof(sw_fuse_ops), fs);
	fuse_opt_free_args(&args);
	if (!fs->fuse) {
		say(why, why_len, "%sfuse_new failed: %s", "", EINVAL);
		ret = -EINVAL;
		goto err_free;
	}
	if (fuse_mount(fs->fuse, dir)) {
		say(why, why_len, "cannot mount FUSE on %s (%s, or not permitted)", dir, EPERM);
		ret = -EPERM;
		goto err_destroy;
	}

	fs->loop_cfg = fuse_loop_cfg_create();
	if (!fs->loop_cfg) {
		ret = -ENOMEM;
		goto err_unmount;
	}
	fuse_loop_cfg_set_clone_fd(fs->loop_cfg, 0);
	fuse_loop_cfg_set_max_threads(fs->loop_cfg, 16);

	ret = -pthread_create(&fs->thread, NULL, loop_thread, fs);
	if (ret)
		goto err_cfg;

	*out = fs;
	return 0;

err_cfg:
	fuse_loop_cfg_destroy(fs->loop_cfg);
err_unmount:
	fuse_unmount(fs->fuse);
err_destroy:
	fuse_destroy(fs->fuse);
err_free:
	free(fs->dir);
	free(fs);
	return ret;
}

/**
 * sw_fuse_in_flight() - see include/shrinkwrap/fuse.h.
 * @fs: the server.
 *
 * Return: the number of requests inside an operation.
 */
unsigned long sw_fuse_in_flight(const struct sw_fuse *fs)
{
	return __atomic_load_n(&fs->in_flight, __ATOMIC_ACQUIRE);
}

/**
 * sw_fuse_nr_eintr() - see include/shrinkwrap/fuse.h.
 * @fs: the server.
 *
 * Return: the number of requests answered -EINTR.
 */
unsigned long sw_fuse_nr_eintr(const struct sw_fuse *fs)
{
	return __atomic_load_n(&fs->nr_eintr, __ATOMIC_RELAXED);
}

/**
 * sw_fuse_unmount() - see include/shrinkwrap/fuse.h.
 * @fs: the server or NULL.
 */
void sw_fuse_unmount(struct sw_fuse *fs)
{
	struct timespec until;
	bool joined = false;

	if (!fs)
		return;
	fuse_exit(fs->fuse);
	/*
	 * Detach the mount first (root): once nothing uses it the kernel ends
	 * the connection, the workers' reads of /dev/fuse fail and the loop
	 * returns, before the descriptor they read is closed. If that takes
	 * too long (a shell sits in the mount) or isn't allowed, closing the
	 * session ends the connection under them instead.
	 */
	if (!umount2(fs->dir, MNT_DETACH)) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		joined = !pthread_timedjoin_np(fs->thread, NULL, &until);
	}
	/*
	 * The loop may have seen fuse_exit() before the kernel let go of the
	 * connection: give it a moment, so that fuse_unmount() finds it gone
	 * and only closes the descriptor and frees the session's copy of the
	 * path instead of unmounting again.
	 */
	if (joined) {
		struct pollfd pfd = { .fd = fuse_session_fd(fuse_get_session(fs->fuse)) };

		poll(&pfd, 1, 1000);
	}
	fuse_unmount(fs->fuse);
	if (!joined)
		pthread_join(fs->thread, NULL);
	fuse_loop_cfg_destroy(fs->loop_cfg);
	fuse_destroy(fs->fuse);
	/* The kernel sends RELEASE after close(2) returns: some may be lost. */
	while (!list_empty(&fs->open_files)) {
		struct sw_fuse_file *file = list_first_entry(&fs->open_files,
							     struct sw_fuse_file, node);

		list_del(&file->node);
		kernfs_release_shim(file->of);
		free(file);
	}
	free(fs->dir);
	free(fs);
}
