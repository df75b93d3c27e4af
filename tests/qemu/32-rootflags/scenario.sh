#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootfstype= and rootflags= mixing a VFS flag (noatime) with an ext4 option (data=journal),
# on a read-write root.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=3c4d5e6f-7a8b-4c2d-8e3f-4a5b6c7d8e90
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" rootfstype=ext4 rootflags=noatime,data=journal rw
expect_probe_ok ext4 /dev/vda rw
expect '^BATON-PROBE: mountinfo .* / / rw,noatime[, ]' "noatime is a mount flag"
expect '^BATON-PROBE: mountinfo .* - ext4 /dev/vda rw,.*data=journal' "data=journal reached ext4"
