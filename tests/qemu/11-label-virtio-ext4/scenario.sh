#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= picks the disk with that label among two; rw mounts it read-write. The image is
# the generic set as gzip (--compress gzip), so the kernel unpacks that format too (10: lz4).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p decoy
root_tree root
disk_ext4 root.img 16 --label batonroot --dir root
disk_ext4 decoy.img 8 --label batonroot2 --dir decoy
attach root.img
attach decoy.img

initramfs_make gzip.img --compress gzip
[[ $(image_format gzip.img) == gzip ]] || die "gzip.img is $(image_format gzip.img), not gzip"

boot --initrd gzip.img root=LABEL=batonroot rw
expect_not 'Initramfs unpacking failed' "the kernel unpacks the gzip image"
expect_probe_ok ext4 /dev/vda rw
