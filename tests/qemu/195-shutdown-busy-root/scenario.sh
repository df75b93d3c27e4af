#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The old root is still busy when baton's shutdown program starts, and comes free a moment
# later: scenario 190's Debian with baton-test.busy-root on the command line starts a stand-in
# root storage daemon (79-debian-systemd/root/usr/local/sbin/baton-busy-root) that survives
# systemd's kill as "@...", runs from /run/initramfs (so baton spares it too), holds a file on
# the root open for writing and its working directory in /proc, and leaves 1.5 s after the
# hand-over. baton waits for the busy file systems instead of detaching them lazily at once:
# the old root is unmounted for real and the ext4 on the disk is clean. (Seen for real on
# sid's kernel under load: the root stayed busy a while after systemd-shutdown killed a udev
# worker, and the disk needed a journal replay.)
# kernels: bookworm
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

shutdown_boot baton-test.busy-root
expect '^BATON-DEBIAN: busy-root holds the root from /run/initramfs$' "the stand-in daemon ran"
expect '^BATON-DEBIAN: multi-user.target=active$' "Debian booted before powering off"
expect_baton 'shutdown: /oldroot[^ ]*( and [0-9]+ more)? still busy; waiting up to [0-9]+ ms for (it|them) to come free$' \
	"the shutdown program found the old root busy"
expect_not '(^|\] )baton: shutdown: killing process [0-9]+ \(perl\)' \
	"the daemon, running from the initramfs, was spared"
expect_baton 'shutdown: the busy file systems came free after [0-9]+ ms$'
expect_shutdown_return poweroff
expect '(^|\] )reboot: Power down' "the kernel powered the machine off"
expect_ext4_clean root.img
