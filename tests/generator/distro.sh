# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # gen and work come from run.sh, which sources this file
# Sourced by tests/generator/run.sh (its helpers, $gen, $work and the base tree): configuration
# files and their order, --list, the early microcode archive, the installed layout and the .deb.

# modules_load IMG: the image's lib/baton/modules.load, one name a line.
modules_load() { image_cat "$1" | cpio -i --quiet --to-stdout lib/baton/modules.load 2>/dev/null; }

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
check "conf: --no-config reads nothing (generic set, zstd)" has "$(listing "$work/c4.img")" '/nvme\.ko$'
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
fails "--list: not an image" 2 "byte 0 starts neither a cpio archive nor zstd, lz4 \\(legacy\\) or gzip" --list "$BATON_TOP/README.md"
fails "--list: no image named" 1 "which image" --list
head -c 3000 "$work/a.img" >"$work/cut.img"
fails "--list: a cut image is damaged, not listed as whole" 2 "damaged" --list "$work/cut.img"

# --- early microcode from Debian's amd64-microcode and intel-microcode (cached, unpacked) ---
# Uncompressed and first, as the kernel's early loader expects; each vendor's file as Debian's
# own hooks write it: AMD's containers concatenated in C name order (amd64-microcode's
# initramfs-tools hook), Intel's updates as iucode_tool --write-earlyfw writes them
# (intel-microcode's hook).
ucode=$("$BATON_TOP/tests/generator/microcode-tree.sh")
mc=$work/mcbase
mkdir -p "$mc/lib/firmware" "$work/iucode"
ln -sfn "$KERNEL_TREE/lib/modules" "$mc/lib/modules"
ln -s "$ucode/lib/firmware/amd-ucode" "$ucode/lib/firmware/intel-ucode" "$mc/lib/firmware/"
# early_file IMG NAME: kernel/x86/microcode/NAME from the image's early archive.
early_file() { cpio -i --quiet --to-stdout "kernel/x86/microcode/$1" <"$2" 2>/dev/null; }
# amd_cat FILE...: what amd64-microcode's hook writes for these containers.
amd_cat() { printf '%s\0' "$@" | LC_ALL=C sort -z | xargs -0 -r cat; }
# iucode NAME FILE...: what intel-microcode's hook writes (iucode_tool) for these files.
iucode() {
	iucode_tool -q --write-earlyfw="$work/iucode/$1.cpio" --overwrite "${@:2}" &&
		(cd "$work/iucode" && rm -rf "$1" && mkdir "$1" && cd "$1" && cpio -id --quiet <"../$1.cpio")
}
iucode all "$ucode/lib/firmware/intel-ucode" || bad "iucode_tool --write-earlyfw failed"
"$gen" -o "$work/mc1.img" -b "$mc" -m virtio_blk 2>"$work/mc1.log" || true
SOURCE_DATE_EPOCH=0 "$gen" -o "$work/mc2.img" -b "$mc" -m virtio_blk 2>/dev/null || true
check "microcode: the image starts with an uncompressed newc archive" \
	same "$(head -c 6 "$work/mc1.img")" 070701
early=$(cpio -t --quiet <"$work/mc1.img" 2>/dev/null || true)
check "microcode: the early archive holds the two vendors' files and their folders only" \
	same "$(tr '\n' ' ' <<<"$early")" \
	'kernel kernel/x86 kernel/x86/microcode kernel/x86/microcode/AuthenticAMD.bin kernel/x86/microcode/GenuineIntel.bin '
check "microcode: AuthenticAMD.bin is amd64-microcode's containers in name order" cmp -s \
	<(early_file AuthenticAMD.bin "$work/mc1.img") <(amd_cat "$ucode"/lib/firmware/amd-ucode/*)
check "microcode: GenuineIntel.bin is what iucode_tool --write-earlyfw writes" cmp -s \
	<(early_file GenuineIntel.bin "$work/mc1.img") "$work/iucode/all/kernel/x86/microcode/GenuineIntel.bin"
check "microcode: iucode_tool reads every update back" same \
	"$(early_file GenuineIntel.bin "$work/mc1.img" | iucode_tool -tb -l - 2>&1 | grep -c ' sig ')" \
	"$(iucode_tool -l "$ucode/lib/firmware/intel-ucode" 2>&1 | grep ' sig ' | sort -u -k2 | wc -l)"
# The main archive follows at the first 512-byte boundary after the early archive's trailer
# (cpio_write pads to CPIO_BLOCK); microcode itself may hold zstd's magic bytes.
trailer=$(LC_ALL=C grep -obUa 'TRAILER!!!' "$work/mc1.img" | head -n 1 | cut -d: -f1 || true)
gz_at=$(((${trailer:-0} + 11 + 511) / 512 * 512))
check "microcode: zstd of the main archive follows, block aligned" same \
	"$(tail -c +"$((gz_at + 1))" "$work/mc1.img" | head -c 4 | od -An -tx1 | tr -d ' ')" 28b52ffd
check "microcode: the main archive has /init" has "$(tail -c +"$((${gz_at:-0} + 1))" "$work/mc1.img" |
	zstd -dcq | cpio -t --quiet)" '^init$'
check "microcode: reproducible byte for byte" cmp -s "$work/mc1.img" "$work/mc2.img"
check "microcode: --list shows both archives" same "$("$gen" --list "$work/mc1.img" | grep -c \
	-e '^kernel/x86/microcode/GenuineIntel.bin$' -e '^init$')" 2
"$gen" -o "$work/mc3.img" -b "$mc" -m virtio_blk --no-microcode 2>/dev/null || true
check "microcode: --no-microcode leaves it out" same "$(head -c 4 "$work/mc3.img" | od -An -tx1 |
	tr -d ' ')" 28b52ffd
# Host-only: with -b the running system is not the target, so every vendor, as for modules;
# forced, only this machine's vendor and family.
"$gen" -o "$work/mc4.img" -b "$mc" -m virtio_blk --host-only 2>/dev/null || true
check "microcode: --host-only with -b (not the target): both vendors" same "$(cpio -t --quiet \
	<"$work/mc4.img" 2>/dev/null | grep -c '\.bin$')" 2
"$gen" -o "$work/mc5.img" -b "$mc" -m virtio_blk --host-only=force 2>/dev/null || true
vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
family=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mc5=$(cpio -t --quiet <"$work/mc5.img" 2>/dev/null | grep '\.bin$' || true)
check "microcode: --host-only=force: only this CPU's vendor ($vendor)" same "$mc5" \
	"kernel/x86/microcode/$vendor.bin"
if [[ $vendor == AuthenticAMD ]]; then
	if ((family >= 0x15)); then want=$(printf 'microcode_amd_fam%02xh.bin' "$family"); else want=microcode_amd.bin; fi
	check "microcode: --host-only=force: AMD family $family's container only ($want)" cmp -s \
		<(early_file AuthenticAMD.bin "$work/mc5.img") "$ucode/lib/firmware/amd-ucode/$want"
elif [[ $vendor == GenuineIntel ]]; then
	iucode fam "$ucode/lib/firmware/intel-ucode/$(printf '%02x' "$family")"-* || bad "iucode_tool failed"
	check "microcode: --host-only=force: Intel family $family's updates only" cmp -s \
		<(early_file GenuineIntel.bin "$work/mc5.img") "$work/iucode/fam/kernel/x86/microcode/GenuineIntel.bin"
fi
# A file that is not microcode would stop the kernel's walk: left out, with a warning.
mcbad=$work/mcbad
mkdir -p "$mcbad/lib/firmware/intel-ucode" "$mcbad/lib/firmware/amd-ucode"
ln -sfn "$KERNEL_TREE/lib/modules" "$mcbad/lib/modules"
cp "$ucode/lib/firmware/intel-ucode/06-55-03" "$ucode/lib/firmware/intel-ucode/06-55-04" \
	"$mcbad/lib/firmware/intel-ucode/"
printf 'not microcode\n' >"$mcbad/lib/firmware/intel-ucode/06-00-README"
printf 'DMA' >"$mcbad/lib/firmware/amd-ucode/microcode_amd_cut.bin"
"$gen" -o "$work/mc6.img" -b "$mcbad" -m virtio_blk 2>"$work/mc6.log" || true
check "microcode: a stray file is named in a warning" \
	grep -q 'intel-ucode/06-00-README is not Intel microcode.*ignoring' "$work/mc6.log"
check "microcode: a cut AMD container is named in a warning" \
	grep -q 'amd-ucode/microcode_amd_cut.bin is not AMD microcode' "$work/mc6.log"
iucode two "$mcbad/lib/firmware/intel-ucode/06-55-03" "$mcbad/lib/firmware/intel-ucode/06-55-04" ||
	bad "iucode_tool failed"
check "microcode: the stray file left out, the updates kept" cmp -s \
	<(early_file GenuineIntel.bin "$work/mc6.img") "$work/iucode/two/kernel/x86/microcode/GenuineIntel.bin"
check "microcode: no AMD file when none is microcode" lacks "$(cpio -t --quiet <"$work/mc6.img" \
	2>/dev/null)" AuthenticAMD

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
check "install: packs the installed init" same "$(image_cat "$work/inst.img" |
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

# --- the verity stack (issue 12): veritysetup by itself when the tree has it ---
vbase=$work/vbase
mkdir -p "$vbase/lib"
ln -sfn "$KERNEL_TREE/lib/modules" "$vbase/lib/modules"
fails "--stack verity without veritysetup in the tree" 2 \
	"--stack verity: veritysetup is not in .*install Debian's cryptsetup-bin package" \
	-o "$work/v0.img" -b "$vbase" -m virtio_blk --stack verity
copy_prog "$vbase" veritysetup
"$gen" -o "$work/v1.img" -b "$vbase" -m virtio_blk 2>/dev/null || true
v1=$(listing "$work/v1.img")
check "verity stack: veritysetup when the tree has it" has "$v1" '^usr/sbin/veritysetup$|^sbin/veritysetup$'
check "verity stack: with libcryptsetup" has "$v1" '/libcryptsetup\.so'
check "verity stack: dm-verity with -m" has "$v1" '/dm-verity\.ko$'
check "verity stack: dm-mod with -m" has "$v1" '/dm-mod\.ko$'
"$gen" -o "$work/v2.img" -b "$vbase" -m virtio_blk --no-stack verity 2>/dev/null || true
check "--no-stack verity: no veritysetup, no dm-verity" lacks "$(listing "$work/v2.img")" \
	'veritysetup$|/dm-verity\.ko$'
