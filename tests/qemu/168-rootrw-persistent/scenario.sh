#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A squashfs root with a persistent upper layer on rootrw=LABEL= (ext4, rootrwfstype= and
# rootrwoptions= as meta-readonly-rootfs-overlay names them): what the real init writes to /
# lands in upperdir/ of that partition, and the read-only root stays under /run/baton/lower.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree_writer root
disk_squashfs root.sqfs root
disk_ext4 rw.img 16 --label state
attach root.sqfs
attach rw.img

boot root=/dev/vda rootrw=LABEL=state rootrwfstype=ext4 rootrwoptions=noatime
expect_overlay_root squashfs /dev/vda
expect_baton 'the root is an overlay: /dev/vda read-only under /run/baton/lower, changes on LABEL=state'
expect_mount /run/baton/rw ext4 /dev/vdb rw
debugfs -R 'cat /upperdir/written' rw.img 2>/dev/null | grep -q 'written by the real init' ||
	_fail "the write did not reach upperdir/written on the rootrw= partition"
