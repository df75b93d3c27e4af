#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A verity root whose first data block was changed after the hash tree was made: the root
# hash still matches the tree, so veritysetup opens it, but the kernel refuses the block; the
# root is never mounted, no init runs, and the boot ends in the failure path (panic= reboot).
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
hash=$(verity_format root.sqfs root.verity)
# One byte of the squashfs superblock's padding area: block 0 no longer matches its hash.
printf '\x5a' | dd of=root.sqfs bs=1 seek=200 conv=notrunc status=none
disk_gpt_images disk.img "root.sqfs:$(verity_data_partuuid "$hash"):data" \
	"root.verity:$(verity_hash_partuuid "$hash"):hash"
attach disk.img

boot --initrd "$VERITY_INITRD" "roothash=$hash"
expect 'device-mapper: verity: .*data block 0 is corrupted' "the kernel refused the block"
expect_baton 'reading the first block of /dev/mapper/root failed \(I/O error\)'
expect_fatal 'fatal: the dm-verity root could not be opened'
expect_not '^BATON-PROBE:' "no init ran from a corrupt root"
