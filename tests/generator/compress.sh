# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # gen and work come from run.sh, which sources this file
# Sourced by tests/generator/run.sh: --compress ALGO[:LEVEL] (zstd by default, lz4's legacy
# frame, gzip, none): each reproducible, read back by its own tool and by --list, bad values
# refused, and the default's size against issue 13's target.

# magic IMG: the first 4 bytes of IMG in hex.
magic() { head -c 4 "$1" | od -An -tx1 | tr -d ' \n'; }
# decoded IMG FORMAT: IMG through the format's own command-line tool, not mkinitramfs.
decoded() {
	case $2 in
	zstd) zstd -dcq <"$1" ;;
	lz4) lz4 -dcq <"$1" ;;
	gzip) gzip -dc <"$1" ;;
	none) cat "$1" ;;
	esac
}

cz_args=(-b "$work/base" -m "virtio_blk,ext4")
"$gen" -o "$work/cz-none.img" "${cz_args[@]}" --compress none 2>/dev/null || true
"$gen" -o "$work/cz-default.img" "${cz_args[@]}" 2>"$work/cz-default.log" || true
check "compress: zstd by default" same "$(magic "$work/cz-default.img")" 28b52ffd
check "compress: the summary names zstd and its level" \
	grep -qE 'uncompressed, [0-9.]+ KiB zstd:12, ' "$work/cz-default.log"
"$gen" -o "$work/cz-zstd-named.img" "${cz_args[@]}" --compress zstd 2>/dev/null || true
check "compress: the default is --compress zstd" cmp -s "$work/cz-default.img" \
	"$work/cz-zstd-named.img"
for spec in zstd zstd:3 lz4 lz4:1 gzip gzip:1 none; do
	algo=${spec%%:*}
	img=$work/cz-${spec/:/-}.img
	SOURCE_DATE_EPOCH=0 "$gen" -o "$img" "${cz_args[@]}" --compress "$spec" 2>"$img.log" || true
	"$gen" -o "$img.2" "${cz_args[@]}" --compress "$spec" 2>/dev/null || true
	check "compress $spec: reproducible byte for byte" cmp -s "$img" "$img.2"
	check "compress $spec: $algo's own tool reads the archive back whole" cmp -s \
		<(decoded "$img" "$algo") "$work/cz-none.img"
	check "compress $spec: --list reads it" same "$("$gen" --list "$img" 2>&1)" \
		"$(cpio -t --quiet <"$work/cz-none.img")"
	[[ $algo == none ]] || check "compress $spec: --list --long names $algo" \
		grep -qx "# main archive, $algo" <("$gen" --list --long "$img" 2>&1)
done
check "compress lz4: the legacy frame's magic" same "$(magic "$work/cz-lz4.img")" 02214c18
check "compress gzip: gzip's magic" same "$(magic "$work/cz-gzip.img")" 1f8b0800
check "compress: the level changes the bytes" not cmp -s "$work/cz-zstd.img" "$work/cz-zstd-3.img"
check "compress lz4: the level changes the bytes" not cmp -s "$work/cz-lz4.img" "$work/cz-lz4-1.img"
for spec in xz lzw ZSTD zstd:0 zstd:20 zstd:x zstd: zstd:3: lz4:13 gzip:0 gzip:13 none:1 ''; do
	fails "compress: '$spec' refused, naming what is accepted" 1 \
		"--compress '$spec': expected zstd\\[:1-19\\], lz4\\[:1-12\\], gzip\\[:1-12\\] or none" \
		-o "$work/x.img" "${cz_args[@]}" --compress "$spec"
done
check "compress: nothing written for a bad value" none "$work"/x.img "$work"/.x.img.*
mkdir -p "$work/czconf"
printf 'compress=lz4:3\n' >"$work/czconf/mkinitramfs.conf"
"$gen" --confdir "$work/czconf" -o "$work/cz-conf.img" "${cz_args[@]}" 2>/dev/null || true
"$gen" -o "$work/cz-lz4-3.img" "${cz_args[@]}" --compress lz4:3 2>/dev/null || true
check "compress: the config file's compress key takes ALGO:LEVEL" cmp -s "$work/cz-conf.img" \
	"$work/cz-lz4-3.img"
printf 'compress=lz4:99\n' >"$work/czconf/mkinitramfs.conf"
fails "compress: a bad level in the config file is refused" 1 "--compress 'lz4:99': expected" \
	--confdir "$work/czconf" -o "$work/x.img" "${cz_args[@]}"
# Issue 13's image target: within 1.2 x tiny-initramfs's 691,991 bytes for the bench's host-only
# set (Debian 12's 6.1 kernel, virtio_pci,virtio_blk,ext4).
"$gen" -o "$work/cz-host.img" -b "$work/base" -m virtio_pci,virtio_blk,ext4 2>/dev/null || true
cz_size=$(stat -c %s "$work/cz-host.img" 2>/dev/null || echo 0)
check "compress: the default host-only image is $cz_size bytes, at most 830389" \
	test "$cz_size" -gt 0 -a "$cz_size" -le 830389
