/* SPDX-License-Identifier: MIT */
/* What stacks.c asks of each stack: md (mdraid.c), LVM (lvm.c), btrfs (btrfs.c). */
#pragma once

#include "cmdline.h"
#include "devices.h"

#include <stdbool.h>

/* mdadm --incremental DEV. Returns its exit status, or -ENOENT when mdadm is not in the image. */
int mdraid_add(const struct device_info *dev);

/*
 * Arrays assembled incrementally that are still inactive (members missing). Fills names (md127)
 * up to max, returns how many there are.
 */
unsigned mdraid_incomplete(char names[][DEVICE_NAME_MAX], unsigned max);

/* mdadm --run on each incomplete array, with a warning naming the missing members. */
int mdraid_start_degraded(unsigned waited_sec);

/* Activates volume groups as the command line says (rd.lvm.vg=, rd.lvm.lv=, rd.auto). */
int lvm_activate(const struct boot_params *p, bool all);

/* Registers one btrfs device with the kernel (BTRFS_IOC_SCAN_DEV). 0 or -errno. */
int btrfs_register(const struct device_info *dev);

/* Are all devices of the btrfs filesystem on dev registered? 1 yes, 0 no, -errno. */
int btrfs_complete(const struct device_info *dev);
