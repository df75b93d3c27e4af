#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hook that fills the initramfs's filesystems: /run (tmpfs, half the memory by default) until
# ENOSPC, then the rootfs (ramfs, without any limit, whenever root= is on the command line, on
# 6.1 and 7.x alike; tmpfs otherwise): there a quarter of the memory left, so the guest is not
# simply run out of memory. The boot still reaches the real init; the switch frees the rootfs's
# share; a later hook can still hand its result back through BATON_RESULT on the full /run.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=7e8f9a0b-1c2d-4e4f-8a5b-76e4f5a6b7c8
hook hooks early 10-fill <<'HOOK'
echo "rootfs is $(stat -f -c %T /)"
dd if=/dev/zero of=/run/fill bs=1M 2>&1 | grep -v records
mb=$(awk '/^MemAvailable:/ { print int($2 / 4096) }' /proc/meminfo)
dd if=/dev/zero of=/fill bs=1M count="$mb" 2>&1 | grep -v records
df -k /run | awk 'NR > 1 { print "df " $6 " used_kb=" $3 " avail_kb=" $4 }'
echo "/fill: $(wc -c </fill) bytes"
echo "filled"
HOOK
# A later hook still runs and can hand its result back, though /run is full.
hook hooks premount 10-after <<'HOOK'
echo "after the fill: $(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) kB available"
echo "root=UUID=7e8f9a0b-1c2d-4e4f-8a5b-76e4f5a6b7c8" >"$BATON_RESULT" || echo "no result handed back"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vda
expect_hook early/10-fill "dd: error writing '/run/fill': No space left on device$" "/run is full"
expect_hook early/10-fill 'filled$'
expect_hook premount/10-after 'after the fill: [0-9]+ kB available$'
# baton keeps a page for the result file before each hook: /run being full does not lose it.
expect_hook premount/10-after "hands back root=UUID=$uuid\$" "the result file was written"
expect_not 'no result handed back' "writing the result file failed"
expect_not 'Out of memory' "nothing was killed for memory"
