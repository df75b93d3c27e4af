/* SPDX-License-Identifier: MIT */
/* The image file: checked before any work, written atomically, stale temporaries removed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Checks, before any work is done, that output can be written: its directory exists and is
 * writable, and output does not exist or is a regular file (a symbolic link, a directory, a
 * device node, a FIFO or a socket is refused). Logs what is wrong; -errno.
 */
int output_check(const char *output);

/*
 * Removes the temporaries (.NAME.XXXXXX next to output) of output_write() runs that died
 * before their rename: those owned by this user that no live run holds locked. Logs each
 * one; returns how many.
 */
int output_clean_stale(const char *output);

/*
 * Writes data to output atomically with the given mode (a locked temporary file in the same
 * directory, synced, then renamed over output, then the directory synced). Stops before the
 * rename if output stopped being a regular file or a signal was caught. *ret_renamed tells
 * whether output is the new image, also when the final directory sync failed.
 */
int output_write(const char *output, const void *data, size_t len, mode_t mode, bool *ret_renamed);
