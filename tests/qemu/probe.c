// SPDX-License-Identifier: MIT
/* Probe init for the QEMU scenarios: reports what the real init received, then powers off. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every line starts with this so the harness can tell probe output from kernel output. */
#define PROBE_TAG "BATON-PROBE: "
/* One output record; longer lines are cut, and say so (mountinfo lines are far shorter). */
#define PROBE_LINE_MAX 1024
/* The kernel's /dev/kmsg record limit (CONSOLE_EXT_LOG_MAX in include/linux/printk.h). */
#define KMSG_RECORD_MAX 8192
/* The kernel's command line is at most COMMAND_LINE_SIZE (2048 on x86) bytes. */
#define CMDLINE_MAX 4096
/* The longest probe.wait= honoured, so a typo cannot outlast the harness's outer timeout. */
#define WAIT_SEC_MAX 60
/* How often probe.wait= looks for exited children. */
#define WAIT_POLL_MS 50

extern char **environ;

static int out_fd = -1;

/* One write() per line so kernel messages on the same console never split a probe line. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[PROBE_LINE_MAX];
	size_t n = sizeof(PROBE_TAG) - 1;
	va_list ap;
	int r;

	memcpy(line, PROBE_TAG, n);
	va_start(ap, fmt);
	r = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if ((size_t)r >= sizeof(line) - n - 1) {
		static const char cut[] = "...(cut)";

		n = sizeof(line) - 1 - sizeof(cut);
		memcpy(line + n, cut, sizeof(cut) - 1);
		n += sizeof(cut) - 1;
	} else {
		n += (size_t)r;
	}
	line[n++] = '\n';
	(void)!write(out_fd, line, n);
}

/*
 * The console is opened here rather than trusted from fds 0-2: what the previous stage left
 * there is exactly what is under test. /dev/kmsg and fd 1 are fallbacks so a broken /dev
 * still shows up in the log as something other than silence.
 */
static void open_output(void)
{
	static const char *const paths[] = {"/dev/console", "/dev/ttyS0", "/dev/kmsg"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		out_fd = open(paths[i], O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (out_fd >= 0) {
			if (i > 0)
				say("console=%s (no /dev/console)", paths[i]);
			return;
		}
	}
	out_fd = STDOUT_FILENO;
	say("console=fd1 (no /dev/console, /dev/ttyS0, /dev/kmsg)");
}

/*
 * "mountinfo LINE" for the mount on / (what most scenarios check), then "mount LINE" for every
 * mount this process can see, / included (separate /usr, API filesystems moved from the
 * initramfs).
 */
static void report_mounts(void)
{
	char line[PROBE_LINE_MAX];
	unsigned found = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		say("mountinfo unavailable: /proc/self/mountinfo: %s", strerror(errno));
		return;
	}
	/* Field 5 is the mount point; only mounts reachable from our root are listed. */
	while (fgets(line, sizeof(line), f)) {
		char mnt[PROBE_LINE_MAX];

		line[strcspn(line, "\n")] = '\0';
		/* %1023s: PROBE_LINE_MAX - 1, the longest field a line of that size holds. */
		if (sscanf(line, "%*s %*s %*s %*s %1023s", mnt) == 1 && strcmp(mnt, "/") == 0) {
			say("mountinfo %s", line);
			found++;
		}
	}
	if (!found)
		say("mountinfo has no line for /");
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		say("mount %s", line);
	}
	fclose(f);
}

static void report_rootdev(void)
{
	struct stat st;

	if (stat("/", &st) < 0) {
		say("rootdev unavailable: %s", strerror(errno));
		return;
	}
	say("rootdev=%u:%u", major(st.st_dev), minor(st.st_dev));
}

static void report_memfree(void)
{
	char line[256];
	unsigned long kb;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f) {
		say("memfree unavailable: /proc/meminfo: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %lu kB", &kb) == 1) {
			say("memfree_kb=%lu", kb);
			break;
		}
	}
	fclose(f);
}

/*
 * The kernel logs "Run /init as init process" when it starts the initramfs; its timestamp
 * minus ours is the initramfs phase (the benchmark method in DESIGN.md).
 */
static void report_initramfs_start(void)
{
	static const char needle[] = "Run /init as init process";
	char rec[KMSG_RECORD_MAX];
	unsigned long long usec;
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten while reading: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		/* Record: "prio,seq,usec,flags;message". */
		if (strstr(rec, needle) && sscanf(rec, "%*u,%*u,%llu", &usec) == 1) {
			say("initramfs_start=%llu.%06llu", usec / 1000000, usec % 1000000);
			break;
		}
	}
	close(fd);
}

/* The value of KEY=VALUE on the kernel command line ("" when absent); ret has size bytes. */
static void cmdline_value(const char *key, char *ret, size_t size)
{
	static char buf[CMDLINE_MAX];
	size_t klen = strlen(key);
	ssize_t n;
	int fd;

	ret[0] = '\0';
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
		if (strncmp(w, key, klen) == 0 && w[klen] == '=')
			snprintf(ret, size, "%s", w + klen + 1);
}

/*
 * probe.wait=SEC: reap children (the initramfs's deferred deletion is one, forked by the
 * previous PID 1) until none is left or SEC seconds passed, so that what follows sees the
 * state after the hand-off has finished.
 */
static void wait_children(void)
{
	struct timespec poll = {0, WAIT_POLL_MS * 1000000L};
	char value[16];
	long sec, waited = 0;
	int reaped = 0;

	cmdline_value("probe.wait", value, sizeof(value));
	if (!value[0])
		return;
	sec = strtol(value, NULL, 10);
	if (sec < 0 || sec > WAIT_SEC_MAX)
		sec = WAIT_SEC_MAX;
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid > 0) {
			reaped++;
			continue;
		}
		if (pid < 0 && errno == ECHILD) {
			say("wait: %d children reaped, none left after %ld ms", reaped, waited);
			return;
		}
		if (waited >= sec * 1000) {
			say("wait: %d children reaped, some still running after %ld s", reaped,
			    sec);
			return;
		}
		nanosleep(&poll, NULL);
		waited += WAIT_POLL_MS;
	}
}

/*
 * "proc PID root=new|other cwd=new|other cmdline=ARGS" for every process with a command line
 * (kernel threads have none): root=new when /proc/PID/root is the directory we see as /,
 * cwd=new when the working directory is on the same filesystem; other when the process still
 * lives in another root or filesystem (the old initramfs).
 */
static void report_processes(void)
{
	struct stat self, st;
	struct dirent *de;
	DIR *d;

	if (stat("/", &self) < 0 || !(d = opendir("/proc")))
		return;
	while ((de = readdir(d))) {
		char path[64], args[PROBE_LINE_MAX / 2], where[2][8];
		const char *const links[] = {"root", "cwd"};
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		ssize_t n;
		int fd;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, args, sizeof(args) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n - 1; i++)
			if (args[i] == '\0')
				args[i] = ' ';
		args[n] = '\0';
		for (int i = 0; i < 2; i++) {
			bool same;

			snprintf(path, sizeof(path), "/proc/%ld/%s", pid, links[i]);
			if (stat(path, &st) < 0) {
				snprintf(where[i], sizeof(where[i]), "unknown");
				continue;
			}
			/* The root must be our "/" itself; a working directory anywhere in it. */
			same = st.st_dev == self.st_dev && (i == 1 || st.st_ino == self.st_ino);
			snprintf(where[i], sizeof(where[i]), "%s", same ? "new" : "other");
		}
		say("proc %ld root=%s cwd=%s cmdline=%s", pid, where[0], where[1], args);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	struct timespec ts;
	struct stat st;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	/* Started as "@NAME" (a process that should outlive the initramfs): just stay alive. */
	if (argv[0] && argv[0][0] == '@')
		for (;;)
			pause();
	open_output();
	say("pid=%d", (int)getpid());
	for (int i = 0; i < argc; i++)
		say("argv[%d]=%s", i, argv[i]);
	for (char **e = environ; e && *e; e++)
		say("env %s", *e);
	if (stat("/proc/self", &st) < 0)
		say("no /proc: %s", strerror(errno));
	wait_children();
	report_mounts();
	report_rootdev();
	report_memfree();
	report_processes();
	report_initramfs_start();
	say("boottime=%lld.%03ld", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	say("OK");
	sync();
	if (getpid() == 1) {
		reboot(RB_POWER_OFF);
		say("reboot(RB_POWER_OFF): %s", strerror(errno));
		for (;;)
			pause(); /* PID 1 must not exit: that is a kernel panic */
	}
	return 0;
}
