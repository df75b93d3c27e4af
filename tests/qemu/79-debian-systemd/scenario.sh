#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A whole Debian bookworm with systemd and plymouth boots through baton: systemd reaches
# multi-user.target with no failed unit of the hand-off's making, and plymouthd, started in
# the initramfs and told to move by the pre-switch hook, lives in the new root like every other
# process. The tree is debootstrapped once and the disk image made once (mkdebian.sh, cached);
# the overlay root/ adds the guest's own checks (usr/local/sbin/baton-check, two units), which
# print "BATON-DEBIAN:" lines on ttyS0 and power off, and masks the serial getty (its hangup of
# ttyS0 would cut those lines off).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
here=$(cd "$(dirname "$0")" && pwd)
scenario_begin

uuid=1c2d3e4f-5a6b-4c7d-8e9f-79c7d8e9f0a1
# The TCG boot to the power-off takes 30-50 s here; the outer limit leaves room for a slow machine.
readonly DEBIAN_BOOT_TIMEOUT=300
# Failed units that would point at the hand-off: plymouth, the root, udev, journald, the API
# file systems baton moved.
readonly HANDOFF_UNITS_RE='[^ ]*(plymouth|remount-fs|fsck-root|initrd|udev|journald)[^ ]*|(-|dev|proc|sys|run)\.mount'

img=$("$here/../mkdebian.sh" --overlay "$here/root" --uuid "$uuid")
tree=$("$here/../mkdebian.sh" --tree)
# The image's plymouth, theme and configuration are the root's own, as update-initramfs does.
base_tree "$WORK/base" "$tree"
cp -a --remove-destination "$here/root/etc/plymouth/." "$WORK/base/etc/plymouth/"
# What runs just before the switch (plymouthd must be there, as "@plymouthd").
hook hooks pre-switch 95-processes <<'HOOK'
ps -o pid,args | sed -n 's/^ *\([0-9][0-9]*\) \([^[].*\)/alive: \1 \2/p'
HOOK
initramfs_make initrd.img -b "$WORK/base" --plymouth --hook "$PWD/hooks"
attach_snapshot "$img"

boot --initrd initrd.img --mem 1024 --timeout "$DEBIAN_BOOT_TIMEOUT" "root=UUID=$uuid" splash
expect_switch_path
expect '] baton: hook early/10-plymouthd: done in' "plymouthd started in the initramfs"
expect '] baton: hook pre-switch/90-plymouth-newroot: done in' "plymouthd told to move"
expect_not 'plymouth: update-root-fs failed' "plymouthd answered"
expect '] baton: hook pre-switch/95-processes: alive: [0-9]+ (\{plymouthd\} )?@' \
	"plymouthd marked itself to survive"
expect '] baton: starting /sbin/init$'
expect '^BATON-DEBIAN: plymouthd pid=[0-9]+ root=new argv0=@' \
	"plymouthd, an @ process, moved to the new root"
expect_not '^BATON-DEBIAN: outside ' "no process pins the old root"
expect '^BATON-DEBIAN: early done$'
expect '^BATON-DEBIAN: is-system-running=(running|degraded)$' "systemd finished booting"
expect '^BATON-DEBIAN: multi-user.target=active$'
# systemd 252 learns no initrd time from a non-systemd initrd (it reads no RD_TIMESTAMP any
# more; systemd#32726: only a systemd initrd shows "(initrd)"), so baton's phase counts as the
# kernel's there, and baton passes the real init exactly the kernel's environment.
expect '^BATON-DEBIAN: analyze Startup finished in .* \(kernel\) .*\+ .* \(userspace\)' \
	"systemd-analyze ran"
expect '^BATON-DEBIAN: findmnt /dev/vda +ext4 +rw' "the root, remounted rw from fstab"
expect '^BATON-DEBIAN: report done$'
if grep -q '^BATON-DEBIAN: failed-unit ' "$WORK/console.log"; then
	note "failed units: $(sed -n 's/^BATON-DEBIAN: failed-unit //p' "$WORK/console.log" | tr '\n' ';')"
fi
expect_not "^BATON-DEBIAN: failed-unit ($HANDOFF_UNITS_RE) " "a failed unit of the hand-off"
