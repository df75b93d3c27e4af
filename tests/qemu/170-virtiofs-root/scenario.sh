#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=virtiofs:TAG (dracut's form): a host directory served by QEMU's virtiofsd, mounted
# read-only (the default ro) with a tmpfs overlay; baton waits for no disk (there is none),
# the real init writes to /, and the host directory is unchanged.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

root_tree_writer root
share_virtiofs root hostroot

boot root=virtiofs:hostroot
expect_baton 'mounted the virtiofs share "hostroot" on /sysroot after [0-9]+ ms'
expect_not 'baton: waiting for root device' "a share is not waited for as a disk"
expect_overlay_root virtiofs hostroot
[[ ! -e root/written ]] || _fail "the write reached the host directory"
