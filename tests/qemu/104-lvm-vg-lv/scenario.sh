#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/VG/LV: lvm activates the volume group with no udev and makes the /dev/vg0/root link
# itself, which baton matches by device number.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_lvm_disk lvm.img root
attach lvm.img

boot --initrd "$(stacks_initramfs)" root=/dev/vg0/root
expect_probe_ok ext4 '/dev/(mapper/vg0-root|dm-[0-9]+)' ro
expect_root_found /dev/vg0/root '/dev/dm-[0-9]+' ext4
expect_baton 'activating every LVM volume group found'
