#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generic image with only the last 64 bytes of its zstd stream cut off: the kernel loses the
# archive's last entries (empty folders, /sysroot among them, and the trailer), says
# "Initramfs unpacking failed" and runs /init all the same. baton finds the root but has nowhere
# to mount it, says the image is incomplete, and fails the boot as the command line says: no
# kernel panic, no hang, and no boot that goes on with a half image.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=17c1d2e3-f4a5-4b60-8c71-d2e3f4a5b617
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
size=$(stat -c %s "$BATON_INITRD")
head -c "$((size - 64))" "$BATON_INITRD" >cut.img

boot --initrd cut.img --timeout 90 "root=UUID=$uuid" rd.timeout=5
expect '^\[ *[0-9.]+\] Initramfs unpacking failed: ' "the kernel reports the damage"
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_baton '/sysroot, where the root is mounted, is missing from the initramfs: the image is incomplete' \
	"the missing /sysroot is named, not the filesystem blamed"
expect_not 'a corrupt filesystem needs fsck' "the filesystem is not blamed"
expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
