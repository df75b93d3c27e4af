#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# arm64 firmware-style: a squashfs root verified by dm-verity, found only by roothash= (the GPT
# PARTUUIDs derived from the hash, beside slot B's decoy), opened with Debian's arm64
# veritysetup and its libraries, carried from an arm64 tree with --binary (ld-linux-aarch64),
# under systemd.volatile=overlay: the real init (Debian's arm64 busybox) writes to /, a tmpfs
# overlay, and the disk is unchanged afterwards. One boot checks all of it (TCG arm64 is slow).
# kernels: bookworm-arm64
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
# shellcheck source=../lib-arm64.sh
. "$(dirname "$0")/../lib-arm64.sh"
scenario_begin
initramfs_verity_arm64

root_tree_writer_arm64 root
disk_squashfs root.sqfs root
hash=$(verity_format root.sqfs root.verity)
root_tree other
echo b >other/slot-b
disk_squashfs other.sqfs other
disk_gpt_images disk.img \
	"other.sqfs:18100001-0000-4000-8000-00000000000b:slot-b-data" \
	"root.sqfs:$(verity_data_partuuid "$hash"):slot-a-data" \
	"root.verity:$(verity_hash_partuuid "$hash"):slot-a-hash"
attach disk.img
before=$(sha256sum <disk.img)

boot --initrd "$VERITY_INITRD" "roothash=$hash" systemd.volatile=overlay
expect '^\[ *[0-9.]+\] Linux version [^ ]+-arm64 ' "Debian's arm64 kernel booted"
expect_baton "opening dm-verity device root: data /dev/vda2 \\(PARTUUID=$(verity_data_partuuid "$hash")\\), hash /dev/vda3 \\(PARTUUID=$(verity_hash_partuuid "$hash")\\)"
expect_baton "dm-verity device /dev/mapper/root is open, verified against root hash $hash"
expect_root_found /dev/mapper/root /dev/dm-0 squashfs
expect_overlay_root squashfs '/dev/(dm-0|mapper/root)'
[[ $(sha256sum <disk.img) == "$before" ]] || _fail "the disk changed during the boot"
