#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Command-line words the kernel leaves to init reach the real init unchanged: `single` as
# argv, `batontest=42` as environment. A dotted word is a module parameter the kernel drops
# (init/main.c, unknown_bootoption), so baton must not resurrect baton.test=42 from
# /proc/cmdline.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=8e7f6a5b-4c3d-4e2f-9a0b-1c2d3e4f5a60
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

boot "root=UUID=$uuid" single batontest=42 baton.test=42
expect_probe_ok ext4 /dev/vda
expect '^BATON-PROBE: argv\[0\]=/sbin/init$'
expect '^BATON-PROBE: argv\[1\]=single$' "single reaches argv"
expect_count '^BATON-PROBE: argv\[' 2 "argv is exactly init and single"
expect '^BATON-PROBE: env batontest=42$' "k=v reaches the environment"
expect '^BATON-PROBE: env HOME=/$' "the kernel's HOME=/"
expect '^BATON-PROBE: env TERM=linux$' "the kernel's TERM=linux"
expect_count '^BATON-PROBE: env ' 3 "nothing added to the kernel's environment"
expect_not '^BATON-PROBE: env baton\.test=' "a module parameter is not environment"
