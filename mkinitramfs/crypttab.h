/* SPDX-License-Identifier: MIT */
/* The base directory's /etc/crypttab entries the root needs, with their keyfiles, in the image. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tree.h"

enum crypttab_mode {
	CRYPTTAB_AUTO, /* the entries the root needs (fstab's / on /dev/mapper/NAME) or marked
			  "initramfs", as cryptsetup-initramfs takes them */
	CRYPTTAB_ALL,  /* --crypttab: every entry */
	CRYPTTAB_NONE, /* --no-crypttab */
};

/* The longest crypttab or fstab read; a system's are a few lines. */
#define CRYPTTAB_FILE_MAX (1024 * 1024)

/*
 * Picks the lines of crypttab (len bytes) to carry: all of them (CRYPTTAB_ALL), or those whose
 * name is the /dev/mapper/NAME (or /dev/disk/by-id/dm-name-NAME) that fstab (may be NULL) mounts
 * on /, or that carry the "initramfs" option, or whose name is one of names (the dm-crypt
 * devices --host-only found under the root). Writes them, newline-ended, into out (size bytes).
 * Pure. Returns the number of lines picked, or -ENOSPC.
 */
int crypttab_select(const char *crypttab, size_t len, const char *fstab, size_t fstab_len,
		    const char *const *names, size_t name_count, enum crypttab_mode mode, char *out,
		    size_t size);

/*
 * Adds BASEDIR/etc/crypttab's picked entries (names: as crypttab_select) as the image's
 * /etc/crypttab (0600) and each keyfile they name in the image (an absolute path, not a device, not
 * "name:device") at the same path, mode 0600. Warns when keys go into an image whose image_mode
 * lets others read it. *ret_entries gets the entries carried. Returns 0 or -errno, logged.
 */
int crypttab_add(struct tree *t, enum crypttab_mode mode, const char *const *names,
		 size_t name_count, mode_t image_mode, size_t *ret_entries);
