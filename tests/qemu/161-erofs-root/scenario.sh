#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An erofs root on a whole disk by UUID= (erofs has one), with rootfstype=erofs as an embedded
# boot entry would name it: the generic image carries erofs.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

uuid=16100001-2b3c-4d5e-8f60-7a8b9c0d1e2f
root_tree root
disk_erofs root.img root "$uuid"
attach root.img

boot "root=UUID=$uuid" rootfstype=erofs
expect_root_found "UUID=$uuid" /dev/vda erofs
expect_probe_ok erofs /dev/vda ro
