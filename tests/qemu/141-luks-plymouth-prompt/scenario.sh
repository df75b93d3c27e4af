#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plymouth asks: an image made with --plymouth (Debian's plymouth, details theme) boots with
# "splash", so the stock hook starts plymouthd before the root is looked for; baton finds the
# LUKS2 disk and asks through `plymouth ask-for-password`, whose details theme prints the
# prompt on the serial console and reads the answer typed there; the disk unlocks and the
# probe runs. baton's own console prompt never appears.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=141a1b2c-3d4e-4f50-8a61-72b3c4d5e6f7
fs_uuid=141f0e0d-0c0b-4a09-8807-060504030201
pass='plymouth asked'
root_tree root
luks_disk root.img 32 --uuid "$luks_uuid" --fs-uuid "$fs_uuid" --dir root --pass "$pass"
attach root.img

# The installed system: cryptsetup (luks_base_tree) and the host's plymouth, details theme.
base=$WORK/luks-base
luks_base_tree "$base"
luks_plymouth_tree "$base"
luks_initramfs initrd.img --plymouth

# The details theme redraws the line with one '*' per key typed (ESC [2K between).
prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid" splash rd.shell=0
expect '] baton: hook early/10-plymouthd: done in' "plymouthd started in the initramfs"
expect "^$prompt(\$|\\*|.\\[2K)" "plymouth printed the prompt, one ':' at its end"
expect_not "$prompt:" "the prompt's ':' once, not plymouth's after baton's"
expect "$prompt\\*{${#pass}}\$" "plymouth showed a '*' for each character typed"
expect_not 'baton: asking for the passphrase on' "baton's own console prompt"
expect_not 'plymouth did not ask for the passphrase' "plymouth answered"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
# plymouthd lives on into the probe (an @ process) holding the serial terminal; in one of the
# first two boots the probe's last lines (boottime=, OK) never reached the log before the
# power-off, so the checks stop before them.
expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
expect '^BATON-PROBE: mountinfo [0-9]+ [0-9]+ [0-9]+:[0-9]+ / / ro[, ].* - ext4 /dev/dm-0 ' \
	"/ is the unlocked ext4"
expect '^BATON-PROBE: proc [0-9]+ root=new cwd=new cmdline=@lymouthd ' "plymouthd moved along"
expect_switch_path
expect_not "$pass" "the passphrase is never echoed or logged"
