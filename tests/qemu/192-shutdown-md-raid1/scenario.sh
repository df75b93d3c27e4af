#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The root on md RAID 1 comes down clean: scenario 190's Debian on a RAID 1 of two disks
# (metadata 1.0, made in a helper VM, cached), assembled by a premount hook running mdadm (part
# B's stacks do that natively once merged; the hook keeps this scenario independent of them).
# The image holds mdadm, so the shutdown return is on by default: after systemd-shutdown hands
# over, baton unmounts the root, waits for the array to be clean and stops it ("mdadm: stopped
# /dev/md0"), then powers off; afterwards both members' superblocks say clean and the ext4
# inside is clean.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

shutdown_md_disks md-a.img md-b.img
base_tree "$WORK/base"
shutdown_host_tool "$WORK/base" mdadm
# What part B's dispatcher does at boot, reduced to this array.
hook hooks premount 10-mdadm <<'HOOK'
i=0
while { [ ! -b /dev/vda ] || [ ! -b /dev/vdb ]; } && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
mkdir -p /run/mdadm
mdadm --assemble /dev/md0 /dev/vda /dev/vdb
HOOK
initramfs_make initrd.img -b "$WORK/base" -m virtio_pci,virtio_blk,ext4,md_mod,raid1 \
	--binary /sbin/mdadm --hook "$PWD/hooks"
attach md-a.img
attach md-b.img
# fsck.mode=skip: without mdadm's udev rules Debian's udev makes no by-uuid link for md0, and
# systemd-fsck-root would wait 90 s for it.
boot --initrd initrd.img --mem 1024 --timeout "$SHUTDOWN_BOOT_TIMEOUT" \
	"root=UUID=$SHUTDOWN_UUID" fsck.mode=skip
expect_baton 'hook premount/10-mdadm: mdadm: /dev/md0 has been started with 2 drives' \
	"the array assembled at boot"
expect_baton "root device UUID=$SHUTDOWN_UUID is /dev/md0 " "the root found on the array"
expect '^BATON-DEBIAN: multi-user.target=active$' "Debian booted before powering off"
expect '^BATON-DEBIAN: findmnt /dev/md0 +ext4 +rw' "the root, read-write on the array"
expect_shutdown_return poweroff
expect_baton 'shutdown: md arrays clean \(mdadm -v --wait-clean --scan\): done$'
expect_baton 'mdadm: mdadm: stopped /dev/md0$' "baton's shutdown stopped the array"
expect_baton 'shutdown: every LVM, dm-crypt and md device is down$'
expect '(^|\] )reboot: Power down' "the kernel powered the machine off"
expect_md_clean md-a.img
expect_md_clean md-b.img
# Metadata 1.0 keeps the data at the start of each member: the ext4 is readable there.
expect_ext4_clean md-a.img
