#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The early microcode archive reaches the kernel's loader: an image built from a tree holding
# Debian's amd64-microcode and intel-microcode (tests/generator/microcode-tree.sh, cached)
# boots an AMD EPYC (family 17h, CPUID 0x800f12) with the hypervisor bit off, since the loader
# skips itself under a hypervisor. sid's kernel checks each AMD patch it finds for the CPU
# against its SHA-256 table and, for QEMU's made-up revision, names the CPU: that line comes
# only when the kernel found AuthenticAMD.bin in the early archive (bookworm's 6.1 prints the
# same lines with and without it). The root then mounts from the main archive after it.
# kernels: sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=15115115-1b1c-4d1e-8f10-151151151151
ucode=$("$BATON_TOP/tests/generator/microcode-tree.sh") || die "cannot get Debian's microcode packages"
mkdir -p base/lib/firmware
ln -sfn "$KERNEL_TREE/lib/modules" base/lib/modules
ln -s "$ucode/lib/firmware/amd-ucode" "$ucode/lib/firmware/intel-ucode" base/lib/firmware/
"$BATON_MKINITRAMFS" -o mc.img -k "$KVER" -b base -m virtio_blk,ext4 -v 2>mkinitramfs.log ||
	die "mkinitramfs with microcode failed: $(tail -n 3 mkinitramfs.log)"
grep -q 'early microcode archive: ' mkinitramfs.log || die "the image has no early microcode archive"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
QEMU_DISK_ARGS+=(-cpu "EPYC,hypervisor=off")

boot --initrd mc.img "root=UUID=$uuid"
expect 'microcode: CPUID\(1\)\.EAX: 0x800f12, current revision: ' \
	"the AMD loader examined the patch for this CPU from the early archive"
expect_probe_ok ext4 /dev/vda ro
