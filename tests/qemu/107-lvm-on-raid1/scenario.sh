#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# LVM on a RAID 1 with no hints: the array is assembled, its "change" uevent shows an LVM
# physical volume, the volume group is activated and root=UUID= found inside.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_lvm_on_raid1 a.img b.img root
attach a.img
attach b.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_LVMRAID_UUID"
expect_probe_ok ext4 '/dev/(mapper/vg1-root|dm-[0-9]+)' ro
expect_root_found "UUID=$STACKS_LVMRAID_UUID" '/dev/dm-[0-9]+' ext4
