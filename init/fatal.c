// SPDX-License-Identifier: MIT
/* The one failure path: the "fatal:" report, failure hooks, then a shell, a reboot or a halt. */
#include "fatal.h"

#include "hooks.h"
#include "log.h"
#include "monotime.h"
#include "shell.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

/* More than one kmsg record holds, so a reason too long is cut and marked by log_msgv(). */
#define FATAL_REASON_MAX 1024

_Noreturn void fatal(const struct boot_params *params, fatal_before_rescue_fn before_rescue,
		     const char *fmt, ...)
{
	char reason[FATAL_REASON_MAX];
	va_list ap;
	enum cmdline_emergency emergency = params ? params->emergency : CMDLINE_EMERGENCY_DEFAULT;
	/* Without the command line, panic= is unknown too: reboot, after time to read why. */
	int panic_sec = params ? params->panic_sec : FATAL_UNKNOWN_CMDLINE_REBOOT_SEC;

	/* First, while errno still says what failed (for "%m"). */
	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_error("fatal: %s", reason);
	if (before_rescue)
		before_rescue();
	if (params)
		(void)hooks_run(STAGE_FAILURE, params, NULL);
	/* shell_run() decides: rd.shell=, or with params NULL the image's LAYOUT_SHELL_ALLOWED. */
	if (emergency == CMDLINE_EMERGENCY_DEFAULT || emergency == CMDLINE_EMERGENCY_SHELL)
		(void)shell_run(params, "boot failed");
	sync();
	if (emergency == CMDLINE_EMERGENCY_HALT) {
		log_error("halting (rd.emergency=halt)");
		(void)reboot(RB_POWER_OFF);
	} else {
		if (panic_sec > 0) {
			if (params)
				log_error("rebooting in %d s (panic=%d)", panic_sec, panic_sec);
			else
				log_error(
				    "rebooting in %d s (the command line, and so panic=, is unknown)",
				    panic_sec);
			monotime_sleep_ms((long long)panic_sec * 1000);
		}
		if (panic_sec != 0 || emergency == CMDLINE_EMERGENCY_REBOOT) {
			log_error("rebooting now");
			(void)reboot(RB_AUTOBOOT);
		}
		log_error(
		    "boot halted; set panic=SECONDS on the kernel command line to reboot instead");
	}
	for (;;)
		pause();
}
