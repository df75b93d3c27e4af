#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=UUID= finds ext4 on the second of two virtio-blk disks; the default is read-only. The
# generic image loads the virtio drivers first and, the root found, leaves q35's AHCI controller
# (whose links take a third of a second to report down) to the real system.
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
attach decoy.img
attach root.img

boot "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vdb ro
expect '] baton: ' "baton logs through /dev/kmsg with kernel timestamps"
expect_baton "root device UUID=$uuid is present; coldplug deferred" \
	"the root on virtio was found before the rest of coldplug"
expect_not '\] ahci [0-9a-f:.]+: AHCI ' "the AHCI driver was not loaded for a root on virtio"
