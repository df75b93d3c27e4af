#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The default /sbin/init is a chain of absolute symlinks through a merged-/usr /lib link.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=7d6e5f4a-3b2c-4d1e-8f9a-0b1c2d3e4f50
root_tree root --init /usr/lib/probe/init-real \
	--dir /usr/lib --link /lib=usr/lib \
	--link /lib/probe/init-chain=/usr/lib/probe/init-real \
	--link /sbin/init=/lib/probe/init-chain
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vda
expect '^BATON-PROBE: argv\[0\]=/sbin/init$' "argv[0] is the path tried, not the link target"
