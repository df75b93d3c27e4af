#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's server layout, RAID 1 -> LUKS -> LVM -> ext4, with systemd, booted and shut down:
# scenario 190's Debian copied into vg4/root on LUKS on an md RAID 1 of two disks (made in a
# helper VM, cached). baton assembles the array, asks for the passphrase, activates the volume
# group; Debian reaches multi-user.target and powers off through baton's shutdown return,
# which deactivates the volume group, closes the LUKS device and stops the array clean.
# Afterwards both members' superblocks say clean (mdadm --examine on the host).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

mkdir -p empty
stacks_server_layout md-a.img md-b.img empty --input "$(shutdown_debian_image)"
attach md-a.img
attach md-b.img

prompt="Enter passphrase for /dev/md[0-9]+ \\(luks-$STACKS_SERVER_LUKS\\):"
console_answers "$prompt" "$STACKS_LUKS_PASS"
# As Debian's installer writes it: the root by its mapper name, the container by rd.luks.uuid=
# (crypttab's job in initramfs-tools). fsck.mode=skip: Debian here has neither lvm2 nor
# cryptsetup, so its udev makes no by-uuid link for the LV and systemd-fsck-root would wait 90 s.
boot --initrd "$(stacks_initramfs)" --mem 1024 --timeout "$SHUTDOWN_BOOT_TIMEOUT" \
	root=/dev/mapper/vg4-root "rd.luks.uuid=$STACKS_SERVER_LUKS" fsck.mode=skip
expect_baton 'mdadm: .*attached to /dev/md/server, which has been started' "the array assembled at boot"
expect_count "$prompt" 1
expect_baton "/dev/md[0-9]+ unlocked as /dev/mapper/luks-$STACKS_SERVER_LUKS\$"
expect_root_found /dev/mapper/vg4-root '/dev/dm-[0-9]+' ext4
expect '^BATON-DEBIAN: multi-user.target=active$' "Debian booted before powering off"
expect '^BATON-DEBIAN: findmnt /dev/(mapper/vg4-root|dm-[0-9]+) +ext4 +rw' "the root, read-write on the LV"
expect_shutdown_return poweroff
expect_baton 'shutdown: LVM volume groups deactivated \(lvm vgchange -an\): done$' "vg4 deactivated"
expect_baton "shutdown: cryptsetup close luks-$STACKS_SERVER_LUKS: done\$" "the LUKS device closed"
expect_baton 'shutdown: md arrays clean \(mdadm -v --wait-clean --scan\): done$'
expect_baton 'mdadm: stopped /dev/md[0-9]+$' "the array stopped"
expect_baton 'shutdown: every LVM, dm-crypt and md device is down$'
expect '(^|\] )reboot: Power down' "the kernel powered the machine off"
expect_md_clean md-a.img --part 1
expect_md_clean md-b.img --part 1
