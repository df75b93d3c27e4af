#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# resume= names a swap disk that holds no hibernation image: baton hands it to the kernel
# before mounting the root, says so, and the boot goes on.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=82c2d3e4-f5a6-4b70-8c81-9d0e1f2a3b40
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_fs swap swap.img 16
attach root.img
attach swap.img

boot "root=UUID=$uuid" resume=/dev/vdb
expect_probe_ok ext4 /dev/vda
expect_baton 'no hibernation image' "the kernel found nothing to resume"
