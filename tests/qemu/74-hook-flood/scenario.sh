#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hook that prints without pause is stopped at baton.hook_timeout= all the same, and only the
# first lines of its flood reach the (slow, serial) console: the boot goes on to the real init.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=5c6d7e8f-9a0b-4c2d-8e3f-74c2d3e4f5a6
hook hooks early 10-flood <<'HOOK'
echo "flooding"
exec yes "flood line"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid" baton.hook_timeout=2
expect_probe_ok ext4 /dev/vda
expect_hook early/10-flood 'flooding$'
expect_hook early/10-flood 'still running after 2 s \(baton.hook_timeout=\), stopping it$'
# 100 lines logged ("flooding" and 99 of yes), then a count of the rest.
expect_hook early/10-flood '100 lines of output logged; the rest is counted, not logged$'
expect_count '] baton: hook early/10-flood: flood line$' 99 "only the first lines are logged"
expect_hook early/10-flood '[1-9][0-9]* more lines of output not logged \([0-9]+ bytes\)$'
# 143 = 128 + SIGTERM: yes (the hook's shell exec'ed it) died of the signal.
expect_hook early/10-flood 'failed with status 143 after [0-9]+ ms, continuing$'
# Guest time, so valid under TCG: the 2 s limit, plus polling and 100 lines of console output.
expect_elapsed 'hook early/10-flood: flooding' 'hook early/10-flood: failed with status' 1 5
