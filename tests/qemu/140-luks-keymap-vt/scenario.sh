#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A German keyboard at the machine's own screen: the installed system's console-setup says
# XKBLAYOUT=de (its keymap compiled by ckbcomp as setupcon --save-only caches it, its font
# named by CODESET/FONTFACE/FONTSIZE), mkinitramfs carries keymap, font, loadkeys and setfont,
# and baton loads them before its first passphrase prompt, which it shows on the VGA console
# (tty0) as well as the serial one. The passphrase is typed as key presses on QEMU's PS/2
# keyboard; it has "y", "z", "-" and "ö", which sit on other keys in the US layout, so the
# disk unlocks only if the German keymap was loaded (without it, three wrong tries).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=140a1b2c-3d4e-4f50-8a61-72b3c4d5e6f7
fs_uuid=140f0e0d-0c0b-4a09-8807-060504030201
pass=$LUKS_DE_PASS keys=$LUKS_DE_KEYS
root_tree root
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach root.img

# The installed system's German keyboard settings, as Debian's installer leaves them.
base=$WORK/luks-base
luks_base_tree "$base"
luks_keymap_de_tree "$base"
luks_initramfs initrd.img

prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
vga_console
# Three rounds: a boot without the keymap asks three times and ends in the fatal path.
sendkeys "$prompt" "$keys" "$keys" "$keys"
boot --initrd initrd.img "root=UUID=$fs_uuid" console=tty0 console=ttyS0 rd.shell=0
expect_baton 'loaded the console keymap /etc/console-setup/cached_UTF-8_del\.kmap \(loadkeys on /dev/tty0\)$'
expect_baton 'loaded the console font /usr/share/consolefonts/Uni2-Fixed16\.psf on /dev/tty0$'
expect_baton 'asking for the passphrase on /dev/tty0 /dev/ttyS0$' "the VGA console and the serial one"
keymap_line=$(grep -nm1 'loaded the console keymap' "$WORK/console.log" | cut -d: -f1) || true
prompt_line=$(grep -Enm1 -- "$prompt" "$WORK/console.log" | cut -d: -f1) || true
if [[ -z $keymap_line || -z $prompt_line ]] || ((keymap_line > prompt_line)); then
	_fail "the keymap was not loaded before the prompt (lines ${keymap_line:-none}, ${prompt_line:-none})"
fi
expect_not 'No key available with this passphrase' "the keys typed give the passphrase"
expect_count "$prompt" 1 "one prompt"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_probe_ok ext4 /dev/dm-0
expect_not "$pass" "the passphrase is never echoed or logged"
