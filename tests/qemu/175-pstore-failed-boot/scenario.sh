#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A failed boot leaves its trace: ramoops in reserved RAM (memmap=), the root disk missing,
# baton's fatal path reboots (panic=-1) and the kernel dumps its log into ramoops
# (ramoops.max_reason=4: also on a reboot). Then the disk is plugged in, the machine resets
# keeping its RAM (QEMU without -no-reboot), and the good boot finds the record: baton copies
# it to /run/baton/pstore before the switch, where the real init reads the fatal message.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

uuid=17500001-2b3c-4d5e-8f60-7a8b9c0d1e2f
busybox=$(command -v busybox) || die "busybox is missing"
root_tree root --init /sbin/probe --dir /bin
install -m 0755 "$busybox" root/bin/busybox
cat >root/sbin/init <<'INIT'
#!/bin/busybox sh
for f in /run/baton/pstore/*; do
	echo "BATON-PSTORE: file ${f##*/}" >/dev/console
done
if /bin/busybox grep -q 'baton: fatal: root device' /run/baton/pstore/* 2>/dev/null; then
	echo "BATON-PSTORE: the earlier boot's fatal message is there" >/dev/console
fi
exec /sbin/probe "$@"
INIT
chmod 0755 root/sbin/init
disk_ext4 root.img 16 --uuid "$uuid" --dir root
# Debian builds ramoops as a module: the image loads it (with its ramoops.* words) at start.
initramfs_make pstore.img -m virtio_pci,virtio_blk,ext4,ramoops
hotplug root.img --after 'baton: fatal: ' --delay 0
QEMU_REBOOT_ARGS=()
# Three kernel starts in one run: under TCG on a busy host the kernel's IO-APIC timer check can
# fail ("IO-APIC + timer doesn't work!", a panic before /init); no_timer_check skips it, as
# virtual machine images do.

boot --initrd pstore.img --timeout 240 "root=UUID=$uuid" rd.timeout=3 no_timer_check \
	"memmap=1M\$0x10000000" ramoops.mem_address=0x10000000 ramoops.mem_size=0x100000 \
	ramoops.record_size=0x20000 ramoops.console_size=0x20000 ramoops.max_reason=4
expect_baton 'fatal: root device UUID=' "the first boot failed"
expect_count 'Run /init as init process' 2 "two boots, one QEMU run"
expect_baton 'pstore holds [0-9]+ records? from an earlier boot \([0-9]+ bytes\), copied to /run/baton/pstore: .*ramoops'
expect '^BATON-PSTORE: file (dmesg|console)-ramoops-0$' "the real init sees the copies"
expect "^BATON-PSTORE: the earlier boot's fatal message is there$"
expect_probe_ok ext4 /dev/vda
