// SPDX-License-Identifier: MIT
/* Before the switch: stop every process the initramfs started, except those marked to survive. */
#include "procs.h"

#include "log.h"
#include "monotime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long processes get to exit after SIGTERM before SIGKILL; systemd's switch-root waits none. */
#define PROCS_TERM_GRACE_MS 2000
#define PROCS_POLL_MS 20
/* PF_KTHREAD in include/linux/sched.h: the flags field of /proc/PID/stat. */
#define PF_KTHREAD 0x00200000UL

bool procs_is_kernel_thread(pid_t pid)
{
	char path[64], buf[512], *p;
	unsigned long flags = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* gone already */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	/* "pid (comm) state ppid pgrp session tty tpgid flags": comm may hold spaces and ')'. */
	p = strrchr(buf, ')');
	return !p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1 ||
	       (flags & PF_KTHREAD);
}

/* Does this process belong to the kernel or survive the switch by request? */
static bool spared(pid_t pid)
{
	char path[64], buf[1];
	ssize_t n;
	int fd;

	if (procs_is_kernel_thread(pid))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, 1);
	close(fd);
	/* An empty cmdline is a kernel thread (or a zombie, reaped below). */
	return n <= 0 || buf[0] == '@';
}

/* Signals every process not spared; returns how many were signalled. */
static int signal_all(int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int count = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 1 || pid == getpid() || spared((pid_t)pid))
			continue;
		if (kill((pid_t)pid, sig) == 0)
			count++;
	}
	closedir(d);
	return count;
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int procs_stop_initramfs(void)
{
	int left, killed = 0;

	reap();
	/*
	 * Every process but kernel threads descends from PID 1 and is ours again once its parent
	 * is gone: no children at all means nothing to stop, without reading /proc.
	 */
	if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
		return 0;
	left = signal_all(SIGTERM);
	if (left == 0)
		return 0;
	log_info("stopping %d process%s started from the initramfs", left, left == 1 ? "" : "es");
	for (int waited = 0; waited < PROCS_TERM_GRACE_MS; waited += PROCS_POLL_MS) {
		monotime_sleep_ms(PROCS_POLL_MS);
		reap();
		/* Signal 0 tests for life without disturbing anyone. */
		if (signal_all(0) == 0)
			return 0;
	}
	killed = signal_all(SIGKILL);
	if (killed)
		log_warning("%d process%s ignored SIGTERM for %d ms and were killed", killed,
			    killed == 1 ? "" : "es", PROCS_TERM_GRACE_MS);
	for (int waited = 0; waited < PROCS_TERM_GRACE_MS && signal_all(0);
	     waited += PROCS_POLL_MS) {
		monotime_sleep_ms(PROCS_POLL_MS);
		reap();
	}
	return killed;
}
