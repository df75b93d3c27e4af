#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootwait=5 and the root never comes: after 5 s the fatal report lists the one disk there is,
# with its tags, and QEMU exits; no kernel panic.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

missing=92f5a6b7-c8d9-4ea0-8fb1-2a3b4c5d6e70
other=92f5a6b7-c8d9-4ea0-8fb1-2a3b4c5d6e71
mkdir -p empty
disk_ext4 other.img 8 --uuid "$other" --label other --dir empty
attach other.img

boot --timeout 90 "root=UUID=$missing" rootwait=5
expect_fatal "fatal: root device UUID=$missing did not appear within 5 s"
expect_baton 'block devices seen \(1\):' "the devices seen"
expect_baton "  /dev/vda [0-9]+:0 TYPE=\"ext4\" UUID=\"$other\" LABEL=\"other\"" "the disk with its tags"
expect_elapsed 'baton: waiting for root device' 'baton: fatal: root device' 4.5 15
