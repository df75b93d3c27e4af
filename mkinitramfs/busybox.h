/* SPDX-License-Identifier: MIT */
/* --shell: busybox from the base directory as /bin/sh and the rescue shell's tools. */
#pragma once

#include "binaries.h"
#include "tree.h"

/* Where Debian's busybox-static (and busybox) install the program. */
#define BUSYBOX_PATH "/bin/busybox"

/* Checks that the base directory has busybox, before anything is built. Logs the fix. */
int busybox_check(const struct tree *t);

/* Adds busybox with what it needs (nothing, for busybox-static). */
int busybox_add(struct tree *t, struct binaries *b);

/*
 * Adds a link to /bin/busybox for every applet busybox lists (busybox --list-full), where the
 * image holds nothing yet: programs added with --binary, hooks and the generator's own
 * /sbin/modprobe keep their place. Call it last. *ret_links gets how many were added.
 */
int busybox_add_applets(struct tree *t, size_t *ret_links);
