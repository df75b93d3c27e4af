#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=PARTUUID= names the third partition of a GPT disk; the others hold ext4 and nothing. Only
# the partition entries are read to find it, no superblock but the root's (to mount it).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

partuuid=9a3c5e71-0b2d-4f64-8e1a-7c5b3d2e1f40
mkdir -p data
root_tree root
disk_partitioned disk.img 48 gpt --id 1b0c1e6f-3a5d-4c2b-9e8f-0a1b2c3d4e5f \
	size=4,type=L,name=empty,uuid=2f1d3b5a-6c7e-4d8f-9a0b-1c2d3e4f5a60 \
	size=8,type=L,name=data,uuid=3e2c4a6b-7d8f-4e9a-8b1c-2d3e4f5a6b70,fs=ext4,dir=data \
	type=L,name=root,uuid=$partuuid,fs=ext4,dir=root
attach disk.img

boot "root=PARTUUID=$partuuid" loglevel=8 baton.log=debug printk.devkmsg=on
expect_probe_ok ext4 /dev/vda3
expect 'probed /dev/vda2 \([0-9:]*\): PARTUUID="3e2c4a6b-' "the partition entries are read"
expect 'probed /dev/vda3 \([0-9:]*\): TYPE="ext4"' "the root's superblock is read, to mount it"
expect_not 'probed /dev/vda[12]? \([0-9:]*\)( without RAID probers)?: TYPE=' \
	"no other superblock is read for a PARTUUID="
