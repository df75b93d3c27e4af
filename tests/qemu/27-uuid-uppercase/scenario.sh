#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=UUID= written in upper case finds the filesystem whose UUID blkid reports in lower case.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=27a0c3e5-9b1d-4f2a-8c6e-0d4b2a1f3e57
mkdir -p decoy
root_tree root
disk_ext4 decoy.img 8 --uuid 27a0c3e5-9b1d-4f2a-8c6e-0d4b2a1f3e58 --dir decoy
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach decoy.img
attach root.img

boot "root=UUID=${uuid^^}"
expect_probe_ok ext4 /dev/vdb
expect_root_found "UUID=${uuid^^}" /dev/vdb ext4
