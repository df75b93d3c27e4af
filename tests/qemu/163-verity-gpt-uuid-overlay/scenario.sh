#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Firmware-style: only roothash= and systemd.volatile=overlay. The data and hash partitions
# are found by the GPT partition UUIDs derived from the root hash (first and last 128 bits, as
# systemd does) beside a decoy pair of slot B; the verified squashfs gets a tmpfs overlay the
# real init writes to, and the disk is unchanged afterwards.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin
initramfs_verity

root_tree_writer root
disk_squashfs root.sqfs root
hash=$(verity_format root.sqfs root.verity)
root_tree other
echo b >other/slot-b
disk_squashfs other.sqfs other
disk_gpt_images disk.img \
	"other.sqfs:16300001-0000-4000-8000-00000000000b:slot-b-data" \
	"root.sqfs:$(verity_data_partuuid "$hash"):slot-a-data" \
	"root.verity:$(verity_hash_partuuid "$hash"):slot-a-hash"
attach disk.img
before=$(sha256sum <disk.img)

boot --initrd "$VERITY_INITRD" "roothash=$hash" systemd.volatile=overlay
expect_baton "opening dm-verity device root: data /dev/vda2 \\(PARTUUID=$(verity_data_partuuid "$hash")\\), hash /dev/vda3 \\(PARTUUID=$(verity_hash_partuuid "$hash")\\)"
expect_overlay_root squashfs '/dev/(dm-0|mapper/root)'
[[ $(sha256sum <disk.img) == "$before" ]] || _fail "the disk changed during the boot"
