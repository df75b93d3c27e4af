#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plymouth asks, and the person at the machine has a German keyboard: the installed system has
# plymouth (details theme) and Debian's console-setup with XKBLAYOUT=de (140's settings), so
# the image carries both. baton loads the keymap before it hands the question to plymouth;
# Debian 12's plymouth (22.02) has no evdev or xkbcommon input: it reads the characters of
# the VT, which the kernel's keymap makes, so the German keymap is what its answer needs. The
# passphrase is typed as key presses on QEMU's PS/2 keyboard to the VGA console (tty1), with
# "y", "z", "-" and "ö", on other keys in the US layout: the disk unlocks only if the keymap
# was loaded before plymouth asked (without it, three wrong tries).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=143a1b2c-3d4e-4f50-8a61-72b3c4d5e6f7
fs_uuid=143f0e0d-0c0b-4a09-8807-060504030201
pass=$LUKS_DE_PASS keys=$LUKS_DE_KEYS
root_tree root
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach root.img

base=$WORK/luks-base
luks_base_tree "$base"
luks_plymouth_tree "$base"
luks_keymap_de_tree "$base"
luks_initramfs initrd.img --plymouth

prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
vga_console
# Three rounds: a boot without the keymap asks three times and ends in the fatal path.
sendkeys "$prompt" "$keys" "$keys" "$keys"
boot --initrd initrd.img "root=UUID=$fs_uuid" console=tty0 console=ttyS0 splash rd.shell=0
expect '] baton: hook early/10-plymouthd: done in' "plymouthd started in the initramfs"
expect_baton 'loaded the console keymap /etc/console-setup/cached_UTF-8_del\.kmap \(loadkeys on /dev/tty0\)$'
keymap_line=$(grep -nm1 'loaded the console keymap' "$WORK/console.log" | cut -d: -f1) || true
prompt_line=$(grep -Enm1 -- "$prompt" "$WORK/console.log" | cut -d: -f1) || true
if [[ -z $keymap_line || -z $prompt_line ]] || ((keymap_line > prompt_line)); then
	_fail "the keymap was not loaded before plymouth asked (lines ${keymap_line:-none}, ${prompt_line:-none})"
fi
expect_not 'baton: asking for the passphrase on' "plymouth asked, not baton's own prompt"
expect_not 'plymouth did not ask for the passphrase' "plymouth answered"
expect_not 'No key available with this passphrase' "the keys typed give the passphrase"
expect_count "^$prompt" 1 "plymouth asked once"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
expect_not "$pass" "the passphrase is never echoed or logged"
