// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * lockdep for the userspace kernel.
 *
 * The model is the kernel's. A lock class is identified by (key, subclass);
 * each task keeps the stack of the locks it holds; taking lock B while
 * holding A records the dependency A -> B in one global graph, and a new
 * dependency that closes a cycle in that graph is a possible deadlock.
 *
 * Readers follow the kernel's documented rules: a dependency remembers
 * whether its first lock was held exclusive (E) or shared (S) and whether
 * its second lock was taken as a recursive reader (R, read == 2) or not
 * (N: writers and rwsem readers, read == 1 is not recursive). A cycle is a
 * deadlock unless, somewhere along it, a lock is entered as R and left as S
 * (two readers of a recursive-read lock never wait for each other).
 *
 * shim differences: lockdep never switches itself off (tests count its
 * reports), each deadlock or recursion is reported once per world,
 * lockdep_reset_world() forgets everything between tests, and there is no
 * irq-state tracking (the shim has no interrupts).
 *
 * Concurrency: the graph is guarded by one pthread mutex private to this
 * file (a shim lock would recurse into lockdep). The hot path avoids it: a
 * lock caches its class in its map as a cookie tagged with the world
 * generation, and each thread remembers the dependencies it has already
 * validated, so a repeated acquisition costs a scan of the held stack and
 * one lookup in a small per-thread table.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/stacktrace.h>
#include <linux/dma-fence.h>
#include <shrinkwrap/introspect.h>
#include <linux/rcupdate.h>
#include <shrinkwrap/report.h>

#include "internal.h"

#define LD_MAX_DEPTH		48	/* kernel: MAX_LOCK_DEPTH */
#define LD_MAX_CLASSES		8192	/* kernel: MAX_LOCKDEP_KEYS */
#define LD_CLASS_HASH_SIZE	4096
#define LD_TRACE_DEPTH		16
#define LD_KNOWN_SIZE		128	/* per-thread validated dependencies */
#define LD_SLEEP_FRAMES		8	/* frames that identify a might_sleep() path */

/*
 * Kinds of a dependency prev -> next: prev held Exclusive or Shared, next
 * taken Non-recursive or Recursive-read.
 */
#define DEP_EN		1u
#define DEP_ER		2u
#define DEP_SN		4u
#define DEP_SR		8u
#define DEP_FROM_E	(DEP_EN | DEP_ER)
#define DEP_TO_N	(DEP_EN | DEP_SN)

/*
 * The class cache of a lockdep_map holds cookies rather than pointers, so
 * that a world reset (which frees every class) needs no walk over every
 * lock: bits 0-15 class index + 1 (0: unresolved), bits 16-19 the subclass
 * (for slot 0: the default subclass given to lockdep_init_map()), the rest
 * the world generation the index belongs to.
 */
#define COOKIE_IDX_BITS		16
#define COOKIE_SUB_BITS		4
#define COOKIE_GEN_SHIFT	(COOKIE_IDX_BITS + COOKIE_SUB_BITS)

struct lock_dep;

struct lock_class {
	struct lock_class	*hash_next;
	const void		*key;
	unsigned int		subclass;
	unsigned int		idx;
	int			dead;		/* zapped: key unregistered */
	char			*name;
	struct lock_dep		**after;	/* dependencies this -> x */
	unsigned int		nr_after;
	unsigned int		max_after;
	/* Breadth-first search, per state (0: entered N, 1: entered R only). */
	unsigned long		bfs_mark[2];
	struct lock_dep		*bfs_via[2];
	unsigned char		bfs_via_state[2];
};

struct lock_dep {
	struct lock_dep		*hash_next;
	struct lock_class	*prev;
	struct lock_class	*next;
	unsigned int		dep;		/* DEP_* seen so far */
	unsigned long		prev_ip;	/* where prev was taken, first time */
	unsigned long		next_ip;	/* where next was taken, first time */
	int			nr_trace;
	unsigned long		trace[LD_TRACE_DEPTH];
};

struct held_lock {
	struct lockdep_map	*instance;
	struct lockdep_map	*nest_lock;
	struct lock_class	*class;		/* NULL: tracked, not validated */
	unsigned long		gen;		/* world @class belongs to */
	unsigned long		ip;
	unsigned int		refs;		/* instances merged under a nest_lock */
	unsigned char		read;
	unsigned char		trylock;
	unsigned char		check;
	unsigned char		merged;
	unsigned char		wait_inner;
};

struct ld_known {
	const struct lock_class	*prev;
	const struct lock_class	*next;
	unsigned long		epoch;
	unsigned int		dep;
};

struct ld_task {
	unsigned int		depth;
	unsigned int		dropped;	/* acquisitions beyond LD_MAX_DEPTH */
	unsigned int		nr_spin;	/* held locks with LD_WAIT_SPIN */
	unsigned int		no_block;	/* sw_no_block_begin() depth */
	unsigned int		nr_rcu;		/* rcu_read_lock() nesting */
	unsigned int		nr_fence;	/* fence-signalling sections open */
	int			in_report;
	unsigned long		overflow_gen;
	struct held_lock	held[LD_MAX_DEPTH];
	struct ld_known		known[LD_KNOWN_SIZE];
};

/* One link of a dependency chain, copied out of the graph for a report. */
struct ld_link {
	const struct lock_class	*prev;
	const struct lock_class	*next;
	unsigned int		dep;
	unsigned long		prev_ip;
	unsigned long		next_ip;
	int			nr_trace;
	unsigned long		trace[LD_TRACE_DEPTH];
};

/* What was already reported in this world. */
enum ld_seen_kind {
	SEEN_CYCLE,
	SEEN_RECURSIVE,
	SEEN_SLEEP,
	SEEN_KEY,
	SEEN_SUBCLASS,
};

struct ld_seen {
	struct ld_seen		*next;
	int			kind;
	const void		*a;
	unsigned long		b;
};

struct ld_key {
	struct ld_key		*next;
	const void		*key;
};

struct ld_bfs_ent {
	struct lock_class	*class;
	unsigned int		state;
};

static __thread struct ld_task ld_task;

/* ld_graph_lock guards everything below except where noted. */
static pthread_mutex_t ld_graph_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long ld_gen = 1;	/* world generation; atomic reads */
static unsigned long ld_epoch = 1;	/* bumps when dependencies vanish */
static struct lock_class *ld_classes[LD_MAX_CLASSES];	/* atomic reads */
static unsigned int ld_nr_classes;
static bool ld_classes_full;
static struct lock_class *ld_class_hash[LD_CLASS_HASH_SIZE];
static struct lock_dep **ld_dep_hash;
static unsigned int ld_dep_hash_size;
static unsigned int ld_nr_deps;
static struct ld_seen *ld_seen_list;
static struct ld_key *ld_keys;		/* survives world resets */
static unsigned long ld_bfs_gen;
static struct ld_bfs_ent *ld_queue;
static unsigned int ld_queue_max;

static struct lock_class_key fs_reclaim_key;
static struct lockdep_map fs_reclaim_map =
	STATIC_LOCKDEP_MAP_INIT("fs_reclaim", &fs_reclaim_key);

static struct lock_class_key dma_fence_key;
static struct lockdep_map dma_fence_lockdep_map =
	STATIC_LOCKDEP_MAP_INIT("dma_fence_map", &dma_fence_key);

static void __attribute__((noreturn)) ld_oom(void)
{
	fputs("lockdep: out of memory\n", stderr);
	abort();
}

/*
 * Lockless readers pair their acquire loads with the graph's release stores;
 * the __sw_ helpers (compiler.h) also show helgrind each pair.
 */
static unsigned long world_gen(void)
{
	return __sw_load_acquire(&ld_gen);
}

static unsigned long graph_epoch(void)
{
	return __sw_load_acquire(&ld_epoch);
}

static void graph_epoch_bump(void)
{
	__sw_store_release(&ld_epoch, ld_epoch + 1);
}

static const void *map_key(const struct lockdep_map *lock)
{
	return lock->key ? (const void *)lock->key : (const void *)lock;
}

static unsigned long hash_ptrs(const void *a, unsigned long b)
{
	unsigned long h = (unsigned long)(uintptr_t)a * 0x9e3779b97f4a7c15ULL;

	h ^= b * 0xc2b2ae3d27d4eb4fULL;
	return h ^ (h >> 29);
}

/* ---- class cache cookies ---------------------------------------------- */

static struct lock_class *cookie_make(unsigned long gen, unsigned int sub,
				      unsigned int idx)
{
	uintptr_t c = ((uintptr_t)gen << COOKIE_GEN_SHIFT) |
		      ((uintptr_t)sub << COOKIE_IDX_BITS) | (idx + 1);

	return (struct lock_class *)c;
}

static struct lock_class *cookie_unresolved(unsigned int sub)
{
	return (struct lock_class *)((uintptr_t)sub << COOKIE_IDX_BITS);
}

static unsigned int cookie_sub(uintptr_t c)
{
	return (c >> COOKIE_IDX_BITS) & ((1u << COOKIE_SUB_BITS) - 1);
}

static struct lock_class *cookie_class(uintptr_t c, unsigned long gen,
				       const void *key, unsigned int sub)
{
	unsigned int idx = c & ((1u << COOKIE_IDX_BITS) - 1);
	struct lock_class *class;

	if (!idx || idx > LD_MAX_CLASSES ||
	    (c >> COOKIE_GEN_SHIFT) != (gen & (UINTPTR_MAX >> COOKIE_GEN_SHIFT)))
		return NULL;
	class = __sw_load_acquire(&ld_classes[idx - 1]);
	if (!class || class->key != key || class->subclass != sub ||
	    __atomic_load_n(&class->dead, __ATOMIC_RELAXED))
		return NULL;
	return class;
}

/* ---- report text ------------------------------------------------------- */

struct ld_text {
	FILE	*f;
	char	*buf;
	size_t	len;
};

static FILE *text_begin(struct ld_text *r, const char *headline)
{
	size_t i, n = strlen(headline);

	r->buf = NULL;
	r->len = 0;
	r->f = open_memstream(&r->buf, &r->len);
	if (!r->f)
		ld_oom();
	fprintf(r->f, "%s\n", headline);
	for (i = 0; i < n; i++)
		fputc('-', r->f);
	fputc('\n', r->f);
	return r->f;
}

/* Raise the report. Locks taken while reporting are tracked, not validated. */
static void text_emit(struct ld_task *t, struct ld_text *r)
{
	fclose(r->f);
	t->in_report++;
	sw_report(SW_REPORT_LOCKDEP, "%s", r->buf);
	t->in_report--;
	free(r->buf);
}

/* Print @ip as the kernel's %pS does: function+offset/size. */
static void put_ip(FILE *f, unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, ip);
	fputs(sym, f);
}

static void put_trace(FILE *f, const unsigned long *trace, int nr)
{
	char line[KSYM_SYMBOL_LEN + 16];
	int i;

	/* The kernel's print_lock_trace(): stack_trace_print() with 6 spaces. */
	for (i = 0; i < nr; i++) {
		stack_trace_snprint(line, sizeof(line), &trace[i], 1, 6);
		fputs(line, f);
	}
}

static void put_class(FILE *f, const struct lock_class *class)
{
	fprintf(f, "(%s", class->name);
	if (class->subclass)
		fprintf(f, "/%u", class->subclass);
	fputc(')', f);
}

static void put_map(FILE *f, const struct lockdep_map *lock)
{
	fprintf(f, "(%s)", lock->name ? lock->name : "NULL");
}

static void put_hlock_name(FILE *f, const struct held_lock *h, unsigned long gen)
{
	if (h->class && h->gen == gen)
		put_class(f, h->class);
	else if (h->gen == gen)
		put_map(f, h->instance);
	else
		fputs("(lock taken in a previous world)", f);
}

static void put_hlock(FILE *f, const struct held_lock *h, unsigned long gen)
{
	fprintf(f, " %p ", (void *)h->instance);
	put_hlock_name(f, h, gen);
	if (h->refs > 1)
		fprintf(f, " x%u", h->refs);
	fputs(", at: ", f);
	put_ip(f, h->ip);
	fputc('\n', f);
}

static void put_task(FILE *f)
{
	struct task_struct *tsk = current;

	fprintf(f, "%s/%d", tsk->comm, tsk->pid);
}

static void put_held_locks(FILE *f, const struct ld_task *t)
{
	unsigned long gen = world_gen();
	unsigned int i;

	if (!t->depth) {
		fputs("no locks held by ", f);
		put_task(f);
		fputs(".\n", f);
		return;
	}
	fprintf(f, "%u lock%s held by ", t->depth, t->depth > 1 ? "s" : "");
	put_task(f);
	fputs(":\n", f);
	for (i = 0; i < t->depth; i++) {
		fprintf(f, " #%u:", i);
		put_hlock(f, &t->held[i], gen);
	}
	if (t->dropped)
		fprintf(f, " ... and %u more, not tracked (depth overflow)\n",
			t->dropped);
}

/* ---- report dedup (graph lock held) ------------------------------------ */

static bool seen_find(int kind, const void *a, unsigned long b)
{
	struct ld_seen *s;

	for (s = ld_seen_list; s; s = s->next)
		if (s->kind == kind && s->a == a && s->b == b)
			return true;
	return false;
}

static void seen_add(int kind, const void *a, unsigned long b)
{
	struct ld_seen *s = malloc(sizeof(*s));

	if (!s)
		ld_oom();
	s->kind = kind;
	s->a = a;
	s->b = b;
	s->next = ld_seen_list;
	ld_seen_list = s;
}

/* Returns true the first time (@kind, @a, @b) is seen in this world. */
static bool seen_first(int kind, const void *a, unsigned long b)
{
	bool first;

	pthread_mutex_lock(&ld_graph_lock);
	first = !seen_find(kind, a, b);
	if (first)
		seen_add(kind, a, b);
	pthread_mutex_unlock(&ld_graph_lock);
	return first;
}

/* ---- classes (graph lock held) ----------------------------------------- */

static unsigned int class_hash(const void *key, unsigned int sub)
{
	return hash_ptrs(key, sub) & (LD_CLASS_HASH_SIZE - 1);
}

static struct lock_class *class_find(const void *key, unsigned int sub)
{
	struct lock_class *c;

	for (c = ld_class_hash[class_hash(key, sub)]; c; c = c->hash_next)
		if (c->key == key && c->subclass == sub)
			return c;
	return NULL;
}

static struct lock_class *class_new(const struct lockdep_map *lock,
				    const void *key, unsigned int sub,
				    bool *full)
{
	struct lock_class *c;
	unsigned int h;

	if (ld_nr_classes >= LD_MAX_CLASSES) {
		*full = !ld_classes_full;
		ld_classes_full = true;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		ld_oom();
	c->name = strdup(lock->name ? lock->name : "NULL");
	if (!c->name)
		ld_oom();
	c->key = key;
	c->subclass = sub;
	c->idx = ld_nr_classes;
	h = class_hash(key, sub);
	c->hash_next = ld_class_hash[h];
	ld_class_hash[h] = c;
	__sw_store_release(&ld_classes[c->idx], c);
	ld_nr_classes++;
	return c;
}

static bool key_registered(const void *key)
{
	struct ld_key *k;

	for (k = ld_keys; k; k = k->next)
		if (k->key == key)
			return true;
	return false;
}

/*
 * shim: "static" means inside the image of a loaded object (its data or
 * bss), which is what dladdr() can map back; heap, stack and TLS are not.
 */
static bool static_obj(const void *addr)
{
	Dl_info info;

	return dladdr(addr, &info) != 0;
}

/* ---- dependencies (graph lock held) ------------------------------------ */

static unsigned int dep_slot(const struct lock_class *prev,
			     const struct lock_class *next)
{
	return hash_ptrs(prev, (unsigned long)(uintptr_t)next) &
	       (ld_dep_hash_size - 1);
}

static struct lock_dep *dep_find(const struct lock_class *prev,
				 const struct lock_class *next)
{
	struct lock_dep *d;

	if (!ld_dep_hash)
		return NULL;
	for (d = ld_dep_hash[dep_slot(prev, next)]; d; d = d->hash_next)
		if (d->prev == prev && d->next == next)
			return d;
	return NULL;
}

static void dep_hash_insert(struct lock_dep *d)
{
	unsigned int h = dep_slot(d->prev, d->next);

	d->hash_next = ld_dep_hash[h];
	ld_dep_hash[h] = d;
}

static void dep_hash_grow(void)
{
	struct lock_dep **old = ld_dep_hash;
	unsigned int i, old_size = ld_dep_hash_size;

	ld_dep_hash_size = old_size ? old_size * 2 : 1024;
	ld_dep_hash = calloc(ld_dep_hash_size, sizeof(*ld_dep_hash));
	if (!ld_dep_hash)
		ld_oom();
	for (i = 0; i < old_size; i++) {
		while (old[i]) {
			struct lock_dep *d = old[i];

			old[i] = d->hash_next;
			dep_hash_insert(d);
		}
	}
	free(old);
}

static void dep_unhash(struct lock_dep *d)
{
	struct lock_dep **pp = &ld_dep_hash[dep_slot(d->prev, d->next)];

	while (*pp != d)
		pp = &(*pp)->hash_next;
	*pp = d->hash_next;
	ld_nr_deps--;
}

/* Keep the stack from the lock primitive outwards; drop lockdep's frames. */
static int save_trace(unsigned long *out, void *from)
{
	unsigned long frames[LD_TRACE_DEPTH + 8];
	unsigned int i, n = stack_trace_save(frames, ARRAY_SIZE(frames), 0);
	unsigned int start = 0;

	for (i = 0; i < n; i++) {
		if (frames[i] == (unsigned long)from) {
			start = i;
			break;
		}
	}
	n -= start;
	if (n > LD_TRACE_DEPTH)
		n = LD_TRACE_DEPTH;
	memcpy(out, frames + start, n * sizeof(*out));
	return n;
}

static struct lock_dep *dep_new(struct lock_class *prev, struct lock_class *next,
				unsigned long prev_ip, unsigned long next_ip,
				void *trace_from)
{
	struct lock_dep *d = calloc(1, sizeof(*d));

	if (!d)
		ld_oom();
	d->prev = prev;
	d->next = next;
	d->prev_ip = prev_ip;
	d->next_ip = next_ip;
	d->nr_trace = save_trace(d->trace, trace_from);

	if (prev->nr_after == prev->max_after) {
		unsigned int max = prev->max_after ? prev->max_after * 2 : 4;
		struct lock_dep **a = realloc(prev->after, max * sizeof(*a));

		if (!a)
			ld_oom();
		prev->after = a;
		prev->max_after = max;
	}
	prev->after[prev->nr_after++] = d;

	if (ld_nr_deps >= ld_dep_hash_size)
		dep_hash_grow();
	dep_hash_insert(d);
	ld_nr_deps++;
	return d;
}

/* Forget @c and every dependency into or out of it (its key is going away). */
static void zap_class(struct lock_class *c)
{
	struct lock_class **pp = &ld_class_hash[class_hash(c->key, c->subclass)];
	unsigned int i, j;

	while (*pp != c)
		pp = &(*pp)->hash_next;
	*pp = c->hash_next;
	c->hash_next = NULL;
	__sw_store_n(&c->dead, 1, __ATOMIC_RELAXED);

	for (i = 0; i < c->nr_after; i++) {
		dep_unhash(c->after[i]);
		free(c->after[i]);
	}
	c->nr_after = 0;

	for (i = 0; i < ld_nr_classes; i++) {
		struct lock_class *x = ld_classes[i];

		for (j = 0; j < x->nr_after;) {
			struct lock_dep *d = x->after[j];

			if (d->next != c) {
				j++;
				continue;
			}
			dep_unhash(d);
			free(d);
			x->after[j] = x->after[--x->nr_after];
		}
	}
	graph_epoch_bump();
}

static void zap_key(const void *key)
{
	unsigned int i;

	for (i = 0; i < ld_nr_classes; i++) {
		struct lock_class *c = ld_classes[i];

		if (c->key == key && !c->dead)
			zap_class(c);
	}
}

/* Free every class, dependency and dedup record; start a new world. */
static void graph_free(void)
{
	unsigned int i, j;

	for (i = 0; i < ld_nr_classes; i++) {
		struct lock_class *c = ld_classes[i];

		for (j = 0; j < c->nr_after; j++)
			free(c->after[j]);
		free(c->after);
		free(c->name);
		free(c);
		__sw_store_n(&ld_classes[i], NULL, __ATOMIC_RELAXED);
	}
	ld_nr_classes = 0;
	ld_classes_full = false;
	memset(ld_class_hash, 0, sizeof(ld_class_hash));
	free(ld_dep_hash);
	ld_dep_hash = NULL;
	ld_dep_hash_size = 0;
	ld_nr_deps = 0;
	while (ld_seen_list) {
		struct ld_seen *s = ld_seen_list;

		ld_seen_list = s->next;
		free(s);
	}
	free(ld_queue);
	ld_queue = NULL;
	ld_queue_max = 0;
	__sw_store_release(&ld_gen, ld_gen + 1);
	graph_epoch_bump();
}

/* ---- cycle search (graph lock held) ------------------------------------ */

static struct ld_link *chain_copy(struct lock_class *to, unsigned int state,
				  unsigned int *nr)
{
	struct lock_class *c = to;
	unsigned int s = state, len = 0, i;
	struct lock_dep *d;
	struct ld_link *chain;

	while ((d = c->bfs_via[s])) {
		s = c->bfs_via_state[s];
		c = d->prev;
		len++;
	}
	chain = calloc(len ? len : 1, sizeof(*chain));
	if (!chain)
		ld_oom();
	c = to;
	s = state;
	for (i = len; i-- > 0;) {
		d = c->bfs_via[s];
		chain[i].prev = d->prev;
		chain[i].next = d->next;
		chain[i].dep = d->dep;
		chain[i].prev_ip = d->prev_ip;
		chain[i].next_ip = d->next_ip;
		chain[i].nr_trace = d->nr_trace;
		memcpy(chain[i].trace, d->trace, sizeof(d->trace));
		s = c->bfs_via_state[s];
		c = d->prev;
	}
	*nr = len;
	return chain;
}

/*
 * Is there a deadlock-capable path @from ~> @to, given that the new
 * dependency @to -> @from takes @from as a recursive reader iff @from_r and
 * holds @to shared iff @to_shared? Breadth-first, so the chain reported is
 * a shortest one. Returns the chain (malloc()ed) or NULL.
 */
static struct ld_link *find_cycle(struct lock_class *from, bool from_r,
				  struct lock_class *to, bool to_shared,
				  unsigned int *nr)
{
	unsigned int head = 0, tail = 0, need = 2 * ld_nr_classes + 2;
	unsigned long mark;

	if (ld_queue_max < need) {
		struct ld_bfs_ent *q = realloc(ld_queue, need * 2 * sizeof(*q));

		if (!q)
			ld_oom();
		ld_queue = q;
		ld_queue_max = need * 2;
	}
	mark = ++ld_bfs_gen;
	from->bfs_mark[from_r] = mark;
	from->bfs_via[from_r] = NULL;
	ld_queue[tail].class = from;
	ld_queue[tail++].state = from_r;

	while (head < tail) {
		struct lock_class *c = ld_queue[head].class;
		unsigned int st = ld_queue[head++].state;
		unsigned int i;

		if (c == to && !(st && to_shared))
			return chain_copy(c, st, nr);

		for (i = 0; i < c->nr_after; i++) {
			struct lock_dep *d = c->after[i];
			struct lock_class *n = d->next;
			unsigned int m = d->dep, ns;

			/* Entered as a recursive reader: must be left exclusive. */
			if (st)
				m &= DEP_FROM_E;
			if (!m)
				continue;
			ns = !(m & DEP_TO_N);
			if (n->bfs_mark[0] == mark || n->bfs_mark[ns] == mark)
				continue;
			n->bfs_mark[ns] = mark;
			n->bfs_via[ns] = d;
			n->bfs_via_state[ns] = st;
			ld_queue[tail].class = n;
			ld_queue[tail++].state = ns;
		}
	}
	return NULL;
}

/* ---- reports ----------------------------------------------------------- */

static void report_simple(struct ld_task *t, const char *headline,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report_simple(struct ld_task *t, const char *headline,
			  const char *fmt, ...)
{
	struct ld_text r;
	FILE *f = text_begin(&r, headline);
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	put_held_locks(f, t);
	text_emit(t, &r);
}

static const char *lock_verb(unsigned int read)
{
	return read ? "rlock" : "lock";
}

static void report_cycle(struct ld_task *t, const struct held_lock *prev,
			 const struct held_lock *next,
			 const struct ld_link *chain, unsigned int nr)
{
	unsigned long gen = world_gen();
	const struct lock_class *parent = chain[nr - 1].prev;
	struct ld_text r;
	FILE *f = text_begin(&r, "WARNING: possible circular locking dependency detected");
	unsigned int i;

	put_task(f);
	fputs(" is trying to acquire lock:\n", f);
	put_hlock(f, next, gen);
	fputs("\nbut task is already holding lock:\n", f);
	put_hlock(f, prev, gen);
	fputs("\nwhich lock already depends on the new lock.\n\n", f);

	fputs("the existing dependency chain is:\n", f);
	for (i = 0; i < nr; i++) {
		fprintf(f, " #%u: ", i);
		put_class(f, chain[i].next);
		fputs(" taken at ", f);
		put_ip(f, chain[i].next_ip);
		fputs("\n     while holding ", f);
		put_class(f, chain[i].prev);
		fputs(" taken at ", f);
		put_ip(f, chain[i].prev_ip);
		fputc('\n', f);
	}

	fputs("\nother info that might help us debug this:\n\n", f);
	if (nr > 1) {
		fputs(" Chain exists of:\n   ", f);
		for (i = 0; i < nr; i++) {
			put_class(f, chain[i].prev);
			fputs(" --> ", f);
		}
		put_class(f, chain[nr - 1].next);
		fputs("\n\n", f);
	}
	fputs(" Possible unsafe locking scenario:\n\n", f);
	fputs("       CPU0                    CPU1\n", f);
	fputs("       ----                    ----\n", f);
	fprintf(f, "  %s", lock_verb(prev->read));
	put_class(f, prev->class);
	fprintf(f, ";\n                               %s",
		lock_verb(!(chain[nr - 1].dep & DEP_FROM_E)));
	put_class(f, parent);
	fprintf(f, ";\n                               %s",
		lock_verb(!(chain[nr - 1].dep & DEP_TO_N)));
	put_class(f, prev->class);
	fprintf(f, ";\n  %s", lock_verb(next->read));
	put_class(f, next->class);
	fputs(";\n\n *** DEADLOCK ***\n\n", f);

	put_held_locks(f, t);

	fputs("\nstacks that recorded the existing dependencies:\n", f);
	for (i = 0; i < nr; i++) {
		fputs("-> ", f);
		put_class(f, chain[i].prev);
		fputs(" -> ", f);
		put_class(f, chain[i].next);
		fputs(":\n", f);
		put_trace(f, chain[i].trace, chain[i].nr_trace);
	}
	text_emit(t, &r);
}

static void report_recursive(struct ld_task *t, const struct held_lock *prev,
			     const struct held_lock *next)
{
	unsigned long gen = world_gen();
	struct ld_text r;
	FILE *f;

	if (!seen_first(SEEN_RECURSIVE, next->class, 0))
		return;
	f = text_begin(&r, "WARNING: possible recursive locking detected");
	put_task(f);
	fputs(" is trying to acquire lock:\n", f);
	put_hlock(f, next, gen);
	fputs("\nbut task is already holding lock:\n", f);
	put_hlock(f, prev, gen);
	fputs("\nother info that might help us debug this:\n", f);
	fputs(" Possible unsafe locking scenario:\n\n", f);
	fputs("       CPU0\n       ----\n", f);
	fprintf(f, "  %s", lock_verb(prev->read));
	put_class(f, prev->class);
	fprintf(f, ";\n  %s", lock_verb(next->read));
	put_class(f, next->class);
	fputs(";\n\n *** DEADLOCK ***\n\n", f);
	fputs(" May be due to missing lock nesting notation: a subclass\n"
	      " (mutex_lock_nested()) or a nest_lock such as the ww_acquire_ctx.\n\n", f);
	put_held_locks(f, t);
	text_emit(t, &r);
}

static void report_key(struct ld_task *t, const struct lockdep_map *lock,
		       bool null_key)
{
	struct ld_text r;
	FILE *f;

	if (null_key) {
		f = text_begin(&r, "INFO: trying to register non-static key.");
		fputs("The lock ", f);
		put_map(f, lock);
		fprintf(f, " at %p has no class key and does not live in static\n"
			"memory: it was probably never initialised (mutex_init() and\n"
			"friends), or it needs lockdep_set_class(). lockdep (shim) keys\n"
			"it by its own address and goes on.\n", (void *)lock);
	} else {
		f = text_begin(&r, "BUG: key has not been registered!");
		fprintf(f, "The key %p of lock ", (void *)lock->key);
		put_map(f, lock);
		fputs(" is neither static nor passed to\n"
		      "lockdep_register_key(); if its memory is reused, unrelated\n"
		      "locks will share a class.\n", f);
	}
	put_held_locks(f, t);
	text_emit(t, &r);
}

static void report_nest_not_held(struct ld_task *t, const struct lockdep_map *lock,
				 const struct lockdep_map *nest_lock,
				 unsigned long ip)
{
	struct ld_text r;
	FILE *f = text_begin(&r, "WARNING: Nested lock was not taken");

	put_task(f);
	fputs(" is trying to acquire lock ", f);
	put_map(f, lock);
	fputs(" at: ", f);
	put_ip(f, ip);
	fputs("\nunder nest_lock ", f);
	put_map(f, nest_lock);
	fputs(", which it does not hold.\n\n", f);
	put_held_locks(f, t);
	text_emit(t, &r);
}

static void report_bad_subclass(struct ld_task *t, const struct lockdep_map *lock,
				unsigned int sub)
{
	if (!seen_first(SEEN_SUBCLASS, map_key(lock), sub))
		return;
	report_simple(t, "BUG: looking up invalid subclass",
		      "lock (%s) used with subclass %u; subclasses go up to %lu.\n",
		      lock->name ? lock->name : "NULL", sub, MAX_LOCKDEP_SUBCLASSES - 1);
}

/* ---- class resolution -------------------------------------------------- */

static struct lock_class *map_class_slow(const struct lockdep_map *lock,
					 const void *key, unsigned int sub,
					 bool create)
{
	struct ld_task *t = &ld_task;
	struct lock_class *class;
	bool full = false, bad_key = false, is_static;

	pthread_mutex_lock(&ld_graph_lock);
	class = class_find(key, sub);
	pthread_mutex_unlock(&ld_graph_lock);
	if (class || !create)
		return class;

	/* dladdr() takes the loader's lock: not under ours. */
	is_static = static_obj(key);

	pthread_mutex_lock(&ld_graph_lock);
	class = class_find(key, sub);
	if (!class) {
		class = class_new(lock, key, sub, &full);
		if (class && !is_static && (!lock->key || !key_registered(key)) &&
		    !seen_find(SEEN_KEY, key, 0)) {
			seen_add(SEEN_KEY, key, 0);
			bad_key = true;
		}
	}
	pthread_mutex_unlock(&ld_graph_lock);

	if (full)
		report_simple(t, "BUG: MAX_LOCKDEP_KEYS too low!",
			      "lockdep (shim) has %u lock classes; the lock below is tracked\n"
			      "but not validated.\nlock: (%s)\n", LD_MAX_CLASSES,
			      lock->name ? lock->name : "NULL");
	if (bad_key)
		report_key(t, lock, !lock->key);
	return class;
}

/* The class of @lock taken with @subclass, registered if @create. */
static struct lock_class *map_class(const struct lockdep_map *lock,
				    unsigned int subclass, bool create)
{
	struct lockdep_map *cache = (struct lockdep_map *)lock;
	unsigned long gen = world_gen();
	const void *key = map_key(lock);
	unsigned int sub = subclass;
	struct lock_class *class;

	if (subclass < 2) {
		uintptr_t c = (uintptr_t)__sw_load_acquire(&cache->class_cache[subclass]);

		if (!subclass)
			sub = cookie_sub(c);
		class = cookie_class(c, gen, key, sub);
		if (class)
			return class;
	}
	if (sub >= MAX_LOCKDEP_SUBCLASSES) {
		if (create)
			report_bad_subclass(&ld_task, lock, sub);
		return NULL;
	}
	class = map_class_slow(lock, key, sub, create);
	/* The class cache is a cache: writing it through a const map is fine. */
	if (class && subclass < 2)
		__sw_store_release(&cache->class_cache[subclass],
				   cookie_make(gen, sub, class->idx));
	return class;
}

/* ---- held-lock stack --------------------------------------------------- */

static int held_find(struct ld_task *t, const struct lockdep_map *lock)
{
	struct lock_class *class = NULL;
	bool looked_up = false;
	unsigned long gen = 0;
	int i;

	for (i = (int)t->depth - 1; i >= 0; i--)
		if (t->held[i].instance == lock)
			return i;
	/* Instances merged under a nest_lock are matched by class. */
	for (i = (int)t->depth - 1; i >= 0; i--) {
		const struct held_lock *h = &t->held[i];

		if (!h->merged)
			continue;
		if (!looked_up) {
			gen = world_gen();
			class = map_class(lock, 0, false);
			looked_up = true;
		}
		if (class && h->class == class && h->gen == gen)
			return i;
	}
	return -1;
}

/* Does @hl make current atomic: how might_sleep() counts it. */
static void held_count(struct ld_task *t, const struct held_lock *hl, int d)
{
	if (hl->wait_inner == LD_WAIT_SPIN)
		t->nr_spin += d;
	else if (hl->instance == &rcu_lock_map)
		t->nr_rcu += d;
	else if (hl->instance == &dma_fence_lockdep_map && hl->read)
		t->nr_fence += d;
}

static void held_push(struct ld_task *t, const struct held_lock *hl)
{
	t->held[t->depth++] = *hl;
	held_count(t, hl, 1);
}

static void held_remove(struct ld_task *t, unsigned int i)
{
	held_count(t, &t->held[i], -1);
	memmove(&t->held[i], &t->held[i + 1],
		(t->depth - i - 1) * sizeof(t->held[0]));
	t->depth--;
}

static void held_clear(struct ld_task *t)
{
	t->depth = 0;
	t->dropped = 0;
	t->nr_spin = 0;
	t->nr_rcu = 0;
	t->nr_fence = 0;
}

/* ---- validation -------------------------------------------------------- */

static unsigned int dep_bit(unsigned int prev_read, unsigned int next_read)
{
	return 1u << ((prev_read ? 2 : 0) + (next_read == 2 ? 1 : 0));
}

static struct ld_known *known_slot(struct ld_task *t, const struct lock_class *prev,
				   const struct lock_class *next)
{
	return &t->known[hash_ptrs(prev, (unsigned long)(uintptr_t)next) >> 7 &
			 (LD_KNOWN_SIZE - 1)];
}

/* Record @prev -> @next, unless that closes a cycle: then report it. */
static void check_prev_add(struct ld_task *t, const struct held_lock *prev,
			   const struct held_lock *next, void *trace_from)
{
	struct lock_class *pc = prev->class, *nc = next->class;
	unsigned int bit = dep_bit(prev->read, next->read), nr = 0;
	struct ld_known *k = known_slot(t, pc, nc);
	struct ld_link *chain = NULL;
	unsigned long epoch;
	struct lock_dep *d;

	if (pc == nc)
		return;
	if (k->prev == pc && k->next == nc && (k->dep & bit) &&
	    k->epoch == graph_epoch())
		return;

	pthread_mutex_lock(&ld_graph_lock);
	epoch = ld_epoch;
	if (pc->dead || nc->dead)
		goto out;
	d = dep_find(pc, nc);
	if (d && (d->dep & bit))
		goto known;
	if (seen_find(SEEN_CYCLE, pc, (unsigned long)(uintptr_t)nc))
		goto known;
	chain = find_cycle(nc, next->read == 2, pc, prev->read != 0, &nr);
	if (chain) {
		/* Not added: the graph stays free of known deadlocks. */
		seen_add(SEEN_CYCLE, pc, (unsigned long)(uintptr_t)nc);
		goto known;
	}
	if (!d)
		d = dep_new(pc, nc, prev->ip, next->ip, trace_from);
	d->dep |= bit;
known:
	if (k->prev != pc || k->next != nc || k->epoch != epoch) {
		k->prev = pc;
		k->next = nc;
		k->epoch = epoch;
		k->dep = 0;
	}
	k->dep |= bit;
out:
	pthread_mutex_unlock(&ld_graph_lock);
	if (chain) {
		report_cycle(t, prev, next, chain, nr);
		free(chain);
	}
}

static void validate(struct ld_task *t, const struct held_lock *next,
		     unsigned long gen, void *trace_from)
{
	const struct held_lock *nest = NULL;
	int i;

	/* Same class held already: recursion, unless serialised or read-read. */
	for (i = 0; i < (int)t->depth; i++) {
		const struct held_lock *prev = &t->held[i];

		if (next->nest_lock && prev->instance == next->nest_lock)
			nest = prev;
		if (prev->gen != gen || prev->class != next->class)
			continue;
		if (next->read == 2 && prev->read)
			continue;
		if (!nest)
			report_recursive(t, prev, next);
		return;
	}

	/*
	 * Dependencies from the nearest validated lock and from any trylocks
	 * above it: the locks below it already lead to it.
	 */
	for (i = (int)t->depth - 1; i >= 0; i--) {
		const struct held_lock *prev = &t->held[i];

		if (!prev->check || !prev->class || prev->gen != gen)
			continue;
		check_prev_add(t, prev, next, trace_from);
		if (!prev->trylock)
			break;
	}
}

/**
 * lockdep_init_map() - (re)initialise a lock instance's lockdep state.
 * @lock: the map embedded in the lock.
 * @name: name used in reports.
 * @key: class key; NULL keys the class by the map's own address.
 * @subclass: subclass used when the lock is taken with subclass 0.
 */
void lockdep_init_map(struct lockdep_map *lock, const char *name,
		      struct lock_class_key *key, int subclass)
{
	unsigned int sub = subclass < 0 ? MAX_LOCKDEP_SUBCLASSES : subclass;

	if (sub >= (1u << COOKIE_SUB_BITS))
		sub = (1u << COOKIE_SUB_BITS) - 1;
	lock->name = name ? name : "NULL";
	lock->key = key;
	lock->wait_type_inner = LD_WAIT_INV;
	lock->wait_type_outer = LD_WAIT_INV;
	lock->lock_type = 0;
	__sw_store_release(&lock->class_cache[0], cookie_unresolved(sub));
	__sw_store_release(&lock->class_cache[1], NULL);
}

/* ---- no-block sections ------------------------------------------------ */

/*
 * Has lockdep recorded reclaim taking @class (fs_reclaim -> @class), or been
 * told it does (might_lock() inside fs_reclaim_acquire())? Lockdep then
 * reports anyone holding such a lock across a reclaiming allocation, so
 * blocking on it can't wait for reclaim: a no-block section may.
 */
static bool class_taken_in_reclaim(const struct lock_class *class)
{
	struct lock_class *fsr = map_class(&fs_reclaim_map, 0, false);
	bool ret;

	if (!class || !fsr)
		return false;
	pthread_mutex_lock(&ld_graph_lock);
	ret = dep_find(fsr, class) != NULL;
	pthread_mutex_unlock(&ld_graph_lock);
	return ret;
}

static void report_no_block(struct ld_task *t, const char *what, unsigned long ip)
{
	t->in_report++;
	__warn_printf(__FILE__, __LINE__, __func__,
		      "blocking on %s in a context that may not block (at %#lx)",
		      what ? what : "NULL", ip);
	t->in_report--;
}

/**
 * sw_no_block_begin() - enter a section that may not block.
 *
 * Until the matching sw_no_block_end(), current WARNs on a fence wait and
 * on any sleeping lock acquisition except of locks reclaim is known to
 * take (see class_taken_in_reclaim()); trylocks and spinning locks are
 * fine. Sections nest.
 */
void sw_no_block_begin(void)
{
	ld_task.no_block++;
}

/**
 * sw_no_block_end() - leave a section entered with sw_no_block_begin().
 */
void sw_no_block_end(void)
{
	if (!WARN_ON(!ld_task.no_block))
		ld_task.no_block--;
}

/**
 * no_block_check_wait_shim() - WARN if current may not block.
 * @what: what would block (named in the WARN).
 */
void no_block_check_wait_shim(const char *what)
{
	struct ld_task *t = &ld_task;

	if (unlikely(t->no_block) && !t->in_report)
		report_no_block(t, what, _RET_IP_);
}

/**
 * lock_acquire() - tell lockdep @lock is being acquired by current.
 * @lock: lock instance.
 * @subclass: nesting subclass.
 * @trylock: non-zero for a successful trylock: tracked, adds no dependency.
 * @read: 0 exclusive, 1 shared (not recursive), 2 recursive read.
 * @check: 0 to only track the lock as held.
 * @nest_lock: held lock that serialises the instances of @lock's class.
 * @ip: caller address, printed in reports.
 *
 * Called before blocking on the real lock, so that a deadlock is reported
 * before it hangs.
 */
void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock,
		  int read, int check, struct lockdep_map *nest_lock,
		  unsigned long ip)
{
	struct ld_task *t = &ld_task;
	void *trace_from = __builtin_return_address(0);
	unsigned long gen = world_gen();
	struct held_lock hl = {
		.instance = lock,
		.ip = ip,
		.refs = 1,
		.read = read,
		.trylock = !!trylock,
		.check = check && !t->in_report,
		.wait_inner = lock->wait_type_inner,
		.gen = gen,
	};

	if (subclass >= MAX_LOCKDEP_SUBCLASSES)
		report_bad_subclass(t, lock, subclass);
	else
		hl.class = map_class(lock, subclass, true);
	if (!hl.class)
		hl.check = 0;

	if (nest_lock && held_find(t, nest_lock) < 0) {
		report_nest_not_held(t, lock, nest_lock, ip);
		nest_lock = NULL;
	}
	hl.nest_lock = nest_lock;

	/* Another instance of the class on top, under the same nest lock. */
	if (t->depth && nest_lock && hl.class) {
		struct held_lock *top = &t->held[t->depth - 1];

		if (top->class == hl.class && top->gen == gen) {
			top->refs++;
			top->merged = 1;
			return;
		}
	}

	if (t->depth >= LD_MAX_DEPTH) {
		t->dropped++;
		if (t->overflow_gen != gen) {
			t->overflow_gen = gen;
			report_simple(t, "BUG: MAX_LOCK_DEPTH too low!",
				      "a task may hold %u locks; (%s) is not tracked.\n",
				      LD_MAX_DEPTH, lock->name ? lock->name : "NULL");
		}
		return;
	}

	/*
	 * Spinning locks don't sleep; fence waits report themselves, in
	 * dma_fence_wait_timeout().
	 */
	if (unlikely(t->no_block) && !hl.trylock && !t->in_report &&
	    hl.wait_inner != LD_WAIT_SPIN && lock != &dma_fence_lockdep_map &&
	    lock != &rcu_lock_map &&
	    !class_taken_in_reclaim(hl.class))
		report_no_block(t, lock->name, ip);

	if (hl.check && !hl.trylock)
		validate(t, &hl, gen, trace_from);
	held_push(t, &hl);
}

static void report_bad_unlock(struct ld_task *t, const struct lockdep_map *lock,
			      unsigned long ip)
{
	struct ld_text r;
	FILE *f = text_begin(&r, "WARNING: bad unlock balance detected!");

	put_task(f);
	fputs(" is trying to release lock ", f);
	put_map(f, lock);
	fprintf(f, " %p at:\n", (void *)lock);
	put_ip(f, ip);
	fputs("\nbut there are no more locks to release!\n\n", f);
	put_held_locks(f, t);
	text_emit(t, &r);
}

/**
 * lock_release() - tell lockdep @lock is released by current.
 * @lock: lock instance.
 * @ip: caller address.
 *
 * Reports "bad unlock balance" if current does not hold @lock.
 */
void lock_release(struct lockdep_map *lock, unsigned long ip)
{
	struct ld_task *t = &ld_task;
	int i = held_find(t, lock);

	if (i < 0) {
		if (t->dropped) {
			t->dropped--;
			return;
		}
		report_bad_unlock(t, lock, ip);
		return;
	}
	if (t->held[i].refs > 1) {
		t->held[i].refs--;
		return;
	}
	held_remove(t, i);
}

/**
 * lock_is_held_type() - does current hold @lock?
 * @lock: lock instance.
 * @read: -1 any way, 0 exclusive, 1 shared (read or recursive read).
 *
 * An instance merged under a nest_lock matches by class, as in the kernel.
 *
 * Return: 1 if held that way, else 0.
 */
int lock_is_held_type(const struct lockdep_map *lock, int read)
{
	struct ld_task *t = &ld_task;
	int i = held_find(t, lock);

	if (i < 0)
		return 0;
	return read == -1 || !!t->held[i].read == !!read;
}

/**
 * lockdep_depth_current() - number of held-lock entries of current.
 *
 * Return: the depth (instances merged under a nest_lock count once).
 */
int lockdep_depth_current(void)
{
	return ld_task.depth;
}

/**
 * lockdep_assert_no_locks_held_current() - report if current holds a lock.
 * @what: where the check is made, for the report.
 */
void lockdep_assert_no_locks_held_current(const char *what)
{
	struct ld_task *t = &ld_task;
	unsigned int n = t->depth + t->dropped;

	if (likely(!n))
		return;
	report_simple(t, "WARNING: lock held when it must not be",
		      "task still holds %u lock%s at %s\n", n, n > 1 ? "s" : "",
		      what ? what : "?");
}

/**
 * lockdep_assert_failed() - report a failed lockdep_assert*().
 * @cond: the condition text.
 * @file: source file.
 * @line: source line.
 */
void lockdep_assert_failed(const char *cond, const char *file, int line)
{
	report_simple(&ld_task, "WARNING: lockdep assertion failed",
		      "lockdep_assert(%s) failed at %s:%d\n", cond, file, line);
}

/**
 * debug_check_no_locks_freed() - report a held lock inside freed memory.
 * @from: start of the freed range.
 * @len: its length in bytes.
 *
 * shim: the held locks found there are then forgotten, so that the test
 * can go on (their memory is gone, nobody can release them).
 */
void debug_check_no_locks_freed(const void *from, unsigned long len)
{
	struct ld_task *t = &ld_task;
	uintptr_t lo = (uintptr_t)from, hi = lo + len;
	unsigned long gen;
	struct ld_text r;
	unsigned int i;
	bool found = false;
	FILE *f;

	for (i = 0; i < t->depth && !found; i++) {
		uintptr_t p = (uintptr_t)t->held[i].instance;

		found = p >= lo && p < hi;
	}
	if (likely(!found))
		return;

	gen = world_gen();
	f = text_begin(&r, "WARNING: held lock freed!");
	put_task(f);
	fprintf(f, " is freeing memory %p-%p, with a lock still held there!\n",
		from, (void *)(hi - 1));
	for (i = 0; i < t->depth; i++) {
		uintptr_t p = (uintptr_t)t->held[i].instance;

		if (p >= lo && p < hi)
			put_hlock(f, &t->held[i], gen);
	}
	fputc('\n', f);
	put_held_locks(f, t);
	text_emit(t, &r);

	for (i = t->depth; i-- > 0;) {
		uintptr_t p = (uintptr_t)t->held[i].instance;

		if (p >= lo && p < hi)
			held_remove(t, i);
	}
}

/**
 * lockdep_reset_lock() - forget a lock instance that is being destroyed.
 * @lock: the map.
 *
 * The class of a lock keyed by its own address (no key) is forgotten with
 * it, since the address may next hold an unrelated lock; classes of static
 * keys are shared by other instances and stay.
 */
void lockdep_reset_lock(struct lockdep_map *lock)
{
	uintptr_t c = (uintptr_t)__sw_load_acquire(&lock->class_cache[0]);

	__sw_store_release(&lock->class_cache[0], cookie_unresolved(cookie_sub(c)));
	__sw_store_release(&lock->class_cache[1], NULL);
	if (!lock->key) {
		pthread_mutex_lock(&ld_graph_lock);
		zap_key(lock);
		pthread_mutex_unlock(&ld_graph_lock);
	}
}

/**
 * lockdep_register_key() - make a key in dynamic memory usable.
 * @key: the key.
 */
void lockdep_register_key(struct lock_class_key *key)
{
	struct ld_key *k;

	pthread_mutex_lock(&ld_graph_lock);
	if (!key_registered(key)) {
		k = malloc(sizeof(*k));
		if (!k)
			ld_oom();
		k->key = key;
		k->next = ld_keys;
		ld_keys = k;
	}
	pthread_mutex_unlock(&ld_graph_lock);
}

/**
 * lockdep_unregister_key() - forget a dynamic key and all its classes.
 * @key: the key, registered with lockdep_register_key().
 */
void lockdep_unregister_key(struct lock_class_key *key)
{
	struct ld_key **pp, *k = NULL;

	pthread_mutex_lock(&ld_graph_lock);
	for (pp = &ld_keys; *pp; pp = &(*pp)->next) {
		if ((*pp)->key == key) {
			k = *pp;
			*pp = k->next;
			break;
		}
	}
	zap_key(key);
	pthread_mutex_unlock(&ld_graph_lock);
	if (!k)
		report_simple(&ld_task, "WARNING: lockdep_unregister_key() of an unknown key",
			      "key %p was never registered\n", (void *)key);
	free(k);
}

/**
 * lockdep_reset_world() - forget all classes, dependencies and reports.
 *
 * Called by the world teardown between tests. The calling thread must hold
 * no lock: if it does, that is reported and its held stack is dropped.
 */
void lockdep_reset_world(void)
{
	struct ld_task *t = &ld_task;
	unsigned int n = t->depth + t->dropped;

	if (n) {
		report_simple(t, "WARNING: lock held at world reset",
			      "task still holds %u lock%s at lockdep_reset_world()\n",
			      n, n > 1 ? "s" : "");
		held_clear(t);
	}
	pthread_mutex_lock(&ld_graph_lock);
	graph_free();
	pthread_mutex_unlock(&ld_graph_lock);
}

/* ---- might_sleep() ----------------------------------------------------- */

#define SLEEP_IN_ATOMIC	"BUG: sleeping function called from invalid context"

/* The outermost held lock making current atomic: @kind 0 spin, 1 RCU, 2 fence. */
static const struct held_lock *atomic_start(const struct ld_task *t, int kind)
{
	unsigned int i;

	for (i = 0; i < t->depth; i++) {
		const struct held_lock *h = &t->held[i];

		if ((kind == 0 && h->wait_inner == LD_WAIT_SPIN) ||
		    (kind == 1 && h->instance == &rcu_lock_map) ||
		    (kind == 2 && h->instance == &dma_fence_lockdep_map && h->read))
			return h;
	}
	return NULL;
}

/*
 * As in the kernel, a fence-signalling section is not atomic: it may sleep
 * on locks, and lockdep's graph catches what it must not do (wait for a
 * fence, allocate with reclaim: both through dma_fence_map).
 */
static bool in_atomic_shim(const struct ld_task *t)
{
	return t->nr_spin || t->nr_rcu;
}

/*
 * __might_resched()'s splat: where current slept, and where each atomic
 * section it is in began (the kernel's "Preemption disabled at:").
 */
static void report_sleep(struct ld_task *t, const char *title, const char *what,
			 const char *file, int line, unsigned int offsets, unsigned long ip)
{
	static const char *const why[] = {
		"spinning lock taken",
		"RCU read-side critical section begun",
		"fence-signalling critical section begun",
	};
	unsigned long frames[LD_SLEEP_FRAMES];
	unsigned long gen = world_gen(), h = 0;
	struct ld_text r;
	int i, n;
	FILE *f;

	/* Once per call path and world. */
	n = stack_trace_save(frames, LD_SLEEP_FRAMES, 0);
	for (i = 0; i < n; i++)
		h = hash_ptrs((void *)frames[i], h);
	if (!seen_first(SEEN_SLEEP, NULL, h))
		return;

	f = text_begin(&r, title);
	if (what)
		fprintf(f, "%s ", what);
	if (file) {
		fprintf(f, "at %s:%d\n", file, line);
	} else {
		fputs("at ", f);
		put_ip(f, ip);
		fputc('\n', f);
	}
	fprintf(f, "in_atomic(): %d, pid: %d, name: %s\n", !!t->nr_spin,
		current->pid, current->comm);
	/* shim: the preempt count is the number of spinning locks held. */
	fprintf(f, "preempt_count: %x, expected: %x\n", t->nr_spin,
		offsets & MIGHT_RESCHED_PREEMPT_MASK);
	fprintf(f, "RCU nest depth: %u, expected: %u\n", t->nr_rcu,
		offsets >> MIGHT_RESCHED_RCU_SHIFT);
	for (i = 0; i < 3; i++) {
		const struct held_lock *start = atomic_start(t, i);

		if (!start)
			continue;
		/* A signalling section is not atomic; it is named as context. */
		fprintf(f, "%s %s at: ", i == 2 ? "inside" : "atomic since", why[i]);
		put_ip(f, start->ip);
		fputc('\n', f);
		if (i == 0) {
			fputs("the lock:", f);
			put_hlock(f, start, gen);
		}
	}
	fputc('\n', f);
	put_held_locks(f, t);
	text_emit(t, &r);
}

/**
 * __might_sleep() - report sleeping in atomic context.
 * @file: caller's file.
 * @line: caller's line.
 *
 * shim: atomic context is "current holds a lock with LD_WAIT_SPIN or is in
 * an RCU read-side critical section"; the report is a lockdep report, once
 * per call path and world, naming where current slept and where each
 * section it is in began.
 */
void __might_sleep(const char *file, int line)
{
	struct ld_task *t = &ld_task;

	if (likely(!in_atomic_shim(t)))
		return;
	report_sleep(t, SLEEP_IN_ATOMIC, NULL, file, line, 0, _RET_IP_);
}

/**
 * __might_resched() - report a reschedule point in atomic context.
 * @file: caller's file.
 * @line: caller's line.
 * @offsets: the spinning locks (low bits) and RCU read-side nesting (from
 *	MIGHT_RESCHED_RCU_SHIFT up) the caller is allowed to hold, as
 *	cond_resched_lock() and friends pass them; 0 for cond_resched().
 *
 * Reports, as __might_sleep() does, when current holds anything else.
 */
void __might_resched(const char *file, int line, unsigned int offsets)
{
	struct ld_task *t = &ld_task;

	if (likely(t->nr_spin == (offsets & MIGHT_RESCHED_PREEMPT_MASK) &&
		   t->nr_rcu == offsets >> MIGHT_RESCHED_RCU_SHIFT))
		return;
	report_sleep(t, SLEEP_IN_ATOMIC, NULL, file, line, offsets, _RET_IP_);
}

/*
 * schedule()'s own checks: in atomic context the kernel's __schedule_bug(),
 * in an RCU read-side section (preemptible RCU) rcu_note_context_switch()'s
 * lockdep warning; both name the switch and where the section began.
 */
void schedule_debug_shim(unsigned long ip)
{
	struct ld_task *t = &ld_task;

	if (likely(!in_atomic_shim(t)))
		return;
	if (t->nr_spin)
		report_sleep(t, "BUG: scheduling while atomic", "schedule()", NULL, 0, 0, ip);
	else
		report_sleep(t, "WARNING: suspicious RCU usage",
			     "Voluntary context switch within RCU read-side critical section!",
			     NULL, 0, 0, ip);
}

/**
 * lockdep_rcu_suspicious() - report a suspicious RCU usage.
 * @file: where.
 * @line: line.
 * @s: what was suspicious.
 */
void lockdep_rcu_suspicious(const char *file, const int line, const char *s)
{
	struct ld_task *t = &ld_task;
	struct ld_text r;
	FILE *f;

	if (t->in_report)
		return;
	f = text_begin(&r, "WARNING: suspicious RCU usage");
	fprintf(f, "%s:%d %s!\n\nrcu_scheduler_active = 2, debug_locks = 1\n", file, line, s);
	fprintf(f, "RCU nest depth: %u\n", t->nr_rcu);
	put_held_locks(f, t);
	text_emit(t, &r);
}

/* ---- memory reclaim annotation ----------------------------------------- */

/**
 * current_gfp_context() - @flags as current's memalloc scope allows them.
 * @flags: allocation flags.
 *
 * Return: @flags without __GFP_IO|__GFP_FS under PF_MEMALLOC_NOIO and
 * without __GFP_FS under PF_MEMALLOC_NOFS.
 */
gfp_t current_gfp_context(gfp_t flags)
{
	unsigned int pflags = READ_ONCE(current->flags);

	if (unlikely(pflags & (PF_MEMALLOC_NOIO | PF_MEMALLOC_NOFS))) {
		if (pflags & PF_MEMALLOC_NOIO)
			flags &= ~(__GFP_IO | __GFP_FS);
		else
			flags &= ~__GFP_FS;
	}
	return flags;
}

/* Would an allocation with @gfp recurse into filesystem reclaim? */
static bool fs_reclaim_applies(gfp_t gfp)
{
	gfp = current_gfp_context(gfp);
	if (!(gfp & __GFP_DIRECT_RECLAIM) || !(gfp & __GFP_FS))
		return false;
	/* Reclaim itself (PF_MEMALLOC) does not recurse into reclaim. */
	return !(READ_ONCE(current->flags) & PF_MEMALLOC);
}

/**
 * __fs_reclaim_acquire() - enter reclaim whatever current's flags (kswapd).
 * @ip: the caller's address.
 */
void __fs_reclaim_acquire(unsigned long ip)
{
	lock_acquire(&fs_reclaim_map, 0, 0, 0, 1, NULL, ip);
}

/**
 * __fs_reclaim_release() - leave the context __fs_reclaim_acquire() entered.
 * @ip: the caller's address.
 */
void __fs_reclaim_release(unsigned long ip)
{
	lock_release(&fs_reclaim_map, ip);
}

/**
 * fs_reclaim_acquire() - enter a context that may recurse into reclaim.
 * @gfp_mask: allocation flags; nothing happens unless they allow direct
 *            reclaim and filesystem recursion for current.
 *
 * Takes the "fs_reclaim" pseudo-lock for lockdep, so that a lock taken
 * by reclaim (a shrinker) and held around a reclaiming allocation show up
 * as a cycle.
 */
void fs_reclaim_acquire(gfp_t gfp_mask)
{
	if (fs_reclaim_applies(gfp_mask))
		lock_acquire(&fs_reclaim_map, 0, 0, 0, 1, NULL, _RET_IP_);
}

/**
 * fs_reclaim_release() - leave the context entered by fs_reclaim_acquire().
 * @gfp_mask: the same flags.
 */
void fs_reclaim_release(gfp_t gfp_mask)
{
	if (fs_reclaim_applies(gfp_mask))
		lock_release(&fs_reclaim_map, _RET_IP_);
}

/**
 * might_alloc() - annotate an allocation with @gfp_mask.
 * @gfp_mask: allocation flags.
 *
 * Takes and drops fs_reclaim for lockdep, and checks the context may sleep
 * if the flags allow blocking.
 */
void might_alloc(gfp_t gfp_mask)
{
	struct ld_task *t = &ld_task;

	if (fs_reclaim_applies(gfp_mask)) {
		lock_acquire(&fs_reclaim_map, 0, 0, 0, 1, NULL, _RET_IP_);
		lock_release(&fs_reclaim_map, _RET_IP_);
	}
	if (gfpflags_allow_blocking(gfp_mask) && unlikely(in_atomic_shim(t)))
		report_sleep(t, SLEEP_IN_ATOMIC, "sleeping allocation", NULL, 0, 0, _RET_IP_);
}

/* ---- dma-fence signalling annotation ----------------------------------- */

/**
 * dma_fence_begin_signalling() - start a fence-signalling critical section.
 *
 * Takes "dma_fence_map" as a successful, non-recursive read trylock: locks
 * taken inside the section then depend on it, and waiting for a fence
 * (__dma_fence_might_wait()) while holding one of them closes a cycle.
 *
 * Return: cookie for dma_fence_end_signalling(): true if the section was
 * already open (nesting) or current is atomic, so there is nothing to end.
 */
bool dma_fence_begin_signalling(void)
{
	if (lock_is_held_type(&dma_fence_lockdep_map, 1))
		return true;
	/* As the kernel: atomic sections are covered by might_sleep(). */
	if (ld_task.nr_spin)
		return true;
	lock_acquire(&dma_fence_lockdep_map, 0, 1, 1, 1, NULL, _RET_IP_);
	return false;
}

/**
 * dma_fence_end_signalling() - end a fence-signalling critical section.
 * @cookie: what dma_fence_begin_signalling() returned.
 */
void dma_fence_end_signalling(bool cookie)
{
	if (cookie)
		return;
	lock_release(&dma_fence_lockdep_map, _RET_IP_);
}

/**
 * __dma_fence_might_wait() - annotate a (possible) wait for a fence.
 *
 * Takes and drops "dma_fence_map" exclusively: every lock held here
 * becomes a dependency of fence signalling.
 */
void __dma_fence_might_wait(void)
{
	bool in_section = lock_is_held_type(&dma_fence_lockdep_map, 1);

	if (in_section)
		lock_release(&dma_fence_lockdep_map, _RET_IP_);
	lock_acquire(&dma_fence_lockdep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	lock_release(&dma_fence_lockdep_map, _RET_IP_);
	if (in_section)
		lock_acquire(&dma_fence_lockdep_map, 0, 1, 1, 1, NULL, _RET_IP_);
}

/* ---- process lifetime -------------------------------------------------- */

static void __attribute__((constructor)) lockdep_shim_init(void)
{
	unsigned long entry;

	/* Load the unwinder now rather than later under ld_graph_lock. */
	stack_trace_save(&entry, 1, 0);
}

static void __attribute__((destructor)) lockdep_shim_exit(void)
{
	pthread_mutex_lock(&ld_graph_lock);
	graph_free();
	while (ld_keys) {
		struct ld_key *k = ld_keys;

		ld_keys = k->next;
		free(k);
	}
	pthread_mutex_unlock(&ld_graph_lock);
}
