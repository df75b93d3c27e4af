/* SPDX-License-Identifier: MIT */
/* Writing to file descriptors whole: pipes, /dev/kmsg, files. */
#pragma once

#include <stddef.h>

/*
 * Writes all of data to fd, retrying short writes and writes a signal interrupted. Returns 0,
 * -errno, or -EIO when write() wrote nothing (so a broken descriptor cannot loop forever).
 */
int fdio_write_all(int fd, const void *data, size_t len);
