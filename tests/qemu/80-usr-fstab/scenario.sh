#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A separate /usr named by the root's /etc/fstab (UUID= of a second disk) is mounted before the
# switch, and is still there for the real init.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=80a0b1c2-d3e4-4f50-8a61-7b8c9d0e1f20
usr_uuid=80a0b1c2-d3e4-4f50-8a61-7b8c9d0e1f21
root_tree root --dir /usr --dir /etc
printf 'UUID=%s /usr ext4 ro 0 2\n' "$usr_uuid" >root/etc/fstab
mkdir -p usr/share/baton
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 usr.img 8 --uuid "$usr_uuid" --dir usr
attach root.img
attach usr.img

boot "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vda
expect_baton 'mounted /dev/vdb on /sysroot/usr' "/usr from fstab"
expect_mount /usr ext4 /dev/vdb ro
