#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A root that never appears: a fatal report naming it after rd.timeout, then a reboot (panic=-1
# with -no-reboot ends QEMU), and never a kernel panic. root= is one character off the disk's
# UUID: the report reads every disk's tags (the search reads them only as it needs them) and
# points at the near miss.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

present=5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d
missing=5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1e
root_tree root
disk_ext4 root.img 16 --uuid "$present" --dir root
attach root.img

boot --timeout 90 "root=UUID=$missing" rd.timeout=5
expect "baton: fatal:.*did not appear" "the fatal report"
expect "baton: .*UUID=$missing" "the report names root= as written"
expect "baton: .*vda" "the report lists the block devices seen"
expect "baton: +/dev/vda [0-9:]+ TYPE=\"ext4\" UUID=\"$present\"" "the report gives the disk's tags"
expect "baton: hint: /dev/vda has UUID=$present, close to the UUID=$missing asked for" \
	"the report points at the near miss"
expect_elapsed 'Run /init as init process' 'baton: fatal:' 4.5 20
expect_not 'BATON-PROBE:' "no init ran"
