/* SPDX-License-Identifier: MIT */
/* The hand-off: validate the new root and its init, move the API mounts, switch, exec. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#define SWITCHROOT_API_MOUNTS 4 /* /dev /proc /sys /run */

struct switchroot_plan {
	int new_root_fd;          /* the mounted new root */
	int old_root_fd;          /* the initramfs, kept to free it (and for rescue) */
	bool free_initramfs;      /* / is tmpfs/ramfs and we are PID 1: freeing is allowed */
	bool moved[SWITCHROOT_API_MOUNTS]; /* API mounts already in the new root */
	char init[PATH_MAX];      /* the init to exec, valid inside the new root */
};


/*
 * Validates everything that can be checked without changing anything: new_root is a mount of
 * its own, dev/proc/sys/run exist in it (created when missing), and an init is executable
 * inside it: requested_init ("" for none) or the first of the kernel's fallbacks. Returns 0 and
 * fills *ret, or -errno having logged why.
 */
int switchroot_validate(const char *new_root, const char *requested_init,
			struct switchroot_plan *ret);

/*
 * Moves one API mount (path, e.g. "/dev") into the new root ahead of the rest, so that helpers
 * told to move to the new root find it populated. Returns 0 or -errno, having logged why.
 */
int switchroot_move_api(struct switchroot_plan *plan, const char *path);

/*
 * Moves /dev /proc /sys /run into the new root, makes it / (pivot_root when the kernel allows,
 * else MS_MOVE and chroot), and execs the init with argv[1..] and envp. The initramfs is freed
 * by a child only once exec succeeded. Returns only on failure, as -errno, having logged why;
 * then the initramfs is intact and again the root of this process, for the rescue path.
 */
int switchroot_execute(struct switchroot_plan *plan, char *const argv[], char *const envp[]);
