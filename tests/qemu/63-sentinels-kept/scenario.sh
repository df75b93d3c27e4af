#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Freeing the initramfs never crosses a mount and never follows a symlink: a mount hook mounts
# a second disk and bind-mounts a directory of the real root inside the initramfs, and links
# into the real root; after the switch (and, on the MS_MOVE path, the deletion) every sentinel
# file on both disks is unchanged, as the host reads them back after the power-off.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

uuid=8f9a0b1c-2d3e-4f4a-8b5c-63f4a5b6c7d8
keep_uuid=9a0b1c2d-3e4f-4a5b-8c6d-63a5b6c7d8e9

# sentinels DIR: a few files of random bytes under DIR, one in a subdirectory.
sentinels() {
	mkdir -p "$1/sub"
	head -c 65536 /dev/urandom >"$1/a.bin"
	head -c 4096 /dev/urandom >"$1/sub/b.bin"
	printf 'sentinel\n' >"$1/c.txt"
}

# After the switch, "/" is the real root: a deletion following /danger would empty
# /sentinel there (the root is mounted rw so that nothing but baton's care prevents it).
hook hooks mount 10-sentinels <<'HOOK'
set -e
i=0
while [ ! -b /dev/vdb ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
mkdir -p /mnt/keep /mnt/rootbind
mount -t ext4 -o dirsync /dev/vdb /mnt/keep
mount --bind "$BATON_ROOT/sentinel" /mnt/rootbind
ln -s /sentinel /danger
ln -s /mnt/keep/keep /keep-link
echo "sentinels: $(find /mnt/keep/keep -type f | wc -l) on /dev/vdb, $(find /mnt/rootbind -type f | wc -l) bound from the root"
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks"
root_tree root
sentinels root/sentinel
mkdir -p keep
sentinels keep/keep
disk_ext4 root.img 16 --uuid "$uuid" --dir root
disk_ext4 keep.img 16 --uuid "$keep_uuid" --dir keep
attach root.img
attach keep.img

# probe.wait: the probe reaps the deferred deletion before it syncs and powers off.
boot --initrd initrd.img "root=UUID=$uuid" rw probe.wait=30
expect_probe_ok ext4 /dev/vda rw
expect_hook mount/10-sentinels 'sentinels: 3 on /dev/vdb, 3 bound from the root$'
expect '^BATON-PROBE: wait: [0-9]+ children reaped, none left' "the deletion (if any) finished"
expect_files_kept keep.img /keep keep/keep
expect_files_kept root.img /sentinel root/sentinel
