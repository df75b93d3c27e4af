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
