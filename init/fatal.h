/* SPDX-License-Identifier: MIT */
/* The one failure path: report, rescue shell if there is one, then wait and reboot. */
#pragma once

#include "cmdline.h"

/*
 * With the command line unknown, how long the failure report stays on the screen before the
 * reboot: long enough to read it, short enough that an unattended machine comes back.
 */
#define FATAL_UNKNOWN_CMDLINE_REBOOT_SEC 15

/*
 * What the caller does between the report and the failure hooks, e.g. main.c loading drivers
 * for every device present (a keyboard for the shell, disks for the hooks) and listing what it
 * saw. NULL for nothing.
 */
typedef void (*fatal_before_rescue_fn)(void);

/*
 * Logs "fatal: " and the reason (printf format, "%m" as errno) as one record: what failed, what
 * was seen and what to change. Then calls before_rescue, runs the failure hooks, starts /bin/sh
 * on the console when the image has one and rd.shell= allows it, then reboots or halts as
 * rd.emergency= and panic= say. Allocates nothing.
 * params NULL means the command line is unknown (it could not be read): then no hooks, no
 * shell unless the image carries LAYOUT_SHELL_ALLOWED (layout.h), and a reboot after
 * FATAL_UNKNOWN_CMDLINE_REBOOT_SEC. Never returns: PID 1 exiting is a kernel panic.
 */
_Noreturn void fatal(const struct boot_params *params, fatal_before_rescue_fn before_rescue,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
