#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A RAID 1 made by an installer on another host (GPT, metadata 1.2) is assembled with no hint on
# the command line: root=UUID= of the ext4 inside boots from the array.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_raid1_disks a.img b.img root
attach a.img
attach b.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_RAID1_UUID"
expect_probe_ok ext4 '/dev/md[0-9]+' ro
expect_root_found "UUID=$STACKS_RAID1_UUID" '/dev/md[0-9]+' ext4
expect_not 'DEGRADED' "both members are there"
