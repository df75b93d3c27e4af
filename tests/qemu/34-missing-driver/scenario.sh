#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An image without the disk's driver (-m virtio_pci,ext4: no virtio_blk): the root never
# appears, and the report names the virtio block device as hardware nothing in the image claims.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=34d1e2f3-a4b5-4c6d-8e7f-8091a2b3c4d5
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
initramfs_make nodriver.img -m virtio_pci,ext4

boot --initrd nodriver.img "root=UUID=$uuid" rd.timeout=5
expect_fatal "fatal: root device UUID=$uuid did not appear within 5 s"
expect_baton 'no block devices appeared at all' "no driver, no disk"
expect_baton 'hardware that no module in this image claims:' "the unclaimed hardware"
expect_baton '  virtio:d00000002v00001AF4( |$)' "the virtio block device is unclaimed"
