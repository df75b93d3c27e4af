#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build/mkinitramfs from the outside, on Debian's kernel: what lands in the image (module
# closure, firmware, the boot indexes, modules.load), byte-for-byte reproducibility, and the
# errors and exit codes for bad input. Ends with "generator: N passed, N failed".
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"

gen=$BATON_MKINITRAMFS
work=$BATON_TESTS/generator
passed=0
failed=0

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
check() { # check NAME COMMAND...: the command succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi
}
listing() { zcat "$1" | cpio -t --quiet; }
has() { grep -qE -- "$2" <<<"$1"; }      # has LISTING REGEX
lacks() { ! grep -qE -- "$2" <<<"$1"; }  # lacks LISTING REGEX
same() { [[ $1 == "$2" ]]; }
none() { [[ ! -e $1 ]]; }                # none GLOB-RESULT: the glob matched nothing
# fails IMG-ARGS... -- EXIT REGEX: mkinitramfs exits EXIT and says something matching REGEX
fails() {
	local name=$1 want=$2 re=$3 out rc=0
	shift 3
	out=$("$gen" "$@" 2>&1) || rc=$?
	if [[ $rc -eq $want ]] && grep -qE -- "$re" <<<"$out"; then
		ok "$name"
	else
		bad "$name (exit $rc, expected $want; said: $out)"
	fi
}

kernel_fetch
rm -rf "$work"
mkdir -p "$work/base/lib"
# A base tree of our own: the kernel's modules plus firmware files, as a system has them.
ln -s "$KERNEL_TREE/lib/modules" "$work/base/lib/modules"
mkdir -p "$work/base/lib/firmware/e100"
printf 'microcode\n' >"$work/base/lib/firmware/e100/d101m_ucode.bin"

"$gen" -o "$work/a.img" -b "$work/base" -m virtio_blk,ext4,e100 2>"$work/a.log"
list=$(listing "$work/a.img")
check "init is /init" has "$list" '^init$'
check "console node" has "$list" '^dev/console$'
check "initrd-release" has "$list" '^etc/initrd-release$'
check "modprobe link" has "$list" '^sbin/modprobe$'
check "virtio_blk with virtio_ring" has "$list" '/virtio_ring\.ko$'
check "ext4 with jbd2" has "$list" '/jbd2\.ko$'
check "ext4 with mbcache" has "$list" '/mbcache\.ko$'
check "ext4's softdep crc32c" has "$list" '/crc32c_generic\.ko$'
check "e100's firmware found" has "$list" '^lib/firmware/e100/d101m_ucode\.bin$'
check "binary indexes" has "$list" '/modules\.dep\.bin$'
check "softdep config" has "$list" '/modules\.softdep$'
check "no index libkmod does not read" lacks "$list" 'modules\.(order|dep|alias|builtin\.modinfo)$'
check "modules.load lists -m in order" same "$(zcat "$work/a.img" |
	cpio -i --quiet --to-stdout lib/baton/modules.load)" "$(printf 'virtio_blk\next4\ne100')"

SOURCE_DATE_EPOCH=0 "$gen" -o "$work/b.img" -b "$work/base" -m virtio_blk,ext4,e100 2>/dev/null
check "reproducible" cmp -s "$work/a.img" "$work/b.img"

"$gen" -o "$work/g.img" -b "$work/base" 2>/dev/null
glist=$(listing "$work/g.img")
for m in nvme ahci virtio_scsi xfs btrfs vfat; do
	check "generic set: $m" has "$glist" "/$m\.ko$"
done
check "generic set: no modules.load" lacks "$glist" 'modules\.load$'

fails "unknown module" 2 "no-such-module.*modinfo" -o "$work/x.img" -b "$work/base" -m no-such-module
fails "unknown kernel version" 2 "9\.9\.9.*$KVER" -o "$work/x.img" -b "$work/base" -k 9.9.9
fails "missing output folder" 2 "$work/nowhere" -o "$work/nowhere/x.img" -b "$work/base"
fails "bad --compress" 1 "--compress" -o "$work/x.img" -b "$work/base" --compress=lzw
fails "no output" 1 "-o" -b "$work/base"
check "nothing written on failure" none "$work"/x.img*

printf 'generator: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
