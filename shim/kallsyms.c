// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Symbol lookup for report addresses (kernel/kallsyms.c's printing half).
 *
 * dladdr() names only the dynamic symbols of an object, so static functions
 * would print as bare offsets. Instead the full symbol table of each loaded
 * object (.symtab, or .dynsym when the object is stripped) is read from its
 * file on first use and kept sorted by address, so that every function the
 * build knows, static or not, is named in WARN, BUG and lockdep traces.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kallsyms.h>

struct ksym_func {
	uintptr_t		addr;
	size_t			size;
	const char		*name;
};

/* The function symbols of one loaded object. */
struct ksym_table {
	struct ksym_table	*next;
	uintptr_t		base;		/* dli_fbase of the object */
	void			*map;
	size_t			map_len;
	struct ksym_func	*funcs;
	size_t			nr;
};

static pthread_mutex_t ksym_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ksym_table *ksym_tables;

static int func_cmp(const void *a, const void *b)
{
	const struct ksym_func *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Fill @st from the ELF file mapped at @map; leaves it empty on any doubt. */
static void table_parse(struct ksym_table *st, const unsigned char *map, size_t len)
{
	const ElfW(Ehdr) *eh = (const void *)map;
	const ElfW(Shdr) *sh, *sym_sh = NULL, *str_sh;
	const ElfW(Phdr) *ph;
	uintptr_t bias = 0, lowest = UINTPTR_MAX;
	const ElfW(Sym) *sym;
	size_t i, n, nr = 0;
	const char *strtab;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_phentsize != sizeof(*ph) ||
	    eh->e_shoff > len || eh->e_shnum > (len - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_phoff > len || eh->e_phnum > (len - eh->e_phoff) / sizeof(*ph))
		return;
	sh = (const void *)(map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB)
			sym_sh = &sh[i];
	for (i = 0; !sym_sh && i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_DYNSYM)
			sym_sh = &sh[i];
	if (!sym_sh || sym_sh->sh_link >= eh->e_shnum)
		return;
	str_sh = &sh[sym_sh->sh_link];
	if (sym_sh->sh_offset > len || sym_sh->sh_size > len - sym_sh->sh_offset ||
	    str_sh->sh_offset > len || str_sh->sh_size > len - str_sh->sh_offset ||
	    !str_sh->sh_size)
		return;

	/* Position-independent objects: symbol values are load-relative. */
	if (eh->e_type == ET_DYN) {
		ph = (const void *)(map + eh->e_phoff);
		for (i = 0; i < eh->e_phnum; i++)
			if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < lowest)
				lowest = ph[i].p_vaddr;
		if (lowest == UINTPTR_MAX)
			return;
		bias = st->base - (lowest & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1));
	}

	sym = (const void *)(map + sym_sh->sh_offset);
	strtab = (const char *)map + str_sh->sh_offset;
	n = sym_sh->sh_size / sizeof(*sym);
	/* The string table must end with a NUL: names are then bounded. */
	if (strtab[str_sh->sh_size - 1])
		return;
	st->funcs = calloc(n ? n : 1, sizeof(*st->funcs));
	if (!st->funcs)
		return;
	for (i = 0; i < n; i++) {
		if ((sym[i].st_info & 0xf) != STT_FUNC || !sym[i].st_value ||
		    !sym[i].st_size || sym[i].st_name >= str_sh->sh_size)
			continue;
		st->funcs[nr].addr = sym[i].st_value + bias;
		st->funcs[nr].size = sym[i].st_size;
		st->funcs[nr].name = strtab + sym[i].st_name;
		nr++;
	}
	qsort(st->funcs, nr, sizeof(*st->funcs), func_cmp);
	st->nr = nr;
}

/* ksym_lock held. The table of the object @info names, read on first use. */
static struct ksym_table *table_get_locked(const Dl_info *info)
{
	const char *path = info->dli_fname;
	struct ksym_table *st;
	struct stat sb;
	int fd;

	for (st = ksym_tables; st; st = st->next)
		if (st->base == (uintptr_t)info->dli_fbase)
			return st;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->base = (uintptr_t)info->dli_fbase;
	st->next = ksym_tables;
	ksym_tables = st;

	/* The main program is named as it was started: use its real file. */
	if (!path || !path[0] || !strcmp(path, program_invocation_name))
		path = "/proc/self/exe";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return st;
	if (!fstat(fd, &sb) && sb.st_size > 0) {
		st->map = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (st->map == MAP_FAILED) {
			st->map = NULL;
		} else {
			st->map_len = sb.st_size;
			table_parse(st, st->map, st->map_len);
		}
	}
	close(fd);
	return st;
}

static const struct ksym_func *table_find(const struct ksym_table *st, uintptr_t addr)
{
	size_t lo = 0, hi = st->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->funcs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < st->funcs[lo - 1].addr + st->funcs[lo - 1].size)
		return &st->funcs[lo - 1];
	return NULL;
}

/* The object @info names, as a module name: the main program has none. */
static const char *object_name(const Dl_info *info)
{
	const char *name = info->dli_fname, *slash;

	if (!name || !name[0] || !strcmp(name, program_invocation_name))
		return NULL;
	slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

/*
 * Print @address into @buffer as "name+0xoff/0xsize [object]". The symbol
 * is looked up at @address + @lookup_adj (-1 for return addresses, which
 * may point past the end of a call's function); @with_offset false prints
 * the name alone. Unknown addresses print as hex, with the object and the
 * offset into it when the address is inside one.
 */
static int __sprint_symbol(char *buffer, unsigned long address, int lookup_adj,
			   bool with_offset)
{
	unsigned long addr = address + lookup_adj;
	const struct ksym_func *fn = NULL;
	const char *obj, *name = NULL;
	unsigned long off = 0, size = 0;
	struct ksym_table *st;
	Dl_info info;
	int n;

	if (!address || !dladdr((void *)addr, &info))
		return snprintf(buffer, KSYM_SYMBOL_LEN, "0x%lx", address);
	pthread_mutex_lock(&ksym_lock);
	st = table_get_locked(&info);
	if (st)
		fn = table_find(st, addr);
	if (fn) {
		name = fn->name;
		off = addr - fn->addr;
		size = fn->size;
	}
	pthread_mutex_unlock(&ksym_lock);
	if (!name && info.dli_sname) {
		name = info.dli_sname;
		off = addr - (unsigned long)info.dli_saddr;
	}
	off -= lookup_adj;
	obj = object_name(&info);

	if (!name)
		return snprintf(buffer, KSYM_SYMBOL_LEN, "0x%lx [%s+0x%lx]", address,
				obj ? obj : "main", address - (unsigned long)info.dli_fbase);
	if (!with_offset)
		n = snprintf(buffer, KSYM_SYMBOL_LEN, "%s", name);
	else if (size)
		n = snprintf(buffer, KSYM_SYMBOL_LEN, "%s+0x%lx/0x%lx", name, off, size);
	else
		n = snprintf(buffer, KSYM_SYMBOL_LEN, "%s+0x%lx", name, off);
	if (obj && n >= 0 && n < KSYM_SYMBOL_LEN)
		n += snprintf(buffer + n, KSYM_SYMBOL_LEN - n, " [%s]", obj);
	return n < KSYM_SYMBOL_LEN ? n : KSYM_SYMBOL_LEN - 1;
}

/**
 * sprint_symbol() - print a code address as the kernel's %pS does.
 * @buffer: output, at least KSYM_SYMBOL_LEN bytes.
 * @address: the address.
 *
 * Return: the length of the string in @buffer.
 */
int sprint_symbol(char *buffer, unsigned long address)
{
	return __sprint_symbol(buffer, address, 0, true);
}

/**
 * sprint_symbol_no_offset() - print a code address as the kernel's %ps does.
 * @buffer: output, at least KSYM_SYMBOL_LEN bytes.
 * @address: the address.
 *
 * Return: the length of the string in @buffer.
 */
int sprint_symbol_no_offset(char *buffer, unsigned long address)
{
	return __sprint_symbol(buffer, address, 0, false);
}

/**
 * sprint_backtrace() - print a return address of a stack trace (%pB).
 * @buffer: output, at least KSYM_SYMBOL_LEN bytes.
 * @address: the return address.
 *
 * The symbol is looked up one byte before @address, so that a call that
 * ends its function is attributed to the caller, not to what follows it.
 *
 * Return: the length of the string in @buffer.
 */
int sprint_backtrace(char *buffer, unsigned long address)
{
	return __sprint_symbol(buffer, address, -1, true);
}

static void __attribute__((destructor)) kallsyms_exit(void)
{
	pthread_mutex_lock(&ksym_lock);
	while (ksym_tables) {
		struct ksym_table *st = ksym_tables;

		ksym_tables = st->next;
		if (st->map)
			munmap(st->map, st->map_len);
		free(st->funcs);
		free(st);
	}
	pthread_mutex_unlock(&ksym_lock);
}
