#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A separate /usr named on the command line (mount.usr=LABEL=, mount.usrfstype=,
# mount.usrflags=), with no fstab on the root. mount.usrflags=ro wins over the root's rw, as in
# systemd-fstab-generator (it adds rw or ro only when the flags say neither).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=81b1c2d3-e4f5-4a60-9b71-8c9d0e1f2a30
root_tree root --dir /usr
mkdir -p usr/share/baton
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 usr.img 8 --label usr --dir usr
attach root.img
attach usr.img

boot "root=UUID=$uuid" rw mount.usr=LABEL=usr mount.usrfstype=ext4 mount.usrflags=ro
expect_probe_ok ext4 /dev/vda rw
expect_baton 'mounted /dev/vdb on /sysroot/usr' "/usr from mount.usr="
expect_mount /usr ext4 /dev/vdb ro
