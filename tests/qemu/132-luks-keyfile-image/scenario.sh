#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rd.luks.key= names a keyfile inside the image: the LUKS2 root opens with it and no passphrase
# is asked for; rd.luks.uuid= restricts unlocking to that device, so the second LUKS disk,
# not named, stays locked and is never asked about.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1321b2c3-d4e5-4f60-8172-839405162738
other_uuid=1322b2c3-d4e5-4f60-8172-839405162738
fs_uuid=132f0e0d-0c0b-4a09-8807-060504030203
root_tree root
mkdir -p other
# The keyfile's bytes are part of the disk's cache key: a fixed file, not a random one.
printf 'baton test keyfile 132, not a secret\n' >root.key
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root \
	--pass 'unused passphrase' --keyfile root.key
luks_disk other.img 24 --uuid "$other_uuid" --fs-uuid 132f0e0d-0c0b-4a09-8807-0605040302ff \
	--dir other --pass 'unused passphrase'
attach root.img
attach other.img
luks_initramfs initrd.img
initramfs_add initrd.img root.key=/etc/keys/root.key

boot --initrd initrd.img "rd.luks.uuid=$luks_uuid" rd.luks.key=/etc/keys/root.key \
	"root=UUID=$fs_uuid"
expect_not 'Enter passphrase' "the keyfile opens the root without a prompt"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid with keyfile /etc/keys/root.key\$"
expect_not "luks-$other_uuid" "the LUKS disk rd.luks.uuid= does not name stays locked"
expect_probe_ok ext4 /dev/dm-0
