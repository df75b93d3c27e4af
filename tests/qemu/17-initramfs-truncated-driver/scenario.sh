#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An image for this disk (-m virtio_pci,virtio_blk,ext4) whose zstd stream is cut inside its
# last member, the disk's driver (repacked with virtio_blk.ko last): the kernel says "Initramfs
# unpacking failed", baton runs, reports that virtio_blk could not be loaded because the image
# is cut short there, and the boot fails as the command line says, without a kernel panic.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=17b1c2d3-e4f5-4a60-8b71-c2d3e4f5a617
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
initramfs_make full.img -m virtio_pci,virtio_blk,ext4
initramfs_unpack full.img full
driver=$(cd full && find . -name 'virtio_blk.ko*' | sed 's|^\./||')
[[ -n $driver ]] || die "no virtio_blk module in full.img"
initramfs_repack full driver-last.img "$driver"
start=$(cpio_data_offset driver-last.img.cpio "$driver")
total=$(stat -c %s driver-last.img.cpio)
kept=$(image_cut driver-last.img cut.img "$((start + (total - start) / 2))")
note "$driver: data from byte $start of $total uncompressed; kept $kept of $(stat -c %s driver-last.img) zstd bytes"

boot --initrd cut.img --timeout 90 "root=UUID=$uuid" rd.timeout=5
expect '^\[ *[0-9.]+\] Initramfs unpacking failed: ' "the kernel reports the damage"
expect_baton 'started, root=' "/init was unpacked before the damage, so baton ran"
expect_baton 'loading module virtio_blk \(for virtio_blk\) failed: .*(stopped unpacking the initramfs inside this module|missing from the image).*regenerate' \
	"baton reports the damaged driver failing to load, and why"
expect_fatal "fatal: root device UUID=$uuid did not appear within 5 s"
