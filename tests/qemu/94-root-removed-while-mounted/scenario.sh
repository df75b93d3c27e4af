#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The root disk is pulled out (QEMU monitor, device_del) after baton mounted it: a mount hook
# says when, waits until the disk is gone and drops the page cache, so the new root can only be
# read from a disk that is not there. baton must refuse to switch (validation fails on I/O
# errors) and fail the boot as the command line says: no kernel panic, no hang, no exec.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=94a1b2c3-d4e5-4f60-8a71-b2c3d4e5f694
hook hooks mount 10-pull-root <<'HOOK'
dev=${BATON_ROOT_DEVICE#/dev/}
echo "mounted /dev/$dev, pull it now"
i=0
while [ -e "/sys/class/block/$dev" ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -e "/sys/class/block/$dev" ]; then
	echo "/dev/$dev is still there after 30 s"
	exit 1
fi
echo "/dev/$dev is gone"
echo 3 >/proc/sys/vm/drop_caches
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach_unpluggable root.img rootdisk
unplug rootdisk --after 'hook mount/10-pull-root: mounted /dev/vd[a-z], pull it now'

boot --initrd initrd.img --timeout 120 "root=UUID=$uuid" rd.shell=0 baton.hook_timeout=45
expect_root_found "UUID=$uuid" /dev/vda ext4
expect_hook mount/10-pull-root '/dev/vda is gone$' "the disk left while mounted"
# Linux 6.1 reports the failed read; Linux 7.x shuts the filesystem down when its disk leaves.
expect 'EXT4-fs (error \(device vda\)|\(vda\): shut down requested)' \
	"the filesystem met the missing disk"
expect_baton 'the new root cannot be read \(looking up /[a-z]+: I/O error\): its disk failed or was removed after the mount$' \
	"the validation says the disk is gone, not that /dev is unusable"
expect_fatal 'fatal: not switching to the new root; the initramfs is intact' \
	"the validation of the new root failed on the missing disk"
expect_not 'baton: starting /' "no init was executed"
