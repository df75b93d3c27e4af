#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A LUKS2 root whose header is detached (the disk holds only encrypted data, no signature
# libblkid knows), named by the image's /etc/crypttab: "cryptroot /dev/vda none
# header=/etc/luks/root.hdr". baton reads the crypttab, hands cryptsetup the header and boots
# root=/dev/mapper/cryptroot.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1341b2c3-d4e5-4f60-8172-839405162738
fs_uuid=134f0e0d-0c0b-4a09-8807-060504030204
pass='detached header'
root_tree root
luks_disk root.img 24 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass" \
	--header root.hdr
printf '# name device keyfile options\ncryptroot /dev/vda none luks,header=/etc/luks/root.hdr\n' \
	>crypttab
attach root.img
luks_initramfs initrd.img
initramfs_add initrd.img root.hdr=/etc/luks/root.hdr crypttab=/etc/crypttab

prompt='Enter passphrase for /dev/vda \(cryptroot\):'
console_answers "$prompt" "$pass"
boot --initrd initrd.img root=/dev/mapper/cryptroot
expect_baton '/etc/crypttab: 1 entries to unlock'
expect_count "$prompt" 1
expect_baton 'running cryptsetup open /dev/vda cryptroot --key-file=- --header=/etc/luks/root.hdr$'
expect_baton '/dev/vda unlocked as /dev/mapper/cryptroot$'
expect_probe_ok ext4 /dev/dm-0
