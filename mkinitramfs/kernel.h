/* SPDX-License-Identifier: MIT */
/* Finds the kernel to pack: its version and module directory in the base tree, its modprobe.d. */
#pragma once

#include <limits.h>

/* Longest kernel release string: struct new_utsname's release field (include/uapi/linux/utsname.h).
 */
#define KERNEL_KVER_MAX 65

struct kernel_source {
	char basedir[PATH_MAX]; /* absolute, no trailing '/', "" for the host's root */
	char moddir[PATH_MAX];	/* BASEDIR/lib/modules/KVER or BASEDIR/usr/lib/modules/KVER */
	char kver[KERNEL_KVER_MAX];
	char shown_basedir[PATH_MAX]; /* the -b argument as given, for messages */
};

/*
 * Chooses the kernel version (kver, or the only one installed, or uname -r) and finds its
 * module directory under basedir. Logs what was tried on failure.
 */
int kernel_find(const char *basedir, const char *kver, struct kernel_source *ret);

/*
 * The existing modprobe.d directories of the source tree (BASEDIR/etc/modprobe.d, and
 * BASEDIR/lib/modprobe.d or else BASEDIR/usr/lib/modprobe.d), each with the directory of the
 * image it is copied to. Returns how many were filled in (at most KERNEL_CONF_DIRS).
 */
#define KERNEL_CONF_DIRS 2
struct kernel_conf_dir {
	char src[PATH_MAX];
	const char *image_dir;
};
int kernel_conf_dirs(const struct kernel_source *src, struct kernel_conf_dir *ret);
