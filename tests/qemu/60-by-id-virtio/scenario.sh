#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/disk/by-id/virtio-SERIAL without udev: the serial number of a virtio disk, read
# from sysfs; the other disk has another serial and no init.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p empty
root_tree root
disk_ext4 other.img 8 --dir empty
disk_ext4 root.img 16 --dir root
attach other.img --serial batonvirt0
attach root.img --serial batonvirt1

boot root=/dev/disk/by-id/virtio-batonvirt1
expect_probe_ok ext4 /dev/vdb
expect_root_found /dev/disk/by-id/virtio-batonvirt1 /dev/vdb ext4
