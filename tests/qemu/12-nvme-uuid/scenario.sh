#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=UUID= on an NVMe disk: the generic image's nvme driver is found by its PCI modalias.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=1a2b3c4d-5e6f-4a0b-8c1d-2e3f4a5b6c70
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img nvme

boot "root=UUID=$uuid"
expect_probe_ok ext4 /dev/nvme0n1
