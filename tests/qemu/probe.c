// SPDX-License-Identifier: MIT
/* Probe init for the QEMU scenarios: reports what the real init received, then powers off. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* Every line starts with this so the harness can tell probe output from kernel output. */
#define PROBE_TAG "BATON-PROBE: "
/* One output record; longer lines are cut, and say so (mountinfo lines are far shorter). */
#define PROBE_LINE_MAX 1024
/* The kernel's /dev/kmsg record limit (CONSOLE_EXT_LOG_MAX in include/linux/printk.h). */
#define KMSG_RECORD_MAX 8192

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

static void report_root_mount(void)
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
	fclose(f);
	if (!found)
		say("mountinfo has no line for /");
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

int main(int argc, char **argv)
{
	struct timespec ts;
	struct stat st;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	open_output();
	say("pid=%d", (int)getpid());
	for (int i = 0; i < argc; i++)
		say("argv[%d]=%s", i, argv[i]);
	for (char **e = environ; e && *e; e++)
		say("env %s", *e);
	if (stat("/proc/self", &st) < 0)
		say("no /proc: %s", strerror(errno));
	report_root_mount();
	report_rootdev();
	report_memfree();
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
