#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The root disk is pulled out (QEMU monitor, device_del) during rootdelay=, after its driver
# (loaded at start: -m) found it but before baton looks: baton reports the root missing, lists
# the one disk still there and not the one that left, and the boot fails as the command line
# says, without a kernel panic.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=93a1b2c3-d4e5-4f60-8a71-b2c3d4e5f693
other=0e7e4b1a-5c3d-4e2f-9a8b-7c6d5e4f3a21
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
mkdir -p empty
disk_ext4 other.img 8 --uuid "$other" --label other --dir empty
attach other.img
attach_unpluggable root.img rootdisk
initramfs_make disks.img -m virtio_pci,virtio_blk,ext4
# rootdelay= is long enough for the guest to finish the unplug (PCIe native hot-unplug waits
# 5 s for the attention button to be pressed again) before baton looks.
unplug rootdisk --after 'baton: rootdelay=15: sleeping'

boot --initrd disks.img --timeout 120 "root=UUID=$uuid" rootdelay=15 rd.timeout=5
# The 16 MiB root disk (32768 sectors) had its block device before baton slept.
expect_elapsed '\] virtio_blk virtio[0-9]+: \[vd[a-z]\] 32768 512-byte logical blocks' \
	'baton: rootdelay=15: sleeping' 0 30
expect_fatal "fatal: root device UUID=$uuid did not appear within 5 s"
expect_baton 'block devices seen \(1\):' "only the disk that stayed"
expect_baton "  /dev/vd[a-z] [0-9]+:[0-9]+ TYPE=\"ext4\" UUID=\"$other\" LABEL=\"other\"" \
	"the disk that stayed, with its tags"
expect_not "baton:   /dev/.* UUID=\"$uuid\"" "the pulled disk is not reported as present"
expect_elapsed 'baton: waiting for root device' 'baton: fatal: root device' 4.5 15
