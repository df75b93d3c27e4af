#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A LUKS1 root named by rd.luks.name=UUID=NAME and mounted as root=/dev/mapper/NAME: the
# prompt names the mapper name given, and nothing else (no luks-UUID name) is made.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1311b2c3-d4e5-4f60-8172-839405162738
fs_uuid=131f0e0d-0c0b-4a09-8807-060504030202
pass=luks1-pass
root_tree root
luks_disk root.img 32 --type luks1 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root \
	--pass "$pass"
attach root.img
luks_initramfs initrd.img

prompt='Enter passphrase for /dev/vda \(cryptroot\):'
console_answers "$prompt" "$pass"
boot --initrd initrd.img "rd.luks.name=$luks_uuid=cryptroot" root=/dev/mapper/cryptroot
expect_count "$prompt" 1 "one prompt, naming the mapper name rd.luks.name= gave"
expect_baton '/dev/vda unlocked as /dev/mapper/cryptroot$'
expect_root_found /dev/mapper/cryptroot /dev/dm-0 ext4
expect_probe_ok ext4 /dev/dm-0
expect_not "luks-$luks_uuid" "no default name"
