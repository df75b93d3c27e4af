#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# LUKS on LVM: the container is a logical volume; with no LVM key baton activates the volume
# group, finds LUKS inside, asks for rd.luks.name='s device and boots root=/dev/mapper/NAME.
# A /usr of its own on another disk's LVM (mount.usr=/dev/VG/LV), plugged in only once the
# root was found: the /usr wait activates its volume group too.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

root_tree root --dir /usr
mkdir -p usr/share/baton
stacks_luks_on_lvm disk.img root
stacks_usr_lvm usr.img usr
attach disk.img
hotplug usr.img --after 'baton: root device /dev/mapper/cryptroot is ' --delay 3

prompt='Enter passphrase for /dev/dm-0 \(cryptroot\):'
console_answers "$prompt" "$STACKS_LUKS_PASS"
boot --initrd "$(stacks_initramfs)" "rd.luks.name=$STACKS_LUKSLVM_LUKS=cryptroot" \
	root=/dev/mapper/cryptroot mount.usr=/dev/vgusr/usr mount.usrfstype=ext4 rd.shell=0
expect_baton 'activating every LVM volume group found' "the volume group holding the container"
expect_count "$prompt" 1 "the logical volume's container asked for by its name"
expect_baton '/dev/dm-0 unlocked as /dev/mapper/cryptroot$'
expect_root_found /dev/mapper/cryptroot '/dev/dm-[0-9]+' ext4
expect_baton '/usr device /dev/vgusr/usr is /dev/dm-[0-9]+ \(ext4\)' "the /usr wait activated vgusr"
expect_mount /usr ext4 '/dev/(dm-[0-9]+|mapper/vgusr-usr)' ro
expect_probe_ok ext4 '/dev/(dm-[0-9]+|mapper/cryptroot)' ro
