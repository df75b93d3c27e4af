#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= on a virtio-scsi disk: virtio_scsi, then sd_mod for the disk it finds. Two more
# SCSI disks behind it share the disk's modalias ("scsi:t-0x00"): libkmod looks it up once,
# not again for each disk's uevent (the bench's 128 LUNs made 128 lookups of it). Which of
# sda-sdc the root gets is the SCSI scan's order, not the attach order.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_ext4 root.img 16 --label scsiroot --dir root
disk_ext4 other1.img 8 --label other1
disk_ext4 other2.img 8 --label other2
attach root.img scsi
attach other1.img scsi
attach other2.img scsi

boot root=LABEL=scsiroot loglevel=8 baton.log=debug printk.devkmsg=on
expect_probe_ok ext4 '/dev/sd[abc]'
expect_count '\] baton: module sd_mod loaded \(for scsi:t-0x00\)$' 1 \
	"the SCSI disks' shared alias looked up once"
