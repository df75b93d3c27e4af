#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd.volatile=yes on a merged-/usr root: / is a fresh tmpfs holding only /usr of the root
# device (read-only) and the /sbin -> usr/sbin link, through which the default init is found;
# the rest of the root device stays readable under /run/baton/lower.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=17300001-2b3c-4d5e-8f60-7a8b9c0d1e2f
root_tree root --dir /usr/sbin --link /sbin=usr/sbin --init /usr/sbin/init
echo state >root/etc-only-on-disk
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" systemd.volatile=yes
expect_baton 'the root is a tmpfs \(systemd.volatile=yes\) with /usr from the root device'
expect '^BATON-PROBE: OK$' "the probe init reached its end"
expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
expect '^BATON-PROBE: mountinfo [0-9]+ [0-9]+ 0:[0-9]+ / / rw[, ].* - tmpfs tmpfs ' "/ is a tmpfs"
expect '^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ /usr /usr ro[, ].* - ext4 /dev/vda ' \
	"/usr is the root device's /usr, read-only"
expect '^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ / /run/baton/lower ro[, ].* - ext4 /dev/vda ' \
	"the whole root device under /run/baton/lower"
expect_switch_path
