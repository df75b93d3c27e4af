/* SPDX-License-Identifier: MIT */
/* The one failure path: report, rescue shell if there is one, then wait and reboot. */
#pragma once

#include "cmdline.h"

/*
 * Called after the caller logged what failed, what was seen and what to change. Starts /bin/sh
 * on the console when the image has one, then reboots as panic= says.
 * Never returns: PID 1 exiting is a kernel panic. params may be NULL (no command line yet).
 */
_Noreturn void fatal(const struct boot_params *params);
