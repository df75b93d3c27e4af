#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Processes an early hook leaves running: a plain daemon is stopped before the switch, one whose
# argv[0] starts with '@' (systemd's root-storage-daemon convention) survives into the real
# system.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=4b5c6d7e-8f9a-4b1c-8d2e-73b1c2d3e4f5
# busybox applets cannot run as "@name" (busybox picks the applet by argv[0]): the keeper is
# the probe, which only sleeps when started under an "@" name.
hook hooks early 10-daemons <<HOOK
sleep 1000 </dev/null >/dev/null 2>&1 &
(exec -a @keeper $KEEPER_PATH) </dev/null >/dev/null 2>&1 &
echo "started sleep and @keeper"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vda
expect_hook early/10-daemons 'started sleep and @keeper$'
expect '] baton: stopping 1 process started from the initramfs$' "the sleep, and only it"
expect_not 'were killed' "the sleep went at SIGTERM"
expect_not '^BATON-PROBE: proc [0-9]+ .*cmdline=sleep' "the plain daemon is gone"
expect '^BATON-PROBE: proc [0-9]+ .* cmdline=@keeper$' "the @ process survived the switch"
if kernel_has_nullfs; then
	# pivot_root moves every process whose root or working directory was the old root.
	expect '^BATON-PROBE: proc [0-9]+ root=new cwd=new cmdline=@keeper$' \
		"pivot_root took the @ process along into the new root"
else
	# MS_MOVE and chroot change only PID 1's root (and the kernel threads' sharing it): no
	# call moves another process, so an @ process stays in the old, emptied initramfs unless
	# it moves itself, as plymouthd does when told (plymouth update-root-fs).
	expect '^BATON-PROBE: proc [0-9]+ root=other cwd=other cmdline=@keeper$' \
		"the @ process keeps the old root: nothing but pivot_root can move it"
fi
