#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generic image with only the last 64 bytes of its gzip stream cut off: the kernel loses the
# archive's last entries (empty folders, /sysroot among them, and the trailer), says
# "Initramfs unpacking failed" and runs /init all the same. baton finds the root but has nowhere
# to mount it, and fails the boot as the command line says: no kernel panic, no hang, and no
# boot that goes on with a half image.
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
# The message blames the filesystem (mount.c's generic advice) though /sysroot is what is
# missing; the fatal path is what this scenario holds to.
expect_baton 'mounting /dev/vda as ext4 with options "ro" failed: mount point does not exist' \
	"the mount on the missing /sysroot fails"
expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
