#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootflags=subvol= mounts a btrfs subvolume as /; the filesystem's top level holds no init, so
# only that option makes the boot work.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=71b7f5a0-3c2e-4d1b-9a8f-0e1d2c3b4a50
root_tree root
disk_btrfs_subvol root.img 128 rootvol root --uuid "$uuid" --label btrroot
attach root.img

boot "root=UUID=$uuid" rootflags=subvol=rootvol
expect_probe_ok btrfs /dev/vda ro /rootvol
expect_root_found "UUID=$uuid" /dev/vda btrfs
expect '^BATON-PROBE: mountinfo .* - btrfs /dev/vda .*subvol=/rootvol' "btrfs got subvol="
