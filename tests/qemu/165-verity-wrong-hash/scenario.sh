#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# roothash= that is not the tree's (slot B's hash given for slot A's devices): veritysetup
# refuses, baton says so, mounts nothing and takes the failure path, so the reboot panic=
# asks for lets a boot counter switch slots.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin
initramfs_verity

root_tree root
disk_squashfs root.sqfs root
verity_format root.sqfs root.verity >/dev/null
wrong=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
attach root.sqfs
attach root.verity

boot --initrd "$VERITY_INITRD" "roothash=$wrong" systemd.verity_root_data=/dev/vda \
	systemd.verity_root_hash=/dev/vdb
expect_baton "reading the first block of /dev/mapper/root failed \\(I/O error\\): the root hash $wrong does not match the hash tree on /dev/vdb"
expect_fatal 'fatal: the dm-verity root could not be opened: not mounting an unverified root'
expect_baton 'rebooting' "the failure path reboots (panic=-1)"
expect_not 'baton: mounting ' "nothing was mounted"
