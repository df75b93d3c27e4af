#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's arm64 kernel on QEMU's virt machine: the generic image, made without --init (the
# generator picks build/arm64/init for the arm64 modules), finds ext4 by root=UUID= on the
# second of two virtio-blk disks and hands over to the arm64 probe.
# kernels: bookworm-arm64
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=18000001-4bd4-4ab4-9d8b-0d3c2a2f7a10
mkdir -p decoy
root_tree root
disk_ext4 decoy.img 8 --uuid 18000002-2d5a-4e8f-9a61-5c4d3b2a1f00 --dir decoy
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach decoy.img
attach root.img

boot "root=UUID=$uuid"
expect '^\[ *[0-9.]+\] Linux version [^ ]+-arm64 ' "Debian's arm64 kernel booted"
expect 'Machine model: linux,dummy-virt' "on QEMU's virt machine"
expect_not 'Failed to execute /init' "the image's /init runs on arm64"
expect_baton 'started, root=' "baton, cross-built for arm64, runs as /init"
expect_root_found "UUID=$uuid" /dev/vdb ext4
expect_probe_ok ext4 /dev/vdb ro
