#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd.volatile=state: the root stays as mounted (read-only) and /var is a tmpfs.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=17400001-2b3c-4d5e-8f60-7a8b9c0d1e2f
root_tree root --dir /var
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" systemd.volatile=state
expect_baton '/var is a tmpfs \(systemd.volatile=state\)'
expect_probe_ok ext4 /dev/vda ro
expect_mount /var tmpfs tmpfs rw
