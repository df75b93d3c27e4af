#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=UUID= of the ext4 in a logical volume, no LVM key on the command line.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_lvm_disk lvm.img root
attach lvm.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_LVM_UUID"
expect_probe_ok ext4 '/dev/(mapper/vg0-root|dm-[0-9]+)' ro
expect_root_found "UUID=$STACKS_LVM_UUID" '/dev/dm-[0-9]+' ext4
