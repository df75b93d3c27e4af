/* SPDX-License-Identifier: MIT */
/* Runs the distribution's storage tools (mdadm, lvm, cryptsetup) directly, without a shell. */
#pragma once

#include <stddef.h>

/* Most lines of one tool's output that are logged; the rest is counted. */
#define RUN_LOG_LINES_MAX 50

/*
 * Runs argv[0] (a path, or a name looked up in PATH) with argv, in its own process group, with
 * input (input_len bytes, may be NULL) on its stdin and its stdout and stderr logged line by
 * line as "NAME: line" at info level (a line that starts with "NAME: " itself is not
 * prefixed again). Stopped with SIGKILL to its group after timeout_sec
 * (0: no limit). Returns its exit status, 128 + the signal that ended it, or a negative errno
 * when it could not be started (-ENOENT: not in the image).
 */
int run_tool(const char *const argv[], const void *input, size_t input_len, unsigned timeout_sec);

/*
 * run_tool(), and the tool's last non-empty output line (without its own "NAME: " prefix,
 * truncated to last_size - 1 bytes) in ret_last, for a decision message that quotes the
 * tool's reason; ret_last is left untouched when the tool printed nothing.
 */
int run_tool_last_line(const char *const argv[], const void *input, size_t input_len,
		       unsigned timeout_sec, char *ret_last, size_t last_size);

/*
 * Runs a tool as run_tool() does, without input, and keeps what it writes on stdout in out (at
 * most size bytes, the length in *ret_len) instead of logging it: for secrets (plymouth
 * ask-for-password). stderr goes to /dev/null. Returns as run_tool() does.
 */
int run_tool_capture(const char *const argv[], char *out, size_t size, size_t *ret_len,
		     unsigned timeout_sec);
