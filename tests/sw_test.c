// SPDX-License-Identifier: GPL-2.0 or MIT
/* The common test fixture. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/atomic.h>

#include "sw_test.h"
#include "panthor_gem.h"

/* cmocka runs every test on the main thread. */
static pthread_t main_thread;

static void __attribute__((constructor)) sw_test_main_thread(void)
{
	main_thread = pthread_self();
}

/* Threads started by sw_test_thread_start() and not yet joined. */
static int live_workers;

/*
 * cmocka's failed assertion longjmps to the test's frame, which is on the
 * main thread: one failing on a worker thread (a GPU check in a churn
 * thread, say) would jump across threads, undefined behaviour that shows
 * as a crash or a join that never returns. This _fail() is found before
 * libcmocka's own: off the main thread, or on it with workers not yet
 * joined, it names the assertion and aborts; else it hands over to cmocka's.
 */
void _fail(const char * const file, const int line)
{
	static void (*cmocka_fail)(const char *, int);
	int live = __atomic_load_n(&live_workers, __ATOMIC_RELAXED);

	if (!pthread_equal(pthread_self(), main_thread)) {
		fprintf(stderr, "%s:%d: assertion failed on a worker thread: aborting\n", file, line);
		abort();
	}
	/*
	 * cmocka would go on to the teardown, which frees the world (and the
	 * test's frame is gone) under the workers still using them: what
	 * followed would be use-after-free reports, or a hang, not this.
	 */
	if (live) {
		fprintf(stderr, "%s:%d: assertion failed with %d worker thread(s) of the test "
			"not yet joined: aborting the suite\n", file, line, live);
		abort();
	}
	if (!cmocka_fail)
		cmocka_fail = (void (*)(const char *, int))dlsym(RTLD_NEXT, "_fail");
	cmocka_fail(file, line);
	abort();
}

void sw_test_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	int ret = pthread_create(thread, NULL, fn, arg);

	assert_int_equal(ret, 0);
	__atomic_add_fetch(&live_workers, 1, __ATOMIC_RELAXED);
}

void *sw_test_thread_join(pthread_t thread)
{
	void *ret = NULL;

	if (pthread_join(thread, &ret)) {
		fprintf(stderr, "sw_test_thread_join: not a joinable thread: aborting\n");
		abort();
	}
	__atomic_sub_fetch(&live_workers, 1, __ATOMIC_RELAXED);
	return ret;
}

void sw_test_child_aborts(void (*child)(void), const char *why, const char *where)
{
	char out[4096] = "", sink[4096];
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

#ifdef SW_TEST_TSAN
	/* The same code runs in the other presets. */
	printf("skipped: ThreadSanitizer does not support starting threads after fork\n");
	skip();
#endif
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		child();
		_exit(0);
	}
	close(fds[1]);
	/* Keep the start; drain the rest, so the child never blocks on a full pipe. */
	for (;;) {
		if (got < sizeof(out) - 1)
			n = read(fds[0], out + got, sizeof(out) - 1 - got);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got < sizeof(out) - 1)
			got += n;
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT || !strstr(out, why) ||
	    (where && !strstr(out, where)))
		fail_msg("the child did not abort saying \"%s\"%s%s; it printed:\n%s", why,
			 where ? " at " : "", where ? where : "", out);
}

/*
 * A harness call that cannot keep its promise fails the running test (cmocka
 * longjmps out of it; the teardown still runs). From another thread there
 * is no test to fail: say so and end the suite.
 */
static void sw_test_harness_failed(const char *msg)
{
	if (pthread_equal(pthread_self(), main_thread))
		fail_msg("harness: %s", msg);
	fprintf(stderr, "harness (worker thread): %s\n", msg);
	abort();
}

static int sw_setup_with(void **state, const struct sw_world_config *cfg)
{
	struct sw_world *w;

	sw_harness_set_fail_handler(sw_test_harness_failed);
	w = sw_world_create(cfg);
	*state = w;
	return w ? 0 : -1;
}

struct sw_ctx sw_ctx_get(void **state, const char *comm)
{
	struct sw_ctx c = { .w = *state };

	c.ptdev = sw_world_device(c.w);
	c.p = sw_proc_create(c.w, comm, 0);
	c.f = sw_file_open(c.p);
	return c;
}

int sw_setup(void **state)
{
	return sw_setup_with(state, NULL);
}

int sw_setup_noswap(void **state)
{
	struct sw_world_config cfg = { .mem_pages = 4096, .swap_pages = 0 };

	return sw_setup_with(state, &cfg);
}

int sw_teardown(void **state)
{
	int problems = sw_world_destroy(*state);

	if (problems)
		fprintf(stderr, "teardown: %d problem(s), see above\n", problems);
	return problems ? -1 : 0;
}

void sw_pattern_fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	unsigned int x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
}

int sw_pattern_check(const void *buf, size_t len, unsigned int seed)
{
	const unsigned char *p = buf;
	unsigned int x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		if (p[i] != (unsigned char)(x >> 16))
			return 0;
	}
	return 1;
}

struct sw_bo *sw_test_bo_unused(struct sw_ctx *c, size_t size)
{
	struct sw_bo *bo = sw_bo_create(c->f, size, 0);

	assert_non_null(bo);
	assert_int_equal(panthor_gem_pin(sw_bo_obj(bo)), 0);
	panthor_gem_unpin(sw_bo_obj(bo));
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_UNUSED);
	return bo;
}

struct sw_bo *sw_test_bo_mmapped(struct sw_ctx *c, size_t size, struct sw_map **map)
{
	struct sw_bo *bo = sw_bo_create(c->f, size, 0);
	struct sw_map *m;
	char byte = 1;

	assert_non_null(bo);
	assert_int_equal(sw_mmap(c->p, bo, 0, &m), 0);
	assert_int_equal(sw_cpu_write(m, 0, &byte, 1), 0);
	assert_int_equal(sw_bo_obj(bo)->reclaim_state, PANTHOR_GEM_MMAPPED);
	if (map)
		*map = m;
	return bo;
}

void sw_test_gpu_write(struct sw_vm *vm, uint64_t va, size_t len, unsigned int seed)
{
	char *buf = malloc(len ? len : 1);
	struct sw_gpu_access acc = { .va = va, .len = len, .write = buf };

	assert_non_null(buf);
	sw_pattern_fill(buf, len, seed);
	assert_int_equal(sw_submit_wait(vm, &acc, 1), 0);
	free(buf);
}

int sw_test_gpu_check(struct sw_vm *vm, uint64_t va, size_t len, unsigned int seed)
{
	char *buf = malloc(len ? len : 1);
	struct sw_gpu_access acc = { .va = va, .len = len, .expect = buf };
	int ret;

	assert_non_null(buf);
	sw_pattern_fill(buf, len, seed);
	ret = sw_submit_wait(vm, &acc, 1);
	free(buf);
	return ret;
}

/*
 * The watchdog: a suite still running SW_WATCHDOG seconds after it started
 * (the test presets set it a little under CTest's timeout) prints every
 * thread's stack, through gdb (and vgdb under valgrind), then aborts. A
 * hang in CI then says where each thread waited, where CTest's timeout
 * kills the suite and says nothing. Unset or 0: no watchdog.
 */
static unsigned int watchdog_secs;

static void *sw_watchdog_fn(void *arg)
{
	const char *vg = getenv("SW_UNDER_VALGRIND");
	unsigned int left = watchdog_secs;
	char attach[512], cmd[1024];
	int pid = getpid();

	while (left)
		left = sleep(left);
	fflush(stdout);
	fprintf(stderr, "\nwatchdog: the suite is still running after %u s (SW_WATCHDOG); "
		"the stacks of its threads follow, then it aborts\n", watchdog_secs);
	/* Under valgrind the process is the tool: gdb reaches the program through vgdb. */
	if (vg && *vg)
		snprintf(attach, sizeof(attach), "-ex 'target remote | vgdb --pid=%d' %s", pid,
			 program_invocation_name);
	else
		snprintf(attach, sizeof(attach), "-p %d", pid);
	snprintf(cmd, sizeof(cmd),
		 "if command -v gdb >/dev/null; then "
		 "gdb -nx -batch -q %s -ex 'thread apply all bt 24' </dev/null 2>&1 | "
		 "grep -v '^\\[New LWP' >&2; else echo 'watchdog: no gdb for the stacks' >&2; fi",
		 attach);
	/* Its status says nothing useful: under valgrind it is -1 whatever gdb did. */
	if (system(cmd))
		fflush(stderr);
	abort();
	return NULL;
}

static void __attribute__((constructor)) sw_watchdog_start(void)
{
	const char *env = getenv("SW_WATCHDOG");
	pthread_t t;

	watchdog_secs = env ? strtoul(env, NULL, 10) : 0;
	if (!watchdog_secs)
		return;
	if (pthread_create(&t, NULL, sw_watchdog_fn, NULL) == 0)
		pthread_detach(t);
}

bool sw_test_wait_until(bool (*done)(void *arg), void *arg, unsigned int secs)
{
	struct timespec now;
	time_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = now.tv_sec + secs;
	while (!done(arg)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline)
			return false;
		usleep(1000);
	}
	return true;
}

static bool flag_is_set(void *flag)
{
	return smp_load_acquire((const int *)flag);
}

bool sw_test_wait_flag(const int *flag, unsigned int secs)
{
	return sw_test_wait_until(flag_is_set, (void *)flag, secs);
}

/* SW_TEST_FILTER=pattern runs only the matching tests of a suite. */
static void __attribute__((constructor)) sw_test_filter(void)
{
	const char *filter = getenv("SW_TEST_FILTER");

	if (filter && *filter)
		cmocka_set_test_filter(filter);
}
