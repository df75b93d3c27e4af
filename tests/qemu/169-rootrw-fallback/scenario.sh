#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rootrw= naming a partition that is not there: after a bounded wait baton warns that changes
# will not persist and falls back to a tmpfs upper layer; the system still boots writable.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree_writer root
disk_squashfs root.sqfs root
attach root.sqfs

boot root=/dev/vda rootrw=LABEL=no-such-state
expect_baton 'the rootrw= device LABEL=no-such-state did not appear within 10 s'
expect_baton 'the persistent upper layer rootrw=LABEL=no-such-state is not usable: using a tmpfs'
expect_overlay_root squashfs /dev/vda
expect_baton 'the root is an overlay: /dev/vda read-only under /run/baton/lower, changes on a tmpfs'
