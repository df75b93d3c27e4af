// SPDX-License-Identifier: MIT
/* The interactive shell for rd.break= and rescue, when the image has one and rd.shell allows. */
#include "shell.h"

#include "log.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int shell_run(const struct boot_params *params, const char *why)
{
	static char *const argv[] = {LAYOUT_SHELL, NULL};
	static char *const envp[] = {"PATH=" LAYOUT_PATH, "HOME=/", "TERM=linux", "PS1=baton# ",
				     NULL};
	pid_t pid;

	if (params && !params->shell_allowed) {
		log_error("%s, but rd.shell=0 forbids a shell", why);
		return -EPERM;
	}
	if (!params && access(LAYOUT_SHELL_ALLOWED, F_OK) < 0) {
		log_error(
		    "%s; the command line is unknown (it may say rd.shell=0), and this image was not built to allow a shell then (mkinitramfs --shell adds %s): no shell",
		    why, LAYOUT_SHELL_ALLOWED);
		return -EPERM;
	}
	if (access(LAYOUT_SHELL, X_OK) < 0) {
		log_error("%s, but this image has no shell (build it with mkinitramfs --shell)",
			  why);
		return -ENOENT;
	}
	log_notice("%s: starting %s on the console; leave it (exit) to continue", why,
		   LAYOUT_SHELL);
	pid = fork();
	if (pid < 0)
		return log_error_errno(-errno, "cannot start a shell: %m");
	if (pid == 0) {
		/* A session of its own, with the console as controlling terminal for job control.
		 */
		(void)setsid();
		execve(LAYOUT_SHELL, argv, envp);
		_exit(127);
	}
	/* We are everyone's parent: reap what the shell leaves behind until it exits itself. */
	for (;;) {
		pid_t r = waitpid(-1, NULL, 0);

		if (r == pid || (r < 0 && errno == ECHILD))
			break;
	}
	return 0;
}
