/* SPDX-License-Identifier: MIT */
/* Block device specifications as users write them in root= and friends: a pure parser. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define DEVSPEC_VALUE_MAX                                                                          \
	256 /* longest tag value we keep; filesystem labels and UUIDs are far shorter */

enum devspec_kind {
	DEVSPEC_PATH,	  /* /dev/NAME: matched by device number once the node exists, or by name */
	DEVSPEC_UUID,	  /* UUID= and /dev/disk/by-uuid/ */
	DEVSPEC_LABEL,	  /* LABEL= and /dev/disk/by-label/ */
	DEVSPEC_PARTUUID, /* PARTUUID= and /dev/disk/by-partuuid/ */
	DEVSPEC_PARTLABEL, /* PARTLABEL= and /dev/disk/by-partlabel/ */
	DEVSPEC_DEVNUM,	   /* MAJ:MIN, or the kernel's hex 0xMMmm / MMmm */
};

struct devspec {
	enum devspec_kind kind;
	char value[DEVSPEC_VALUE_MAX]; /* path, tag value (udev's \xNN escapes decoded) */
	unsigned major, minor;	       /* DEVSPEC_DEVNUM */
	int partnroff;		       /* PARTUUID=.../PARTNROFF=N: partition number offset */
};

/*
 * Parses one device specification. Returns 0 and fills *ret, or -EINVAL for a form we do not
 * know (an empty string, a relative path, a malformed number), or -ENAMETOOLONG.
 */
int devspec_parse(const char *spec, struct devspec *ret);

/* The tag name blkid uses for a kind ("UUID", "LABEL", ...), or NULL for paths and numbers. */
const char *devspec_tag_name(enum devspec_kind kind);

/* What of a device must be read before it can be compared with a spec (see devices.c lookup). */
enum devspec_probe {
	DEVSPEC_PROBE_NONE,	  /* paths and numbers: sysfs names the device */
	DEVSPEC_PROBE_SUPERBLOCK, /* UUID, LABEL: the filesystem superblock */
	DEVSPEC_PROBE_PARTITION,  /* PARTUUID, PARTLABEL: the partition table's entry */
};

/* The probe a device needs before a spec of this kind can match it or rule it out. */
enum devspec_probe devspec_probe_needed(enum devspec_kind kind);
