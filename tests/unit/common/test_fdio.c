// SPDX-License-Identifier: MIT
/* common/fdio.c: everything written, or the error that stopped it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "unit.h"

static void writes_everything(void)
{
	static char data[200000]; /* more than a pipe holds: the reader drains it meanwhile */
	char buf[4096];
	size_t got = 0;
	int fds[2];
	pid_t pid;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)i;
	CHECK_INT(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;)
			got += (size_t)n;
		_exit(got == sizeof(data) ? 0 : 1);
	}
	close(fds[0]);
	CHECK_INT(fdio_write_all(fds[1], data, sizeof(data)), 0);
	close(fds[1]);
	{
		int status = -1;

		CHECK_INT(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_INT(fdio_write_all(fds[1], "", 0),
		  0); /* nothing to write: not even a bad fd matters */
}

static void errors_come_back(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	int fds[2];

	CHECK_INT(fdio_write_all(-1, "x", 1), -EBADF);
	CHECK_INT(pipe(fds), 0);
	close(fds[0]);
	sigemptyset(&ign.sa_mask);
	CHECK_INT(sigaction(SIGPIPE, &ign, &old), 0);
	CHECK_INT(fdio_write_all(fds[1], "x", 1), -EPIPE);
	(void)sigaction(SIGPIPE, &old, NULL);
	close(fds[1]);
}

const struct unit_case fdio_cases[] = {
    {"writes_everything", writes_everything},
    {"errors_come_back", errors_come_back},
    {NULL, NULL},
};
