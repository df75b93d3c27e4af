/* SPDX-License-Identifier: MIT */
/* Volatile and overlaid roots: systemd.volatile= and a persistent upper layer on rootrw=. */
#pragma once

#include "cmdline.h"

#include <stdbool.h>

/* Where the root as mounted stays reachable under an overlay or a volatile root. */
#define OVERLAY_LOWER "/run/baton/lower"
/* The upper layer's filesystem (a tmpfs, or rootrw=) and its folders, as Yocto's layer has them. */
#define OVERLAY_RW "/run/baton/rw"
#define OVERLAY_UPPER_NAME "upperdir"
#define OVERLAY_WORK_NAME "work"

/* How long a missing rootrw= device is waited for before the tmpfs fallback. */
#define OVERLAY_RW_WAIT_SEC 10

/*
 * Turns the root mounted at MOUNT_NEW_ROOT into what the command line asks: an overlay with a
 * tmpfs upper layer (systemd.volatile=overlay, or force_overlay for a read-only shared root),
 * with its upper layer on rootrw= (falling back to a tmpfs with a warning), a tmpfs with only
 * /usr from the root (systemd.volatile=yes), or a tmpfs on /var (systemd.volatile=state).
 * Returns 0 (also when nothing is asked), or -errno having logged why.
 */
int overlay_apply(const struct boot_params *params, bool force_overlay);
