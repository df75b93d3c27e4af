#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The new root's /run is an absolute symlink to /var/run (older Debian layouts had it the
# other way round): baton resolves it inside the new root, so the initramfs's /run lands on
# the root's /var/run, not on a /var/run of the initramfs.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=69b2c3d4-e5f6-4a71-9b82-c3d4e5f60718
root_tree root --dir /var/run
rmdir root/run
ln -s /var/run root/run
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid"
expect_probe_ok ext4 /dev/vda
expect '^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ / /var/run [a-z]+[, ].* - tmpfs ' \
	"/run of the initramfs is mounted on the root's /var/run"
expect_not '^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ /run ' \
	"nothing is mounted over the symlink itself"
