#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# init= names an absolute symlink whose target exists only inside the new root.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=6c5d4e3f-2a1b-4c0d-9e8f-7a6b5c4d3e20
root_tree root --init /opt/probe/init --link /bin/custom-init=/opt/probe/init
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" init=/bin/custom-init
expect_probe_ok ext4 /dev/vda
expect '^BATON-PROBE: argv\[0\]=/bin/custom-init$' "argv[0] is init= as written"
