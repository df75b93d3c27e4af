#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# After exec of the real init fails (an ELF for another machine), baton is back in the
# initramfs with /dev, /proc and /sys moved back out of the new root, so the failure hooks and
# the rescue shell have their API filesystems (MS_MOVE path and pivot_root path). The new root
# mounted its own /run (a mount hook), so the initramfs's was detached at the switch: a new
# one is mounted.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=68a1b2c3-d4e5-4f60-8a71-b2c3d4e5f607
# ELF e_machine (2 bytes at offset 18, little-endian): 183 is EM_AARCH64.
readonly E_MACHINE_OFFSET=18
hook hooks mount 10-own-run <<'HOOK'
mount -t tmpfs -o mode=0755 tmpfs "$BATON_ROOT/run" && echo "mounted a tmpfs on $BATON_ROOT/run"
HOOK
# A mount point is on another device than /; an API directory left empty is not. Each check
# prints its own line, so a failure names what is missing.
hook hooks failure 10-api <<'HOOK'
root=$(stat -c %d /)
ok=1
for p in /dev /proc /sys /run; do
	if [ "$(stat -c %d "$p")" != "$root" ]; then echo "has $p mounted"; else echo "lacks $p mounted"; ok=0; fi
done
for p in /proc/self/stat /sys/kernel /dev/null; do
	if [ -e "$p" ]; then echo "has $p"; else echo "lacks $p"; ok=0; fi
done
[ "$ok" = 1 ] && echo "BATON-API-MOUNTS ok"
echo "top: $(ls / | tr '\n' ' ')"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
printf '\267\000' | dd of=root/sbin/init bs=1 seek="$E_MACHINE_OFFSET" conv=notrunc status=none
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid" rd.emergency=reboot
expect_switch_path
expect_hook mount/10-own-run 'mounted a tmpfs on /sysroot/run$' "the new root has its own /run"
expect '] baton: executing /sbin/init failed: Exec format error$' "ENOEXEC from execve"
expect '] baton: fatal: the switch to the new root failed; back in the initramfs$'
expect_hook failure/10-api 'top: .*\binit\b.*\blib\b' "the failure hook runs in the initramfs"
for p in /dev /proc /sys /run; do
	expect_hook failure/10-api "has $p mounted\$" "$p is a mount in the initramfs again"
done
for p in /proc/self/stat /sys/kernel /dev/null; do
	expect_hook failure/10-api "has $p\$" "$p is there for the failure hook"
done
expect_hook failure/10-api 'BATON-API-MOUNTS ok$' "every API filesystem is back"
expect_baton '/run was not there to move back into the initramfs: mounted a new tmpfs on it$' \
	"the initramfs's /run was detached at the switch"
expect '] baton: rebooting now$' "rd.emergency=reboot"
expect_not '^BATON-PROBE:' "no init ran"
