/* SPDX-License-Identifier: MIT */
/* Mounting the root with libmount: type from rootfstype= or libblkid, options from rootflags=. */
#pragma once

#include "cmdline.h"
#include "devices.h"
#include "devspec.h"
#include "layout.h"

#include <limits.h>
#include <sys/mount.h>

#define MOUNT_NEW_ROOT LAYOUT_NEW_ROOT

/*
 * Mounts dev at MOUNT_NEW_ROOT as the command line asks, loading the filesystem module first.
 * Returns 0 or -errno, having logged what was tried and what to change.
 */
int mount_root(const struct boot_params *params, const struct device_info *dev);

/* One libmount mount of source (any, not only a device); msg gets libmount's reason. */
int mount_fs(const char *source, const char *fstype, const char *options, const char *target,
	     char *msg, size_t msg_size);

/* Mounts dev on target as mount_root() does (types tried in turn), logging as "what". */
int mount_device_on(const struct device_info *dev, const char *fstypes, const char *options,
		    const char *target, const char *what, const char *param);

/* flags plus ro or rw unless they say one (systemd-fstab-generator's rule); free() it. */
char *mount_with_ro_rw(const char *flags, bool read_write);

/* A separate /usr: where its device comes from, and the mount point opened in the new root. */
struct mount_usr {
	struct devspec spec;
	char *source, *fstype, *options; /* allocated, of any length */
	const char *from;		 /* "mount.usr=" or the fstab, for messages */
	int fd;				 /* O_PATH fd of the mount point */
	char where[PATH_MAX];		 /* its path as seen from the initramfs */
};

/*
 * Says whether a separate /usr is wanted at MOUNT_NEW_ROOT/usr: mount.usr= names one or the
 * new root's /etc/fstab has a /usr line (systemd needs /usr before it starts). Returns 1 with
 * usr filled in, for mount_usr(); 0 when not wanted; -errno having logged why.
 */
int mount_usr_find(const struct boot_params *params, struct mount_usr *usr);

/*
 * Waits for the device mount_usr_find() named and mounts it, then releases usr. Its driver
 * must be loaded already (main.c coldplugs first). Returns 0 or -errno having logged why.
 */
int mount_usr(const struct boot_params *params, struct mount_usr *usr);

/* The API filesystems: what baton mounts at start, and again on the rescue path if one is gone. */
struct mount_api_fs {
	const char *type, *target, *options;
	unsigned long flags;
};
static const struct mount_api_fs mount_api_table[] = {
    {"devtmpfs", LAYOUT_DEV, "mode=0755", MS_NOSUID},
    {"proc", LAYOUT_PROC, NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC},
    {"sysfs", LAYOUT_SYS, NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC},
    /* systemd expects /run as a tmpfs it can keep; mode and nodev as it mounts it. */
    {"tmpfs", LAYOUT_RUN, "mode=0755", MS_NOSUID | MS_NODEV},
};

/* Mounts devtmpfs on /dev, proc, sysfs and a tmpfs on /run, creating the directories. */
int mount_api_filesystems(void);
