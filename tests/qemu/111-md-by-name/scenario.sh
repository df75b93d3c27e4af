#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/md/NAME: with no udev, mdadm makes the /dev/md/root link itself (the array's name,
# without the installer's host, as the image's mdadm.conf says HOMEHOST <ignore>), and baton
# matches it by device number.
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

boot --initrd "$(stacks_initramfs)" root=/dev/md/root
expect_probe_ok ext4 '/dev/md[0-9]+' ro
expect_root_found /dev/md/root '/dev/md[0-9]+' ext4
