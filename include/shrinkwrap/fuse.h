/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * The sysfs and debugfs files lib/ registers, served as a real filesystem
 * by libfuse3 (implemented in shim/fuse.c), at the kernel's paths under a
 * mount point:
 *
 *   <mnt>/sys/bus/platform/drivers/panthor/<device>/mem_reclaim, mem_claim
 *   <mnt>/sys/kernel/debug/dri/<minor>/gems, shrink
 *
 * Each request runs as the process that made it: its TGID (the Tgid of the
 * calling thread's /proc/<pid>/status) and its effective capabilities
 * (CapEff there, counted only if the process is in the initial user
 * namespace, as capable() checks them). Mounting needs /dev/fuse and the
 * right to mount (root, or fusermount3).
 */
#ifndef SHRINKWRAP_FUSE_H
#define SHRINKWRAP_FUSE_H

#include <stdbool.h>
#include <stddef.h>

struct sw_fuse;

struct sw_fuse_opts {
	/*
	 * Every writer is granted CAP_SYS_RESOURCE on top of its own
	 * capabilities: for machines where the people or tests driving the
	 * files can't have it (an unprivileged user with fusermount3). Off
	 * unless asked for.
	 */
	bool grant_sys_resource;
};

/**
 * sw_fuse_mount() - serve the tree at @dir until sw_fuse_unmount().
 * @dir: an existing empty directory.
 * @opts: options, or NULL for none.
 * @out: receives the server.
 * @why: receives, on failure, a sentence saying why (may be NULL).
 * @why_len: size of @why.
 *
 * Return: 0; -ENODEV when /dev/fuse is missing or unusable, -EPERM when
 * mounting is not permitted, or another negative errno.
 */
int sw_fuse_mount(const char *dir, const struct sw_fuse_opts *opts, struct sw_fuse **out,
		  char *why, size_t why_len);

/**
 * sw_fuse_unmount() - unmount, stop the server threads and free it; the
 * requests running are finished first. Safe with NULL.
 * @fs: the server.
 */
void sw_fuse_unmount(struct sw_fuse *fs);

/**
 * sw_fuse_in_flight() - how many requests are inside an operation (open,
 * read, write) of the server now: between taking their caller's identity
 * and answering. A test polls it to know a caller's request reached the
 * store before it interrupts the caller.
 * @fs: the server.
 */
unsigned long sw_fuse_in_flight(const struct sw_fuse *fs);

/**
 * sw_fuse_nr_eintr() - how many requests the server answered -EINTR,
 * which happens only when an interruptible wait in the operation saw the
 * caller's signal (the kernel answers EINTR itself for a request it had
 * not sent yet).
 * @fs: the server.
 */
unsigned long sw_fuse_nr_eintr(const struct sw_fuse *fs);

/**
 * sw_fuse_sync() - make what the server's threads did visible as ordered
 * before what the caller does next, and the caller's past steps as ordered
 * before the requests it makes next. The kernel orders them through the
 * syscalls and the caller's own pipes, which ThreadSanitizer can't see: a
 * test that touches driver state between requests calls this before
 * sending a request and after getting a reply.
 */
void sw_fuse_sync(void);

#endif
