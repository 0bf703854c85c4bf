/* SPDX-License-Identifier: GPL-2.0 or MIT */
/*
 * The reclaim invariants of DESIGN.md (Tests), checked at a quiescent
 * point. Implemented in harness/invariants.c.
 */
#ifndef SHRINKWRAP_INVARIANTS_H
#define SHRINKWRAP_INVARIANTS_H

struct sw_world;

/**
 * sw_check_invariants() - check every reclaim invariant (DESIGN.md, Tests)
 * at a quiescent point.
 * @w: the world.
 *
 * Return: violations found, each printed.
 */
int sw_check_invariants(struct sw_world *w);

#endif
