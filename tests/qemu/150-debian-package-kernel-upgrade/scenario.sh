#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Debian bookworm system switched to baton by its package: in a chroot of the cached tree
# (mkdebian.sh), initramfs-tools (and plymouth, which depends on it or dracut) is purged,
# `dpkg -i build/baton_*.deb` is installed, then a linux-image package, whose postinst.d hook
# writes /boot/initrd.img-KVER; reinstalling that kernel with an impossible module in
# /etc/baton/conf.d fails in dpkg, names the file and line, and keeps the image; the image
# boots the system to multi-user.target, where `baton-mkinitramfs --host-only --explain` builds
# an image that boots the same disk next (taken from the disk after power-off); removing the
# kernel package removes its image. The tree with initramfs-tools purged is cached beside the
# debootstrapped one, keyed by its inputs; the .deb changes each commit, so each run installs
# it into a fresh copy.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
scenario_begin

((EUID == 0)) || die "this scenario needs root (chroot, dpkg in the tree, file owners)"
uuid=15015015-0a0b-4c0d-8e0f-150150150150
# A TCG boot of the whole system to the power-off takes 30-60 s here; host-only generation
# inside the guest adds some; the outer limit leaves room for a loaded machine.
readonly DEBIAN_BOOT_TIMEOUT=400
# Big enough for the tree, the kernel's modules and three images.
readonly DISK_MB=2048
# What switching needs out of the way: initramfs-tools, and plymouth, whose package depends
# on initramfs-tools or dracut.
readonly PURGE=(plymouth-themes plymouth-label plymouth initramfs-tools initramfs-tools-core)
readonly HANDOFF_UNITS_RE='[^ ]*(remount-fs|fsck-root|initrd|udev|journald)[^ ]*|(-|dev|proc|sys|run)\.mount'

deb=$(find "$BATON_BUILD" -maxdepth 1 -name 'baton_*.deb' -newer "$BATON_BUILD/mkinitramfs" |
	sort | tail -n 1)
[[ -n $deb ]] || die "no build/baton_*.deb newer than build/mkinitramfs: run make deb first"
kpkg=linux-image-$KVER
kver_deb=$(sed -n "s/^$kpkg=//p" "$KERNEL_TREE/../packages")
[[ -n $kver_deb ]] || die "cannot tell the version of $kpkg from $KERNEL_TREE/../packages"

# fetch_debs PKG=VER...: the .deb files, downloaded once into the cache; prints their paths.
fetch_debs() {
	local dir=$BATON_CACHE/debian/debs-extra p f
	mkdir -p "$dir"
	for p in "$@"; do
		f=$(find "$dir" -name "${p%%=*}_${p#*=}_*.deb" | head -n 1)
		if [[ -z $f ]]; then
			(cd "$dir" && _apt bookworm apt-get -q download "$p" >/dev/null) ||
				die "apt-get download $p failed"
			f=$(find "$dir" -name "${p%%=*}_${p#*=}_*.deb" | head -n 1)
		fi
		[[ -n $f ]] || die "apt-get download $p left no .deb in $dir"
		printf '%s\n' "$f"
	done
}

# in_tree CMD...: CMD chrooted into the work tree with its own /proc, in a private mount
# namespace, so nothing stays mounted whatever happens, and the environment a root shell has
# there (none of the tests' BATON_* variables).
in_tree() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m --propagation private -- bash -c \
		'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' _ "$WORK/tree" \
		"$WORK/tree" env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

base_tree=$("$here/../mkdebian.sh" --tree)
deflate=$(_apt_version bookworm libdeflate0)
mapfile -t debs < <(fetch_debs "$kpkg=$kver_deb" "libdeflate0=${deflate:?no libdeflate0 in apt}")
kdeb=${debs[0]}

# The switched-from tree, cached: the debootstrapped tree, what is purged, libdeflate0 (the
# generator's one library minbase lacks), the guest's checks.
key=$(
	printf '%s %s %s\n' "$base_tree" "${PURGE[*]}" "$(basename "${debs[1]}")"
	(cd "$here/root" && find . -printf '%p %m %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0r sha256sum)
)
key=$(printf '%s' "$key" | sha256sum | cut -c1-16)
prep=$(dirname "$base_tree")/baton-switch-$key
(
	exec 9>"$(dirname "$base_tree")/.lock"
	flock 9
	[[ -f $prep/.done ]] && exit 0
	note "preparing $prep (once)"
	find "$(dirname "$base_tree")" -maxdepth 1 -name 'baton-switch-*' -exec rm -rf {} +
	mkdir -p "$prep.tmp"
	cp -a --reflink=auto "$base_tree" "$prep.tmp/tree"
	chroot "$prep.tmp/tree" dpkg --purge "${PURGE[@]}" >"$prep.tmp/purge.log" 2>&1 ||
		{ cat "$prep.tmp/purge.log" >&2; die "dpkg --purge ${PURGE[*]} failed"; }
	cp "${debs[1]}" "$prep.tmp/tree/tmp/"
	chroot "$prep.tmp/tree" sh -c 'dpkg -i /tmp/libdeflate0_*.deb && rm /tmp/libdeflate0_*.deb' \
		>"$prep.tmp/deflate.log" 2>&1 ||
		{ cat "$prep.tmp/deflate.log" >&2; die "dpkg -i libdeflate0 failed"; }
	cp -a "$here/root/." "$prep.tmp/tree/"
	printf 'UUID=%s / ext4 rw,errors=remount-ro 0 1\n' "$uuid" >"$prep.tmp/tree/etc/fstab"
	mv "$prep.tmp" "$prep"
	touch "$prep/.done"
)

start=$SECONDS
cp -a --reflink=auto "$prep/tree" "$WORK/tree"
note "copied the prepared tree in $((SECONDS - start)) s"
cp "$deb" "$kdeb" "$WORK/tree/tmp/"
img=/boot/initrd.img-$KVER

# 1. The package: dpkg -i works with no initramfs-tools, and installs what the issue lists.
start=$SECONDS
rc=0
in_tree dpkg -i "/tmp/$(basename "$deb")" >dpkg-baton.log 2>&1 || rc=$?
note "dpkg -i $(basename "$deb"): exit $rc in $((SECONDS - start)) s"
check_host() { "$@" || _fail "on the host: $*"; }
check_host test "$rc" = 0
for f in usr/sbin/baton-mkinitramfs usr/sbin/update-baton usr/lib/baton/init \
	etc/kernel/postinst.d/baton etc/kernel/postrm.d/baton etc/baton/mkinitramfs.conf \
	usr/lib/kernel/install.d/50-baton.install; do
	check_host test -e "$WORK/tree/$f"
done
check_host test ! -e "$WORK/tree/usr/sbin/mkinitramfs"

# 2. The kernel: its postinst runs /etc/kernel/postinst.d/baton.
start=$SECONDS
rc=0
in_tree dpkg -i "/tmp/$(basename "$kdeb")" >dpkg-kernel.log 2>&1 || rc=$?
note "dpkg -i $(basename "$kdeb"): exit $rc in $((SECONDS - start)) s; $(grep 'wrote' dpkg-kernel.log || true)"
check_host test "$rc" = 0
check_host grep -q "^update-baton: generating $img" dpkg-kernel.log
check_host test -f "$WORK/tree$img"
check_host test "$(stat -c %a "$WORK/tree$img")" = 600
in_tree baton-mkinitramfs --list "$img" >generic.list 2>&1 || _fail "--list $img failed"
check_host grep -qx init generic.list
check_host grep -q '/virtio_blk\.ko$' generic.list
cp "$WORK/tree$img" generic-before.img

# 2b. kernel-install (systemd-boot's way) with the "bls" layout: with /boot/initrd.img-KVER there,
# Debian's 85-initrd.install hands it to the entry and the plugin adds no second image; without
# it, the plugin writes the entry's initrd; "remove" takes the entry away. Then undone.
mkdir -p "$WORK/tree/boot/loader/entries"
printf 'layout=bls\n' >"$WORK/tree/etc/kernel/install.conf"
printf 'root=UUID=%s ro\n' "$uuid" >"$WORK/tree/etc/kernel/cmdline"
rc=0
in_tree kernel-install -v add "$KVER" "/boot/vmlinuz-$KVER" >kinstall-1.log 2>&1 || rc=$?
check_host test "$rc" = 0
entry=$(in_tree kernel-install inspect 2>/dev/null | sed -n 's|^ENTRY_DIR_ABS: \(.*\)/[^/]*$|\1|p')/$KVER
note "kernel-install: entry directory $entry: $(cd "$WORK/tree$entry" 2>/dev/null && echo *)"
[[ $entry == /boot/?*/"$KVER" ]] || _fail "kernel-install inspect: no entry directory ($entry)"
check_host cmp -s "$WORK/tree$img" "$WORK/tree$entry/initrd.img-$KVER"
check_host test ! -e "$WORK/tree$entry/initrd"
check_host test "$(grep -c '^initrd ' "$WORK/tree"/boot/loader/entries/*"$KVER".conf)" = 1
mv "$WORK/tree$img" "$WORK/tree$img.aside"
rc=0
in_tree kernel-install -v add "$KVER" "/boot/vmlinuz-$KVER" >kinstall-2.log 2>&1 || rc=$?
check_host test "$rc" = 0
check_host grep -q "baton: generating .*/initrd" kinstall-2.log
in_tree baton-mkinitramfs --list "$entry/initrd" >kinstall.list 2>&1 || _fail "--list $entry/initrd failed"
check_host grep -qx init kinstall.list
check_host grep -q '/virtio_blk\.ko$' kinstall.list
check_host grep -q "^initrd .*/$KVER/initrd\$" "$WORK/tree"/boot/loader/entries/*"$KVER".conf
rc=0
in_tree kernel-install -v remove "$KVER" >kinstall-3.log 2>&1 || rc=$?
check_host test "$rc" = 0
check_host test ! -e "$WORK/tree$entry"
mv "$WORK/tree$img.aside" "$WORK/tree$img"
rm -rf "$WORK/tree/boot/loader" "$WORK/tree/etc/kernel/install.conf" "$WORK/tree/etc/kernel/cmdline"
# The entry token's folder (/boot/MACHINE-ID), only when the entry had that shape.
[[ $entry != /boot/?*/"$KVER" ]] || rm -rf "$WORK/tree${entry%/*}"

# 3. Reinstalling the kernel with an impossible module: postrm "upgrade" keeps the image, the
# postinst fails, dpkg says so, and the image is the one before.
printf '# scenario 150\nmodules+="virtio_blk no_such_module_150"\n' \
	>"$WORK/tree/etc/baton/conf.d/90-impossible.conf"
rc=0
in_tree dpkg -i "/tmp/$(basename "$kdeb")" >dpkg-bad.log 2>&1 || rc=$?
note "reinstall with an impossible module: dpkg exit $rc"
check_host test "$rc" != 0
check_host grep -q "90-impossible.conf:2: module 'no_such_module_150' does not exist" dpkg-bad.log
check_host grep -q "update-baton: generating $img for kernel $KVER failed" dpkg-bad.log
check_host grep -q "dpkg: error processing package $kpkg" dpkg-bad.log
check_host cmp -s generic-before.img "$WORK/tree$img"
rm "$WORK/tree/etc/baton/conf.d/90-impossible.conf"
rc=0
in_tree dpkg --configure -a >dpkg-fixed.log 2>&1 || rc=$?
check_host test "$rc" = 0
check_host test -f "$WORK/tree$img"

# 4. Boot it: the kernel and image the package hooks left in /boot.
rm -f "$WORK/tree/tmp/"*.deb
truncate -s "${DISK_MB}M" disk.img
start=$SECONDS
mkfs.ext4 -F -q -L baton-debian -U "$uuid" -d "$WORK/tree" \
	-E lazy_itable_init=0,lazy_journal_init=0 disk.img >/dev/null
note "mkfs.ext4 -d of the tree: $((SECONDS - start)) s"
cp "$WORK/tree$img" generic.img
VMLINUZ=$WORK/tree/boot/vmlinuz-$KVER
attach disk.img
boot --initrd generic.img --mem 1024 --timeout "$DEBIAN_BOOT_TIMEOUT" "root=UUID=$uuid" ro
# systemd's status lines end in an erase-line sequence that lands before the guest's first line.
sed -i 's/\x1b\[K//g' console.log
expect '] baton: starting /sbin/init$'
expect '^BATON-PKG: is-system-running=(running|degraded)$' "systemd finished booting"
expect '^BATON-PKG: multi-user.target=active$'
expect '^BATON-PKG: analyze Startup finished in ' "systemd-analyze ran"
expect '^BATON-PKG: findmnt /dev/vda +ext4 +rw' "the root, remounted rw from fstab"
expect_not "^BATON-PKG: failed-unit ($HANDOFF_UNITS_RE) " "a failed unit of the hand-off"
# 5. Host-only, inside the booted system: virtio and ext4, not the generic set's others.
expect '^BATON-PKG: gen mkinitramfs: host-only: virtio_blk: .*/virtio[0-9]+' "virtio_blk explained"
expect '^BATON-PKG: gen mkinitramfs: host-only: ext4: .* on / \(fs-ext4\)' "ext4 explained"
expect '^BATON-PKG: gen mkinitramfs: wrote /boot/initrd-hostonly.img' "host-only image written"
expect '^BATON-PKG: hostonly-module virtio_blk$'
expect '^BATON-PKG: hostonly-module ext4$'
for m in nvme ahci xfs btrfs usb_storage hv_storvsc xen_blkfront vmw_pvscsi megaraid_sas; do
	expect_not "^BATON-PKG: hostonly-module $m\$" "$m is in the generic set only"
done
expect '^BATON-PKG: report done$'
grep -E '^BATON-PKG: (analyze Startup|sizes|gen-seconds|gen mkinitramfs: wrote)' console.log >&2 || true
cp console.log console-generic.log

# 6. The host-only image from the disk, after the guest powered off, boots the same system.
debugfs -R "dump /boot/initrd-hostonly.img hostonly.img" disk.img >/dev/null 2>&1 ||
	_fail "no /boot/initrd-hostonly.img on the disk after the first boot"
if [[ -s hostonly.img ]]; then
	note "images: generic $(stat -c %s generic.img) bytes, host-only $(stat -c %s hostonly.img) bytes"
	_booted=0 # a second boot of the same disk, with its own console log
	boot --initrd hostonly.img --mem 1024 --timeout "$DEBIAN_BOOT_TIMEOUT" "root=UUID=$uuid" ro
	sed -i 's/\x1b\[K//g' console.log
	expect '] baton: starting /sbin/init$'
	expect '^BATON-PKG: is-system-running=(running|degraded)$' "host-only: systemd finished booting"
	expect '^BATON-PKG: multi-user.target=active$'
	expect '^BATON-PKG: second boot$'
	grep -E '^BATON-PKG: analyze Startup' console.log >&2 || true
	cp console.log console-hostonly.log
fi

# 7. Removing the kernel package removes its image.
rc=0
in_tree dpkg -r "$kpkg" >dpkg-remove.log 2>&1 || rc=$?
check_host test "$rc" = 0
check_host test ! -e "$WORK/tree$img"
check_host grep -q "update-baton: removing $img" dpkg-remove.log
rm -rf "$WORK/tree"
