#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's encrypted LVM (LVM on LUKS on a GPT partition), booted as Debian's installer writes
# the command line: root=/dev/VG/LV with rd.luks.uuid= of the container. The user takes longer
# to type the passphrase than rd.timeout=, and the root's LV is on a second disk the volume
# group was extended onto, which appears (hot-plugged) only after the unlock: the time at the
# prompt does not count against the root's wait, and the unlock starts the wait again, so the
# root is found when the second disk comes.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

# The root's deadline, and how long (host time) the user takes at the prompt: longer than it
# in guest time too, which runs slower than the host's under load.
readonly TIMEOUT=8 TYPING=20
root_tree root
stacks_lvm_on_luks disk.img extra.img root
attach disk.img
hotplug extra.img --after 'baton: /dev/vda2 unlocked as ' --delay 4

prompt="Enter passphrase for /dev/vda2 \\(luks-$STACKS_LVMLUKS_LUKS\\):"
CONSOLE_ANSWER_DELAY=$TYPING console_answers "$prompt" "$STACKS_LUKS_PASS"
# The outer bound has room for the slow typist.
boot --initrd "$(stacks_initramfs)" --timeout 300 root=/dev/debian-vg/root \
	"rd.luks.uuid=$STACKS_LVMLUKS_LUKS" "rd.timeout=$TIMEOUT" rd.shell=0
expect_count "$prompt" 1 "one prompt for the container"
expect_elapsed 'baton: waiting for root device' 'running cryptsetup open' $((TIMEOUT + 1)) 300
expect_baton "/dev/vda2 unlocked as /dev/mapper/luks-$STACKS_LVMLUKS_LUKS\$"
expect_baton "root device /dev/debian-vg/root: [0-9]+ ms spent assembling or unlocking storage, which made progress: the wait starts again, giving up in $TIMEOUT s" \
	"the prompt's time is not counted; the wait starts again after the unlock"
expect_not 'did not appear' "the root's wait did not run out at the prompt"
expect_root_found /dev/debian-vg/root '/dev/dm-[0-9]+' ext4
expect_probe_ok ext4 '/dev/(mapper/debian--vg-root|dm-[0-9]+)' ro
expect_not "$STACKS_LUKS_PASS" "the passphrase is never echoed or logged"
