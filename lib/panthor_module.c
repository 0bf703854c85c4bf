// SPDX-License-Identifier: GPL-2.0 or MIT
/*
 * Module information for the in-kernel build of lib/ (lib/Kbuild links
 * every lib/ source into one module). The module exports nothing yet:
 * it exists to prove that lib/ is kernel C that compiles and links
 * against a real kernel's headers and exported symbols.
 */

#include <linux/module.h>

MODULE_DESCRIPTION("panthor GEM reclaim logic from shrinkwrap");
MODULE_LICENSE("Dual MIT/GPL");
