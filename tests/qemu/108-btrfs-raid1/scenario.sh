#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A btrfs RAID 1 (data and metadata) across two disks mounts by root=UUID=: every member is
# registered with the kernel before the mount.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

readonly UUID=1d000006-6e57-4e57-8e57-0000000000e1
root_tree root
# mkfs.btrfs 6.2 fills only single-device filesystems (--rootdir): the helper VM mounts it.
rm -f a.img b.img
truncate -s 128M a.img b.img
disk_stack --payload root "
mkfs.btrfs -q -f -U $UUID -d raid1 -m raid1 /dev/vdb /dev/vdc
btrfs device scan /dev/vdb /dev/vdc
mount -t btrfs /dev/vdb /mnt
cp -a /payload/. /mnt/
umount /mnt
" a.img b.img
attach a.img
attach b.img

boot "root=UUID=$UUID"
expect_probe_ok btrfs '/dev/vd[ab]' ro
expect_not 'devices still missing'
expect 'BTRFS: device fsid 1d000006-6e57-4e57-8e57-0000000000e1 devid 2 .* scanned by init' \
	"baton registered the second device itself"
