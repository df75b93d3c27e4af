#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd's return to the initramfs at power-off: Debian with systemd (scenario 79's tree and
# overlay, whose report unit powers off once multi-user.target is reached) boots through an
# image made with --shutdown; baton copies itself to /run/initramfs before the switch,
# systemd-shutdown execs it there at the end, and it unmounts the old root, syncs and powers
# off. QEMU exits by the power-off (not its timeout), and the ext4 root on the disk, a
# writable copy of the cached image, is clean afterwards (dumpe2fs).
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-shutdown.sh
. "$(dirname "$0")/../lib-shutdown.sh"
scenario_begin

# shellcheck disable=SC2119 # no kernel arguments beyond root=
shutdown_boot
expect '^BATON-DEBIAN: multi-user.target=active$' "Debian booted before powering off"
expect_shutdown_return poweroff
expect '(^|\] )reboot: Power down' "the kernel powered the machine off"
expect_not '(^|\] )reboot: Restarting system' "not a reboot"
expect_ext4_clean root.img
