/* SPDX-License-Identifier: MIT */
/* The boot stages at which the init runs hooks: the folders of the image and rd.break= names. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * In boot order. A new stage: a value here, its name in stage.c, a call in init/main.c and its
 * entry in doc/baton-hooks.7; the generator accepts its hook folder from the same table.
 */
enum boot_stage {
	STAGE_EARLY,	  /* after the API mounts and the command line */
	STAGE_PREMOUNT,	  /* before waiting for the root: assemble RAID/LVM, unlock LUKS */
	STAGE_DEVICE,	  /* re-run while waiting for the root */
	STAGE_MOUNT,	  /* the root is mounted at /sysroot, not yet validated */
	STAGE_PRE_SWITCH, /* last moment before the switch; /dev is already in the new root */
	STAGE_FAILURE,	  /* before the failure action */
	STAGE_COUNT,
	STAGE_NONE = -1,
};

/* The name of a stage as hook folders, BATON_STAGE and messages use it ("pre-switch"); "none"
 * for anything else. */
const char *stage_name(enum boot_stage stage);

/*
 * The stage called name (len bytes, need not be NUL-terminated): one of ours, or with aliases
 * also dracut's rd.break= and initramfs-tools' break= names for the same moments. STAGE_NONE
 * when it is none of them.
 */
enum boot_stage stage_from_name(const char *name, size_t len, bool aliases);
