// SPDX-License-Identifier: MIT
/* Messages of the image generator on stderr, prefixed with the program name and a level. */
#include "genlog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* Every line starts with this, so messages stay attributable inside a larger build log. */
#define LOG_PREFIX "mkinitramfs"

static bool log_verbose;

void log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

bool log_get_verbose(void)
{
	return log_verbose;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	/* One buffered stream and a single flush per line keep lines whole next to depmod's. */
	int saved_errno = errno;

	flockfile(stderr);
	fprintf(stderr, "%s: %s", LOG_PREFIX, level);
	errno = saved_errno; /* for "%m" in fmt */
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	fflush(stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error: ", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", fmt, ap);
	va_end(ap);
}

void log_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

int log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	errno = err < 0 ? -err : err;
	va_start(ap, fmt);
	log_line("error: ", fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
