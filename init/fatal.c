// SPDX-License-Identifier: MIT
/* The one failure path: failure hooks, then a shell, a reboot or a halt as the command line says.
 */
#include "fatal.h"

#include "hooks.h"
#include "log.h"
#include "modules.h"
#include "shell.h"

#include <errno.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

static void sleep_sec(unsigned sec)
{
	struct timespec ts = {.tv_sec = sec};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

_Noreturn void fatal(const struct boot_params *params)
{
	enum cmdline_emergency emergency = params ? params->emergency : CMDLINE_EMERGENCY_DEFAULT;
	/* Without the command line, panic= is unknown too: reboot, after time to read why. */
	int panic_sec = params ? params->panic_sec : FATAL_UNKNOWN_CMDLINE_REBOOT_SEC;

	/* Drivers for everything present: a keyboard for the shell, disks for the hooks. */
	modules_coldplug();
	if (params)
		(void)hooks_run(STAGE_FAILURE, params, NULL);
	/* shell_run() decides: rd.shell=, or with params NULL the image's SHELL_ALLOWED_MARKER. */
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
			sleep_sec((unsigned)panic_sec);
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
