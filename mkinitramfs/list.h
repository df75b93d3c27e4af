/* SPDX-License-Identifier: MIT */
/* --list IMAGE: what an image holds, as lsinitramfs shows it; --long with modes, sizes, modules. */
#pragma once

#include <stdbool.h>

/* Whether argv asks for --list (before any "--"). */
bool list_wanted(int argc, char **argv);

/* Runs "--list [--long|-l] IMAGE": prints the listing and returns the exit code. */
int list_main(int argc, char **argv);
