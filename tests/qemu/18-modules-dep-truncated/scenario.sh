#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An image for this disk (-m virtio_pci,virtio_blk,ext4) whose lib/modules/KVER/modules.dep.bin
# is cut to half its length (unpacked, truncated, repacked; all else as mkinitramfs made it):
# baton names the damaged index and says to regenerate the image, loads nothing through it, and
# fails the boot as the command line says (panic=-1: a reboot), without a kernel panic or hang.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=18a1b2c3-d4e5-4f60-8a71-b2c3d4e5f618
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
initramfs_make full.img -m virtio_pci,virtio_blk,ext4
initramfs_unpack full.img tree
index=$(cd tree && find . -path "*/modules/$KVER/modules.dep.bin" ! -type l | sed 's|^\./||')
[[ -n $index && -f tree/$index ]] || die "no modules.dep.bin in full.img"
size=$(stat -c %s "tree/$index")
truncate -s "$((size / 2))" "tree/$index"
note "$index: cut from $size to $((size / 2)) bytes"
initramfs_repack tree damaged.img

boot --initrd damaged.img --timeout 90 "root=UUID=$uuid" rd.timeout=5
expect_not '^\[ *[0-9.]+\] Initramfs unpacking failed' "the image itself is whole"
expect_baton "module index /lib/modules/$(re_quote "$KVER")/modules\\.dep\\.bin is damaged .*regenerate the image" \
	"baton names the damaged index and what to do"
expect_not 'baton: module virtio_blk is not in this image' \
	"no advice to add a module the image has"
expect_fatal "fatal: root device UUID=$uuid did not appear within 5 s"
expect_baton 'no driver could be loaded: the module index .* is damaged' \
	"the fatal report says why no driver loaded"
