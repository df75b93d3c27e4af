#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The new root's /usr is an absolute symlink (/usr -> /system/usr) and mount.usr= names a
# separate /usr: baton resolves the mount point inside the new root and mounts on
# /system/usr there, not on a path of the initramfs.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=84c3d4e5-f607-4b82-8c93-d4e5f6071829
root_tree root --dir /system/usr --link /usr=/system/usr
mkdir -p usr/share/baton
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 usr.img 8 --label usr84 --dir usr
attach root.img
attach usr.img

boot "root=UUID=$uuid" mount.usr=LABEL=usr84 mount.usrfstype=ext4
expect_probe_ok ext4 /dev/vda
expect_baton 'mounted /dev/vdb on /sysroot/system/usr$' "/usr resolved inside the new root"
expect_mount /system/usr ext4 /dev/vdb
