#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The init passes every check but the kernel cannot run it (an ELF for another machine:
# execve fails with ENOEXEC after the switch): baton goes back into the initramfs, which must
# still be whole (MS_MOVE path: the deferred deletion is called off), and takes the failure
# path there.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=7e8f9a0b-1c2d-4e3f-8a4b-67e3f4a5b6c7
# ELF e_machine (2 bytes at offset 18, little-endian): 183 is EM_AARCH64.
readonly E_MACHINE_OFFSET=18
# The initramfs's own files: -xdev leaves out what is mounted (/proc, /sys, /run), and /dev is
# left out whole (the image's own /dev/console shows once devtmpfs has moved to the new root).
hook hooks early 10-count <<'HOOK'
echo "files=$(find / -xdev -path /dev -prune -o -print | wc -l)"
HOOK
# The sleep gives a deletion that was not called off time to show.
hook hooks failure 10-show <<'HOOK'
sleep 1
echo "files=$(find / -xdev -path /dev -prune -o -print | wc -l)"
echo "top: $(ls / | tr '\n' ' ')"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
printf '\267\000' | dd of=root/sbin/init bs=1 seek="$E_MACHINE_OFFSET" conv=notrunc status=none
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid" rd.emergency=reboot
expect_switch_path
expect '] baton: starting /sbin/init$' "the init passed validation"
expect '] baton: executing /sbin/init failed: Exec format error$' "ENOEXEC from execve"
expect '] baton: fatal: the switch to the new root failed; back in the initramfs$'
expect_hook failure/10-show 'top: .*\binit\b.*\blib\b' "the failure hook runs in the initramfs"
expect_within "$(log_value 'hook early/10-count:' files)" \
	"$(log_value 'hook failure/10-show:' files)" 0 0 "initramfs files at early and at failure"
expect '] baton: rebooting now$' "rd.emergency=reboot"
expect_not '^BATON-PROBE:' "no init ran"
