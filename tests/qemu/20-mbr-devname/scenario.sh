#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/vda2 names the second partition of an MBR disk whose first partition is ext4 too.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p boot
root_tree root
disk_partitioned disk.img 40 dos --id 0x6261746f \
	size=8,type=83,fs=ext4,label=boot,dir=boot \
	type=83,fs=ext4,label=root,dir=root
attach disk.img

boot root=/dev/vda2
expect_probe_ok ext4 /dev/vda2
