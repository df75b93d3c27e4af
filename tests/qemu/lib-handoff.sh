# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the hand-off scenarios (6x, 7x), sourced after lib.sh: images with busybox and
# hook folders, a padded image, files checked on a disk image after the boot, values read
# from the console log.
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../lib-handoff.sh"
#   scenario_begin
#   hook hooks early 10-hello <<'EOF'
#   echo hello
#   EOF
#   initramfs_hooks initrd.img --hook "$PWD/hooks"
#   boot --initrd initrd.img "root=UUID=$uuid"
#   expect_hook early/10-hello 'hello'

# The probe, as a process that should outlive the initramfs (argv[0] "@...": it only sleeps),
# is at this path in the images of initramfs_hooks.
readonly KEEPER_PATH=/usr/bin/baton-keeper

# base_tree DIR [TREE]: a base directory for mkinitramfs -b: TREE (a root filesystem tree, e.g.
# a debootstrapped Debian) if given, the test kernel's modules, the host's busybox-static as
# /bin/busybox (what --shell takes) and the probe at KEEPER_PATH. Hard links where the cache
# and the work directory share a filesystem, copies otherwise; nothing in the sources changes
# (mkinitramfs only reads its base directory).
base_tree() {
	local dir=$1 tree=${2:-} mods busybox
	busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [[ -n $tree ]]; then
		cp -al "$tree/." "$dir/" 2>/dev/null || cp -a "$tree/." "$dir/"
	fi
	# Bookworm's kernel ships lib/modules, sid's (merged /usr) usr/lib/modules.
	mods=$KERNEL_TREE/lib/modules/$KVER
	[[ -d $mods ]] || mods=$KERNEL_TREE/usr/lib/modules/$KVER
	[[ -d $mods ]] || die "base_tree: no modules of $KVER in $KERNEL_TREE"
	mkdir -p "$dir/usr/lib/modules" "$dir/usr/bin"
	[[ -e $dir/lib ]] || ln -s usr/lib "$dir/lib"
	[[ -e $dir/bin ]] || ln -s usr/bin "$dir/bin"
	cp -al "$mods" "$dir/usr/lib/modules/" 2>/dev/null || cp -a "$mods" "$dir/usr/lib/modules/"
	rm -f "$dir/usr/bin/busybox" "$dir$KEEPER_PATH"
	install -m 0755 "$busybox" "$dir/usr/bin/busybox"
	install -m 0755 "$BATON_PROBE" "$dir$KEEPER_PATH"
}

# hook DIR STAGE NAME: a hook folder's STAGE/NAME, a busybox sh script whose body is read from
# standard input.
hook() {
	local file=$1/$2/$3
	mkdir -p "$1/$2"
	{
		printf '#!/bin/sh\n'
		cat
	} >"$file"
	chmod 0755 "$file"
}

# initramfs_hooks OUT [MKINITRAMFS ARGS...]: an image for the test kernel with busybox
# (--shell), the keeper (--binary KEEPER_PATH) and ARGS (e.g. --hook "$PWD/hooks"), from the
# base directory base_tree made in the work directory (made here when missing).
initramfs_hooks() {
	local out=$1
	shift
	[[ -d $WORK/base ]] || base_tree "$WORK/base"
	initramfs_make "$out" -b "$WORK/base" --shell --binary "$KEEPER_PATH" "$@"
}

# initramfs_pad IMG MB: puts in front of IMG an uncompressed cpio archive holding
# /padding/random.bin, MB MiB of random bytes. The kernel unpacks concatenated archives one
# after the other into the same initramfs, so the file costs MB MiB of RAM there until the
# initramfs is freed. In front, as early microcode goes: Linux 6.1 cannot find an archive
# after a gzip one ("invalid magic at start of compressed archive").
initramfs_pad() {
	local img=$1 mb=$2 tree=$WORK/padding-tree
	rm -rf "$tree"
	mkdir -p "$tree/padding"
	head -c "$((mb * 1024 * 1024))" /dev/urandom >"$tree/padding/random.bin"
	(cd "$tree" && find padding | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$img.padded" ||
		die "initramfs_pad: cpio failed"
	cat "$img" >>"$img.padded"
	mv "$img.padded" "$img"
	rm -rf "$tree"
}

# tree_sums DIR: "SHA256  PATH" of every file under DIR, paths relative to DIR, sorted.
tree_sums() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}

# expect_files_kept IMG PATH TREE: after the boot, directory PATH of the ext4 image IMG holds
# exactly the files of the host directory TREE, byte for byte. The image's journal is replayed
# first (the guest powered off without unmounting; debugfs reads only what is in place).
expect_files_kept() {
	local img=$1 path=$2 tree=$3 out=$WORK/kept-${2//\//_} rc=0
	_need_boot
	e2fsck -fy "$img" >"$out.fsck" 2>&1 || rc=$?
	# 0: clean, 1: errors corrected (a replayed journal counts); more is real damage.
	if ((rc > 1)); then
		_fail "e2fsck $img exited with $rc after the boot (see $out.fsck)"
		return 0
	fi
	rm -rf "$out"
	mkdir -p "$out"
	debugfs -R "rdump $path $out" "$img" >"$out.debugfs" 2>&1
	if ! diff <(tree_sums "$tree") <(tree_sums "$out/${path##*/}") >"$out.diff"; then
		_fail "$path on $(basename "$img") changed during the boot: $(head -c 300 "$out.diff")"
	fi
}

# expect_hook STAGE/NAME REGEX [WHY]: baton logged a line of that hook matching REGEX.
expect_hook() {
	expect "] baton: hook $1: $2" "${3:-}"
}

# log_value PREFIX_REGEX KEY: VALUE of the first console line "PREFIX... KEY=VALUE" (digits,
# letters, dots), or nothing.
log_value() {
	grep -Eo -m1 -- "$1.*[ :]$2=[A-Za-z0-9.]+" "$WORK/console.log" | sed 's/.*=//'
}

# expect_within A B MIN MAX WHY: the integers A and B (B - A) differ by MIN to MAX.
expect_within() {
	local a=$1 b=$2 lo=$3 hi=$4 why=$5
	if ! [[ $a =~ ^-?[0-9]+$ && $b =~ ^-?[0-9]+$ ]]; then
		_fail "$why: no numbers to compare ('$a', '$b')"
	elif ((b - a < lo || b - a > hi)); then
		_fail "$why: $b - $a = $((b - a)), not within $lo..$hi"
	else
		note "$why: $b - $a = $((b - a)) (within $lo..$hi)"
	fi
}

# attach_snapshot IMG: IMG as the next virtio-blk disk, its writes kept in a temporary file
# that QEMU drops at exit (snapshot=on), so a cached image serves every run unchanged.
_snap_n=0
attach_snapshot() {
	[[ -f $1 ]] || die "attach_snapshot: no image $1"
	QEMU_DISK_ARGS+=(-drive "file=$1,if=none,format=raw,id=snap$_snap_n,snapshot=on"
		-device "virtio-blk-pci,drive=snap$_snap_n")
	_snap_n=$((_snap_n + 1))
}
