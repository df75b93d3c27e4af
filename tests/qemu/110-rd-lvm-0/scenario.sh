#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rd.lvm=0: the volume group holding the root is not activated; the report says so.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
scenario_begin

root_tree root
stacks_lvm_disk lvm.img root
attach lvm.img

boot --initrd "$(stacks_initramfs)" root=/dev/vg0/root rd.lvm=0 rd.timeout=8 rd.shell=0
expect_fatal 'fatal: root device /dev/vg0/root did not appear'
expect_baton 'storage not assembled because of the command line: /dev/vda1 \(LVM2_member, rd.lvm=0\)'
expect_not 'lvm: ' "lvm never ran"
