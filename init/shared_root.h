/* SPDX-License-Identifier: MIT */
/* Roots shared by the host of a VM (virtiofs, 9p): no block device, a tag to mount. */
#pragma once

#include "cmdline.h"

#include <stdbool.h>

/* Longest tag kept: the virtio-fs spec allows 36 bytes, 9p's mount_tag is a short string too. */
#define SHARED_ROOT_TAG_MAX 64

/* virtme-ng's 9p msize: 512 KiB, far above the kernel's 8 KiB default for fewer round trips. */
#define SHARED_ROOT_9P_MSIZE 524288

struct shared_root {
	const char *fstype; /* "virtiofs" or "9p" */
	char tag[SHARED_ROOT_TAG_MAX];
};

/*
 * Is the root a shared one? root=virtiofs:TAG (dracut), rootfstype=virtiofs root=TAG (the
 * kernel's and mkosi's form), rootfstype=9p root=TAG. Pure. Returns 1 and fills *ret, 0 when
 * the root is a block device, -EINVAL for an empty or too long tag.
 */
int shared_root_parse(const struct boot_params *params, struct shared_root *ret);

/*
 * The 9p options: trans=virtio, version=9p2000.L and msize=SHARED_ROOT_9P_MSIZE unless
 * rootflags= sets them, then rootflags=, then ro or rw. Pure; returns an allocated string or
 * NULL when out of memory.
 */
char *shared_root_options(const struct shared_root *root, const char *rootflags, bool read_write);

/*
 * Loads the filesystem (and 9p's virtio transport) and mounts the share at MOUNT_NEW_ROOT,
 * retrying while its virtio device is not there yet, until the root's deadline. Returns 0 or
 * -errno having logged what was tried and what to change.
 */
int shared_root_mount(const struct boot_params *params, const struct shared_root *root);
