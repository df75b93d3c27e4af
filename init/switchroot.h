/* SPDX-License-Identifier: MIT */
/* The hand-off: validate the new root and its init, move the API mounts, switch, exec. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define SWITCHROOT_API_MOUNTS 4 /* /dev /proc /sys /run */

struct switchroot_plan {
	int new_root_fd;     /* the mounted new root */
	int old_root_fd;     /* the initramfs, kept to free it (and for rescue) */
	bool free_initramfs; /* / is tmpfs/ramfs and we are PID 1: freeing is allowed */
	bool moved[SWITCHROOT_API_MOUNTS]; /* API mounts already in the new root */
	int api_fd[SWITCHROOT_API_MOUNTS]; /* O_PATH fds of the moved mounts, to move them back */
	char init[PATH_MAX];		   /* the init to exec, valid inside the new root */
};

/* struct statx as the kernel defines it (linux/stat.h); musl 1.2.3 has no wrapper or struct. */
struct switchroot_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct {
		int64_t tv_sec;
		uint32_t tv_nsec;
		int32_t pad;
	} times[4];
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint64_t spare[13];
};
#define SWITCHROOT_STATX_TYPE 0x0001U	   /* STATX_TYPE: stx_mode's file type is valid */
#define SWITCHROOT_STATX_MNT_ID 0x1000U	   /* STATX_MNT_ID (Linux 5.8) */
#define SWITCHROOT_ATTR_MOUNT_ROOT 0x2000U /* STATX_ATTR_MOUNT_ROOT (Linux 5.8) */

/*
 * The deletion guard, pure: may an entry, whose statx result is entry, be removed (and, if a
 * directory, descended into) while emptying the mount whose root gave top? Only when it is on
 * that same mount. The mount id and the mount-root attribute count only where stx_mask and
 * stx_attributes_mask say the kernel filled them (Linux >= 5.8); the device numbers always
 * count (before 5.8 they are all there is, and a bind mount of the same filesystem cannot be
 * told apart). A result without a file type (statx filled nothing usable) is refused.
 */
bool switchroot_may_remove(const struct switchroot_statx *top,
			   const struct switchroot_statx *entry);

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
