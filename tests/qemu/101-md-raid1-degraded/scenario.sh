#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A RAID 1 with one disk absent waits rd.retry= seconds for it, then starts degraded with a
# warning naming the missing slot and the member present, and the root on it boots.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

# Seconds the array waits; the warning must come no earlier (guest time).
readonly RETRY=5

root_tree root
stacks_raid1_disks a.img b.img root
attach a.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_RAID1_UUID" "rd.retry=$RETRY"
expect_probe_ok ext4 '/dev/md[0-9]+' ro
expect_baton "md array /dev/md[0-9]+ \\(raid1\\) started DEGRADED after waiting rd.retry=$RETRY s for its members: missing slot 1 of 2; present /dev/vda1 in slot 0" \
	"the warning names the missing slot and the member present"
expect_elapsed 'baton: waiting for root device' 'started DEGRADED' "$RETRY" 30
expect_not 'mdadm: .*--run|started DEGRADED.*rd.retry=60' "no degraded start before the wait"
