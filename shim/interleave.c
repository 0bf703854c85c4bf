// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Deterministic interleaving. In a scheduled run the threads execute one at
 * a time: each switch point (an atomic access, a lock acquire, trylock or
 * release, a wait, cond_resched()/schedule(), a point a test places) asks a
 * strategy which thread runs next, and hands the turn over. A thread that
 * would block is not runnable until what it waits for can progress (its
 * readiness test, evaluated by whichever thread picks next, says so); when
 * no thread can run, the oldest timed waiter times out, and with none the
 * run is a deadlock. Threads outside the run (the caller, a mock GPU) are
 * not scheduled and take their locks as usual.
 *
 * Strategies: PCT (random thread priorities, the highest runnable thread
 * runs, and the running thread's priority drops at @depth random steps), and
 * a forced list of choices, which the harness uses to enumerate schedules.
 * Every step is recorded, so a failing run prints its schedule.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/instrumented.h>
#include <linux/kallsyms.h>
#include <linux/stacktrace.h>
#include <linux/lockdep.h>
#include <shrinkwrap/introspect.h>

#include "internal.h"

/* Read by every hook; written only by the caller of sw_il_run() while no thread runs. */
bool __sw_interleaving;

#define IL_TRACE_MAX	(1 << 14)
#define IL_STACK	10
#define IL_STEP_LIMIT	(1UL << 21)
#define IL_STALL_SECS	120
#define IL_NO_THREAD	0xff

enum il_state { IL_RUNNABLE, IL_BLOCKED, IL_DONE };

struct il_thread {
	unsigned int id;
	pthread_t pt;
	pthread_cond_t cv;
	enum il_state state;
	bool (*ready)(const void *arg);
	const void *ready_arg;
	bool timed;
	bool timed_out;
	const char *wait_what;
	unsigned long wait_ip;
	long prio;
	void (*fn)(void *arg);
	void *arg;
};

struct il_step {
	unsigned char thread;
	unsigned char kind;
	const char *what;
	const void *obj;
	unsigned long ip;
	/* Where a thread was switched out: its callers (-O0 leaves @ip in a helper). */
	unsigned long stack[IL_STACK];
	unsigned int depth;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t main_cv;
	struct il_thread *thr[SW_IL_MAX_THREADS];
	struct il_thread *pool[SW_IL_MAX_THREADS];
	unsigned int nr;
	struct il_thread *running;
	bool finished;
	struct sw_il_strategy strat;
	unsigned long change[SW_IL_MAX_DEPTH];
	long min_prio;
	struct sw_il_run out;
	struct sw_il_choice *choices;
	unsigned int choices_cap;
	struct il_step *trace;
} il = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.main_cv = PTHREAD_COND_INITIALIZER,
};

static __thread struct il_thread *il_self;

static const char *const il_kind_name[] = {
	[SW_IL_ATOMIC_READ] = "atomic read",
	[SW_IL_ATOMIC] = "atomic",
	[SW_IL_LOCK] = "lock",
	[SW_IL_TRYLOCK] = "trylock",
	[SW_IL_UNLOCK] = "unlock",
	[SW_IL_WAIT] = "wait",
	[SW_IL_SCHED] = "cond_resched",
	[SW_IL_YIELD] = "schedule",
	[SW_IL_POINT] = "point",
	[SW_IL_EXIT] = "exit",
};

/* splitmix64: a small, well-mixed generator; the same seed, the same run. */
static u64 il_rand(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/**
 * sw_il_current() - is the calling thread one of a scheduled run's threads?
 *
 * Return: true if its switch points go through the scheduler.
 */
bool sw_il_current(void)
{
	return il_self != NULL;
}

static void il_record(struct il_thread *self, enum sw_il_kind kind, const char *what,
		      const void *obj, unsigned long ip)
{
	unsigned long n = il.out.steps++;
	u64 h = il.out.hash;

	if (n < IL_TRACE_MAX) {
		il.trace[n] = (struct il_step){ .thread = self->id, .kind = kind, .what = what,
						.obj = obj, .ip = ip };
	}
	h = (h ^ (self->id | (u64)kind << 8)) * 0x100000001b3ULL;
	il.out.hash = (h ^ ip) * 0x100000001b3ULL;

	if (il.strat.mode == SW_IL_PCT) {
		unsigned int j;

		for (j = 0; j < il.strat.depth; j++)
			if (il.change[j] == n)
				self->prio = (long)il.strat.depth - j;
	}
	if (kind == SW_IL_YIELD)
		self->prio = --il.min_prio;
}

static bool il_add_choice(const struct sw_il_choice *c)
{
	if (il.out.nr_choices == il.choices_cap) {
		unsigned int cap = il.choices_cap ? 2 * il.choices_cap : 256;
		struct sw_il_choice *n = realloc(il.choices, cap * sizeof(*n));

		if (!n)
			return false;
		il.choices = n;
		il.choices_cap = cap;
	}
	il.choices[il.out.nr_choices++] = *c;
	return true;
}

/*
 * The default: stay on the current thread, or after a yield (or when it
 * cannot run) the next runnable one after it, round robin.
 */
static unsigned int il_default(unsigned int mask, unsigned int cur, unsigned int from)
{
	unsigned int i;

	if (cur != IL_NO_THREAD)
		return cur;
	for (i = 1; i <= il.nr; i++) {
		unsigned int id = (from + i) % il.nr;

		if (mask & (1u << id))
			return id;
	}
	return __builtin_ctz(mask);
}

/* Who runs next; NULL if nobody can. Called with il.lock held. */
static struct il_thread *il_pick(struct il_thread *self, enum sw_il_kind kind)
{
	struct sw_il_choice c = { .cur = IL_NO_THREAD };
	unsigned int mask = 0, i;
	unsigned int chosen;

	for (i = 0; i < il.nr; i++) {
		struct il_thread *t = il.thr[i];

		if (t->state == IL_BLOCKED && t->ready && t->ready(t->ready_arg))
			t->state = IL_RUNNABLE;
		if (t->state == IL_RUNNABLE)
			mask |= 1u << i;
	}
	if (!mask) {
		/* Nothing can progress: the first timed waiter's time runs out. */
		for (i = 0; i < il.nr; i++) {
			struct il_thread *t = il.thr[i];

			if (t->state == IL_BLOCKED && t->timed) {
				t->timed_out = true;
				t->state = IL_RUNNABLE;
				return t;
			}
		}
		return NULL;
	}
	if (!(mask & (mask - 1)))
		return il.thr[__builtin_ctz(mask)];

	if (self && self->state == IL_RUNNABLE && kind != SW_IL_YIELD && !il.out.step_limit)
		c.cur = self->id;
	c.mask = mask;
	c.dflt = il_default(mask, c.cur, self ? self->id : il.nr - 1);
	chosen = c.dflt;

	if (il.out.step_limit) {
		/* Livelock guard: stop preempting, let threads run out. */
	} else if (il.strat.mode == SW_IL_PCT) {
		long best = 0;
		bool any = false;

		for (i = 0; i < il.nr; i++) {
			if ((mask & (1u << i)) && (!any || il.thr[i]->prio > best)) {
				best = il.thr[i]->prio;
				chosen = i;
				any = true;
			}
		}
	} else if (il.out.nr_choices < il.strat.nr_choices) {
		unsigned int forced = il.strat.choices[il.out.nr_choices];

		if (forced < il.nr && (mask & (1u << forced)))
			chosen = forced;
		else
			il.out.diverged = true;
	}
	c.chosen = chosen;
	if (!il_add_choice(&c))
		il.out.diverged = true;
	return il.thr[chosen];
}

/* Hand the turn to @next and wait for it to come back. il.lock held. */
static void il_switch(struct il_thread *self, struct il_thread *next)
{
	if (!next) {
		bool all_done = true;
		unsigned int i;

		for (i = 0; i < il.nr; i++)
			all_done &= il.thr[i]->state == IL_DONE;
		if (all_done)
			il.finished = true;
		else
			il.out.deadlock = true;
		il.running = NULL;
		pthread_cond_signal(&il.main_cv);
	} else if (next != self) {
		il.running = next;
		pthread_cond_signal(&next->cv);
	}
	if (!self || self->state == IL_DONE)
		return;
	/* A deadlocked thread waits here for good: nobody hands it the turn. */
	while (il.running != self)
		pthread_cond_wait(&self->cv, &il.lock);
}

static void il_step(struct il_thread *self, enum sw_il_kind kind, const char *what,
		    const void *obj, unsigned long ip)
{
	unsigned long n = il.out.steps;
	struct il_thread *next;

	il_record(self, kind, what, obj, ip);
	if (il.out.steps > IL_STEP_LIMIT)
		il.out.step_limit = true;
	next = il_pick(self, kind);
	if (next != self && n < IL_TRACE_MAX)
		il.trace[n].depth = stack_trace_save(il.trace[n].stack, IL_STACK, 0);
	il_switch(self, next);
}

/**
 * sw_il_point() - a switch point of the calling thread.
 * @kind: what the thread is about to do (or, for an unlock, just did).
 * @what: a name for it (a lock's name), or NULL.
 * @obj: the object it touches, or NULL.
 * @ip: where.
 *
 * No-op outside a scheduled run's threads.
 */
void sw_il_point(enum sw_il_kind kind, const char *what, const void *obj, unsigned long ip)
{
	struct il_thread *self = il_self;

	if (!self)
		return;
	pthread_mutex_lock(&il.lock);
	il_step(self, kind, what, obj, ip);
	pthread_mutex_unlock(&il.lock);
}

/**
 * __sw_interleave_atomic() - the switch point of an atomic access
 * (linux/instrumented.h).
 * @v: the atomic.
 * @write: the access modifies it.
 */
void __sw_interleave_atomic(const volatile void *v, bool write)
{
	sw_il_point(write ? SW_IL_ATOMIC : SW_IL_ATOMIC_READ, NULL, (const void *)v, _RET_IP_);
}

/**
 * sw_il_block() - the calling thread cannot progress until @ready says so.
 * @ready: readiness test, called by other threads of the run with the
 *	   scheduler's lock held; NULL for "only a timeout ends this".
 * @arg: its argument.
 * @timed: the wait has a timeout: it ends when nothing else can run.
 * @what: what is waited for (shown in a deadlock report).
 * @ip: where.
 *
 * Return: true when @ready may hold now (the caller re-checks), false when
 * the wait timed out.
 */
bool sw_il_block(bool (*ready)(const void *arg), const void *arg, bool timed,
		 const char *what, unsigned long ip)
{
	struct il_thread *self = il_self;
	bool ok;

	if (WARN_ON_ONCE(!self))
		return false;
	pthread_mutex_lock(&il.lock);
	self->state = IL_BLOCKED;
	self->ready = ready;
	self->ready_arg = arg;
	self->timed = timed;
	self->timed_out = false;
	self->wait_what = what;
	self->wait_ip = ip;
	il_step(self, SW_IL_WAIT, what, arg, ip);
	ok = !self->timed_out;
	self->ready = NULL;
	self->wait_what = NULL;
	pthread_mutex_unlock(&il.lock);
	return ok;
}

/*
 * The threads of a run are kept for the next one (creating and tearing
 * down threads costs far more than a short run): each waits for its turn,
 * runs its function, and waits again. One left deadlocked waits forever.
 */
static void *il_thread_main(void *p)
{
	struct il_thread *t = p;

	pthread_mutex_lock(&il.lock);
	for (;;) {
		while (il.running != t)
			pthread_cond_wait(&t->cv, &il.lock);
		pthread_mutex_unlock(&il.lock);

		il_self = t;
		t->fn(t->arg);
		lockdep_assert_no_locks_held_current("the end of a scheduled thread");

		pthread_mutex_lock(&il.lock);
		il_record(t, SW_IL_EXIT, NULL, NULL, 0);
		t->state = IL_DONE;
		il_self = NULL;
		il_switch(t, il_pick(t, SW_IL_EXIT));
	}
	return NULL;
}

/* The pool's thread @i, created on first use (or after a deadlock kept the last). */
static struct il_thread *il_pool_thread(unsigned int i)
{
	struct il_thread *t = il.pool[i];

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->id = i;
	t->state = IL_DONE;
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->pt, NULL, il_thread_main, t)) {
		pthread_cond_destroy(&t->cv);
		free(t);
		return NULL;
	}
	pthread_detach(t->pt);
	il.pool[i] = t;
	return t;
}

/*
 * A forked child has none of the pool's threads, only the pointers: it
 * makes its own (the parent's stay allocated in the child, unused).
 */
static void il_atfork_child(void)
{
	memset(il.pool, 0, sizeof(il.pool));
	pthread_mutex_init(&il.lock, NULL);
	pthread_cond_init(&il.main_cv, NULL);
}

static void __attribute__((constructor)) il_atfork_init(void)
{
	pthread_atfork(NULL, NULL, il_atfork_child);
}

static void il_setup_pct(const struct sw_il_strategy *s)
{
	unsigned int perm[SW_IL_MAX_THREADS];
	u64 rng = s->seed;
	unsigned int i, j;

	for (i = 0; i < il.nr; i++)
		perm[i] = i;
	for (i = il.nr - 1; i > 0; i--) {
		unsigned int k = il_rand(&rng) % (i + 1), tmp = perm[i];

		perm[i] = perm[k];
		perm[k] = tmp;
	}
	for (i = 0; i < il.nr; i++)
		il.thr[i]->prio = (long)s->depth + 1 + perm[i];
	for (j = 0; j < s->depth; j++)
		il.change[j] = il_rand(&rng) % (s->steps ? s->steps : 1);
}

/* The run's strategy, as the SW_INTERLEAVE_SEED string that replays it. */
static void il_print_replay(FILE *f)
{
	unsigned int i;

	if (il.strat.mode == SW_IL_PCT) {
		fprintf(f, "interleave: replay with SW_INTERLEAVE_SEED=%llu/%lu/%u\n",
			(unsigned long long)il.strat.seed, il.strat.steps, il.strat.depth);
		return;
	}
	fprintf(f, "interleave: replay with SW_INTERLEAVE_SEED=c:");
	for (i = 0; i < il.strat.nr_choices; i++)
		fputc('0' + il.strat.choices[i], f);
	fputc('\n', f);
}

/*
 * Wait for the run's end. A thread holding the turn for @stall_secs without
 * a switch point is blocked or spinning outside the scheduler (a libc wait,
 * a loop on a plain load): no other thread will run again, and it may wake
 * into the next run's state, so say which and end the process. il.lock held.
 */
static void il_wait_run_locked(unsigned int stall_secs)
{
	unsigned long steps = il.out.steps;
	unsigned int idle = 0;

	while (!il.finished && !il.out.deadlock) {
		struct timespec until;

		realtime_deadline_shim(&until, 1000000);
		if (pthread_cond_timedwait(&il.main_cv, &il.lock, &until) != ETIMEDOUT)
			continue;
		if (il.out.steps != steps) {
			steps = il.out.steps;
			idle = 0;
			continue;
		}
		if (++idle < stall_secs)
			continue;
		if (il.running)
			fprintf(stderr, "interleave: T%u has run %u s without reaching a switch "
				"point: it waits or spins outside the scheduler, which cannot run "
				"another thread; aborting\n", il.running->id, stall_secs);
		else
			fprintf(stderr, "interleave: no thread has had the turn for %u s; "
				"aborting\n", stall_secs);
		il_print_replay(stderr);
		sw_il_print_schedule(stderr);
		abort();
	}
}

/**
 * sw_il_run() - run @n functions as threads, one at a time, under @s.
 * @fn: the thread functions.
 * @arg: their arguments.
 * @n: how many (1 to SW_IL_MAX_THREADS).
 * @s: the strategy.
 * @out: what happened; its choices stay valid until the next run.
 *
 * After a deadlock the deadlocked threads stay parked for good, holding
 * what they hold: the caller must not touch that state again.
 *
 * Return: 0, or -EINVAL/-ENOMEM/-EAGAIN if the run could not be started.
 */
int sw_il_run(void (*const fn[])(void *arg), void *const arg[], unsigned int n,
	      const struct sw_il_strategy *s, struct sw_il_run *out)
{
	unsigned int i;

	if (!n || n > SW_IL_MAX_THREADS || s->depth > SW_IL_MAX_DEPTH)
		return -EINVAL;
	if (!il.trace) {
		il.trace = calloc(IL_TRACE_MAX, sizeof(*il.trace));
		if (!il.trace)
			return -ENOMEM;
	}

	pthread_mutex_lock(&il.lock);
	for (i = 0; i < n; i++) {
		struct il_thread *t = il_pool_thread(i);

		if (!t) {
			pthread_mutex_unlock(&il.lock);
			return -EAGAIN;
		}
		t->fn = fn[i];
		t->arg = arg[i];
		t->state = IL_RUNNABLE;
		t->ready = NULL;
		t->timed_out = false;
		t->prio = 0;
		il.thr[i] = t;
	}
	memset(&il.out, 0, sizeof(il.out));
	il.out.hash = 0xcbf29ce484222325ULL;
	il.strat = *s;
	il.nr = n;
	il.min_prio = 0;
	il.finished = false;
	il.running = NULL;
	if (s->mode == SW_IL_PCT)
		il_setup_pct(s);

	WRITE_ONCE(__sw_interleaving, true);
	il_switch(NULL, il_pick(NULL, SW_IL_POINT));
	il_wait_run_locked(s->stall_secs ? s->stall_secs : IL_STALL_SECS);
	WRITE_ONCE(__sw_interleaving, false);

	/* Deadlocked threads are gone for good: the pool makes new ones. */
	for (i = 0; i < n; i++)
		if (il.thr[i]->state != IL_DONE)
			il.pool[i] = NULL;
	il.out.choices = il.choices;
	*out = il.out;
	pthread_mutex_unlock(&il.lock);
	return 0;
}

static void il_print_ip(FILE *f, const char *prefix, unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, ip);
	fprintf(f, "%s%s", prefix, sym);
}

static void il_print_step(FILE *f, const struct il_step *st)
{
	unsigned int i;

	fprintf(f, "%s", il_kind_name[st->kind]);
	if (st->what)
		fprintf(f, " %s", st->what);
	else if (st->obj)
		fprintf(f, " %p", st->obj);
	if (st->ip)
		il_print_ip(f, " at ", st->ip);
	/* Skip the scheduler's own frames. */
	for (i = 3; i < st->depth; i++)
		il_print_ip(f, i == 3 ? "\n      called from " : " < ", st->stack[i]);
}

/**
 * sw_il_print_schedule() - print the last run's schedule: each stretch one
 * thread ran, with the switch point it was switched out at, and after a
 * deadlock what each thread waits for.
 * @f: where to.
 */
void sw_il_print_schedule(FILE *f)
{
	unsigned long n = il.out.steps < IL_TRACE_MAX ? il.out.steps : IL_TRACE_MAX;
	unsigned long i, from = 0;

	fprintf(f, "schedule: %lu switch points, %u choices%s\n", il.out.steps,
		il.out.nr_choices, il.out.steps > IL_TRACE_MAX ? " (trace truncated)" : "");
	for (i = 0; i < n; i++) {
		if (i + 1 < n && il.trace[i + 1].thread == il.trace[i].thread)
			continue;
		fprintf(f, "  T%u steps %lu-%lu, then ", il.trace[i].thread, from, i);
		il_print_step(f, &il.trace[i]);
		fputc('\n', f);
		from = i + 1;
	}
	if (!il.out.deadlock)
		return;
	fprintf(f, "deadlock: no thread can run\n");
	for (i = 0; i < il.nr; i++) {
		struct il_thread *t = il.thr[i];

		if (!t || t->state != IL_BLOCKED)
			continue;
		fprintf(f, "  T%u waits for %s", t->id, t->wait_what ? t->wait_what : "?");
		if (t->wait_ip)
			il_print_ip(f, " at ", t->wait_ip);
		fputc('\n', f);
	}
}
