/* SPDX-License-Identifier: MIT */
/* The interactive shell for rd.break= and rescue, when the image has one and rd.shell allows. */
#pragma once

#include "cmdline.h"

#define SHELL_PATH "/bin/sh"

/*
 * Runs SHELL_PATH on the console with a clean environment and waits until it exits,
 * having said why it runs. Returns 0 after the shell ran, -ENOENT when the image has no
 * shell, -EPERM when rd.shell=0 forbids it.
 */
int shell_run(const struct boot_params *params, const char *why);
