/* SPDX-License-Identifier: MIT */
/* udev's /dev/disk/by-id and by-path names of a block device, computed from sysfs alone. */
#pragma once

#include <stddef.h>

#define DISKID_NAME_MAX 256 /* a udev link name; NAME_MAX of the by-* folders */
#define DISKID_NAMES_MAX 6  /* names one device can have here: by-id forms plus by-path */

struct diskid_names {
	unsigned count;
	char name[DISKID_NAMES_MAX][DISKID_NAME_MAX]; /* "by-id/virtio-SERIAL", "by-path/pci-..." */
};

/*
 * Computes the names 60-persistent-storage.rules would give the block device NAME (a disk or a
 * partition, whose names end in "-partN"): by-id for virtio, NVMe and ATA disks, by-path for
 * disks behind PCI (virtio, NVMe, SCSI, ATA, USB). Reads /sys only. Returns the count.
 */
unsigned diskid_compute(const char *name, const char *disk, int partno, struct diskid_names *ret);

/*
 * Reads the sysfs attribute /sys/class/block/NAME/REL (e.g. "dev", "device/serial") into buf,
 * trailing whitespace removed. Returns its length or -errno.
 */
int diskid_read_attr(const char *name, const char *rel, char *buf, size_t size);

/* Replaces what udev's string_escape=replace would (whitespace and '/') with '_', trimming. */
void diskid_sanitize(char *s);
