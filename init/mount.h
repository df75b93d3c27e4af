/* SPDX-License-Identifier: MIT */
/* Mounting the root with libmount: type from rootfstype= or libblkid, options from rootflags=. */
#pragma once

#include "cmdline.h"
#include "devices.h"

#define MOUNT_NEW_ROOT "/sysroot"

/*
 * Mounts dev at MOUNT_NEW_ROOT as the command line asks, loading the filesystem module first.
 * Returns 0 or -errno, having logged what was tried and what to change.
 */
int mount_root(const struct boot_params *params, const struct device_info *dev);

/*
 * Mounts a separate /usr at MOUNT_NEW_ROOT/usr when mount.usr= names one or the new root's
 * /etc/fstab has a /usr line (systemd needs /usr before it starts). Returns 0 when mounted or
 * not needed, -errno having logged why.
 */
int mount_usr(const struct boot_params *params);

/* Mounts devtmpfs on /dev, proc, sysfs and a tmpfs on /run, creating the directories. */
int mount_api_filesystems(void);
