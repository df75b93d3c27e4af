/* SPDX-License-Identifier: MIT */
/* Hooks: executables in /lib/baton/hooks/STAGE/ run in lexical order at each boot stage. */
#pragma once

#include "cmdline.h"
#include "layout.h"

#include <stdbool.h>

/* Hooks are LAYOUT_HOOKS_DIR/STAGE/NAME; they hand results back in LAYOUT_HOOK_RESULT. */
#define HOOKS_RESULT_MAX 256 /* longest root= value a hook may hand back */

/* Does the image carry hooks for this stage? Cheap: one stat. */
bool hooks_exist(enum boot_stage stage);

/*
 * Stops for a shell first if rd.break= names this stage, then runs the stage's hooks, each
 * with a clean environment (BATON_STAGE, BATON_ROOT, BATON_ROOT_DEVICE, BATON_RESULT, PATH),
 * stdin on /dev/null, its output logged line by line, and baton.hook_timeout= as limit.
 * root_device may be NULL. Returns the number of hooks that failed.
 */
int hooks_run(enum boot_stage stage, const struct boot_params *params, const char *root_device);

/* The root= a hook handed back with a "root=SPEC" line, or "" if none did. */
const char *hooks_result_root(void);

/* Points hooks at another folder and result file: for the unit tests only. */
void hooks_set_paths(const char *dir, const char *result);
