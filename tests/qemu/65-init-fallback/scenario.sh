#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# init= names a program the new root does not have: baton says so, falls back to the kernel's
# list (/sbin/init first) and boots.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=5c6d7e8f-9a0b-4c1d-8e2f-65c1d2e3f4a5
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" init=/sbin/not-installed
expect_probe_ok ext4 /dev/vda
expect '] baton: init=/sbin/not-installed cannot run from the new root: ' "why init= was refused"
expect '] baton: using /sbin/init as the init instead$' "the fallback is announced"
expect '^BATON-PROBE: argv\[0\]=/sbin/init$' "the fallback ran"
