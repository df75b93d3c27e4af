#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A RAID 1 with metadata 1.0 (its superblock at the end, so each member starts with the ext4 of
# the array, UUID and all) beside a disk that cannot match: disks are first probed without
# libblkid's RAID probers (probe_path_quick), and a member that looks like the root that way is
# probed fully before it is taken. root=UUID= of the ext4 must boot the array, never a member.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

readonly UUID=1d000006-6e57-4e57-8e57-0000000000e1
root_tree root
mkdir -p decoy
disk_ext4 decoy.img 8 --uuid 1d000006-6e57-4e57-8e57-0000000000e2 --dir decoy
disk_partitioned a.img 40 gpt --id 1d0000aa-6e57-4e57-8e57-000000000061 \
	"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-000000000061"
disk_partitioned b.img 40 gpt --id 1d0000aa-6e57-4e57-8e57-000000000062 \
	"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-000000000062"
disk_stack --payload root "
mdadm --create /dev/md0 --run --metadata=1.0 --level=1 --raid-devices=2 /dev/vdb1 /dev/vdc1
mkfs.ext4 -q -U $UUID -d /payload /dev/md0
" a.img b.img
attach decoy.img
attach a.img
attach b.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$UUID" loglevel=8 baton.log=debug printk.devkmsg=on
expect 'probed /dev/vda \(.*\) without RAID probers: TYPE="ext4"' \
	"the decoy disk is probed without the RAID probers"
expect 'probed /dev/vdb1 \(.*\) without RAID probers: TYPE="ext4" UUID="'"$UUID"'"' \
	"a member looks like the root to the quick probe"
expect 'probed /dev/vdb1 \([0-9:]*\): TYPE="linux_raid_member"' \
	"the candidate member is probed fully before it is taken"
expect_root_found "UUID=$UUID" '/dev/md[0-9]+' ext4
expect_probe_ok ext4 '/dev/md[0-9]+' ro
