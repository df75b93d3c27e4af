#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd's return to the initramfs at reboot: the Debian of scenario 190 booted straight into
# reboot.target (systemd.unit=), so systemd-shutdown hands over with "reboot"; baton's shutdown
# program unmounts the old root and reboots (QEMU's -no-reboot ends the run there: the kernel's
# "Restarting system" line, not "Power down", tells the two apart), and the root is clean.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

shutdown_boot systemd.unit=reboot.target
expect_shutdown_return reboot
expect '(^|\] )reboot: Restarting system' "the kernel restarted the machine"
expect_not '(^|\] )reboot: Power down' "not a power-off"
expect_ext4_clean root.img
