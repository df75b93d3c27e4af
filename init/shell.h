/* SPDX-License-Identifier: MIT */
/* The interactive shell for rd.break= and rescue, when the image has one and rd.shell allows. */
#pragma once

#include "cmdline.h"

#define SHELL_PATH "/bin/sh"

/*
 * An image whose maker asked for a rescue shell (mkinitramfs --shell, not the busybox that
 * shell hooks or --plymouth bring along) carries this empty file. When the command line is
 * unknown, so is rd.shell=: then only this file allows a shell.
 */
#define SHELL_ALLOWED_MARKER "/lib/baton/shell-allowed"

/*
 * Runs SHELL_PATH on the console with a clean environment and waits until it exits,
 * having said why it runs. params NULL means the command line is unknown. Returns 0 after the
 * shell ran, -ENOENT when the image has no shell, -EPERM when rd.shell=0 forbids it or, with
 * the command line unknown, the image has no SHELL_ALLOWED_MARKER.
 */
int shell_run(const struct boot_params *params, const char *why);
