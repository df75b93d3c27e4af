#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A whole Debian bookworm with systemd as an ext4 disk image, for boot scenarios that hand off
# to a real distribution (debootstrap once, cached; image remade only when its inputs change).
#
#   tests/qemu/mkdebian.sh [--overlay DIR]... [--uuid UUID] [--size MB] [--tree]
#
# Prints the path of the image on stdout (or, with --tree, of the debootstrapped tree). The
# tree is debootstrap --variant=minbase with systemd, udev, dbus, plymouth and kmod, root's
# password removed, cached under $BATON_CACHE/debian/bookworm_MIRROR_DATE/ where DATE is the
# Date of the mirror's bookworm Release file as apt last fetched it (the mirror comes from the
# machine's own apt sources, through `apt-get indextargets`); debs are kept in
# $BATON_CACHE/debian/debs. The image is a copy of the tree with each overlay DIR copied over
# it and an /etc/fstab naming the root by UUID, made with mkfs.ext4 -d as a sparse file of
# --size MiB (default 1536); it is cached beside the tree, keyed by a hash of its inputs, and
# images of the tree unused for IMAGE_KEEP_DAYS are evicted when a new one is made. Needs root (debootstrap, file owners) and the
# debootstrap package.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The packages beside minbase: what a systemd boot with a splash needs.
readonly DEBIAN_SUITE=bookworm
readonly DEBIAN_INCLUDE=systemd-sysv,udev,dbus,plymouth,plymouth-themes,kmod
readonly IMAGE_SIZE_DEFAULT=1536
readonly IMAGE_UUID_DEFAULT=5e1f0b7a-7a2d-4c1e-9b3f-d1e2b3a4c5d6
# An image of the tree unused this many days is evicted when another one is made.
readonly IMAGE_KEEP_DAYS=14

overlays=()
uuid=$IMAGE_UUID_DEFAULT
size=$IMAGE_SIZE_DEFAULT
want_tree=0
while (($#)); do
	case $1 in
	--overlay) overlays+=("$(cd "$2" && pwd)"); shift ;;
	--uuid) uuid=$2; shift ;;
	--size) size=$2; shift ;;
	--tree) want_tree=1 ;;
	*) die "mkdebian.sh: unknown argument '$1' (see the top of $0)" ;;
	esac
	shift
done
((EUID == 0)) || die "mkdebian.sh needs root (debootstrap, file owners in the image)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"

base=$BATON_CACHE/debian
mkdir -p "$base/debs"

# mirror_and_date: "URI YYYYMMDD" of the machine's bookworm entry, or nothing without lists.
mirror_and_date() {
	local uri suite file release date
	# shellcheck disable=SC2016 # apt's own $(FIELD) format, not the shell's
	local format='$(REPO_URI) $(RELEASE) $(FILENAME)'
	while read -r uri suite file; do
		[[ $suite == "$DEBIAN_SUITE" ]] || continue
		release=${file%%_dists_*}_dists_${DEBIAN_SUITE}_InRelease
		[[ -f $release ]] || release=${release%InRelease}Release
		date=$(sed -n 's/^Date: //p' "$release" 2>/dev/null | head -n 1)
		[[ -n $date ]] && date=$(date -u -d "$date" +%Y%m%d)
		printf '%s %s\n' "$uri" "${date:-undated}"
		return 0
	done < <(apt-get indextargets --format "$format" 'Created-By: Packages' 2>/dev/null)
}

read -r mirror stamp < <(mirror_and_date) || true
if [[ -n ${mirror:-} ]]; then
	host=${mirror#*://}
	host=${host%%/*}
	key=${DEBIAN_SUITE}_${host//[^A-Za-z0-9.-]/_}_$stamp
else
	# No package lists: the newest tree already made, whatever its mirror.
	key=$(find "$base" -mindepth 2 -maxdepth 2 -name .done -printf '%h\n' 2>/dev/null |
		sort | tail -n 1)
	[[ -n $key ]] || die "apt knows no $DEBIAN_SUITE mirror (apt-get update) and no tree is cached"
	key=$(basename "$key")
	note "apt knows no $DEBIAN_SUITE mirror; using the cached $key"
fi
dir=$base/$key

exec 9>"$base/.lock"
flock 9

if [[ ! -f $dir/.done ]]; then
	[[ -n ${mirror:-} ]] || die "no cached tree $dir"
	note "debootstrap $DEBIAN_SUITE from $mirror into $dir (a few minutes, once)"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	debootstrap --variant=minbase --include="$DEBIAN_INCLUDE" --cache-dir="$base/debs" \
		"$DEBIAN_SUITE" "$dir.tmp/tree" "$mirror" >"$dir.tmp/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$dir.tmp/debootstrap.log" >&2; die "debootstrap failed (log: $dir.tmp)"; }
	# Log in on the console without a password when someone watches the boot by hand.
	chroot "$dir.tmp/tree" passwd -d root >/dev/null
	printf 'baton-debian\n' >"$dir.tmp/tree/etc/hostname"
	chroot "$dir.tmp/tree" dpkg-query -W >"$dir.tmp/packages"
	# debootstrap's apt caches and logs only make the image bigger.
	rm -rf "$dir.tmp"/tree/var/cache/apt/*.bin "$dir.tmp"/tree/var/lib/apt/lists/*_Packages \
		"$dir.tmp/tree/var/log/bootstrap.log"
	mv "$dir.tmp" "$dir"
	touch "$dir/.done"
fi
if ((want_tree)); then
	printf '%s\n' "$dir/tree"
	exit 0
fi

# The image's key: the tree, the size, the UUID and every overlay file's path, mode and bytes.
hash=$(
	printf '%s %s %s\n' "$key" "$size" "$uuid"
	for o in "${overlays[@]}"; do
		(cd "$o" && find . -printf '%p %m %l\n' | sort && find . -type f -print0 | sort -z |
			xargs -0r sha256sum)
	done
)
hash=$(printf '%s' "$hash" | sha256sum | cut -c1-16)
img=$dir/root-$hash.img
if [[ ! -f $img ]]; then
	note "making $img from $dir/tree"
	rm -rf "$dir/stage.tmp" "$img.tmp"
	cp -a --reflink=auto "$dir/tree" "$dir/stage.tmp"
	for o in "${overlays[@]}"; do
		cp -a "$o/." "$dir/stage.tmp/"
	done
	printf 'UUID=%s / ext4 rw,errors=remount-ro 0 1\n' "$uuid" >"$dir/stage.tmp/etc/fstab"
	truncate -s "${size}M" "$img.tmp"
	mkfs.ext4 -F -q -L baton-debian -U "$uuid" -d "$dir/stage.tmp" \
		-E lazy_itable_init=0,lazy_journal_init=0 "$img.tmp" >/dev/null
	rm -rf "$dir/stage.tmp"
	# Other images of this tree are other users' (the bench's disk, another scenario's
	# overlays): only those nobody used for IMAGE_KEEP_DAYS go, to bound the cache.
	find "$dir" -maxdepth 1 -name 'root-*.img' -mtime +"$IMAGE_KEEP_DAYS" -delete
	mv "$img.tmp" "$img"
fi
# Used now: its mtime is what the eviction above goes by.
touch "$img"
printf '%s\n' "$img"
