#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An ext4 whose root directory inode was cleared (debugfs clri): blkid still finds it by UUID,
# the kernel refuses to mount it, and the boot ends in the fatal path with libmount's reason.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=36e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
debugfs -w -R 'clri <2>' root.img >/dev/null 2>&1
attach root.img

boot "root=UUID=$uuid"
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
expect_baton 'mounting /dev/vda as ext4 with options "[^"]*" failed: .' "libmount's explanation"
