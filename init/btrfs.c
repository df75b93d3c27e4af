// SPDX-License-Identifier: MIT
/* btrfs across devices: each member registered with the kernel through /dev/btrfs-control. */
#include "log.h"
#include "stacks_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The btrfs module's misc device (fs/btrfs/super.c, btrfs_misc). */
#define BTRFS_CONTROL "/dev/btrfs-control"

/* Runs one control ioctl naming dev; returns the ioctl's result or -errno. */
static int btrfs_control(unsigned long request, const struct device_info *dev)
{
	struct btrfs_ioctl_vol_args args;
	int fd, r;

	memset(&args, 0, sizeof(args));
	snprintf(args.name, sizeof(args.name), "/dev/%s", dev->name);
	fd = open(BTRFS_CONTROL, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ioctl(fd, request, &args);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

int btrfs_register(const struct device_info *dev)
{
	int r = btrfs_control(BTRFS_IOC_SCAN_DEV, dev);

	/* -ENOENT: the btrfs module is not loaded yet; mounting loads it and registers then. */
	if (r < 0 && r != -ENOENT)
		log_warning_errno(r, "cannot register btrfs device /dev/%s with the kernel: %m",
				  dev->name);
	return r;
}

int btrfs_complete(const struct device_info *dev)
{
	/* fs/btrfs/super.c: 0 when every device of the filesystem is known, 1 when not. */
	int r = btrfs_control(BTRFS_IOC_DEVICES_READY, dev);

	if (r < 0)
		return r;
	return r == 0;
}
