// SPDX-License-Identifier: MIT
/* The generator's log back end: stderr, prefixed with the program name and a level. */
#include "log.h"

#include <stdio.h>

/* Every line starts with this, so messages stay attributable inside a larger build log. */
#define LOG_PREFIX "mkinitramfs"

void log_msgv(enum log_level level, const char *fmt, va_list ap)
{
	/* One buffered stream and a single flush per line keep lines whole next to depmod's. */
	int saved_errno = errno;

	if (level > log_get_max_level())
		return;
	flockfile(stderr);
	fprintf(stderr, "%s: %s", LOG_PREFIX,
		level == LOG_LEVEL_ERR	     ? "error: "
		: level == LOG_LEVEL_WARNING ? "warning: "
					     : "");
	errno = saved_errno; /* for "%m" in fmt */
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	fflush(stderr);
	errno = saved_errno;
}
