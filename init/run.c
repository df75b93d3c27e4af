// SPDX-License-Identifier: MIT
/* Runs the distribution's storage tools (mdadm, lvm, cryptsetup) directly, without a shell. */
#include "run.h"

#include "fdio.h"
#include "log.h"
#include "monotime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* One logged line at most; longer ones are logged in pieces. */
#define RUN_LINE_MAX 512

struct tool_output {
	const char *who;
	char buf[RUN_LINE_MAX];
	size_t kept;
	unsigned lines, dropped;
	/* The caller's copy of the last non-empty line (run_tool_last_line), or NULL. */
	char *last;
	size_t last_size;
};

static void log_line(struct tool_output *out, const char *text, size_t len)
{
	size_t who_len = strlen(out->who);

	/* mdadm, lvm and cryptsetup start many lines with their own name: say it once. */
	if (len > who_len + 2 && memcmp(text, out->who, who_len) == 0 && text[who_len] == ':' &&
	    text[who_len + 1] == ' ') {
		text += who_len + 2;
		len -= who_len + 2;
	}
	if (out->last && len > 0)
		snprintf(out->last, out->last_size, "%.*s", (int)len, text);
	if (out->lines++ < RUN_LOG_LINES_MAX)
		log_info("%s: %.*s", out->who, (int)len, text);
	else
		out->dropped++;
}

/* Logs the complete lines in out->buf; a partial one stays unless flush or the buffer is full. */
static void log_lines(struct tool_output *out, bool flush)
{
	size_t start = 0;

	for (size_t i = 0; i < out->kept; i++)
		if (out->buf[i] == '\n') {
			log_line(out, out->buf + start, i - start);
			start = i + 1;
		}
	if (start < out->kept && (flush || (start == 0 && out->kept == sizeof(out->buf)))) {
		log_line(out, out->buf + start, out->kept - start);
		start = out->kept;
	}
	memmove(out->buf, out->buf + start, out->kept - start);
	out->kept -= start;
}

/*
 * In the child: nothing but stdin, stdout and stderr is handed on, whatever the caller left
 * open without O_CLOEXEC (lvm refuses to be quiet about leaked descriptors, and a tool should
 * not hold a device or a pipe of the init's). Linux 5.9's close_range, else one by one.
 */
static void close_other_fds(void)
{
	long max;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		(void)close((int)fd);
}

/* In the child: stdin from the input pipe (or /dev/null), stdout and stderr to the log pipe. */
static _Noreturn void exec_tool(const char *const argv[], int in_fd, int out_fd)
{
	(void)setpgid(0, 0);
	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in_fd >= 0)
		(void)dup2(in_fd, STDIN_FILENO);
	(void)dup2(out_fd, STDOUT_FILENO);
	(void)dup2(out_fd, STDERR_FILENO);
	close_other_fds();
	execvp(argv[0], (char *const *)argv);
	_exit(errno == ENOENT ? 127 : 126);
}

int run_tool(const char *const argv[], const void *input, size_t input_len, unsigned timeout_sec)
{
	return run_tool_last_line(argv, input, input_len, timeout_sec, NULL, 0);
}

int run_tool_last_line(const char *const argv[], const void *input, size_t input_len,
		       unsigned timeout_sec, char *ret_last, size_t last_size)
{
	struct tool_output out = {
	    .who = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0],
	    .last = last_size ? ret_last : NULL,
	    .last_size = last_size,
	};
	long long deadline = timeout_sec ? monotime_ms() + (long long)timeout_sec * 1000 : -1;
	int in[2] = {-1, -1}, pipefd[2], status = 0, r;
	bool eof = false;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "cannot run %s: no pipe (%m)", argv[0]);
	if (input && pipe2(in, O_CLOEXEC) < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return log_error_errno(r, "cannot run %s: no pipe (%m)", argv[0]);
	}
	/* The input goes into the pipe before the tool reads it: it must fit the pipe (64 KiB). */
	if (input && (r = fdio_write_all(in[1], input, input_len)) < 0)
		log_error_errno(r, "cannot hand %s its input (%m)", argv[0]);
	if (input)
		close(in[1]);
	pid = fork();
	if (pid == 0)
		exec_tool(argv, in[0], pipefd[1]);
	r = -errno;
	close(pipefd[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (pid < 0) {
		close(pipefd[0]);
		return log_error_errno(r, "cannot run %s: fork failed (%m)", argv[0]);
	}
	(void)fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};

		n = 1;
		(void)poll(eof ? NULL : &pfd, eof ? 0 : 1, 100);
		while (!eof &&
		       (n = read(pipefd[0], out.buf + out.kept, sizeof(out.buf) - out.kept)) != 0) {
			if (n < 0) {
				eof = errno != EAGAIN && errno != EINTR;
				break;
			}
			out.kept += (size_t)n;
			log_lines(&out, false);
		}
		if (n == 0)
			eof = true;
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (deadline >= 0 && monotime_ms() >= deadline) {
			log_error("%s: still running after %u s, stopping it", argv[0],
				  timeout_sec);
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			break;
		}
	}
	/* What it wrote before it exited (a daemon it left may keep the pipe open: not waited). */
	while (!eof && (n = read(pipefd[0], out.buf + out.kept, sizeof(out.buf) - out.kept)) > 0) {
		out.kept += (size_t)n;
		log_lines(&out, false);
	}
	log_lines(&out, true);
	if (out.dropped)
		log_info("%s: %u more lines not logged", out.who, out.dropped);
	close(pipefd[0]);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (WEXITSTATUS(status) == 127) {
		log_error("%s: not found in the image (mkinitramfs --binary adds a program)",
			  argv[0]);
		return -ENOENT;
	}
	return WEXITSTATUS(status);
}

int run_tool_capture(const char *const argv[], char *out, size_t size, size_t *ret_len,
		     unsigned timeout_sec)
{
	long long deadline = timeout_sec ? monotime_ms() + (long long)timeout_sec * 1000 : -1;
	int pipefd[2], status = 0, null_fd;
	size_t len = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "cannot run %s: no pipe (%m)", argv[0]);
	pid = fork();
	if (pid == 0) {
		(void)setpgid(0, 0);
		null_fd = open("/dev/null", O_RDWR);
		(void)dup2(null_fd, STDIN_FILENO);
		(void)dup2(pipefd[1], STDOUT_FILENO);
		(void)dup2(null_fd, STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return log_error_errno(-errno, "cannot run %s: fork failed (%m)", argv[0]);
	}
	for (;;) {
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
		long long left = deadline < 0 ? -1 : deadline - monotime_ms();
		char sink[256];
		ssize_t n;

		if (deadline >= 0 && left <= 0) {
			log_error("%s: still running after %u s, stopping it", argv[0],
				  timeout_sec);
			(void)kill(-pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, left < 0 ? -1 : (int)left) <= 0)
			continue;
		/* What does not fit is read and dropped, so the tool never blocks on a full pipe.
		 */
		n = len < size ? read(pipefd[0], out + len, size - len)
			       : read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < size)
			len += (size_t)n;
	}
	close(pipefd[0]);
	(void)waitpid(pid, &status, 0);
	*ret_len = len;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (WEXITSTATUS(status) == 127) {
		log_error("%s: not found in the image", argv[0]);
		return -ENOENT;
	}
	return WEXITSTATUS(status);
}
