#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton.shutdown=0 turns the shutdown return off at boot: the image asks for it (--shutdown),
# but baton leaves /run/initramfs empty and says so, systemd-shutdown finds no
# /run/initramfs/shutdown and reboots by itself (the Debian of 191, straight to reboot.target).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

shutdown_boot systemd.unit=reboot.target baton.shutdown=0
expect_baton 'baton.shutdown=0: /run/initramfs/shutdown not prepared' "the key was read"
expect_not 'baton: shutdown: [0-9]+ files? ' "nothing copied"
expect 'systemd-shutdown\[1\]: Rebooting\.' "systemd rebooted by itself"
expect_not '(Returning to initrd|Entering exitrd)' "no return to the initramfs"
expect_not 'baton: shutdown: back in the initramfs' "baton's shutdown program did not run"
expect '(^|\] )reboot: Restarting system' "the kernel restarted the machine"
