#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootwait: the root disk is hot-plugged (QEMU monitor, a PCIe root port) 7 s after baton
# starts waiting; baton says it is still waiting, then loads virtio_blk for the new device
# and boots from it.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=90d3e4f5-a6b7-4c80-9d91-0e1f2a3b4c50
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
hotplug root.img --delay 7

boot --timeout 90 "root=UUID=$uuid" rootwait
expect_probe_ok ext4 /dev/vda
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_baton "still waiting for root device UUID=$uuid" "progress while waiting"
expect_elapsed 'baton: waiting for root device' 'baton: root device .* found after' 5 60
