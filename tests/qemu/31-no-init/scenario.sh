#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The root mounts but holds no init at all: baton refuses to switch, reports, and reboots.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=2b3c4d5e-6f7a-4b1c-9d2e-3f4a5b6c7d80
mkdir -p root/{dev,proc,sys,run,tmp,sbin,bin}
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" init=/sbin/nothing-here
expect "baton: fatal:" "the fatal report"
expect_not 'BATON-PROBE:' "no init ran"
