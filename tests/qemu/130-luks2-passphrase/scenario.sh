#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A LUKS2 root with nothing but root=UUID= of the filesystem inside: baton finds the LUKS
# device itself, asks for its passphrase on the serial console (one line naming the device and
# its mapper name, ending in ':'), pipes the typed line to cryptsetup and boots from
# /dev/mapper/luks-UUID; the passphrase never shows on the console.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=130a1b2c-3d4e-4f50-8a61-72b3c4d5e6f7
fs_uuid=130f0e0d-0c0b-4a09-8807-060504030201
pass='correct horse battery'
root_tree root
luks_disk root.img 64 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach root.img
luks_initramfs initrd.img

prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid"
expect_count "$prompt" 1 "one prompt, on the only console"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
expect_probe_ok ext4 /dev/dm-0
expect_not "$pass" "the passphrase is never echoed or logged"
