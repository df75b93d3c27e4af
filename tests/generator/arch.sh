# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # gen, work and KERNEL_TREE come from run.sh, which sources this file
# Sourced by tests/generator/run.sh: the init chosen for the kernel's architecture without
# --init, the refusal of an init of another one, and programs carried from an arm64 tree.

# image_init IMG: the image's /init.
image_init() { image_cat "$1" | cpio -i --quiet --to-stdout init 2>/dev/null; }

# Debian's arm64 kernel tree (cached; run.sh's kernel stays the one exported).
a64_tree=$(
	unset KERNEL_TREE KVER VMLINUZ
	BATON_KERNEL=bookworm-arm64 kernel_fetch
	printf '%s\n' "$KERNEL_TREE"
)
# A build tree and an installed tree of copies: build/init, and an "arm64 init" that is
# build/init with e_machine (offset 18) set to EM_AARCH64 (183): the generator reads only the
# ELF header to choose, so the test needs no cross build.
arch=$work/arch
mkdir -p "$arch/build/arm64" "$arch/usr/sbin" "$arch/usr/lib/baton"
cp "$gen" "$arch/build/mkinitramfs"
cp "$BATON_BUILD/init" "$arch/build/init"
cp "$BATON_BUILD/init" "$arch/build/arm64/init"
printf '\267\000' | dd of="$arch/build/arm64/init" bs=1 seek=18 conv=notrunc status=none
cp "$gen" "$arch/usr/sbin/baton-mkinitramfs"
cp "$arch/build/init" "$arch/usr/lib/baton/init"
cp "$arch/build/arm64/init" "$arch/usr/lib/baton/init-arm64"
agen=$arch/build/mkinitramfs

"$agen" -o "$arch/a64.img" -b "$a64_tree" -m virtio_blk 2>"$arch/a64.log" || true
check "arch: an arm64 kernel gets build/arm64/init without --init" cmp -s \
	<(image_init "$arch/a64.img") "$arch/build/arm64/init"
"$agen" -o "$arch/x64.img" -b "$work/base" -m virtio_blk 2>/dev/null || true
check "arch: an amd64 kernel still gets build/init" cmp -s <(image_init "$arch/x64.img") \
	"$arch/build/init"
"$arch/usr/sbin/baton-mkinitramfs" -o "$arch/i64.img" -b "$a64_tree" -m virtio_blk \
	2>/dev/null || true
check "arch: installed, an arm64 kernel gets PREFIX/lib/baton/init-arm64" cmp -s \
	<(image_init "$arch/i64.img") "$arch/usr/lib/baton/init-arm64"
gen=$agen fails "arch: an x86-64 --init for an arm64 kernel is refused, naming the init to pass" \
	2 "init is built for 64-bit little-endian x86_64-linux-gnu .*kernel 6\.[^ ]*-arm64 runs 64-bit little-endian aarch64-linux-gnu .*pass --init $arch/build/arm64/init" \
	-o "$arch/x.img" -b "$a64_tree" -m virtio_blk --init "$arch/build/init"
rm "$arch/build/arm64/init"
gen=$agen fails "arch: no arm64 init: says what was tried and how to build one" 2 \
	"no baton init for kernel [^ ]*-arm64.*build/arm64/init \(No such file or directory\).*make ARCH=arm64" \
	-o "$arch/x.img" -b "$a64_tree" -m virtio_blk
gen=$agen fails "arch: an arm64 init for an amd64 kernel is refused, naming build/init" 2 \
	"built for 64-bit little-endian aarch64-linux-gnu .*pass --init $arch/build/init" \
	-o "$arch/x.img" -b "$work/base" -m virtio_blk --init "$arch/usr/lib/baton/init-arm64"
check "arch: nothing written for a refused init" none "$arch"/x.img "$arch"/.x.img.*

# The generic set per architecture: an arm64 kernel gets the board drivers and is not warned
# about the PC's (i8042, uhci_hcd, vmw_pvscsi), an amd64 one the reverse; a module of the
# kernel's own architecture that is missing is still a warning.
# tree_without TREE MODULE DIR: DIR/lib/modules holds TREE's (hard links) less MODULE's file,
# indexed again by depmod into files of its own, so the cached tree never changes.
tree_without() {
	local moddir=$1/lib/modules f
	moddir=$(echo "$moddir"/*)
	rm -rf "$3"
	mkdir -p "$3/lib/modules"
	cp -al "$moddir" "$3/lib/modules/"
	moddir=$3/lib/modules/$(basename "$moddir")
	for f in "$moddir"/modules.*; do
		cp --remove-destination "$f" "$f.copy" && mv "$f.copy" "$f"
	done
	find "$moddir/kernel" -name "$2.ko*" -delete
	depmod -b "$3" "$(basename "$moddir")"
}
# (build/arm64/init was removed above: the arm64 runs name the installed one.)
"$agen" -o "$arch/g64.img" -b "$a64_tree" --init "$arch/usr/lib/baton/init-arm64" \
	2>"$arch/g64.log" || true
written_clean() { grep -q 'wrote .*kernel [^ ]*, ' "$1" && ! grep -q 'not found for kernel' "$1"; }
check "generic arm64: written, no module of the set missing" written_clean "$arch/g64.log"
g64=$(listing "$arch/g64.img" 2>/dev/null || true)
for m in ahci_platform xhci-plat-hcd ehci-platform dwc3 dwc2 sdhci-of-arasan sdhci-iproc \
	sdhci-of-dwcmshc dw_mmc-rockchip virtio_mmio; do
	check "generic arm64: $m" has "$g64" "/$m\.ko$"
done
"$agen" -o "$arch/g86.img" -b "$work/base" 2>"$arch/g86.log" || true
check "generic amd64: written, no module of the set missing" written_clean "$arch/g86.log"
g86=$(listing "$arch/g86.img" 2>/dev/null || true)
check "generic amd64: uhci_hcd and vmw_pvscsi" has "$(grep -cE '/(uhci-hcd|vmw_pvscsi)\.ko$' <<<"$g86")" '^2$'
tree_without "$a64_tree" dwc3 "$arch/no-dwc3" >/dev/null 2>&1
"$agen" -o "$arch/n64.img" -b "$arch/no-dwc3" --init "$arch/usr/lib/baton/init-arm64" \
	2>"$arch/n64.log" || true
check "generic arm64: a board driver the kernel lacks is still a warning" grep -q \
	'warning: dwc3 (in the default set) not found for kernel [^ ]*-arm64' "$arch/n64.log"
tree_without "$work/base" uhci-hcd "$arch/no-uhci" >/dev/null 2>&1
"$agen" -o "$arch/n86.img" -b "$arch/no-uhci" 2>"$arch/n86.log" || true
check "generic amd64: a PC driver the kernel lacks is still a warning" grep -q \
	'warning: uhci_hcd (in the default set) not found for kernel [^ ]*-amd64' "$arch/n86.log"

# Debian's arm64 veritysetup from an arm64 tree: its loader and libraries from the tree's
# aarch64 folders, each an AArch64 ELF file.
# shellcheck source=tests/qemu/lib-arm64.sh
. "$BATON_TOP/tests/qemu/lib-arm64.sh"
a64_verity=$(
	KERNEL_TREE=$a64_tree KVER=$(basename "$(echo "$a64_tree"/lib/modules/*)")
	arm64_tree_with cryptsetup-bin
)
"$agen" -o "$arch/v64.img" -b "$a64_verity" -m dm_verity --binary veritysetup \
	--init "$arch/usr/lib/baton/init-arm64" 2>"$arch/v64.log" || true
v64=$(listing "$arch/v64.img" 2>/dev/null || true)
check "arch: arm64 veritysetup carried" has "$v64" '^(usr/)?sbin/veritysetup$'
check "arch: its loader ld-linux-aarch64.so.1" has "$v64" '^lib/ld-linux-aarch64\.so\.1$'
check "arch: libcryptsetup from the aarch64 folder" has "$v64" \
	'^(usr/)?lib/aarch64-linux-gnu/libcryptsetup\.so\.12'
check "arch: nothing from the x86_64 folders" lacks "$v64" 'x86_64-linux-gnu|ld-linux-x86-64'
# The LUKS stack's modules by architecture: arm64's AES instructions and TPM buses, nothing of
# x86's (aesni_intel, tpm_tis) asked for.
"$agen" -o "$arch/l64.img" -b "$a64_verity" -m virtio_blk --stack luks \
	--init "$arch/usr/lib/baton/init-arm64" 2>"$arch/l64.log" || true
check "arch: --stack luks on arm64 warns of no module" written_clean "$arch/l64.log"
l64=$(listing "$arch/l64.img" 2>/dev/null || true)
for m in aes-ce-blk sha2-ce tpm_tis_spi dm-crypt; do
	check "arch: --stack luks on arm64 carries $m" has "$l64" "/$m\.ko$"
done
a64_elves=0 a64_other=0
while read -r f; do
	[[ -f $a64_verity/$f && ! -L $a64_verity/$f ]] || continue
	head -c 4 "$a64_verity/$f" | grep -q ELF || continue
	if LC_ALL=C readelf -h "$a64_verity/$f" | grep -q 'Machine:.*AArch64'; then
		a64_elves=$((a64_elves + 1))
	else
		a64_other=$((a64_other + 1))
	fi
done < <(grep -E 'veritysetup|\.so' <<<"$v64")
# veritysetup, its loader and at least libcryptsetup, libdevmapper, libc, libssl, libjson-c.
check "arch: every program and library carried is AArch64" test "$a64_other" -eq 0 -a "$a64_elves" -ge 7

# make deb (distro.sh built it as $debfile): on amd64 the package carries the arm64 init, and
# its baton-mkinitramfs picks it for an arm64 tree with no --init.
if [[ $(dpkg --print-architecture) == amd64 && -f ${debfile:-} ]]; then
	debroot=$arch/deb
	rm -rf "$debroot"
	dpkg-deb -x "$debfile" "$debroot"
	check "deb: holds usr/lib/baton/init-arm64" has "$(dpkg-deb -c "$debfile")" \
		' \./usr/lib/baton/init-arm64$'
	check "deb: its init-arm64 is an AArch64 program" grep -q 'Machine:.*AArch64' \
		<(LC_ALL=C readelf -h "$debroot/usr/lib/baton/init-arm64" 2>/dev/null)
	"$debroot/usr/sbin/baton-mkinitramfs" --no-config -o "$arch/deb64.img" -b "$a64_tree" \
		-m virtio_blk 2>"$arch/deb64.log" || true
	check "deb: baton-mkinitramfs -b ARM64TREE packs init-arm64 with no --init" cmp -s \
		<(image_init "$arch/deb64.img") "$debroot/usr/lib/baton/init-arm64"
	# make deb built build/arm64/init: make install now copies it too.
	make -s -C "$BATON_TOP" install DESTDIR="$arch/inst" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
	check "install: usr/lib/baton/init-arm64 once make ARCH=arm64 built it" cmp -s \
		"$arch/inst/usr/lib/baton/init-arm64" "$BATON_TOP/build/arm64/init"
fi
