#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A server layout, RAID 1 -> LUKS -> LVM -> ext4, with nothing on the command line but
# root=UUID= of the ext4: baton assembles the array, finds LUKS on it and asks for its
# passphrase naming the array, activates the volume group inside and keeps waiting until the
# root appears.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

root_tree root
stacks_server_layout a.img b.img root
attach a.img
attach b.img

prompt="Enter passphrase for /dev/md[0-9]+ \\(luks-$STACKS_SERVER_LUKS\\):"
console_answers "$prompt" "$STACKS_LUKS_PASS"
boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_SERVER_UUID" rd.shell=0
expect_baton 'mdadm: .*attached to /dev/md/server, which has been started' "the array assembled"
expect_count "$prompt" 1 "one prompt, naming the array"
expect_baton "/dev/md[0-9]+ unlocked as /dev/mapper/luks-$STACKS_SERVER_LUKS\$"
expect_baton 'activating every LVM volume group found'
expect_root_found "UUID=$STACKS_SERVER_UUID" '/dev/dm-[0-9]+' ext4
expect_probe_ok ext4 '/dev/(mapper/vg4-root|dm-[0-9]+)' ro
expect_not 'DEGRADED' "both members are there"
