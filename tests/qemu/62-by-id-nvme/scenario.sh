#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/disk/by-id/nvme-MODEL_SERIAL, udev's name (spaces of the model as underscores)
# made from sysfs without udev; the other NVMe disk has another serial and no init. NVMe
# controllers probe in parallel, so which one is nvme0 is not fixed.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p empty
root_tree root
disk_ext4 other.img 8 --dir empty
disk_ext4 root.img 16 --dir root
attach other.img nvme --serial batonnvme0
attach root.img nvme --serial batonnvme1

boot root=/dev/disk/by-id/nvme-QEMU_NVMe_Ctrl_batonnvme1
expect_probe_ok ext4 '/dev/nvme[01]n1'
expect_root_found /dev/disk/by-id/nvme-QEMU_NVMe_Ctrl_batonnvme1 '/dev/nvme[01]n1' ext4
