// SPDX-License-Identifier: MIT
/* The init's log back end: "<prio>baton: msg" to /dev/kmsg, one write a record, else stderr. */
#include "log.h"

#include "fdio.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The kernel splits or truncates /dev/kmsg writes longer than its record limit
 * (PRINTKRB_RECORD_MAX, 1024 bytes minus the header in kernel/printk/printk.c); stay below it.
 */
#define LOG_RECORD_MAX 976

#define DEVKMSG_CONTROL "/proc/sys/kernel/printk_devkmsg"

static int kmsg_fd = -1;
/* What printk_devkmsg held before we lifted the limit; empty when untouched. */
static char saved_devkmsg[16];

/*
 * Each open of /dev/kmsg may write only 10 records per 5 s unless printk_devkmsg is "on"
 * (Documentation/admin-guide/sysctl/kernel.rst); a boot logs more than that, so lift the limit
 * while we run and restore it before the real init. Fails harmlessly when the value was locked
 * by printk.devkmsg= on the command line.
 */
static void lift_ratelimit(void)
{
	int fd = open(DEVKMSG_CONTROL, O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, saved_devkmsg, sizeof(saved_devkmsg) - 1);
	if (n > 0) {
		saved_devkmsg[n] = '\0';
		/* At offset 0: a sysctl write after the read would land past the value, ignored. */
		if (strncmp(saved_devkmsg, "on", 2) == 0 || pwrite(fd, "on\n", 3, 0) != 3)
			saved_devkmsg[0] = '\0';
	} else {
		saved_devkmsg[0] = '\0';
	}
	close(fd);
}

void log_restore_ratelimit(void)
{
	int fd;

	if (!saved_devkmsg[0])
		return;
	fd = open(DEVKMSG_CONTROL, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fdio_write_all(fd, saved_devkmsg, strlen(saved_devkmsg));
		close(fd);
	}
	saved_devkmsg[0] = '\0';
}

void log_open(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

void log_lift_ratelimit(void)
{
	if (kmsg_fd >= 0 && !saved_devkmsg[0])
		lift_ratelimit();
}

void log_msgv(enum log_level level, const char *fmt, va_list ap)
{
	char buf[LOG_RECORD_MAX];
	int saved_errno = errno;
	int prefix, n;
	size_t len;

	if (level > log_get_max_level())
		return;
	/* The kernel prints the "<prio>" prefix as the record's level, not as text. */
	prefix = snprintf(buf, sizeof(buf), "<%d>baton: ", (int)level);
	errno = saved_errno;
	n = vsnprintf(buf + prefix, sizeof(buf) - (size_t)prefix - 1, fmt, ap);
	if (n < 0)
		return;
	len = (size_t)prefix + (size_t)n;
	if (len > sizeof(buf) - 2) {
		/* Mark a cut record rather than truncating silently. */
		len = sizeof(buf) - 2;
		memcpy(buf + len - 3, "...", 3);
	}
	buf[len++] = '\n';

	if (kmsg_fd >= 0) {
		(void)fdio_write_all(kmsg_fd, buf, len);
	} else {
		/* No kmsg yet (or no /dev): skip the "<N>" the kernel would have consumed. */
		const char *text = strchr(buf, '>') + 1;

		(void)fdio_write_all(STDERR_FILENO, text, len - (size_t)(text - buf));
	}
	errno = saved_errno;
}
