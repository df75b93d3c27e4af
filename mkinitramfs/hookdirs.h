/* SPDX-License-Identifier: MIT */
/* --hook: hook folders (STAGE/NN-name executables, "binaries" and "files" lists) into the image. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "binaries.h"
#include "tree.h"

/* The stock hooks of an installed baton (make install); a build tree uses ../hooks. */
#define HOOKDIRS_INSTALLED_DIR "/usr/share/baton/hooks"

/*
 * Finds the hook folder arg names: a path when it contains a slash, else a stock hook of
 * baton's tree: hooks/NAME next to the build directory holding this program, or
 * ../share/baton/hooks/NAME from an installed one, or HOOKDIRS_INSTALLED_DIR/NAME. Checks its
 * layout (stage folders early, premount, device, mount, pre-switch, failure, each holding
 * executable files; optional "binaries" and "files" lists) before anything is built.
 * ret (PATH_MAX bytes) gets the folder. Logs what is wrong.
 */
int hookdirs_find(const char *arg, char *ret);

/* Does the folder hold a "#!/bin/sh" hook (so the image needs a shell)? */
bool hookdirs_need_shell(const char *dir);

/*
 * Adds the folder's hooks to LAYOUT_HOOKS_DIR/STAGE/ (layout.h), then the programs its "binaries"
 * file lists (as --binary) and the paths its "files" file lists (copied from the base directory;
 * shell patterns allowed; folders whole). *ret_hooks gets the number of hooks added.
 */
int hookdirs_add(struct tree *t, struct binaries *b, const char *dir, size_t *ret_hooks);
