#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Three wrong passphrases: three prompts, a message after each naming the try, then baton's
# fatal path naming the device: no kernel panic, no fourth prompt, no endless loop (QEMU exits
# through panic=-1's reboot).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=1351b2c3-d4e5-4f60-8172-839405162738
fs_uuid=135f0e0d-0c0b-4a09-8807-060504030205
root_tree root
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass right
attach root.img
luks_initramfs initrd.img

prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" wrong1 wrong2 wrong3 right
boot --initrd initrd.img "root=UUID=$fs_uuid" rd.shell=0
expect_count "$prompt" 3 "three tries, the default"
for t in 1 2 3; do
	expect_baton "No key available with this passphrase for /dev/vda \\(luks-$luks_uuid\\): try $t of 3"
done
expect_fatal "fatal: could not unlock /dev/vda \\(luks-$luks_uuid\\): wrong passphrase 3 times"
expect_not 'BATON-PROBE' "the right passphrase, typed fourth, is never asked for"
