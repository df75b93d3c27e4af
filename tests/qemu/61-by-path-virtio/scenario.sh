#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=/dev/disk/by-path/pci-0000:00:07.0 without udev: the PCI address of a virtio disk
# (pinned with addr=), read from sysfs; the disk in slot 4 has no init.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p empty
root_tree root
disk_ext4 other.img 8 --dir empty
disk_ext4 root.img 16 --dir root
attach other.img --addr 4
attach root.img --addr 7

boot root=/dev/disk/by-path/pci-0000:00:07.0
expect_probe_ok ext4 /dev/vdb
expect_root_found /dev/disk/by-path/pci-0000:00:07.0 /dev/vdb ext4
