#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A squashfs root verified by dm-verity, its data device named by a /dev/disk/by-partlabel/
# path and its hash device in a root= form (PARTLABEL=), roothash= and no root=: baton opens
# /dev/mapper/root with the image's veritysetup and boots from it.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin
initramfs_verity

root_tree root
disk_squashfs root.sqfs root
hash=$(verity_format root.sqfs root.verity)
disk_gpt_images disk.img "root.sqfs:16200001-0000-4000-8000-000000000001:root-a-data" \
	"root.verity:16200002-0000-4000-8000-000000000002:root-a-hash"
attach disk.img

boot --initrd "$VERITY_INITRD" "roothash=$hash" \
	systemd.verity_root_data=/dev/disk/by-partlabel/root-a-data \
	systemd.verity_root_hash=PARTLABEL=root-a-hash
expect_baton 'opening dm-verity device root: data /dev/vda1 \(/dev/disk/by-partlabel/root-a-data\), hash /dev/vda2 \(PARTLABEL=root-a-hash\)'
expect_baton "dm-verity device /dev/mapper/root is open, verified against root hash $hash"
expect_root_found /dev/mapper/root /dev/dm-0 squashfs
expect_probe_ok squashfs '/dev/(dm-0|mapper/root)' ro
