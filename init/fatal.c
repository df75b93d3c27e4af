// SPDX-License-Identifier: MIT
/* The one failure path: report, rescue shell if there is one, then wait and reboot. */
#include "fatal.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESCUE_SHELL "/bin/sh"

static void sleep_sec(unsigned sec)
{
	struct timespec ts = { .tv_sec = sec };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Runs the rescue shell on the console and waits for it; it inherits fds 0-2. */
static void rescue_shell(void)
{
	static char *const argv[] = { RESCUE_SHELL, NULL };
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/",
				      "TERM=linux", "PS1=baton rescue# ", NULL };
	pid_t pid;

	if (access(RESCUE_SHELL, X_OK) < 0) {
		log_error("this image has no shell for rescue (build it with a shell to get one)");
		return;
	}
	log_error("starting a rescue shell on the console; leave it to reboot");
	pid = fork();
	if (pid == 0) {
		(void)setsid();
		execve(RESCUE_SHELL, argv, envp);
		_exit(127);
	}
	if (pid > 0) {
		/* Also reaps orphans the shell leaves behind; we are everyone's parent. */
		while (waitpid(-1, NULL, 0) != pid)
			if (errno == ECHILD)
				break;
	}
}

_Noreturn void fatal(const struct boot_params *params)
{
	int panic_sec = params ? params->panic_sec : 0;

	rescue_shell();
	sync();
	if (panic_sec > 0) {
		log_error("rebooting in %d s (panic=%d)", panic_sec, panic_sec);
		sleep_sec((unsigned)panic_sec);
	}
	if (panic_sec != 0) {
		log_error("rebooting now");
		(void)reboot(RB_AUTOBOOT);
	}
	log_error("boot halted; set panic=SECONDS on the kernel command line to reboot instead");
	for (;;)
		pause();
}
