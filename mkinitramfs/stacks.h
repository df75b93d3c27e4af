/* SPDX-License-Identifier: MIT */
/* The storage stacks an image carries (md, lvm, luks, btrfs, verity): tools, plugins, modules. */
#pragma once

#include <stdbool.h>

#include "closure.h"
#include "options.h"
#include "tree.h"

/* Bits of a set of stacks, as --stack and --no-stack name them. */
enum {
	STACKS_MD = 1u << 0,
	STACKS_LVM = 1u << 1,
	STACKS_LUKS = 1u << 2,
	STACKS_BTRFS = 1u << 3,
	STACKS_VERITY = 1u << 4,
};

/* Adds the stacks of a comma list ("md,lvm") to *mask. -EINVAL (logged) for an unknown name. */
int stacks_parse(const char *arg, unsigned *mask);

/*
 * Decides which stacks the image carries: those forced with --stack, and those whose tool the
 * tree has installed unless --no-stack names them. With host (the STACKS_* bits host-only found
 * on the way to the root; NULL when host-only does not apply), those instead of every
 * installed one. A forced or host-only stack whose tool is missing is an error naming the
 * package to install. Pushes each stack's tools, the plugins they load at run time and the
 * tree's configuration files onto o->binaries, and sets o->stacks.
 */
int stacks_plan(const struct tree *t, struct options *o, const unsigned *host);

/* Adds the modules of the stacks in o->stacks to the closure, loaded on demand. */
int stacks_add_modules(const struct options *o, struct closure *res);
