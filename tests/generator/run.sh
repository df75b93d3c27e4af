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
listing() { image_cat "$1" | cpio -t --quiet; }
has() { grep -qE -- "$2" <<<"$1"; }      # has LISTING REGEX
lacks() { ! grep -qE -- "$2" <<<"$1"; }  # lacks LISTING REGEX
same() { [[ $1 == "$2" ]]; }
none() { # none PATH...: none of them exists (an unmatched glob stays a literal, absent name)
	local f
	for f in "$@"; do
		if [[ -e $f || -L $f ]]; then return 1; fi
	done
}
mode() { stat -c %a "$1"; }
not() { ! "$@"; }
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
# Staging directories go where the tests can see what a run leaves behind.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
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
check "modules.load lists -m in order" same "$(image_cat "$work/a.img" |
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
# The real names: the image, its temporary .x.img.XXXXXX, the staging folder.
check "nothing written on failure" none "$work"/x.img "$work"/.x.img.* "$TMPDIR"/mkinitramfs.*
# A failure while writing the image itself (EFBIG: file size limit above the largest staged
# file, below the image): the temporary must go too.
rc=0
(trap '' XFSZ && ulimit -f 256 && exec "$gen" -o "$work/x.img" -b "$work/base" -m virtio_blk \
	--compress=none) 2>"$work/fsize.log" || rc=$?
check "write failure: exit 2" same "$rc" 2
check "write failure: says what failed" grep -q "cannot write $work/\.x\.img\..*too large" \
	"$work/fsize.log"
check "write failure: says nothing was written" grep -q "$work/x\.img was not written" \
	"$work/fsize.log"
check "write failure: nothing written" none "$work"/x.img "$work"/.x.img.* "$TMPDIR"/mkinitramfs.*

# Image mode: 0600 (it may carry keys) whatever the umask or the replaced image's mode.
mkdir -p "$work/base/etc/keys" "$work/keyhook"
printf 'secret\n' >"$work/base/etc/keys/root.key"
chmod 0600 "$work/base/etc/keys/root.key"
printf '/etc/keys/root.key\n' >"$work/keyhook/files"
(umask 022 && "$gen" -o "$work/k.img" -b "$work/base" -m virtio_blk --hook "$work/keyhook") \
	2>/dev/null || true
check "a hook carries a 0600 key file" has "$(listing "$work/k.img" 2>/dev/null)" \
	'^etc/keys/root\.key$'
check "image mode 0600 under umask 022" same "$(mode "$work/k.img")" 600
printf 'old\n' >"$work/k.img"
chmod 0644 "$work/k.img"
(umask 022 && "$gen" -o "$work/k.img" -b "$work/base" -m virtio_blk --hook "$work/keyhook") \
	2>/dev/null || true
check "replaced 0644 image becomes 0600" same "$(mode "$work/k.img")" 600
check "replaced image is the new one" has "$(listing "$work/k.img" 2>/dev/null)" '^init$'
"$gen" -o "$work/m.img" -b "$work/base" -m virtio_blk --mode 0644 2>/dev/null || true
check "--mode 0644" same "$(mode "$work/m.img" 2>/dev/null)" 644
"$gen" -o "$work/m.img" -b "$work/base" -m virtio_blk --mode=640 2>/dev/null || true
check "--mode=640 replaces a 0644 image" same "$(mode "$work/m.img" 2>/dev/null)" 640
fails "bad --mode (not octal)" 1 "--mode '0999': expected an octal mode" \
	-o "$work/x.img" -b "$work/base" --mode 0999
fails "bad --mode (set-id bit)" 1 "--mode '4755': expected an octal mode" \
	-o "$work/x.img" -b "$work/base" --mode 4755
fails "bad --mode (empty)" 1 "--mode '': expected an octal mode" \
	-o "$work/x.img" -b "$work/base" --mode=

# An output that is not a regular file is refused and left as it was.
mkfifo "$work/fifo"
fails "FIFO output refused" 2 "$work/fifo: it exists and is a FIFO, not a regular file" \
	-o "$work/fifo" -b "$work/base" -m virtio_blk
check "FIFO untouched" test -p "$work/fifo"
# A stand-in for /dev/null (1:3): the real one must not be at risk if the code is wrong.
mknod "$work/null" c 1 3
fails "device node output refused" 2 "$work/null: it exists and is a character device \(1:3\)" \
	-o "$work/null" -b "$work/base" -m virtio_blk
check "device node untouched" same "$(stat -c '%F %t:%T' "$work/null")" \
	"character special file 1:3"
mkdir "$work/dir.img"
fails "directory output refused" 2 "$work/dir\.img: it exists and is a directory" \
	-o "$work/dir.img" -b "$work/base" -m virtio_blk
printf 'old\n' >"$work/target.img"
ln -s target.img "$work/link.img"
fails "symlink output refused" 2 "$work/link\.img: it is a symbolic link to target\.img" \
	-o "$work/link.img" -b "$work/base" -m virtio_blk
check "symlink and its target untouched" same \
	"$(readlink "$work/link.img"):$(cat "$work/target.img")" "target.img:old"
check "nothing left by the refusals" none "$work"/.fifo.* "$work"/.null.* "$work"/.dir.img.* \
	"$work"/.link.img.* "$TMPDIR"/mkinitramfs.*

# --init: a static ELF program for the kernel's class and machine, nothing else.
printf '#!/bin/sh\nexec /sbin/init\n' >"$work/init.sh"
chmod 0755 "$work/init.sh"
fails "--init script refused" 2 "init\.sh is not an ELF program \(it is a script\)" \
	-o "$work/x.img" -b "$work/base" -m virtio_blk --init "$work/init.sh"
fails "--init dynamic ELF refused" 2 "/bin/ls is dynamically linked" \
	-o "$work/x.img" -b "$work/base" -m virtio_blk --init /bin/ls
# build/init with e_machine (offset 18) patched to EM_AARCH64 (183), then EI_CLASS to 32-bit.
cp "$BATON_BUILD/init" "$work/init-arm64"
printf '\267\000' | dd of="$work/init-arm64" bs=1 seek=18 conv=notrunc status=none
fails "--init of another machine refused" 2 \
	"init-arm64 is built for 64-bit little-endian aarch64-linux-gnu.*x86_64-linux-gnu" \
	-o "$work/x.img" -b "$work/base" -m virtio_blk --init "$work/init-arm64"
cp "$BATON_BUILD/init" "$work/init-32"
printf '\001' | dd of="$work/init-32" bs=1 seek=4 conv=notrunc status=none
fails "--init of another class refused" 2 "init-32 is built for 32-bit" \
	-o "$work/x.img" -b "$work/base" -m virtio_blk --init "$work/init-32"
check "nothing written for a bad --init" none "$work"/x.img "$work"/.x.img.*

# Modules from the tree only: depmod records a module outside lib/modules/KVER (depmod.d
# "external") by absolute path; it must be read under -b, not at that path on the host.
hostile=$(mktemp -d /tmp/baton-hostile.XXXXXX)
htree=$work/hostile
hmods=$htree/lib/modules/$KVER
mkdir -p "$hmods" "$htree$hostile" "$htree/etc/depmod.d"
cp "$KERNEL_TREE/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$hmods/"
cp "$KERNEL_TREE/lib/modules/$KVER/kernel/lib/crc7.ko" "$htree$hostile/x.ko"
cp "$KERNEL_TREE/lib/modules/$KVER/kernel/lib/crc8.ko" "$hostile/x.ko"
printf 'search external built-in\nexternal * %s\n' "$hostile" >"$htree/etc/depmod.d/ext.conf"
# kmod 30's depmod opens external folders without -b's prefix: index while the host has one.
depmod -b "$htree" -C "$htree/etc/depmod.d" "$KVER" 2>/dev/null
check "hostile tree: modules.dep names an absolute path" \
	grep -q "^$hostile/x\.ko:" "$hmods/modules.dep"
"$gen" -o "$work/h.img" -b "$htree" -m x 2>"$work/h.log" || true
check "module at an absolute modules.dep path comes from -b" cmp -s "$htree$hostile/x.ko" \
	<(image_cat "$work/h.img" | cpio -i --quiet --to-stdout "lib/modules/$KVER/extra/x.ko")
# The tree's depmod.d "external" line must not put the host's folder in the image's index.
hdep=$(image_cat "$work/h.img" | cpio -i --quiet --to-stdout "lib/modules/$KVER/modules.dep.bin" |
	tr -c '[:print:]' '\n')
check "image index names the staged extra/x.ko" has "$hdep" '^extra/x\.ko:'
check "image index names no host path" lacks "$hdep" "$hostile"
rm "$htree/etc/depmod.d/ext.conf"
# A '..' component could lead anywhere on the host: refused (depmod keeps the config's path).
dtree=$work/dotdot
mkdir -p "$dtree/lib/modules/$KVER" "$dtree/etc/depmod.d"
cp "$KERNEL_TREE/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$dtree/lib/modules/$KVER/"
printf 'search external built-in\nexternal * /tmp/..%s\n' "$hostile" >"$dtree/etc/depmod.d/ext.conf"
depmod -b "$dtree" -C "$dtree/etc/depmod.d" "$KVER" 2>/dev/null
rm "$dtree/etc/depmod.d/ext.conf"
fails "a '..' in a modules.dep path refused" 2 "/tmp/\.\.$hostile/x\.ko, has a '\.\.' component" \
	-o "$work/x.img" -b "$dtree" -m x
rm -rf "$hostile"

# Honest exit: a signal that arrives after the rename (strace delivers SIGTERM on the rename
# call) must not claim that nothing was written.
if command -v strace >/dev/null; then
	rc=0
	{ # (the braces keep bash's "Terminated" notice off the output)
		strace -qq -o /dev/null -e trace=rename,renameat,renameat2 \
			-e inject=rename,renameat,renameat2:signal=TERM \
			"$gen" -o "$work/s.img" -b "$work/base" -m virtio_blk >"$work/s.log" 2>&1
	} 2>/dev/null || rc=$?
	check "signal after the rename: image in place" has "$(listing "$work/s.img" 2>/dev/null)" \
		'^init$'
	check "signal after the rename: says so" grep -q "after $work/s\.img was written: the new image is in place" "$work/s.log"
	check "signal after the rename: no 'nothing written'" not grep -qi "nothing written\|not written" "$work/s.log"
	check "signal after the rename: ends by SIGTERM" same "$rc" 143
else
	bad "strace is not installed: cannot deliver a signal at the rename"
fi

# A run killed with SIGKILL leaves its staging folder (and, killed while writing, its
# .NAME.XXXXXX temporary); the next run removes them, but not those of a live run.
"$gen" -o "$work/kill.img" -b "$work/base" 2>/dev/null &
pid=$!
for ((i = 0; i < 1000; i++)); do
	if compgen -G "$TMPDIR/mkinitramfs.*/root" >/dev/null; then break; fi
	sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
check "killed run left its staging folder (the test is sound)" \
	not none "$TMPDIR"/mkinitramfs.*
printf 'partial' >"$work/.kill.img.AbC123" # what a run killed while writing leaves
# A live run holds a flock() on its staging folder's lock file and on its temporary image.
mkdir "$TMPDIR/mkinitramfs.LiVe12"
exec {live_dir}>"$TMPDIR/mkinitramfs.LiVe12/lock" {live_tmp}>"$work/.kill.img.LiVe12"
flock -n "$live_dir"
flock -n "$live_tmp"
"$gen" -o "$work/kill.img" -b "$work/base" -m virtio_blk 2>"$work/kill.log" || true
check "after SIGKILL: the next run writes the image" test -s "$work/kill.img"
check "after SIGKILL: stale staging folders removed" \
	same "$(compgen -G "$TMPDIR/mkinitramfs.*" | grep -v LiVe12 || true)" ""
check "after SIGKILL: stale temporary image removed" none "$work/.kill.img.AbC123"
check "a live run's staging folder kept" test -e "$TMPDIR/mkinitramfs.LiVe12/lock"
check "a live run's temporary image kept" test -e "$work/.kill.img.LiVe12"
exec {live_dir}>&- {live_tmp}>&-

# --shell allows a rescue shell when the init cannot read the command line; busybox implied by
# a shell hook does not (init/shell.c reads lib/baton/shell-allowed).
mkdir -p "$work/base/bin" "$work/shhook/early"
cp /bin/busybox "$work/base/bin/busybox"
printf '#!/bin/sh\necho hi\n' >"$work/shhook/early/10-hi"
chmod 0755 "$work/shhook/early/10-hi"
"$gen" -o "$work/s.img" -b "$work/base" -m virtio_blk --shell 2>/dev/null
check "--shell marks the image shell-allowed" has "$(listing "$work/s.img")" '^lib/baton/shell-allowed$'
"$gen" -o "$work/h.img" -b "$work/base" -m virtio_blk --hook "$work/shhook" 2>/dev/null
hlist=$(listing "$work/h.img")
check "a shell hook brings busybox" has "$hlist" '^bin/sh$'
check "a shell hook does not allow the unknown-cmdline shell" lacks "$hlist" 'shell-allowed'

# Storage stacks: a stack comes in when the tree has its tool (or --stack forces it), with its
# libraries, configuration and modules; --no-stack keeps it out; forcing a missing tool fails.
copy_prog() { # copy_prog TREE PROG: the host's PROG and its libraries at their paths in TREE
	local lib prog
	prog=$(command -v "$2")
	mkdir -p "$1$(dirname "$prog")"
	cp -L "$prog" "$1$prog"
	while read -r lib; do
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}
check "no tool in the tree: no md, LVM or their tools" lacks "$glist" 'mdadm|/lvm$|md-mod\.ko|dm-thin-pool\.ko'
mkdir -p "$work/sbase/lib" "$work/sbase/etc/lvm" "$work/sbase/etc/mdadm"
ln -s "$KERNEL_TREE/lib/modules" "$work/sbase/lib/modules"
copy_prog "$work/sbase" mdadm
copy_prog "$work/sbase" lvm
printf 'ARRAY /dev/md/root metadata=1.2 UUID=01234567:89abcdef:01234567:89abcdef\n' \
	>"$work/sbase/etc/mdadm/mdadm.conf"
printf 'activation {\n}\n' >"$work/sbase/etc/lvm/lvm.conf"
"$gen" -o "$work/st.img" -b "$work/sbase" 2>"$work/st.log"
slist=$(listing "$work/st.img")
check "tree with mdadm: mdadm in the image" has "$slist" 'sbin/mdadm$'
check "tree with mdadm: md_mod and raid1" has "$slist" '/md-mod\.ko$'
check "tree with mdadm: raid1" has "$slist" '/raid1\.ko$'
check "tree with mdadm: its mdadm.conf" has "$slist" '^etc/mdadm/mdadm\.conf$'
check "tree with lvm: lvm with libdevmapper" has "$slist" 'libdevmapper[^/]*\.so'
check "tree with lvm: dm_mod and dm_thin_pool" has "$slist" '/dm-thin-pool\.ko$'
check "tree with lvm: its lvm.conf" has "$slist" '^etc/lvm/lvm\.conf$'
check "tree without cryptsetup: no luks stack" lacks "$slist" 'cryptsetup|dm-crypt\.ko'
check "stack modules are not loaded at boot" lacks "$slist" '^lib/baton/modules\.load$'
"$gen" -o "$work/st2.img" -b "$work/sbase" --no-stack lvm 2>/dev/null
s2list=$(listing "$work/st2.img")
check "--no-stack lvm: no lvm" lacks "$s2list" '/lvm$|dm-thin-pool\.ko|lvm\.conf'
check "--no-stack lvm: md still in" has "$s2list" 'sbin/mdadm$'
"$gen" -o "$work/st3.img" -b "$work/sbase" --no-stack md,lvm --stack btrfs 2>/dev/null
s3list=$(listing "$work/st3.img")
check "--no-stack md,lvm: neither" lacks "$s3list" 'mdadm|/lvm$|md-mod\.ko|dm-thin-pool\.ko'
check "--stack btrfs needs no tool: btrfs module" has "$s3list" '/btrfs\.ko$'
fails "--stack luks without cryptsetup in the tree" 2 \
	"--stack luks: cryptsetup is not in .*install Debian's cryptsetup-bin package" \
	-o "$work/st4.img" -b "$work/sbase" --stack luks
check "--stack luks failing wrote nothing" none "$work/st4.img"
fails "--stack md without mdadm" 2 "--stack md: mdadm is not in .*mdadm package" \
	-o "$work/st5.img" -b "$work/base" --stack md
fails "--stack with an unknown name" 1 "unknown stack 'zfs'" \
	-o "$work/st6.img" -b "$work/sbase" --stack md,zfs
copy_prog "$work/sbase" cryptsetup
"$gen" -o "$work/st7.img" -b "$work/sbase" --stack luks 2>/dev/null
s7list=$(listing "$work/st7.img")
check "--stack luks: cryptsetup with libcryptsetup" has "$s7list" 'libcryptsetup\.so'
for m in dm-crypt xts essiv aesni-intel algif_skcipher; do
	check "--stack luks: $m" has "$s7list" "/$m\.ko$"
done
# The shutdown return (init/shutdown.c): lib/baton/shutdown.list names what the init copies to
# /run/initramfs; on by default when a stack tool is in the image, --shutdown and --no-shutdown.
shutdown_list() { image_cat "$1" | cpio -i --quiet --to-stdout lib/baton/shutdown.list; }
mkdir -p "$work/sdbase/lib"
ln -s "$KERNEL_TREE/lib/modules" "$work/sdbase/lib/modules"
"$gen" -o "$work/sd0.img" -b "$work/sdbase" -m virtio_blk 2>/dev/null
check "no stack tool: no shutdown list" lacks "$(listing "$work/sd0.img")" 'shutdown\.list$'
"$gen" -o "$work/sd1.img" -b "$work/sdbase" -m virtio_blk --shutdown 2>"$work/sd1.log"
check "--shutdown: a list with no path (the init only)" same \
	"$(shutdown_list "$work/sd1.img" | grep -c '^/')" 0
check "--shutdown: said in the summary" grep -q 'shutdown return (0 files)' "$work/sd1.log"
mkdir -p "$work/sdbase/sbin"
cp "$(command -v mdadm)" "$work/sdbase/sbin/mdadm"
while read -r lib; do
	mkdir -p "$work/sdbase$(dirname "$lib")"
	cp -L "$lib" "$work/sdbase$lib"
done < <(ldd "$(command -v mdadm)" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
"$gen" -o "$work/sd2.img" -b "$work/sdbase" -m virtio_blk --binary /sbin/mdadm 2>/dev/null
sd2=$(shutdown_list "$work/sd2.img")
check "mdadm in the image: listed by default" has "$sd2" '^/sbin/mdadm$'
check "mdadm's libc listed" has "$sd2" '/libc\.so\.6$'
check "mdadm's loader listed" has "$sd2" '^/lib64/ld-linux-x86-64\.so\.2$'
sd2_missing=0
sd2_list=$(listing "$work/sd2.img")
while read -r p; do
	grep -qxF -- "${p#/}" <<<"$sd2_list" || sd2_missing=$((sd2_missing + 1))
done < <(grep '^/' <<<"$sd2")
check "every listed path is in the image" same "$sd2_missing" 0
"$gen" -o "$work/sd3.img" -b "$work/sdbase" -m virtio_blk --binary /sbin/mdadm --no-shutdown 2>/dev/null
check "--no-shutdown: no list even with mdadm" lacks "$(listing "$work/sd3.img")" 'shutdown\.list$'
# Configuration, --list, microcode, install and the .deb (issue 11).
# shellcheck source=tests/generator/distro.sh
. "$(dirname "$0")/distro.sh"
# shellcheck source=tests/generator/compress.sh
. "$(dirname "$0")/compress.sh"
# shellcheck source=tests/generator/arch.sh
. "$(dirname "$0")/arch.sh"
# shellcheck source=tests/generator/crypttab.sh
. "$(dirname "$0")/crypttab.sh"
# shellcheck source=tests/generator/keymap.sh
. "$(dirname "$0")/keymap.sh"
# shellcheck source=tests/generator/tpm2.sh
. "$(dirname "$0")/tpm2.sh"
# shellcheck source=tests/generator/apt-private.sh
. "$(dirname "$0")/apt-private.sh"

printf 'generator: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
