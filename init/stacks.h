/* SPDX-License-Identifier: MIT */
/* The storage stacks (md RAID, LVM, btrfs across devices): what to assemble, and when. */
#pragma once

#include "cmdline.h"
#include "devices.h"

#include <stdbool.h>

/*
 * Called while a device (root, /usr, resume) is missing: hands every block device not handled
 * yet to its stack by libblkid type (linux_raid_member to mdadm, LVM2_member to lvm, btrfs to
 * the kernel's device scan), as the command line allows, and starts incomplete md arrays
 * degraded once rd.retry= seconds have passed since the first call. crypto_LUKS is luks.c's.
 * Returns true when a tool activated something (new devices may follow).
 */
bool stacks_activate(const struct boot_params *p);

/*
 * Before the root is mounted: a btrfs root spread over several devices needs every member
 * registered with the kernel; waits up to rd.retry= seconds for missing ones, then warns.
 */
void stacks_prepare_root(const struct boot_params *p, const struct devspec *spec,
			 const struct device_info *root);

/*
 * The stacks and LUKS as a devices_wait_hook, for the waits besides the root's (resume=, /usr,
 * dm-verity's devices), with the command line given to stacks_set_params() first.
 */
void stacks_set_params(const struct boot_params *p);
bool stacks_wait_hook(struct devspec *spec, char *spec_text, size_t spec_size);

/* For the fatal report: what the command line made baton skip, and arrays still incomplete. */
void stacks_report(const struct boot_params *p);
