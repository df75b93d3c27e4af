#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hook that hangs is cut off at baton.hook_timeout= (SIGTERM to its process group, so the
# sleep it waits for goes too) and the boot goes on to the real init.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=3a4b5c6d-7e8f-4a0b-8c1d-72a0b1c2d3e4
hook hooks early 10-hang <<'HOOK'
echo "hanging"
sleep 1000
echo "not reached"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid" baton.hook_timeout=3
expect_probe_ok ext4 /dev/vda
expect_hook early/10-hang 'hanging$'
expect_hook early/10-hang 'still running after 3 s \(baton.hook_timeout=\), stopping it$'
# 143 = 128 + SIGTERM: the shell died of the signal, it did not finish; baton's own clock for the
# hook says it ran the 3 s limit (not less) and was stopped within a second of it.
expect_hook early/10-hang 'failed with status 143 after 3[0-9]{3} ms, continuing$'
expect_not 'not reached' "the hook was stopped, not left to finish"
# Guest time, so valid under TCG. Measured from the hook's first line, which comes after the
# shell started: on a loaded host that start alone took a second, so only the upper bound is
# tight; the lower one is held by the line above.
expect_elapsed 'hook early/10-hang: hanging' 'hook early/10-hang: still running' 1 5
expect_not 'BATON-PROBE: proc [0-9]+ .*cmdline=sleep' "the hook's sleep did not survive"
