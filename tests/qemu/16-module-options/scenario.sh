#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Module policy from the command line, through libkmod: rd.driver.blacklist= keeps the NVMe
# driver away from a present NVMe disk, module.param=value reaches libata (its FORCE message),
# rd.driver.pre= loads a module first, and the root on SATA still boots. A root on SATA is not
# found by the virtio and NVMe drivers loaded first, so the whole coldplug runs and loads
# libata by the AHCI controller's alias.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=16a0b1c2-d3e4-4f50-8a61-b7c8d9e0f1a2
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 other.img 8 --label other
attach root.img ahci
attach other.img nvme

# loglevel=8 shows baton's debug lines (each module and why) on the console.
boot "root=UUID=$uuid" loglevel=8 baton.log=debug rd.driver.blacklist=nvme \
	libata.force=1.5Gbps rd.driver.pre=crc16
expect_probe_ok ext4 /dev/sda
expect 'baton: module crc16 loaded \(for crc16\)' "rd.driver.pre= loaded its module"
expect 'baton: module nvme \(for pci:[^)]*\) is blacklisted, skipped' "the blacklist held"
expect_not 'nvme0n1' "no NVMe namespace appeared"
expect 'FORCE: .*1\.5Gbps' "libata got libata.force= from the command line"
