/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Common test fixture: every test runs in a fresh world, and its teardown
 * fails the test on any unexpected WARN, lockdep report, leaked object or
 * leaked page.
 */
#ifndef SW_TEST_H
#define SW_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>

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
#include <shrinkwrap/fault_sweep.h>

/* Defined when the suite is built with ThreadSanitizer (GCC or clang). */
#if defined(__SANITIZE_THREAD__)
#define SW_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SW_TEST_TSAN 1
#endif
#endif

struct panthor_device;
struct sw_proc;
struct sw_file;

/* What most tests start from: the world, its device, one process, one file. */
struct sw_ctx {
	struct sw_world *w;
	struct panthor_device *ptdev;
	struct sw_proc *p;
	struct sw_file *f;
};

/* A process named @comm with a DRM file, in the world of @state. */
struct sw_ctx sw_ctx_get(void **state, const char *comm);

/* cmocka setup: a world with the default budget. */
int sw_setup(void **state);
/* cmocka setup: a world with no swap. */
int sw_setup_noswap(void **state);
/* cmocka teardown: destroy the world; non-zero (test fails) on any problem. */
int sw_teardown(void **state);

#define SW_TEST(fn) cmocka_unit_test_setup_teardown(fn, sw_setup, sw_teardown)
#define SW_TEST_NOSWAP(fn) cmocka_unit_test_setup_teardown(fn, sw_setup_noswap, sw_teardown)

/*
 * Start and join a test's worker thread. While one started here is not
 * joined, an assertion failing on the main thread aborts the suite, naming
 * the assertion, rather than running the teardown under the worker.
 * sw_test_thread_start() fails the test if the thread cannot be started;
 * sw_test_thread_join() returns the thread's result.
 */
void sw_test_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);
void *sw_test_thread_join(pthread_t thread);

/*
 * Run @child in a forked child, its stdout and stderr piped back: it must
 * die of SIGABRT having printed @why (and @where, unless NULL), else the
 * test fails showing what it printed. Skips the test under TSan, which
 * cannot start threads after fork().
 */
void sw_test_child_aborts(void (*child)(void), const char *why, const char *where);

/*
 * Wait up to @secs seconds for another thread to set *@flag (with
 * smp_store_release()); true if it did. A test that must not hang on a
 * thread which may never finish waits for its flag, then joins it: the
 * join is what ThreadSanitizer and helgrind order on (pthread_timedjoin_np()
 * is not understood by helgrind).
 */
bool sw_test_wait_flag(const int *flag, unsigned int secs);
/*
 * Wait up to @secs seconds, polling every millisecond, until @done(@arg)
 * returns true; true if it did. For a test that runs threads until some
 * event has been seen rather than for a fixed count, which a serializing
 * scheduler (valgrind) can finish before the event ever happens.
 */
bool sw_test_wait_until(bool (*done)(void *arg), void *arg, unsigned int secs);

/* Fill a buffer with a pattern derived from @seed, and check one. */
void sw_pattern_fill(void *buf, size_t len, unsigned int seed);
int sw_pattern_check(const void *buf, size_t len, unsigned int seed);

/*
 * The test objects most tests start from, BOs of @size bytes in @c's file.
 * sw_test_bo_unused(): with its pages (pinned once) and nothing mapping it,
 * so PANTHOR_GEM_UNUSED. sw_test_bo_mmapped():
 * mmapped by @c's process and its first byte written (as 1), so
 * PANTHOR_GEM_MMAPPED; the mapping goes to *@map unless @map is NULL
 * (teardown then unmaps it). Either fails the test if the BO is not so.
 */
struct sw_bo *sw_test_bo_unused(struct sw_ctx *c, size_t size);
struct sw_bo *sw_test_bo_mmapped(struct sw_ctx *c, size_t size, struct sw_map **map);

/* A GPU job of @vm writes the pattern of @seed to [@va, @va + @len), or the test fails. */
void sw_test_gpu_write(struct sw_vm *vm, uint64_t va, size_t len, unsigned int seed);
/* 0 if a GPU job of @vm reads the pattern of @seed at [@va, @va + @len), else its error. */
int sw_test_gpu_check(struct sw_vm *vm, uint64_t va, size_t len, unsigned int seed);

#endif
