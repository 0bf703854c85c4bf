/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * Processes of a world (a TGID, a comm, capabilities and an address space)
 * and the DRM files they open. Implemented in harness/proc.c.
 */
#ifndef SHRINKWRAP_PROC_H
#define SHRINKWRAP_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct mm_struct;
struct sw_world;
struct sw_proc;
struct sw_file;

/**
 * sw_proc_create() - a process with its own address space.
 * @w: the world.
 * @comm: command name.
 * @caps: capability mask (1ULL << CAP_*).
 *
 * Return: the process.
 */
struct sw_proc *sw_proc_create(struct sw_world *w, const char *comm,
			       unsigned long long caps);
/** sw_proc_create_tgid() - the same, standing for the real process @tgid. */
struct sw_proc *sw_proc_create_tgid(struct sw_world *w, const char *comm,
				    unsigned long long caps, pid_t tgid);
pid_t sw_proc_tgid(struct sw_proc *p);
/** sw_proc_enter() - the calling thread now acts as a thread of @p. */
void sw_proc_enter(struct sw_proc *p);
struct mm_struct *sw_proc_mm(struct sw_proc *p);
/** sw_task_set_kswapd() - mark the calling thread as kswapd (or not). */
void sw_task_set_kswapd(bool kswapd);

/* DRM files: BOs are created through one. */
struct sw_file *sw_file_open(struct sw_proc *p);
void sw_file_close(struct sw_file *f);

#endif
