#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mkdeb.sh BUILD: build BUILD/baton_VERSION_ARCH.deb with dpkg-deb from `make install` into a
# staging tree. VERSION: the newest vN tag's N plus commits since (git describe), else
# 0.1+gitCOUNT.HASH; "+dirty" marks uncommitted changes. Dependencies come from
# dpkg-shlibdeps on the generator; Provides/Conflicts: linux-initramfs-tool as Debian's
# initramfs generators (initramfs-tools, dracut, tiny-initramfs) declare it, so one of them
# owns /boot/initrd.img-KVER at a time and linux-image packages accept any of them.
set -euo pipefail
build=${1:?usage: mkdeb.sh BUILD}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

version() {
	local d count hash
	if d=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
		d=${d#v}
		printf '%s\n' "${d/-/+git}" | tr - .
		return
	fi
	count=$(git rev-list --count HEAD 2>/dev/null || echo 0)
	hash=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
	printf '0.1+git%s.%s\n' "$count" "$hash"
}
ver=$(version)
if ! git diff --quiet HEAD 2>/dev/null; then
	ver=$ver+dirty
fi
arch=$(dpkg --print-architecture)
stage=$build/deb
out=$build/baton_${ver}_$arch.deb
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
make -s install DESTDIR="$top/$stage" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$stage/usr/sbin/baton-mkinitramfs"
gzip -9n "$stage"/usr/share/man/man*/*
install -d "$stage/usr/share/doc/baton" "$stage/usr/share/lintian/overrides"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
maintainer=$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'baton <baton@example.org>')
{
	printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
	printf 'Upstream-Name: baton\n\nFiles: *\nCopyright: %s the baton authors\nLicense: MIT\n' \
		"$(date -u -d "@$epoch" +%Y)"
} >"$stage/usr/share/doc/baton/copyright"
# A native package's changelog: this build's one entry.
printf 'baton (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' "$ver" \
	"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$maintainer" \
	"$(date -u -R -d "@$epoch")" | gzip -9n >"$stage/usr/share/doc/baton/changelog.gz"
# The init must be static: the kernel runs it before any library exists. init-arm64 is the init
# for arm64 kernels' images, which an amd64 system builds for a board: never run on this machine.
{
	printf 'baton: statically-linked-binary [usr/lib/baton/init]\n'
	if [[ -e $stage/usr/lib/baton/init-arm64 ]]; then
		printf 'baton: statically-linked-binary [usr/lib/baton/init-arm64]\n'
		printf 'baton: binary-from-other-architecture [usr/lib/baton/init-arm64]\n'
	fi
} >"$stage/usr/share/lintian/overrides/baton"

# Shared libraries of the generator, as Debian's own packages compute them.
mkdir -p "$build/deb-shlibs/debian"
printf 'Source: baton\n\nPackage: baton\nArchitecture: any\n' >"$build/deb-shlibs/debian/control"
deps=$(cd "$build/deb-shlibs" && dpkg-shlibdeps -O "$top/$stage/usr/sbin/baton-mkinitramfs" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[[ -n $deps ]] || { echo "mkdeb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -rf "$build/deb-shlibs"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: baton
Version: $ver
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $deps, kmod
Recommends: busybox-static
Provides: linux-initramfs-tool
Conflicts: linux-initramfs-tool
Section: utils
Priority: optional
Description: initramfs generator with a small static PID-1 init
 baton-mkinitramfs builds initramfs images whose /init is baton, one static
 program that loads the drivers the root needs with libkmod, finds the root
 with libblkid and mounts it with libmount, then hands over to the real init.
 Kernel hooks keep /boot/initrd.img-KVER current as kernels come and go;
 settings live in /etc/baton/mkinitramfs.conf.
CONTROL
printf '/etc/baton/mkinitramfs.conf\n/etc/kernel/postinst.d/baton\n/etc/kernel/postrm.d/baton\n' \
	>"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Switching to baton: the images of the installed kernels are baton's from now on.
set -e
if [ "$1" = configure ]; then
	update-baton -u -k all
fi
POSTINST
chmod 755 "$stage/DEBIAN/postinst"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
rm -f "$build"/baton_*.deb.old
find "$build" -maxdepth 1 -name 'baton_*.deb' ! -path "$out" -delete
printf '%s\n' "$out"
