#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# While baton waits (rootwait=), the only disk, not the root, is pulled out (QEMU monitor,
# device_del) and the root disk is plugged in; the kernel names it vda again. baton must forget
# the disk that left and probe the new vda, find the root there and boot from it.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=93c1d2e3-f4a5-4b60-8c71-d2e3f4a5b693
wrong=5b4a3c2d-1e0f-4a9b-8c7d-0a1b2c3d4e5f
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
mkdir -p empty
disk_ext4 wrong.img 8 --uuid "$wrong" --label wrong --dir empty
attach_unpluggable wrong.img wrongdisk
unplug wrongdisk --after 'baton: waiting for root device' --delay 2
hotplug root.img --delay 8

boot --timeout 120 "root=UUID=$uuid" rootwait=40
expect_probe_ok ext4 /dev/vda
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_baton 'block device /dev/vda was removed' "baton saw the first disk leave"
expect_elapsed 'baton: waiting for root device' 'baton: root device .* found after' 5 35
