# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # gen and work come from run.sh, which sources this file
# Sourced by tests/generator/run.sh (its helpers, $gen, $work and the base tree): configuration
# files and their order, --list, the early microcode archive, the installed layout and the .deb.

# modules_load IMG: the image's lib/baton/modules.load, one name a line.
modules_load() { zcat "$1" | cpio -i --quiet --to-stdout lib/baton/modules.load 2>/dev/null; }

# --- configuration: /etc/baton/mkinitramfs.conf, conf.d/*.conf, the command line on top ---
conf=$work/conf
mkdir -p "$conf/conf.d"
cat >"$conf/mkinitramfs.conf" <<'EOF'
# the main file
modules="virtio_blk"   # a comment after a value
compress=gzip
EOF
printf 'modules+=ext4\n' >"$conf/conf.d/10-add.conf"
printf 'compress=gzip\n' >"$conf/conf.d/05-first.conf"
printf "COMPRESS='none'\n" >"$conf/conf.d/20-last.conf"
printf 'compress=gzip\n' >"$conf/conf.d/README"     # not *.conf: never read
printf 'compress=gzip\n' >"$conf/conf.d/.hidden.conf" # hidden: never read
"$gen" --confdir "$conf" -o "$work/c1.img" -b "$work/base" 2>"$work/c1.log" || true
check "conf: main file, then conf.d in name order" same "$(head -c 6 "$work/c1.img")" 070701
check "conf: KEY+= adds to the list" same "$(cpio -i --quiet --to-stdout lib/baton/modules.load \
	<"$work/c1.img")" "$(printf 'virtio_blk\next4')"
printf 'add_drivers="xfs"\n' >"$conf/conf.d/30-replace.conf"
"$gen" --confdir "$conf" -o "$work/c2.img" -b "$work/base" --compress=gzip 2>/dev/null || true
check "conf: the command line overrides a file (--compress)" same "$(head -c 2 "$work/c2.img" |
	od -An -tx1 | tr -d ' ')" 1f8b
check "conf: a later KEY= replaces the list (dracut's add_drivers)" \
	same "$(modules_load "$work/c2.img")" xfs
"$gen" --confdir "$conf" -o "$work/c3.img" -b "$work/base" -m ext4 --compress=gzip 2>/dev/null || true
check "conf: -m on the command line replaces the files' modules" \
	same "$(modules_load "$work/c3.img")" ext4
"$gen" --confdir "$conf" --no-config -o "$work/c4.img" -b "$work/base" 2>/dev/null || true
check "conf: --no-config reads nothing (generic set, gzip)" has "$(listing "$work/c4.img")" '/nvme\.ko$'
rm "$conf/conf.d/30-replace.conf"

bad=$work/badconf
mkdir -p "$bad"
printf 'modules=ext4\n\n  frobnicate = 1\n' >"$bad/mkinitramfs.conf"
fails "conf: unknown key names file:line" 1 "$bad/mkinitramfs.conf:3: unknown key 'frobnicate'" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
printf '# x\nmodules="virtio_blk no_such_module_11"\n' >"$bad/mkinitramfs.conf"
fails "conf: a module that does not exist names file:line" 2 \
	"$bad/mkinitramfs.conf:2: module 'no_such_module_11' does not exist for kernel $KVER" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
check "conf: nothing written for a missing module" none "$work/x.img"
printf 'shell=maybe\n' >"$bad/mkinitramfs.conf"
fails "conf: a yes/no key refuses other words" 1 "mkinitramfs.conf:1: shell='maybe': expected yes or no" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
printf 'modules="ext4\n' >"$bad/mkinitramfs.conf"
fails "conf: unterminated quote" 1 "mkinitramfs.conf:1: modules: unterminated quote" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
printf 'mode=0999\n' >"$bad/mkinitramfs.conf"
fails "conf: a bad value is checked as on the command line, with file:line" 1 \
	"mkinitramfs.conf:1: --mode '0999'" --confdir "$bad" -o "$work/x.img" -b "$work/base"
printf 'help=yes\n' >"$bad/mkinitramfs.conf"
fails "conf: help is not a configuration key" 1 "mkinitramfs.conf:1: unknown key 'help'" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
printf 'just some words\n' >"$bad/mkinitramfs.conf"
fails "conf: a line without = names file:line" 1 "mkinitramfs.conf:1: expected KEY=VALUE" \
	--confdir "$bad" -o "$work/x.img" -b "$work/base"
fails "conf: --confdir that does not exist" 1 "--confdir $work/nope: no such directory" \
	--confdir "$work/nope" -o "$work/x.img" -b "$work/base"
# Every key the installed file shows (commented out) is one the generator accepts.
sed -n 's/^#\([a-z_]*\)=\(.*\)$/\1=\2/p' "$BATON_TOP/distro/mkinitramfs.conf" >"$bad/mkinitramfs.conf"
"$gen" --confdir "$bad" -o "$work/x.img" -b "$work/base" 2>"$work/shipped.log" || true
check "conf: every key of the shipped mkinitramfs.conf is accepted" test -s "$work/x.img"
rm -f "$work/x.img"

# --- --list and --list --long ---
"$gen" --list "$work/a.img" >"$work/a.list" || true
check "--list: the same names as cpio -t" same "$(cat "$work/a.list")" "$(listing "$work/a.img")"
"$gen" --list --long "$work/a.img" >"$work/a.long" || true
check "--list --long: mode and size of /init" grep -qE "^-rwxr-xr-x +$(stat -c %s "$BATON_BUILD/init") init$" \
	"$work/a.long"
check "--list --long: symlinks with targets" grep -qE '^lrwxrwxrwx +[0-9]+ sbin/modprobe -> ' "$work/a.long"
check "--list --long: counts the modules" grep -qx "# $(grep -c '\.ko$' "$work/a.list") modules, [0-9]* bytes" \
	"$work/a.long"
fails "--list: not an image" 2 "byte 0 starts neither a cpio archive nor gzip" --list "$BATON_TOP/README.md"
fails "--list: no image named" 1 "which image" --list
head -c 3000 "$work/a.img" >"$work/cut.img"
fails "--list: a cut image is damaged, not listed as whole" 2 "damaged" --list "$work/cut.img"

# --- early microcode: uncompressed and first, as the kernel's early loader expects ---
mc=$work/mcbase
mkdir -p "$mc/lib/firmware/intel-ucode" "$mc/lib/firmware/amd-ucode"
ln -s "$KERNEL_TREE/lib/modules" "$mc/lib/modules"
printf 'INTEL-06-55-04' >"$mc/lib/firmware/intel-ucode/06-55-04"
printf 'INTEL-06-8e-09' >"$mc/lib/firmware/intel-ucode/06-8e-09"
printf 'AMD-FAM17' >"$mc/lib/firmware/amd-ucode/microcode_amd_fam17h.bin"
"$gen" -o "$work/mc1.img" -b "$mc" -m virtio_blk 2>/dev/null || true
SOURCE_DATE_EPOCH=0 "$gen" -o "$work/mc2.img" -b "$mc" -m virtio_blk 2>/dev/null || true
check "microcode: the image starts with an uncompressed newc archive" \
	same "$(head -c 6 "$work/mc1.img")" 070701
early=$(cpio -t --quiet <"$work/mc1.img" 2>/dev/null || true)
check "microcode: kernel/x86/microcode/GenuineIntel.bin" has "$early" '^kernel/x86/microcode/GenuineIntel\.bin$'
check "microcode: kernel/x86/microcode/AuthenticAMD.bin" has "$early" '^kernel/x86/microcode/AuthenticAMD\.bin$'
check "microcode: nothing else in the early archive" same "$(grep -vc '^kernel' <<<"$early")" 0
check "microcode: Intel files concatenated in name order" same "$(cpio -i --quiet --to-stdout \
	kernel/x86/microcode/GenuineIntel.bin <"$work/mc1.img")" 'INTEL-06-55-04INTEL-06-8e-09'
# The main archive follows at a 512-byte boundary (cpio_write pads to CPIO_BLOCK).
gz_at=$(LC_ALL=C grep -obUaP '\x1f\x8b\x08' "$work/mc1.img" | head -n 1 | cut -d: -f1 || true)
check "microcode: gzip of the main archive follows, block aligned" test "$((${gz_at:-1} % 512))" = 0
check "microcode: the main archive has /init" has "$(tail -c +"$((${gz_at:-0} + 1))" "$work/mc1.img" |
	zcat | cpio -t --quiet)" '^init$'
check "microcode: reproducible" cmp -s "$work/mc1.img" "$work/mc2.img"
check "microcode: --list shows both archives" same "$("$gen" --list "$work/mc1.img" | grep -c \
	-e '^kernel/x86/microcode/GenuineIntel.bin$' -e '^init$')" 2
"$gen" -o "$work/mc3.img" -b "$mc" -m virtio_blk --no-microcode 2>/dev/null || true
check "microcode: --no-microcode leaves it out" same "$(head -c 2 "$work/mc3.img" | od -An -tx1 |
	tr -d ' ')" 1f8b

# --- --host-only where the running system is not the target ---
"$gen" -o "$work/ho.img" -b "$work/base" --host-only 2>"$work/ho.log" || true
check "host-only with -b: says the running system is not the target" \
	grep -q "host-only: -b names another tree.*building a generic image" "$work/ho.log"
check "host-only with -b: the generic set" has "$(listing "$work/ho.img")" '/nvme\.ko$'
for m in usb_storage uas xhci_pci usbhid hid_generic mmc_block sdhci_pci hv_storvsc \
	xen_blkfront vmw_pvscsi megaraid_sas mpt3sas; do
	check "generic set: $m" has "$(listing "$work/ho.img")" "/${m//_/[-_]}\.ko$"
done
"$gen" -o "$work/om.img" -b "$work/base" --omit-modules=xfs,btrfs 2>/dev/null || true
check "--omit-modules leaves generic modules out, keeps the rest" same "$(listing "$work/om.img" 2>/dev/null | grep -cE '/(xfs|btrfs|nvme)\.ko$' || true)" 1

# --- make install: the installed generator finds the installed init, never /usr/sbin/init ---
inst=$work/inst
make -s -C "$BATON_TOP" install DESTDIR="$inst" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
check "install: baton-mkinitramfs" test -x "$inst/usr/sbin/baton-mkinitramfs"
check "install: no mkinitramfs (initramfs-tools owns it)" none "$inst/usr/sbin/mkinitramfs"
for f in usr/lib/baton/init usr/sbin/update-baton etc/kernel/postinst.d/baton \
	etc/kernel/postrm.d/baton usr/lib/kernel/install.d/50-baton.install \
	etc/baton/mkinitramfs.conf usr/share/man/man8/baton-mkinitramfs.8 \
	usr/share/baton/hooks/plymouth/early/10-plymouthd; do
	check "install: $f" test -e "$inst/$f"
done
printf '#!/bin/sh\n' >"$inst/usr/sbin/init" # what /usr/sbin/init is on a system: not ours
chmod 755 "$inst/usr/sbin/init"
"$inst/usr/sbin/baton-mkinitramfs" --no-config -o "$work/inst.img" -b "$work/base" -m virtio_blk \
	2>"$work/inst.log" || true
check "install: packs the installed init" same "$(zcat "$work/inst.img" |
	cpio -i --quiet --to-stdout init | sha256sum)" "$(sha256sum <"$inst/usr/lib/baton/init")"
check "install: finds the stock hooks" "$inst/usr/sbin/baton-mkinitramfs" --no-config \
	-o "$work/inst2.img" -b "$work/base" -m virtio_blk --hook plymouth --shell

# update-baton: a failed generation keeps the image and says what to fix; -d removes it.
boot=$work/boot
mkdir -p "$boot"
printf 'old image' >"$boot/initrd.img-$KVER"
rc=0
UPDATE_BATON_BOOTDIR=$boot UPDATE_BATON_GENERATOR=false "$inst/usr/sbin/update-baton" -u -k "$KVER" \
	2>"$work/ub.log" || rc=$?
check "update-baton: a failed generation exits 1" same "$rc" 1
check "update-baton: and keeps the image" same "$(cat "$boot/initrd.img-$KVER")" 'old image'
check "update-baton: and says what to fix" grep -q "run: update-baton -u -k $KVER" "$work/ub.log"
# The running kernel's image is kept once as .bak before it is regenerated (a stand-in
# generator writes "new": the real one cannot build for the host's kernel, which has no tree).
running=$(uname -r)
# shellcheck disable=SC2016 # the stand-in's own $# and $1, not this script's
printf '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && printf new >"$2"; shift; done\n' \
	>"$work/fakegen"
chmod 755 "$work/fakegen"
printf 'first' >"$boot/initrd.img-$running"
for round in 1 2; do
	UPDATE_BATON_BOOTDIR=$boot UPDATE_BATON_GENERATOR=$work/fakegen \
		"$inst/usr/sbin/update-baton" -u -k "$running" 2>/dev/null || true
	if [[ $round == 1 ]]; then
		check "update-baton: the running kernel's image kept as .bak" \
			same "$(cat "$boot/initrd.img-$running.bak" 2>/dev/null)" first
	fi
done
check "update-baton: one .bak, the image it replaced last" same "$(cat "$boot/initrd.img-$running.bak" \
	2>/dev/null)" new
check "update-baton: the new image in place" same "$(cat "$boot/initrd.img-$running")" new
UPDATE_BATON_BOOTDIR=$boot "$inst/usr/sbin/update-baton" -d -k "$running" 2>/dev/null
check "update-baton -d removes the image and its .bak" none "$boot/initrd.img-$running"*
UPDATE_BATON_BOOTDIR=$boot "$inst/usr/sbin/update-baton" -d -k "$KVER" 2>/dev/null
check "update-baton -d removes the image" none "$boot/initrd.img-$KVER"

# --- make deb: what dpkg and apt need to know ---
debfile=$(make -s -C "$BATON_TOP" deb | tail -n 1)
debfile=$BATON_TOP/${debfile#"$BATON_TOP/"}
if [[ -f $debfile ]]; then
	info=$(dpkg-deb -I "$debfile")
	contents=$(dpkg-deb -c "$debfile")
	check "deb: named baton_VERSION_ARCH.deb" has "$(basename "$debfile")" \
		"^baton_[0-9][^_]*_$(dpkg --print-architecture)\.deb$"
	check "deb: Provides linux-initramfs-tool" has "$info" '^ Provides: linux-initramfs-tool$'
	check "deb: Conflicts linux-initramfs-tool" has "$info" '^ Conflicts: linux-initramfs-tool$'
	check "deb: Depends on libkmod2 and kmod" has "$info" '^ Depends: .*libkmod2.*, kmod$'
	check "deb: conffiles" has "$(dpkg-deb -f "$debfile" Package; dpkg-deb --ctrl-tarfile "$debfile" |
		tar -xO ./conffiles)" '^/etc/baton/mkinitramfs.conf$'
	for f in usr/sbin/baton-mkinitramfs usr/sbin/update-baton usr/lib/baton/init \
		etc/kernel/postinst.d/baton etc/kernel/postrm.d/baton \
		usr/lib/kernel/install.d/50-baton.install usr/share/man/man8/baton-mkinitramfs.8.gz \
		usr/share/doc/baton/copyright; do
		check "deb: holds $f" has "$contents" " \./$f\$"
	done
	check "deb: no usr/sbin/mkinitramfs" lacks "$contents" ' \./usr/sbin/mkinitramfs$'
	check "deb: files owned by root" lacks "$contents" '^[^ ]+ [^r][^ ]*/'
	check "deb: holds update-baton(8)" has "$contents" ' \./usr/share/man/man8/update-baton\.8\.gz$'
	# Errors and warnings only (lintian refuses nothing as root, it only warns about it).
	lint=$(lintian "$debfile" 2>&1 | grep -E '^[EW]: ' || true)
	check "deb: lintian finds no error or warning" same "$lint" ""
	[[ -z $lint ]] || printf '%s\n' "$lint"
else
	bad "make deb printed no .deb ($debfile)"
fi
