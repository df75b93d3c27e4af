#!/bin/bash
# SPDX-License-Identifier: MIT
# Regenerates the blkid fuzz target's seed corpus with the real mkfs tools: small images, cut
# down to the part libblkid reads.
#
#   tests/fuzz/make-blkid-seeds.sh [OUTDIR]   (default tests/fuzz/corpus/blkid; root not needed)
#
# Needs e2fsprogs, xfsprogs, btrfs-progs, dosfstools, fdisk (sfdisk), util-linux (mkswap),
# squashfs-tools, cryptsetup-bin and erofs-utils. UUIDs, labels and times are fixed where the
# tool allows it; xfs, btrfs and LUKS still put random salts or ids in places libblkid does not
# report, so a rerun gives equivalent seeds, not always the same bytes. Files named crash-* in
# OUTDIR (inputs that once crashed) are kept; the others are rewritten.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/corpus/blkid}
export SOURCE_DATE_EPOCH=1700000000
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH

missing=()
for t in mkfs.ext4 mkfs.xfs mkfs.btrfs mkfs.vfat sfdisk mkswap mksquashfs cryptsetup mkfs.erofs; do
	command -v "$t" >/dev/null || missing+=("$t")
done
if ((${#missing[@]})); then
	echo "make-blkid-seeds: missing tools: ${missing[*]}" >&2
	echo "  apt-get install e2fsprogs xfsprogs btrfs-progs dosfstools fdisk squashfs-tools" \
		"cryptsetup-bin erofs-utils" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/tree/dir"
echo hello >"$tmp/tree/dir/file"
ln -s dir/file "$tmp/tree/link"
touch -h -d "@$SOURCE_DATE_EPOCH" "$tmp/tree" "$tmp/tree/dir" "$tmp/tree/dir/file" "$tmp/tree/link"

# seed NAME SIZE: keep the first SIZE bytes of $tmp/img as OUTDIR/NAME.
seed() {
	truncate -s "$2" "$tmp/img"
	cp "$tmp/img" "$out/$1"
	rm -f "$tmp/img"
}
img() {
	rm -f "$tmp/img"
	truncate -s "$1" "$tmp/img"
}

uuid=0c0ffee0-1234-4abc-8def-0123456789ab

# ext4: superblock at 1 KiB, group descriptors after it; a small block size keeps them close.
img 4M
mkfs.ext4 -q -F -b 1024 -L baton-root -U "$uuid" -E root_owner=0:0,hash_seed="$uuid" \
	-d "$tmp/tree" "$tmp/img"
seed ext4 64K

# ext2 without a journal, ext3 with one: libblkid tells them apart by feature bits.
img 2M
mkfs.ext4 -q -F -t ext2 -b 1024 -L old -U "$uuid" "$tmp/img"
seed ext2 8K
img 4M
mkfs.ext4 -q -F -t ext3 -b 1024 -L journal -U "$uuid" "$tmp/img"
seed ext3 8K

# xfs: superblock in sector 0 (mkfs.xfs wants 300 MiB; the file is sparse).
img 320M
mkfs.xfs -q -f -L xroot -m uuid="$uuid" "$tmp/img"
seed xfs 8K

# btrfs: primary superblock at 64 KiB.
img 128M
mkfs.btrfs -q -f -L broot -U "$uuid" "$tmp/img"
seed btrfs 128K

# vfat: FAT16 and FAT32 boot sectors (an ESP is FAT32).
img 16M
mkfs.vfat -F 16 -n ESP16 --invariant "$tmp/img" >/dev/null
seed vfat16 64K
img 40M
mkfs.vfat -F 32 -n ESP32 --invariant "$tmp/img" >/dev/null
seed vfat32 8K

# squashfs and erofs: whole (tiny) images, as a read-only root would be.
mksquashfs "$tmp/tree" "$tmp/img" -quiet -noappend -all-root \
	-no-progress >/dev/null
seed squashfs "$(stat -c %s "$tmp/img")"
mkfs.erofs --quiet -U "$uuid" -T "$SOURCE_DATE_EPOCH" --all-root "$tmp/img" "$tmp/tree" \
	>/dev/null
seed erofs "$(stat -c %s "$tmp/img")"

# swap: the signature is at the end of the first page.
img 1M
mkswap -q -L swap -U "$uuid" "$tmp/img"
seed swap 8K

# LUKS headers: cryptsetup formats a plain file without device-mapper. LUKS1's header is 592
# bytes; LUKS2 has a binary header and JSON area at 0 and a second copy right after (16 KiB
# metadata area here).
printf 'baton-fuzz-seed' >"$tmp/key"
img 4M
cryptsetup luksFormat -q --type luks1 --uuid "$uuid" --pbkdf-force-iterations 1000 \
	--key-file "$tmp/key" "$tmp/img"
seed luks1 4K
img 4M
cryptsetup luksFormat -q --type luks2 --uuid "$uuid" --label croot --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --luks2-metadata-size 16k --luks2-keyslots-size 1m \
	--key-file "$tmp/key" "$tmp/img"
seed luks2 64K

# Partition tables on 256 KiB disks, whole (GPT's backup header is in the last sectors).
img 256K
sfdisk -q "$tmp/img" <<'EOF'
label: gpt
label-id: 11111111-2222-4333-8444-555555555555
first-lba: 34
start=40, size=200, type=L, uuid=6a1c7a4e-0d1b-4a7e-9c2f-3b5d7e9f1a2c, name="root"
start=240, size=200, type=S, uuid=7b2d8b5f-1e2c-4b8f-8d3a-4c6e8fab2b3d, name="swap"
EOF
seed gpt 256K
img 256K
sfdisk -q "$tmp/img" <<'EOF'
label: dos
label-id: 0x1234abcd
start=1, size=100, type=83, bootable
start=101, size=300, type=5
start=102, size=50, type=82
start=160, size=100, type=83
EOF
seed mbr 256K

# A GPT disk whose first partition holds a vfat filesystem: the whole disk as PID 1 probes it.
img 256K
sfdisk -q "$tmp/img" <<'EOF'
label: gpt
label-id: 22222222-3333-4444-8555-666666666666
first-lba: 34
start=34, size=400, type=U, uuid=8c3e9c60-2f3d-4c90-9e4b-5d7f90bc3c4e, name="EFI system"
EOF
truncate -s 200K "$tmp/part"
mkfs.vfat -n EFI --invariant "$tmp/part" >/dev/null
dd if="$tmp/part" of="$tmp/img" bs=512 seek=34 conv=notrunc status=none
rm -f "$tmp/part"
seed gpt-vfat 256K

# Two signatures on one device (an ext4 superblock left over an xfs, which keeps its first
# sector only): safeprobe refuses to choose and returns -2, as baton warns.
cp "$out/xfs" "$tmp/img"
dd if="$out/ext4" of="$tmp/img" bs=1024 skip=1 seek=1 count=1 conv=notrunc status=none
seed xfs-ext4-ambivalent 8K

ls -l "$out"
du -sh "$out"
