// SPDX-License-Identifier: MIT
/* The part of logging both back ends share: the level filter and the varargs entry points. */
#include "log.h"

static enum log_level max_level = LOG_LEVEL_INFO;

void log_set_max_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_max_level(void)
{
	return max_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(level, fmt, ap);
	va_end(ap);
}

int log_errno(enum log_level level, int err, const char *fmt, ...)
{
	va_list ap;

	errno = err < 0 ? -err : err;
	va_start(ap, fmt);
	log_msgv(level, fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
