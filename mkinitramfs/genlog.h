/* SPDX-License-Identifier: MIT */
/* Messages of the image generator on stderr, prefixed with the program name and a level. */
#pragma once

#include <stdbool.h>

void log_set_verbose(bool verbose);
bool log_get_verbose(void);

__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_note(const char *fmt, ...);
/* Printed only with --verbose. */
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);

/* Logs an error with errno set from err (so "%m" works) and returns err, a -errno value. */
__attribute__((format(printf, 2, 3))) int log_error_errno(int err, const char *fmt, ...);
