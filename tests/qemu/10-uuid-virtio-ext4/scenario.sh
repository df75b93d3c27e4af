#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=UUID= finds ext4 on the second of three virtio-blk disks; the default is read-only. The
# search reads superblocks in the order the disks appeared and stops at the match: the disk after
# the root is never probed (128 LUNs probed before the root was looked for cost 25% of the phase).
# The generic image loads the virtio drivers first and, the root found, leaves q35's AHCI
# controller (whose links take a third of a second to report down) to the real system. It is in
# lz4's legacy frame (--compress lz4), the format the kernel unpacks fastest: each kernel must
# unpack what the generator writes (zstd by default everywhere else; gzip in 11).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=4f0e6a41-4bd4-4ab4-9d8b-0d3c2a2f7a10
mkdir -p decoy
root_tree root
disk_ext4 decoy.img 8 --uuid 0b7f3c1e-2d5a-4e8f-9a61-5c4d3b2a1f00 --dir decoy
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 after.img 8 --uuid 0b7f3c1e-2d5a-4e8f-9a61-5c4d3b2a1f01 --dir decoy
attach decoy.img
attach root.img
attach after.img

initramfs_make lz4.img --compress lz4
[[ $(image_format lz4.img) == lz4 ]] || die "lz4.img is $(image_format lz4.img), not lz4"

boot --initrd lz4.img "root=UUID=$uuid" loglevel=8 baton.log=debug printk.devkmsg=on
expect_not 'Initramfs unpacking failed' "the kernel unpacks the lz4 image"
expect_probe_ok ext4 /dev/vdb ro
expect 'probed /dev/vda \(.*\) without RAID probers: TYPE="ext4"' "the disk before the root is read"
expect 'probed /dev/vdb \([0-9:]*\): TYPE="ext4" UUID="'"$uuid"'"' \
	"the candidate is probed fully before it is taken"
expect_not 'probed /dev/vdc ' "the disk after the root is never read"
expect '] baton: ' "baton logs through /dev/kmsg with kernel timestamps"
expect_baton "root device UUID=$uuid is present; coldplug deferred" \
	"the root on virtio was found before the rest of coldplug"
expect_not '\] ahci [0-9a-f:.]+: AHCI ' "the AHCI driver was not loaded for a root on virtio"
