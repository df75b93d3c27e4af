#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=PARTUUID= picks partition 3 of a GPT disk with an ESP, swap, the root and another ext4.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
root_tree other
disk_gpt_esp disk.img root other
attach disk.img

boot "root=PARTUUID=$GPT_ROOT_PARTUUID"
expect_probe_ok ext4 /dev/vda3
expect_root_found "PARTUUID=$GPT_ROOT_PARTUUID" /dev/vda3 ext4
