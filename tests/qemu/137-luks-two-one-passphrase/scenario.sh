#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two LUKS2 disks sharing a passphrase and no hints on the command line: one prompt (for the
# first disk found) unlocks both, the second with the same passphrase, and the root on the
# second disk boots.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

data_uuid=1371b2c3-d4e5-4f60-8172-839405162738
luks_uuid=1372b2c3-d4e5-4f60-8172-839405162738
fs_uuid=137f0e0d-0c0b-4a09-8807-060504030207
pass='shared by two'
root_tree root
mkdir -p data
luks_disk data.img 32 --uuid "$data_uuid" --fs-uuid 137f0e0d-0c0b-4a09-8807-0605040302ff \
	--dir data --pass "$pass"
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach data.img
attach root.img
luks_initramfs initrd.img

console_answers 'Enter passphrase for /dev/vd' "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid"
expect_count 'Enter passphrase for ' 1 "one prompt for both"
expect "Enter passphrase for /dev/vda \\(luks-$data_uuid\\):" "the first disk found is asked for"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$data_uuid\$"
expect_baton "/dev/vdb unlocked as /dev/mapper/luks-$luks_uuid with the same passphrase\$"
expect_root_found "UUID=$fs_uuid" '/dev/dm-[01]' ext4
expect_probe_ok ext4 '/dev/dm-[01]'
