#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A RAID 5 over partitions of three MBR disks (type fd) with the old 0.90 metadata at the end
# of each member is assembled with no hint; root=/dev/md/NAME is not used since 0.90 has no
# name: root=UUID= of the ext4 inside.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

readonly UUID=1d000005-6e57-4e57-8e57-0000000000d1
root_tree root
n=0
for d in a b c; do
	n=$((n + 1))
	disk_partitioned "$d.img" 40 dos --id "0x1d00000$n" "size=4,type=L" "type=fd"
done
disk_stack --payload root "
mdadm --create /dev/md0 --run --metadata=0.90 --level=5 --raid-devices=3 --chunk=64 /dev/vdb2 /dev/vdc2 /dev/vdd2
mkfs.ext4 -q -U $UUID -d /payload /dev/md0
" a.img b.img c.img
attach a.img
attach b.img
attach c.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$UUID"
expect_probe_ok ext4 '/dev/md[0-9]+' ro
expect_not 'DEGRADED'
