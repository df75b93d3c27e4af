/* SPDX-License-Identifier: MIT */
/* The logging interface of both programs; the init links the kmsg back end, the generator stderr.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>

/* syslog's levels, as /dev/kmsg reads them from a record's "<N>" prefix. */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* Messages above this level are dropped; LOG_LEVEL_INFO until changed. */
void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);

/*
 * Writes one record (a line): as "<prio>baton: msg" to /dev/kmsg in the init (log_kmsg.c), as
 * "mkinitramfs: [error: |warning: ]msg" on stderr in the generator (log_stderr.c). "%m" works.
 * errno is left as it was.
 */
void log_msgv(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs with "%m" meaning strerror(-err) and returns err (a negative errno), for one-line returns.
 */
int log_errno(enum log_level level, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_error_errno(err, ...) log_errno(LOG_LEVEL_ERR, err, __VA_ARGS__)
#define log_warning_errno(err, ...) log_errno(LOG_LEVEL_WARNING, err, __VA_ARGS__)

/* The kmsg back end only (the init): */
/* Opens /dev/kmsg (needs devtmpfs on /dev); safe to call twice. */
void log_open(void);
/* Lifts the kernel's /dev/kmsg rate limit for the boot (PID 1 only). */
void log_lift_ratelimit(void);
/* Puts the kernel's /dev/kmsg rate limit back as we found it, before the real init starts. */
void log_restore_ratelimit(void);
