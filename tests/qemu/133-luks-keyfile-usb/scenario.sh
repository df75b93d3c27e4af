#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rd.luks.key=/root.key:LABEL=KEYS: the keyfile is on a USB stick (ext4), which baton mounts
# read-only for cryptsetup to read the key, then unmounts; the LUKS2 root opens with no prompt.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1331b2c3-d4e5-4f60-8172-839405162738
fs_uuid=133f0e0d-0c0b-4a09-8807-060504030203
root_tree root
mkdir -p keys
# The keyfile's bytes are part of the disk's cache key: a fixed file, not a random one.
printf 'baton test keyfile 133, not a secret\n' >keys/root.key
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root \
	--pass 'unused passphrase' --keyfile keys/root.key
disk_ext4 keys.img 8 --label KEYS --dir keys
attach root.img
attach keys.img usb
luks_initramfs initrd.img -m xhci_pci,usb_storage,sd_mod

boot --initrd initrd.img rd.luks.key=/root.key:LABEL=KEYS "root=UUID=$fs_uuid"
expect_not 'Enter passphrase' "the keyfile on the stick opens the root without a prompt"
expect_baton "running cryptsetup open /dev/vda luks-$luks_uuid --key-file=/run/baton/luks-keydev/root.key\$"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid with keyfile /root.key\$"
expect_not 'cannot unmount keyfile device' "the stick is unmounted after the read"
expect_probe_ok ext4 /dev/dm-0
expect_not '^BATON-PROBE: mount .* /run/baton/luks-keydev ' "the stick's mount is gone"
