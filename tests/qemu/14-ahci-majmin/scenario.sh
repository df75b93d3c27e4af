#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=8:0 (MAJ:MIN) on a SATA disk behind q35's built-in AHCI controller.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
disk_ext4 root.img 16 --dir root
attach root.img ahci

boot root=8:0
expect_probe_ok ext4 /dev/sda
expect '^BATON-PROBE: rootdev=8:0$'
