#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= on xfs, filled without root through an mkfs.xfs prototype file.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_fs xfs root.img 300 --label xfsroot --uuid 70a1b2c3-d4e5-4f60-8172-839405a6b7c8 --dir root
attach root.img

boot root=LABEL=xfsroot
expect_probe_ok xfs /dev/vda ro
expect_root_found LABEL=xfsroot /dev/vda xfs
