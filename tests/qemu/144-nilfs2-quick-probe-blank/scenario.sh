#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root=LABEL= of a nilfs2 filesystem (made by mkfs.nilfs2, empty) behind an ext4 disk. The quick
# superblock probe leaves nilfs2's prober out (it reads its second superblock at the end of
# every disk), so finding nothing on a disk rules nothing out: with no other match, such disks
# are probed fully and the root is found. It holds no init, so the boot ends in the fatal
# report of a root without one, after the root was found and mounted.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

mkdir -p other
disk_ext4 other.img 8 --uuid 144f0e0d-0c0b-4a09-8807-0605040302ff --dir other
# nilfs2's smallest: 8 segments of 8 MiB beside its reserve.
rm -f root.img
truncate -s 136M root.img
mkfs.nilfs2 -q -f -L nilfsroot root.img || die "mkfs.nilfs2 failed"
attach other.img
attach root.img
initramfs_make nilfs.img -m virtio_pci,virtio_blk,ext4,nilfs2

boot --initrd nilfs.img --timeout 90 root=LABEL=nilfsroot rd.timeout=5 \
	loglevel=8 baton.log=debug printk.devkmsg=on
expect 'probed /dev/vdb \(.*\) without RAID probers: TYPE=""' \
	"the quick probe finds nothing on the nilfs2 disk"
expect 'probed /dev/vdb \([0-9:]*\): TYPE="nilfs2"' "the full probe of the blank finds nilfs2"
# Without that second look, the root was found only when the wait's progress tick (5 s) ran
# the stack hooks, which probe every disk fully: the ext4 disk's included.
expect_not 'probed /dev/vda \([0-9:]*\): TYPE' "the disk the quick probe ruled out is not read again"
expect_baton 'root device LABEL=nilfsroot is /dev/vdb \(nilfs2\), found after' "the root is found"
expect_baton 'mounted /dev/vdb on /sysroot' "and mounted"
expect "baton: fatal:" "the fatal report of a root without an init"
expect_not 'did not appear' "not a missing root"
expect_not 'BATON-PROBE:' "no init ran"
