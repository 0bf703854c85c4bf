/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * shrinkwrap harness: deterministic interleaving. A test states a race as 2
 * to 4 thread functions over some state, with a setup that builds the state
 * in a fresh world and a check of the property that must hold afterwards;
 * the explorer runs the threads one at a time under the shim's scheduler
 * (every atomic op, lock acquire/trylock/release, wait and cond_resched()
 * is a switch point) for a budget of schedules, each in a fresh world with
 * the usual teardown checks. A failing schedule is printed with the string
 * that replays it: SW_INTERLEAVE_SEED=<that> reruns exactly that schedule.
 */
#ifndef SHRINKWRAP_INTERLEAVE_H
#define SHRINKWRAP_INTERLEAVE_H

#include <stdbool.h>
#include <stdint.h>

struct sw_world;
struct sw_world_config;

#define SW_RACE_MAX_THREADS	4

struct sw_race {
	const char *name;
	/* Build the threads' shared state in @w (a fresh world); NULL on failure. */
	void *(*setup)(struct sw_world *w);
	/* 2 to 4 thread functions; the unused slots NULL. */
	void (*thread[SW_RACE_MAX_THREADS])(void *state);
	/* After the threads: 0 if the property holds, else print why and return non-zero. */
	int (*check)(void *state);
	/* Free what setup made before the world goes (may be NULL). */
	void (*cleanup)(void *state);
	/* The world's configuration, or NULL for the defaults. */
	const struct sw_world_config *cfg;
	/*
	 * The threads only ever block on locks outside the world: after a
	 * deadlock the world can still be torn down. Otherwise a deadlock
	 * leaves the world as it is (its locks are held for good).
	 */
	bool locks_outside_world;
};

enum sw_interleave_mode {
	SW_INTERLEAVE_PCT,		/* random schedules, seeded */
	SW_INTERLEAVE_EXHAUSTIVE,	/* every schedule with few preemptions */
};

struct sw_interleave_opts {
	enum sw_interleave_mode mode;
	unsigned int schedules;		/* budget; 0: 200 ($SW_INTERLEAVE_SCHEDULES overrides) */
	unsigned int depth;		/* PCT priority-change points; 0: 2 */
	unsigned int preemptions;	/* exhaustive bound; 0: 2 */
	uint64_t seed;			/* PCT seed of the first schedule; 0: 1 */
	const char *replay;		/* run only this schedule (else $SW_INTERLEAVE_SEED) */
	/*
	 * A thread that runs this long without reaching a switch point waits
	 * (or spins) where the scheduler cannot see it: the suite aborts,
	 * naming the thread and printing the schedule so far. 0: 120 s.
	 */
	unsigned int stall_secs;
};

struct sw_interleave_result {
	unsigned int schedules;		/* schedules run */
	unsigned int failed;		/* 1-based number of the failing one, or 0 */
	bool deadlock;			/* it failed with a deadlock */
	bool complete;			/* exhaustive: every schedule in the bound ran */
	unsigned long max_steps;	/* longest schedule, in switch points */
	uint64_t hash;			/* of the failing (or else the last) schedule */
	char replay[512];		/* SW_INTERLEAVE_SEED value of the failing one */
};

/**
 * sw_interleave_explore() - run @race under schedules chosen by @opts.
 * @race: the race.
 * @opts: how to explore.
 * @res: filled in if not NULL.
 *
 * Stops at the first failing schedule (property false, deadlock, or a
 * teardown problem: WARN, lockdep report, leak), after printing its replay
 * string and its schedule.
 *
 * Return: 0 if every schedule passed, 1 if one failed, or a negative errno
 * (bad race or options, a replay string that does not parse, a world or
 * state that could not be built).
 */
int sw_interleave_explore(const struct sw_race *race, const struct sw_interleave_opts *opts,
			  struct sw_interleave_result *res);

/**
 * sw_interleave_point() - an explicit switch point a thread of a race may
 * place; a no-op elsewhere.
 * @label: shown in the printed schedule.
 */
void sw_interleave_point(const char *label);

#endif
