/* SPDX-License-Identifier: MIT */
/* The interactive shell for rd.break= and rescue, when the image has one and rd.shell allows. */
#pragma once

#include "cmdline.h"
#include "layout.h"

/*
 * Runs LAYOUT_SHELL on the console with a clean environment and waits until it exits,
 * having said why it runs. params NULL means the command line is unknown. Returns 0 after the
 * shell ran, -ENOENT when the image has no shell, -EPERM when rd.shell=0 forbids it or, with
 * the command line unknown, the image has no LAYOUT_SHELL_ALLOWED (made by mkinitramfs --shell).
 */
int shell_run(const struct boot_params *params, const char *why);
