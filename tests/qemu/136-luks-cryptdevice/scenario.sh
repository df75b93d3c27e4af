#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mkinitcpio's cryptdevice=UUID=...:cryptroot:allow-discards: the device is opened as
# cryptroot with discards allowed (asked for here, so passed on), and root=/dev/mapper/cryptroot
# boots.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1361b2c3-d4e5-4f60-8172-839405162738
fs_uuid=136f0e0d-0c0b-4a09-8807-060504030206
pass=mkinitcpio
root_tree root
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach root.img
luks_initramfs initrd.img

prompt='Enter passphrase for /dev/vda \(cryptroot\):'
console_answers "$prompt" "$pass"
boot --initrd initrd.img "cryptdevice=UUID=$luks_uuid:cryptroot:allow-discards" \
	root=/dev/mapper/cryptroot
expect_count "$prompt" 1
expect_baton 'running cryptsetup open /dev/vda cryptroot --key-file=- --allow-discards$'
expect_baton '/dev/vda unlocked as /dev/mapper/cryptroot$'
expect_probe_ok ext4 /dev/dm-0
