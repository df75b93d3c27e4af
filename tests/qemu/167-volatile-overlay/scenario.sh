#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd.volatile=overlay over an ext4 root: the real init writes to /, which is an overlay
# with a tmpfs upper layer; the root as mounted is read-only under /run/baton/lower, and the
# disk is byte for byte unchanged after the boot.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

uuid=16700001-2b3c-4d5e-8f60-7a8b9c0d1e2f
root_tree_writer root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
before=$(sha256sum <root.img)

boot "root=UUID=$uuid" systemd.volatile=overlay
expect_overlay_root ext4 /dev/vda
expect_baton 'the root is an overlay: .* changes on a tmpfs'
[[ $(sha256sum <root.img) == "$before" ]] || _fail "the root disk changed during the boot"
