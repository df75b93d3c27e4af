#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A squashfs root by PARTLABEL= on a GPT disk, detected by libblkid (no rootfstype=): the
# generic image carries squashfs, and the probe runs on it read-only.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree root
disk_squashfs root.sqfs root
disk_gpt_images disk.img "root.sqfs:16000001-0000-4000-8000-000000000001:firmware-a"
attach disk.img

boot root=PARTLABEL=firmware-a
expect_root_found PARTLABEL=firmware-a /dev/vda1 squashfs
expect_probe_ok squashfs /dev/vda1 ro
