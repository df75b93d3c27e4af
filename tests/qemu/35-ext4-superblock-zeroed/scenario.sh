#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/vda exists but its ext4 superblock was zeroed: no filesystem is recognised, and the
# boot ends in the fatal path.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_ext4 root.img 16 --dir root
# The primary superblock is at 1 KiB, the group descriptors follow: the first 64 KiB hold both.
dd if=/dev/zero of=root.img bs=1K count=64 conv=notrunc status=none
attach root.img

boot root=/dev/vda
expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
expect_baton 'no filesystem was recognised on /dev/vda' "blkid found no superblock"
