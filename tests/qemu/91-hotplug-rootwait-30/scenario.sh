#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootwait=30: the root disk, hot-plugged 3 s after baton starts waiting, is found well within
# the 30 s.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=91e4f5a6-b7c8-4d90-8ea1-1f2a3b4c5d60
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
hotplug root.img --delay 3

boot --timeout 90 "root=UUID=$uuid" rootwait=30
expect_probe_ok ext4 /dev/vda
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_elapsed 'baton: waiting for root device' 'baton: root device .* found after' 2 30
