#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=PARTLABEL= on a GPT disk with an ESP, swap, the root and another bootable ext4.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

root_tree root
root_tree other
disk_gpt_esp disk.img root other
attach disk.img

boot "root=PARTLABEL=$GPT_ROOT_PARTLABEL"
expect_probe_ok ext4 /dev/vda3
expect_root_found "PARTLABEL=$GPT_ROOT_PARTLABEL" /dev/vda3 ext4
