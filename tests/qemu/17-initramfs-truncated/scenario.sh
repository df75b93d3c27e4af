#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generic image cut to half its length (a truncated zstd stream, as a full /boot leaves it):
# the kernel says "Initramfs unpacking failed" and runs /init from the part it unpacked; baton
# names the module index the image lacks and what to do, then fails the boot as the command
# line says: no kernel panic, no hang, no boot that pretends all is well.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=17a1b2c3-d4e5-4f60-8a71-b2c3d4e5f617
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img
size=$(stat -c %s "$BATON_INITRD")
head -c "$((size / 2))" "$BATON_INITRD" >cut.img
note "kept $((size / 2)) of the $size bytes of $BATON_INITRD"

boot --initrd cut.img --timeout 90 "root=UUID=$uuid" rd.timeout=5
expect '^\[ *[0-9.]+\] Initramfs unpacking failed: ' "the kernel reports the damage"
expect_baton 'started, root=' "/init was unpacked before the damage, so baton ran"
expect_baton "module index /lib/modules/$(re_quote "$KVER")/modules\\.dep\\.bin is missing: the image is incomplete or damaged .*regenerate the image" \
	"baton names the index it lacks and what to do"
expect_not 'baton: module [^ ]+ is not in this image' "no advice to add a module the image has"
expect_fatal "fatal: root device UUID=$uuid did not appear within 5 s"
expect_baton 'no driver could be loaded: the module index .* (is missing|is damaged)' \
	"the fatal report says why no driver loaded"
