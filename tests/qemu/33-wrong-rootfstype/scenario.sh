#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootfstype=xfs on an ext4 root: the mount fails, the report says what libblkid saw instead,
# and the boot ends in the fatal path (QEMU exits), never a kernel panic.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=33c0ffee-1d2e-4f3a-8b4c-5d6e7f8a9b01
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" rootfstype=xfs
expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
expect_baton 'mounting /dev/vda as xfs with options "[^"]*" failed: ' "libmount's explanation"
expect_baton 'rootfstype=xfs but libblkid detected "ext4"' "the type on the disk"
