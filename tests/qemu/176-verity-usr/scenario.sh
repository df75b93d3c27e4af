#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# usrhash= with systemd.verity_usr_data= and _hash=: an ext4 root and a verified squashfs /usr,
# opened as /dev/mapper/usr and mounted on /usr with no mount.usr= (as systemd does).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin
initramfs_verity

uuid=17600001-2b3c-4d5e-8f60-7a8b9c0d1e2f
root_tree root --dir /usr
mkdir -p usr/share/baton
echo verified >usr/share/baton/stamp
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_squashfs usr.sqfs usr
hash=$(verity_format usr.sqfs usr.verity)
attach root.img
attach usr.sqfs
attach usr.verity

boot --initrd "$VERITY_INITRD" "root=UUID=$uuid" "usrhash=$hash" \
	systemd.verity_usr_data=/dev/vdb systemd.verity_usr_hash=/dev/vdc
expect_baton "dm-verity device /dev/mapper/usr is open, verified against root hash $hash"
expect_probe_ok ext4 /dev/vda ro
expect_mount /usr squashfs '/dev/(dm-0|mapper/usr)' ro
