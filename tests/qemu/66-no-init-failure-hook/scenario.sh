#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The new root has no init at all (init=, /sbin/init, /etc/init, /bin/init, /bin/sh): baton
# refuses to switch and takes the failure path in the intact initramfs: the failure hook runs
# there and finds every file the early hook counted, then rd.emergency=reboot reboots instead
# of starting the rescue shell (which would wait for a person at the console).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=6d7e8f9a-0b1c-4d2e-8f3a-66d2e3f4a5b6
# The initramfs's own files: -xdev leaves out what is mounted (/proc, /sys, /run), and /dev is
# left out whole (the image's own /dev/console shows once devtmpfs has moved to the new root).
hook hooks early 10-count <<'HOOK'
echo "files=$(find / -xdev -path /dev -prune -o -print | wc -l)"
HOOK
hook hooks failure 10-show <<'HOOK'
echo "BATON-FAILURE-HOOK running"
echo "files=$(find / -xdev -path /dev -prune -o -print | wc -l)"
echo "top: $(ls / | tr '\n' ' ')"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
mkdir -p root/{dev,proc,sys,run,tmp,sbin,bin,etc}
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot --initrd initrd.img "root=UUID=$uuid" init=/sbin/nothing-here rd.emergency=reboot
expect '] baton: no init can run from the new root: tried /sbin/nothing-here, /sbin/init' \
	"what was tried"
expect '] baton: fatal: not switching to the new root; the initramfs is intact$'
expect_hook failure/10-show 'BATON-FAILURE-HOOK running$' "the failure hook ran"
expect_hook failure/10-show 'top: .*\binit\b.*\blib\b' "the initramfs's / is there"
expect_within "$(log_value 'hook early/10-count:' files)" \
	"$(log_value 'hook failure/10-show:' files)" 0 0 "initramfs files at early and at failure"
expect '] baton: rebooting now$' "rd.emergency=reboot"
expect_not 'starting /bin/sh on the console' "no shell with rd.emergency=reboot"
expect_not '^BATON-PROBE:' "no init ran"
