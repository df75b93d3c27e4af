#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# noresume with resume=: baton never writes /sys/power/resume (writing it clears the kernel's
# own noresume and would restore a stale hibernation image), says so, and the boot goes on.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=83d3e4f5-a6b7-4c81-9d92-0e1f2a3b4c51
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_fs swap swap.img 16
attach root.img
attach swap.img

boot "root=UUID=$uuid" resume=/dev/vdb noresume
expect_probe_ok ext4 /dev/vda
expect_baton 'resume skipped: noresume is on the kernel command line' "noresume wins"
expect_not 'baton: resume: checking' "nothing handed to the kernel"
expect_not 'baton: no hibernation image' "/sys/power/resume was not written"
