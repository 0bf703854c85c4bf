// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * The race explorer: runs a race's threads under the shim's scheduler
 * (shim/interleave.c), one fresh world per schedule. PCT schedules are
 * seeded; exhaustive exploration is a depth-first walk over the choice
 * points of re-executed runs, bounded by the number of preemptions.
 *
 * A schedule is named by a replay string: "<seed>/<steps>/<depth>" for PCT
 * (the seed, the run length the change points were drawn over, and their
 * number), "c:<digits>" for forced choices (the thread run at each choice
 * point, the default after the last).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include <shrinkwrap/world.h>
#include <shrinkwrap/introspect.h>
#include <shrinkwrap/interleave.h>

#define IL_DEFAULT_SCHEDULES	200
#define IL_DEFAULT_DEPTH	2
#define IL_DEFAULT_PREEMPTIONS	2

struct il_prefix {
	unsigned char *c;
	unsigned int n;
	unsigned int cap;
};

static int prefix_set(struct il_prefix *p, const struct sw_il_choice *c, unsigned int n,
		      unsigned int last)
{
	unsigned int i;

	if (n + 1 > p->cap) {
		unsigned int cap = n + 64;
		unsigned char *nc = realloc(p->c, cap);

		if (!nc)
			return -ENOMEM;
		p->c = nc;
		p->cap = cap;
	}
	for (i = 0; i < n; i++)
		p->c[i] = c[i].chosen;
	p->c[n] = last;
	p->n = n + 1;
	return 0;
}

/* The order a choice point's alternatives are tried in: default, then by id. */
static int next_alt(const struct sw_il_choice *c, int after)
{
	unsigned int id;

	if (after < 0)
		return c->dflt;
	for (id = after == c->dflt ? 0 : after + 1; id < SW_IL_MAX_THREADS; id++)
		if ((c->mask & (1u << id)) && id != c->dflt)
			return id;
	return -1;
}

static bool is_preemption(const struct sw_il_choice *c, unsigned int chosen)
{
	return c->cur != 0xff && chosen != c->cur;
}

/*
 * The next schedule of a depth-first walk after the run whose choices are
 * @c: the deepest choice point with an untried alternative within @bound
 * preemptions gets it. Return: 1 with @p set, 0 when every one was run.
 */
static int dfs_next(const struct sw_il_choice *c, unsigned int n, unsigned int bound,
		    struct il_prefix *p)
{
	unsigned int *pre = calloc(n + 1, sizeof(*pre));
	unsigned int i;
	int ret = 0;

	if (!pre)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pre[i + 1] = pre[i] + is_preemption(&c[i], c[i].chosen);
	for (i = n; i-- > 0;) {
		int alt;

		for (alt = next_alt(&c[i], c[i].chosen); alt >= 0; alt = next_alt(&c[i], alt)) {
			if (pre[i] + is_preemption(&c[i], alt) <= bound) {
				ret = prefix_set(p, c, i, alt) ?: 1;
				goto out;
			}
		}
	}
out:
	free(pre);
	return ret;
}

/* The forced choices as digits, for printing. */
static const char *prefix_digits(struct il_prefix *p)
{
	static char buf[4096];
	unsigned int i;

	for (i = 0; i < p->n && i < sizeof(buf) - 1; i++)
		buf[i] = '0' + p->c[i];
	buf[i] = '\0';
	return buf;
}

static int parse_replay(const char *s, struct sw_il_strategy *st, struct il_prefix *p)
{
	unsigned long long seed;
	unsigned long steps;
	unsigned int depth, n;
	char end;

	if (!strncmp(s, "c:", 2)) {
		n = strlen(s + 2);
		free(p->c);
		p->c = malloc(n + 1);
		if (!p->c)
			return -ENOMEM;
		p->cap = n + 1;
		for (p->n = 0; p->n < n; p->n++) {
			char ch = s[2 + p->n];

			if (ch < '0' || ch >= '0' + SW_IL_MAX_THREADS)
				goto bad;
			p->c[p->n] = ch - '0';
		}
		st->mode = SW_IL_CHOICES;
		return 0;
	}
	if (sscanf(s, "%llu/%lu/%u%c", &seed, &steps, &depth, &end) != 3 ||
	    depth > SW_IL_MAX_DEPTH)
		goto bad;
	st->mode = SW_IL_PCT;
	st->seed = seed;
	st->steps = steps;
	st->depth = depth;
	return 0;
bad:
	fprintf(stderr, "interleave: bad replay string '%s' (want <seed>/<steps>/<depth> or c:<digits>)\n",
		s);
	return -EINVAL;
}

static void format_replay(char *buf, size_t len, const struct sw_il_strategy *st,
			  const struct sw_il_run *run)
{
	unsigned int i, at;

	if (st->mode == SW_IL_PCT) {
		snprintf(buf, len, "%" PRIu64 "/%lu/%u", st->seed, st->steps, st->depth);
		return;
	}
	/* The choices the run really made, up to the last non-default one. */
	at = snprintf(buf, len, "c:");
	for (i = 0; i < run->nr_choices && at + 1 < len; i++)
		buf[at++] = '0' + run->choices[i].chosen;
	buf[at] = '\0';
	while (at > 2 && run->choices[at - 3].chosen == run->choices[at - 3].dflt)
		buf[--at] = '\0';
}

enum il_verdict {
	IL_PASS = 0,
	IL_PROPERTY = 1,
	IL_DEADLOCK = 2,
	IL_TEARDOWN = 4,
	IL_DIVERGED = 8,
};

/* One schedule in a fresh world. Return: a verdict mask, or a negative errno. */
static int run_one(const struct sw_race *race, unsigned int nr, const struct sw_il_strategy *st,
		   struct sw_il_run *run)
{
	void *args[SW_RACE_MAX_THREADS];
	struct sw_world *w;
	void *state;
	int verdict = IL_PASS, ret;
	unsigned int i;

	w = sw_world_create(race->cfg);
	if (!w)
		return -ENOMEM;
	state = race->setup(w);
	if (!state) {
		fprintf(stderr, "interleave: %s: setup failed\n", race->name);
		sw_world_destroy(w);
		return -EINVAL;
	}
	for (i = 0; i < nr; i++)
		args[i] = state;

	ret = sw_il_run(race->thread, args, nr, st, run);
	if (ret) {
		fprintf(stderr, "interleave: %s: could not start the threads: %d\n",
			race->name, ret);
		return ret;
	}
	if (run->diverged)
		verdict |= IL_DIVERGED;
	if (run->deadlock) {
		verdict |= IL_DEADLOCK;
		if (!race->locks_outside_world) {
			fprintf(stderr, "interleave: %s: world left as it is: deadlocked threads hold its locks\n",
				race->name);
			return verdict;
		}
	} else if (race->check(state)) {
		verdict |= IL_PROPERTY;
	}
	if (race->cleanup)
		race->cleanup(state);
	if (sw_world_destroy(w))
		verdict |= IL_TEARDOWN;
	return verdict;
}

static void report_failure(const struct sw_race *race, unsigned int nr, int verdict,
			   const char *replay)
{
	fprintf(stderr, "interleave: %s: schedule %u FAILED:%s%s%s%s\n", race->name, nr,
		verdict & IL_PROPERTY ? " property" : "",
		verdict & IL_DEADLOCK ? " deadlock" : "",
		verdict & IL_TEARDOWN ? " teardown" : "",
		verdict & IL_DIVERGED ? " not-deterministic (a forced choice was impossible)" : "");
	fprintf(stderr, "interleave: replay with SW_INTERLEAVE_SEED=%s\n", replay);
	sw_il_print_schedule(stderr);
}

/**
 * sw_interleave_explore() - see include/shrinkwrap/interleave.h.
 * @race: the race.
 * @opts: how to explore.
 * @res: filled in if not NULL.
 *
 * Return: 0, 1 or a negative errno.
 */
int sw_interleave_explore(const struct sw_race *race, const struct sw_interleave_opts *opts,
			  struct sw_interleave_result *res)
{
	struct sw_interleave_result r = { 0 };
	struct sw_il_strategy st = { .mode = SW_IL_CHOICES, .stall_secs = opts->stall_secs };
	struct il_prefix p = { 0 };
	const char *replay = opts->replay ? opts->replay : getenv("SW_INTERLEAVE_SEED");
	unsigned int budget = opts->schedules ? opts->schedules : IL_DEFAULT_SCHEDULES;
	unsigned int depth = opts->depth ? opts->depth : IL_DEFAULT_DEPTH;
	unsigned int bound = opts->preemptions ? opts->preemptions : IL_DEFAULT_PREEMPTIONS;
	uint64_t seed = opts->seed ? opts->seed : 1;
	struct sw_il_run run;
	unsigned int nr = 0;
	const char *env;
	bool verbose = getenv("SW_INTERLEAVE_VERBOSE");
	int ret = 0;

	while (nr < SW_RACE_MAX_THREADS && race->thread[nr])
		nr++;
	if (nr < 2 || !race->setup || !race->check || depth > SW_IL_MAX_DEPTH) {
		fprintf(stderr, "interleave: %s: a race needs setup, check and 2-4 threads\n",
			race->name);
		return -EINVAL;
	}
	env = getenv("SW_INTERLEAVE_SCHEDULES");
	if (env && strtoul(env, NULL, 0))
		budget = strtoul(env, NULL, 0);
	if (replay && *replay) {
		ret = parse_replay(replay, &st, &p);
		if (ret)
			return ret;
		budget = 1;
		fprintf(stderr, "interleave: %s: replaying %s\n", race->name, replay);
	}

	while (r.schedules < budget) {
		int verdict;

		st.choices = p.c;
		st.nr_choices = p.n;
		if (verbose) {
			/* Before the run: a schedule that crashes can be replayed too. */
			if (st.mode == SW_IL_PCT)
				fprintf(stderr, "interleave: %s: schedule %u: %" PRIu64 "/%lu/%u\n",
					race->name, r.schedules + 1, st.seed, st.steps, st.depth);
			else
				fprintf(stderr, "interleave: %s: schedule %u: c:%.*s\n", race->name,
					r.schedules + 1, (int)p.n, prefix_digits(&p));
		}
		verdict = run_one(race, nr, &st, &run);
		if (verdict < 0) {
			ret = verdict;
			break;
		}
		r.schedules++;
		r.hash = run.hash;
		r.max_steps = max(r.max_steps, run.steps);
		if (verdict) {
			format_replay(r.replay, sizeof(r.replay), &st, &run);
			r.failed = r.schedules;
			r.deadlock = verdict & IL_DEADLOCK;
			report_failure(race, r.schedules, verdict, r.replay);
			ret = 1;
			break;
		}
		if (replay && *replay)
			break;
		if (opts->mode == SW_INTERLEAVE_EXHAUSTIVE) {
			ret = dfs_next(run.choices, run.nr_choices, bound, &p);
			if (ret <= 0) {
				r.complete = !ret;
				break;
			}
			ret = 0;
		} else {
			/* The first run is the default schedule; it measures the run length. */
			st.mode = SW_IL_PCT;
			st.depth = depth;
			if (!st.steps)
				st.steps = run.steps;
			st.seed = seed + r.schedules - 1;
		}
	}
	free(p.c);
	if (res)
		*res = r;
	return ret;
}

/**
 * sw_interleave_point() - see include/shrinkwrap/interleave.h.
 * @label: shown in the printed schedule.
 */
void sw_interleave_point(const char *label)
{
	sw_il_point(SW_IL_POINT, label, NULL, _RET_IP_);
}
