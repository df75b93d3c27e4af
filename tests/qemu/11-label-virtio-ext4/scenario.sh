#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= picks the disk with that label among two; rw mounts it read-write.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p decoy
root_tree root
disk_ext4 root.img 16 --label batonroot --dir root
disk_ext4 decoy.img 8 --label batonroot2 --dir decoy
attach root.img
attach decoy.img

boot root=LABEL=batonroot rw
expect_probe_ok ext4 /dev/vda rw
