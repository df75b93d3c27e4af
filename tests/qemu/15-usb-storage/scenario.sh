#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= on a USB stick (usb-storage behind a qemu-xhci controller). The generic set has no
# USB, so the image is host-only: -m replaces that set, so it lists the whole chain.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_ext4 root.img 16 --label usbroot --dir root
attach root.img usb
initramfs_make usb.img -m xhci_pci,usb_storage,sd_mod,ext4

boot --initrd usb.img root=LABEL=usbroot
expect_probe_ok ext4 /dev/sda
expect_root_found LABEL=usbroot /dev/sda ext4
expect 'usb-storage [0-9.:-]+: USB Mass Storage device detected' "usb_storage claimed the stick"
