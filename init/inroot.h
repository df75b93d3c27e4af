/* SPDX-License-Identifier: MIT */
/* Path resolution inside another root: symlinks (absolute, relative, chained) cannot escape it. */
#pragma once

#include <stddef.h>

/*
 * Opens path as seen from the root directory rootfd, following every symlink as if that
 * directory were "/" (openat2 with RESOLVE_IN_ROOT, Linux >= 5.6). flags are open(2) flags;
 * O_CLOEXEC is added. Returns the fd or -errno.
 */
int inroot_open(int rootfd, const char *path, int flags);

/*
 * Checks that path inside rootfd is something the kernel can exec as an init: a regular file
 * with an execute bit, on a mount without noexec, whose ELF interpreter (PT_INTERP) or "#!"
 * interpreter exists in the same root. Returns 0, or -errno with a reason in why (for the log).
 */
int inroot_check_executable(int rootfd, const char *path, char *why, size_t why_size);
