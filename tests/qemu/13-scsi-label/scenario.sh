#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= on a virtio-scsi disk: virtio_scsi, then sd_mod for the disk it finds.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_ext4 root.img 16 --label scsiroot --dir root
attach root.img scsi

boot root=LABEL=scsiroot
expect_probe_ok ext4 /dev/sda
