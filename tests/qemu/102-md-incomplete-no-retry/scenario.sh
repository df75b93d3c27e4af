#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With rd.retry= at its default (60 s) and a root deadline shorter than it, an array missing a
# member is never started degraded: the boot fails at the deadline and the report names the
# incomplete array and what to change.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_raid1_disks a.img b.img root
attach b.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_RAID1_UUID" rd.timeout=10 rd.shell=0
expect_fatal "fatal: root device UUID=$STACKS_RAID1_UUID did not appear within 10 s"
expect_baton 'md array /dev/md[0-9]+ is incomplete \(members missing\); it would have been started degraded after rd.retry=60 s, later than the root.s deadline: add rootwait or a shorter rd.retry=' \
	"the report names the incomplete array"
expect_not 'DEGRADED' "never started degraded before rd.retry="
