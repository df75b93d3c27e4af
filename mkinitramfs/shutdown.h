/* SPDX-License-Identifier: MIT */
/* The shutdown return: the list of files the init copies to /run/initramfs before the switch. */
#pragma once

#include "tree.h"

/* --shutdown / --no-shutdown; without either, on when the image holds a stack tool. */
enum shutdown_mode {
	SHUTDOWN_AUTO,
	SHUTDOWN_ON,
	SHUTDOWN_OFF,
};

/*
 * Writes lib/baton/shutdown.list (init/shutdown.h's SHUTDOWN_LIST) into the image t holds,
 * once its programs are in: the stack tools the image has (lvm, cryptsetup, dmsetup, mdadm)
 * with every file and link they need, as binaries_add() would add them. SHUTDOWN_AUTO writes
 * it only when one of those tools is there; SHUTDOWN_ON always (the list may then be empty:
 * the init copies itself in any case). *ret_files gets the number of paths listed. Returns 1
 * when the list was written, 0 when not, or -errno having logged why.
 */
int shutdown_add(struct tree *t, enum shutdown_mode mode, size_t *ret_files);
