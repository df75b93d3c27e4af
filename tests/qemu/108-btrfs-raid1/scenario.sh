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
truncate -s 128M a.img b.img
mkfs.btrfs -q -f -U "$UUID" -d raid1 -m raid1 --rootdir root a.img b.img >/dev/null ||
	die "mkfs.btrfs failed"
attach a.img
attach b.img

boot "root=UUID=$UUID"
expect_probe_ok btrfs '/dev/vd[ab]' ro
expect_not 'devices still missing'
