#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootfstype=9p root=TAG on a read-only 9p share (QEMU readonly=on): baton adds trans=virtio,
# version=9p2000.L and msize=524288 to rootflags=, mounts it ro with a tmpfs overlay, the real
# init writes to /, and the host directory is unchanged.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree_writer root
share_9p root hostroot --ro

boot rootfstype=9p root=hostroot rootflags=cache=loose
expect_baton 'mounting the 9p share "hostroot" \(trans=virtio,version=9p2000.L,msize=524288,cache=loose,ro\)'
expect_overlay_root 9p hostroot
# Linux 6.1's virtio transport caps msize at 125 pages (512000); later kernels take 524288.
expect '^BATON-PROBE: mount .* /run/baton/lower ro[, ].* - 9p hostroot .*msize=(524288|512000)' \
	"the share has the large msize"
[[ ! -e root/written ]] || _fail "the write reached the host directory"
