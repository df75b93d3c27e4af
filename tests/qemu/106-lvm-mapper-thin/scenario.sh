#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/mapper/VG-LV of a thin logical volume, activated alone with rd.lvm.lv= (its pool
# comes up with it; the image carries thin_check, which lvm runs before activating a pool).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_lvm_disk lvm.img root
attach lvm.img

boot --initrd "$(stacks_initramfs)" root=/dev/mapper/vg0-thinroot rd.lvm.lv=vg0/thinroot
expect_probe_ok ext4 '/dev/(mapper/vg0-thinroot|dm-[0-9]+)' ro
expect_root_found /dev/mapper/vg0-thinroot '/dev/dm-[0-9]+' ext4
expect_baton 'activating the LVM logical volumes in rd.lvm.lv=vg0/thinroot'
expect_not 'mapper/vg0-root ' "only the LV named is activated"
