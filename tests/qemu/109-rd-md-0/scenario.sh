#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rd.md=0: the RAID 1 holding the root is not assembled, the root is not found, and the report
# names the members skipped and why.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_raid1_disks a.img b.img root
attach a.img
attach b.img

boot --initrd "$(stacks_initramfs)" "root=UUID=$STACKS_RAID1_UUID" rd.md=0 rd.timeout=8 rd.shell=0
expect_fatal "fatal: root device UUID=$STACKS_RAID1_UUID did not appear"
expect_baton 'storage not assembled because of the command line: /dev/vd[ab]1 \(linux_raid_member, rd.md=0\)'
expect_not 'mdadm:' "mdadm never ran"
