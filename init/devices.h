/* SPDX-License-Identifier: MIT */
/* Block devices: discovery from sysfs and uevents, libblkid probing, matching a devspec. */
#pragma once

#include "devspec.h"
#include "diskid.h"

#include <stdbool.h>

#define DEVICE_NAME_MAX                                                                            \
	64 /* kernel block names are at most DISK_NAME_LEN (32) + partition suffix */
#define DEVICE_TAG_MAX 256 /* labels: longest is btrfs's 256; UUIDs are shorter */

struct device_info {
	char name[DEVICE_NAME_MAX]; /* "vda2"; the node is /dev/NAME (devtmpfs) */
	char disk[DEVICE_NAME_MAX]; /* the whole disk of a partition ("vda"), else "" */
	unsigned major, minor;
	int partno;		   /* 0 for a whole disk */
	bool probed;		   /* superblock read: type, UUID, label */
	bool parts_probed;	   /* partition entry read: PARTUUID, PARTLABEL */
	char type[DEVICE_TAG_MAX]; /* filesystem type as libblkid names it; "" if none found */
	char uuid[DEVICE_TAG_MAX];
	char label[DEVICE_TAG_MAX];
	char partuuid[DEVICE_TAG_MAX];
	char partlabel[DEVICE_TAG_MAX];
	bool ids_done; /* ids computed (only when a spec asks for a by-id/by-path name) */
	struct diskid_names ids;
};

/* Opens the uevent socket; call before coldplug so no event between the two is lost. */
int devices_listen(void);

/*
 * Called while waiting, after new block devices appeared and at each progress message; may
 * change *spec (a hook assembled the root elsewhere) and then returns true.
 */
typedef bool (*devices_wait_hook)(struct devspec *spec, char *spec_text, size_t spec_size);

/*
 * Waits until a block device matching spec exists and has been probed, loading modules for
 * devices that appear meanwhile. timeout_sec 0 waits forever. Prints progress every few
 * seconds, naming the device by role ("root device") and spec_text as the user wrote it. The
 * time spent in hook does not count against timeout_sec, and a hook that made progress starts
 * the wait again. Returns 0 and sets *ret, or -ETIMEDOUT.
 */
int devices_wait_for(struct devspec *spec, char *spec_text, size_t spec_size, const char *role,
		     unsigned timeout_sec, devices_wait_hook hook, const struct device_info **ret);

/*
 * Calls visit for each block device present, in the order they were first seen, with its
 * superblock tags read. For the storage stacks, which look at every device, not one spec.
 */
typedef void (*devices_visit)(const struct device_info *dev, void *data);
void devices_for_each(devices_visit visit, void *data);

/* The device matching spec among those present right now (sysfs rescanned), or NULL. */
const struct device_info *devices_find_now(const struct devspec *spec);

/* Logs every block device seen with its tags, and a hint when one nearly matches spec. */
void devices_report(const struct devspec *spec);
