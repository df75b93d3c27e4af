#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=PARTUUID= on MBR, where it is the disk identifier and the partition number (ID-NN).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p other
root_tree root
disk_partitioned disk.img 40 dos --id 0x0ba70a22 \
	size=8,type=83,fs=ext4,dir=other \
	type=83,fs=ext4,dir=root
attach disk.img

boot root=PARTUUID=0ba70a22-02
expect_probe_ok ext4 /dev/vda2
