#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=PARTUUID=<the ESP's>/PARTNROFF=2: two partitions after the ESP (partition 1) is the root.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
root_tree other
disk_gpt_esp disk.img root other
attach disk.img

boot "root=PARTUUID=$GPT_ESP_PARTUUID/PARTNROFF=2"
expect_probe_ok ext4 /dev/vda3
expect_root_found "PARTUUID=$GPT_ESP_PARTUUID/PARTNROFF=2" /dev/vda3 ext4
