#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root="LABEL=my root": a label with a space, quoted as the kernel quotes; a disk labelled "my"
# (with a root of its own) is what cutting the value at the space would pick.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
root_tree decoy
disk_ext4 decoy.img 16 --label my --dir decoy
disk_ext4 root.img 16 --label "my root" --dir root
attach decoy.img
attach root.img

boot 'root="LABEL=my root"'
expect_probe_ok ext4 /dev/vdb
expect_root_found "LABEL=my root" /dev/vdb ext4
