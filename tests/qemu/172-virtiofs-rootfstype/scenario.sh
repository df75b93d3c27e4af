#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootfstype=virtiofs root=TAG rw (the kernel's and mkosi's form), the share writable: no
# overlay, the real init's write lands in the host directory.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree_writer root
rm -f root/written
share_virtiofs root hostroot

boot rootfstype=virtiofs root=hostroot rw
expect_baton 'mounted the virtiofs share "hostroot" on /sysroot'
expect '^BATON-PROBE: mountinfo [0-9]+ [0-9]+ 0:[0-9]+ / / rw[, ].* - virtiofs hostroot ' \
	"/ is the share itself, writable"
expect '^BATON-WRITE: ok$' "the real init wrote to /"
expect_not 'baton: the root is an overlay' "no overlay on a writable share"
grep -q 'written by the real init' root/written 2>/dev/null ||
	_fail "the write did not reach the host directory"
