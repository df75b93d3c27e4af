# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # BENCH_* variables set here are read by bench/run.sh
# The benchmark's cached pieces: a debootstrapped Debian minbase tree, the root disk made from it
# (the probe as its init), chroots holding initramfs-tools, tiny-initramfs and dracut with the
# benchmark's kernel package installed, and the images those tools build, with their generation
# times. Sourced by bench/run.sh after tests/qemu/lib.sh (kernel_fetch, probe_build, note, die).
#
# Everything lives under BENCH_CACHE (default $BATON_CACHE/bench), each piece in a folder named
# after what it is made of (package versions, the probe's checksum) and marked complete by a
# .done file, so a second `make bench` prepares nothing and a new package version prepares anew.

BENCH_CACHE=${BENCH_CACHE:-$BATON_CACHE/bench}
# The suite debootstrap installs: the machine's own release (Debian 12).
readonly BENCH_SUITE=bookworm
# The root filesystem's UUID on the benchmark disk (root=UUID=... for every tool).
readonly BENCH_ROOT_UUID=0ba70900-be0c-4be0-8be0-000000000001
# Free space left on the root filesystem beyond its contents, in MiB.
readonly BENCH_ROOT_SLACK_MB=64
# The modules the benchmark disk needs on QEMU's q35 machine: the virtio PCI transport, the
# virtio block driver and the root's filesystem (Debian builds all three as modules).
readonly BENCH_HOSTONLY_MODULES=virtio_pci,virtio_blk,ext4
# The same for the discovery point whose disks are LUNs of a virtio-scsi controller.
readonly BENCH_HOSTONLY_SCSI_MODULES=virtio_pci,virtio_scsi,sd_mod,ext4

# _bench_mirror: the main Debian archive of this machine (first URIs line of its deb822 sources
# that is not the security archive), read at run time so no host name is written anywhere here.
_bench_mirror() {
	local f=/etc/apt/sources.list.d/debian.sources uri
	[[ -r $f ]] || die "cannot read $f to find the Debian mirror for debootstrap"
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n' | grep -v -- '-security' | head -n 1)
	[[ -n $uri ]] || die "no URIs line for the main archive in $f"
	printf '%s\n' "$uri"
}

# _bench_apt CMD ARGS...: apt-get/apt-cache on the host through the private configuration.
_bench_apt() {
	"$BATON_TOP/scripts/apt-private.sh" "$BATON_CACHE" --no-src -- "$@"
}

# _bench_version PKG: the version apt would install of PKG (from the private lists).
_bench_version() {
	local v
	v=$(_bench_apt apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' |
		head -n 1) || true
	[[ -n $v ]] || die "apt cannot resolve the package $1"
	printf '%s\n' "$v"
}

# _bench_key TEXT: TEXT made safe as a folder name (versions hold ':' and '+').
_bench_key() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'
}

# _bench_unmount_under DIR: unmount whatever is mounted at or below DIR, deepest first.
_bench_unmount_under() {
	local dir m
	dir=$(realpath -m "$1")
	while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
		sort -r)
}

# _bench_rm DIR: remove a tree that may once have had /proc, /sys and /dev mounted in it; never
# follows a mount into the host's filesystems.
_bench_rm() {
	[[ -e $1 ]] || return 0
	_bench_unmount_under "$1"
	if awk -v d="$(realpath -m "$1")" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' \
		/proc/mounts; then
		die "$1 still has mounts below it; unmount them and remove it by hand"
	fi
	rm -rf --one-file-system "$1"
}

# bench_chroot DIR CMD ARGS...: run CMD inside the tree DIR with /proc, /sys and /dev (dracut
# needs them all) mounted for the duration, unmounted again whatever happens.
bench_chroot() {
	local dir=$1
	shift
	(
		trap '_bench_unmount_under "$dir"' EXIT
		trap 'exit 130' INT TERM
		mount -t proc proc "$dir/proc"
		mount --bind /sys "$dir/sys"
		mount --bind /dev "$dir/dev"
		chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	)
}

# --- base tree and root disk --------------------------------------------------------------

# bench_base: a debootstrapped minbase tree as a tarball, made once; sets BENCH_BASE_TAR.
bench_base() {
	local ver dir tmp mirror
	command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
	ver=$(dpkg-query -W -f='${Version}' debootstrap)
	dir=$BENCH_CACHE/base-$BENCH_SUITE-minbase-$(_bench_key "$ver")
	BENCH_BASE_TAR=$dir/base.tar
	[[ -f $dir/.done ]] && return 0
	mirror=$(_bench_mirror)
	tmp=$dir.tmp
	_bench_rm "$tmp"
	mkdir -p "$tmp"
	note "bench: debootstrap --variant=minbase $BENCH_SUITE into $tmp/root (a few minutes)"
	debootstrap --variant=minbase "$BENCH_SUITE" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$tmp/debootstrap.log" >&2; die "debootstrap failed (log $tmp/debootstrap.log)"; }
	# apt inside the chroots uses the machine's own sources (updates and security included) and
	# its tolerance of an archive snapshot whose Release files have expired.
	rm -f "$tmp/root/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/debian.sources "$tmp/root/etc/apt/sources.list.d/"
	printf 'Acquire::Check-Valid-Until "false";\n' >"$tmp/root/etc/apt/apt.conf.d/99bench"
	tar -C "$tmp/root" --one-file-system --numeric-owner -cf "$tmp/base.tar" .
	_bench_rm "$tmp/root"
	_bench_rm "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.done"
}

# bench_rootdisk: the root disk (ext4, UUID BENCH_ROOT_UUID): the minbase tree with the probe as
# /sbin/init; sets BENCH_ROOT_IMG. Remade when the base or the probe changes.
bench_rootdisk() {
	local sum dir tmp size
	sum=$(sha256sum "$BATON_PROBE" | cut -c1-16)
	dir=$BENCH_CACHE/rootdisk-$(basename "$(dirname "$BENCH_BASE_TAR")")-probe-$sum
	BENCH_ROOT_IMG=$dir/root.img
	[[ -f $dir/.done ]] && return 0
	tmp=$dir.tmp
	_bench_rm "$tmp"
	mkdir -p "$tmp/root"
	tar -C "$tmp/root" --numeric-owner -xf "$BENCH_BASE_TAR"
	rm -f "$tmp/root/sbin/init"
	install -m 0755 "$BATON_PROBE" "$tmp/root/sbin/init"
	size=$(($(du -sm "$tmp/root" | cut -f1) * 5 / 4 + BENCH_ROOT_SLACK_MB))
	truncate -s "${size}M" "$tmp/root.img"
	mkfs.ext4 -F -q -U "$BENCH_ROOT_UUID" -L benchroot -d "$tmp/root" \
		-E lazy_itable_init=0,lazy_journal_init=0 "$tmp/root.img" ||
		die "mkfs.ext4 of the root disk failed"
	_bench_rm "$tmp/root"
	_bench_rm "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.done"
	note "bench: root disk $BENCH_ROOT_IMG (${size} MiB)"
}

# bench_extra_disk N: the Nth extra disk for the discovery figure (a small ext4 of its own
# UUID, so every disk is probed like a real one); prints its path.
bench_extra_disk() {
	local dir=$BENCH_CACHE/extra-disks img
	img=$dir/extra-$1.img
	if [[ ! -f $img ]]; then
		mkdir -p "$dir"
		truncate -s 8M "$img.tmp"
		mkfs.ext4 -F -q -L "extra$1" "$img.tmp" || die "mkfs.ext4 $img failed"
		mv "$img.tmp" "$img"
	fi
	printf '%s\n' "$img"
}

# --- chroots with the other generators ----------------------------------------------------

# bench_kernel_debs: the .deb files of the benchmark's kernel (the packages kernel_fetch
# extracted, same versions), downloaded once; sets BENCH_KERNEL_DEBS (array).
bench_kernel_debs() {
	local list dir
	local -a pkgs=()
	list=$(dirname "$KERNEL_TREE")/packages
	if [[ -f $list ]]; then
		mapfile -t pkgs <"$list"
	else
		# Extracted before kernel_fetch kept the list: the folder is named PKG_VERSION, and
		# a bookworm kernel is that one package.
		list=$(basename "$(dirname "$KERNEL_TREE")")
		pkgs=("${list%%_*}=${list#*_}")
	fi
	dir=$BENCH_CACHE/debs-$(_bench_key "${pkgs[0]}")
	if [[ ! -f $dir/.done ]]; then
		_bench_rm "$dir"
		mkdir -p "$dir"
		(cd "$dir" && _bench_apt apt-get -q download "${pkgs[@]}" >"$dir/download.log" 2>&1) ||
			{ cat "$dir/download.log" >&2; die "apt-get download ${pkgs[*]} failed"; }
		touch "$dir/.done"
	fi
	mapfile -t BENCH_KERNEL_DEBS < <(find "$dir" -maxdepth 1 -name '*.deb' | sort)
	((${#BENCH_KERNEL_DEBS[@]})) || die "no kernel .deb in $dir"
}

# bench_chroot_make NAME PKG...: a chroot from the base tree with PKG... (and what they depend
# on) installed by apt, then the kernel's own packages by dpkg -i, so the tools find
# /lib/modules/KVER as on an installed system; sets BENCH_CHROOT. Keyed by the versions of PKG...
# and of the kernel.
bench_chroot_make() {
	local name=$1 key p tmp deb
	shift
	# "rec": packages installed with their Recommends (older caches have chroots without).
	key=$name-rec
	for p in "$@"; do
		key+=_$p-$(_bench_version "$p")
	done
	key+=_$(basename "$(dirname "$KERNEL_TREE")")
	BENCH_CHROOT=$BENCH_CACHE/chroot-$(_bench_key "$key")
	[[ -f $BENCH_CHROOT.done ]] && return 0
	tmp=$BENCH_CHROOT.tmp
	_bench_rm "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" --numeric-owner -xf "$BENCH_BASE_TAR"
	cp /etc/resolv.conf "$tmp/etc/resolv.conf"
	mkdir -p "$tmp/tmp/debs"
	for deb in "${BENCH_KERNEL_DEBS[@]}"; do
		cp "$deb" "$tmp/tmp/debs/"
	done
	note "bench: installing $* and the kernel into $tmp"
	# As apt installs them by default (Recommends too: initramfs-tools then compresses with
	# zstd, dracut builds a systemd-based image), the kernel from its .deb files with what
	# those depend on. INITRD=No: the kernel's postinst hooks make no image (the benchmark
	# makes its own).
	# shellcheck disable=SC2016 # expanded by the shell inside the chroot
	bench_chroot "$tmp" /bin/sh -c '
		set -e
		apt-get -q update
		INITRD=No apt-get -q install -y "$@" /tmp/debs/*.deb
		rm -rf /tmp/debs
		apt-get clean' sh "$@" >"$BENCH_CACHE/chroot-$name.log" 2>&1 ||
		{ tail -n 30 "$BENCH_CACHE/chroot-$name.log" >&2; die "installing $* in $tmp failed"; }
	_bench_rm "$BENCH_CHROOT"
	mv "$tmp" "$BENCH_CHROOT"
	touch "$BENCH_CHROOT.done"
}

# bench_gen_in_chroot CHROOT OUT LOG CMD ARGS...: run a generator inside CHROOT writing
# /tmp/bench.img, copy that to OUT, print its wall time in seconds (measured inside the chroot
# with bash's EPOCHREALTIME).
bench_gen_in_chroot() {
	local root=$1 out=$2 log=$3 t
	shift 3
	rm -f "$root/tmp/bench.img"
	# shellcheck disable=SC2016 # expanded by the shell inside the chroot
	t=$(bench_chroot "$root" /bin/bash -c '
		s=$EPOCHREALTIME
		"$@" >/tmp/bench-gen.log 2>&1 || { echo "exit $?"; exit 1; }
		e=$EPOCHREALTIME
		echo "$s $e"' bash "$@") ||
		{ cat "$root/tmp/bench-gen.log" >&2; die "in $root: $* failed"; }
	cp "$root/tmp/bench-gen.log" "$log"
	[[ -s $root/tmp/bench.img ]] || die "in $root: $* wrote no /tmp/bench.img"
	cp "$root/tmp/bench.img" "$out"
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f\n", a[2] - a[1] }'
}

# bench_foreign_image TOOL CHROOT RUNS CMD ARGS...: TOOL's image made in CHROOT, cached beside
# it as TOOL.img with TOOL.gen (one generation time a line: RUNS timed runs after one untimed
# run that warms the page cache) and TOOL.cmd (the command); sets BENCH_IMG. BENCH_REGEN=1, or
# another command than the cached image's, makes and times it again.
bench_foreign_image() {
	local tool=$1 root=$2 runs=$3 dir i t
	shift 3
	dir=$root.images
	BENCH_IMG=$dir/$tool.img
	if [[ ${BENCH_REGEN:-0} == 1 ]]; then
		rm -f "$dir/$tool.done"
	fi
	if [[ -f $dir/$tool.done ]]; then
		[[ $(cat "$dir/$tool.cmd" 2>/dev/null) != "$*" ]] || return 0
		note "bench: $tool: the cached image was made by another command ($(cat "$dir/$tool.cmd" 2>/dev/null || echo none recorded)); making it again"
		rm -f "$dir/$tool.done"
	fi
	mkdir -p "$dir"
	note "bench: $tool: generating its image ($runs timed runs)"
	rm -f "$dir/$tool.gen"
	for ((i = 0; i <= runs; i++)); do
		t=$(bench_gen_in_chroot "$root" "$BENCH_IMG" "$dir/$tool.log" "$@")
		((i == 0)) || printf '%s\n' "$t" >>"$dir/$tool.gen"
	done
	printf '%s\n' "$*" >"$dir/$tool.cmd"
	touch "$dir/$tool.done"
}

# bench_prepare_foreign RUNS: the chroots and the images of initramfs-tools, tiny-initramfs and
# dracut for the kernel KVER; sets BENCH_FOREIGN_IMG and BENCH_FOREIGN_GEN (associative arrays
# by tool name) and BENCH_FOREIGN_VERSION.
declare -A BENCH_FOREIGN_IMG=() BENCH_FOREIGN_GEN=() BENCH_FOREIGN_VERSION=()
bench_prepare_foreign() {
	local runs=$1 root
	bench_kernel_debs
	# initramfs-tools and tiny-initramfs-core share a chroot: -core installs beside any
	# other generator (its README.Debian), and the kernel wants one of them.
	bench_chroot_make itools initramfs-tools tiny-initramfs-core
	root=$BENCH_CHROOT
	bench_foreign_image initramfs-tools "$root" "$runs" mkinitramfs -o /tmp/bench.img "$KVER"
	BENCH_FOREIGN_IMG[initramfs-tools]=$BENCH_IMG
	BENCH_FOREIGN_VERSION[initramfs-tools]=$(_bench_version initramfs-tools)
	# No automatic module detection (it would look at the build machine's disks), no
	# microcode: just what the benchmark disk needs, as for baton's host-only image.
	bench_foreign_image tiny-initramfs "$root" "$runs" mktirfs -o /tmp/bench.img -m no -M no \
		"--include-modules=$BENCH_HOSTONLY_MODULES" "$KVER"
	BENCH_FOREIGN_IMG[tiny-initramfs]=$BENCH_IMG
	bench_foreign_image tiny-initramfs-scsi "$root" "$runs" mktirfs -o /tmp/bench.img -m no -M no \
		"--include-modules=$BENCH_HOSTONLY_SCSI_MODULES" "$KVER"
	BENCH_FOREIGN_IMG[tiny-initramfs-scsi]=$BENCH_IMG
	BENCH_FOREIGN_VERSION[tiny-initramfs]=$(_bench_version tiny-initramfs-core)
	bench_chroot_make dracut dracut
	root=$BENCH_CHROOT
	bench_foreign_image dracut "$root" "$runs" dracut --no-hostonly --force --kver "$KVER" \
		/tmp/bench.img
	BENCH_FOREIGN_IMG[dracut]=$BENCH_IMG
	BENCH_FOREIGN_VERSION[dracut]=$(_bench_version dracut)
	local t
	for t in initramfs-tools tiny-initramfs dracut; do
		BENCH_FOREIGN_GEN[$t]=${BENCH_FOREIGN_IMG[$t]%.img}.gen
	done
}

# bench_prepare_stacks: the dracut chroot (bench_prepare_foreign's, unchanged) copied and
# given cryptsetup-bin, lvm2 and mdadm, without their Recommends (mdadm's is a mail server);
# sets BENCH_STACKS_CHROOT. dracut --no-hostonly there takes its crypt, lvm and mdraid modules,
# and baton's stack image takes the same tools from it. A chroot of its own, keyed by the
# dracut chroot and these packages' versions, so the plain dracut row's image stays as it was.
readonly BENCH_STACKS_PACKAGES='cryptsetup-bin lvm2 mdadm'
bench_prepare_stacks() {
	local key p tmp
	bench_chroot_make dracut dracut
	key=$(basename "$BENCH_CHROOT")-stacks
	for p in $BENCH_STACKS_PACKAGES; do
		key+=_$p-$(_bench_version "$p")
	done
	BENCH_STACKS_CHROOT=$BENCH_CACHE/$(_bench_key "$key")
	[[ -f $BENCH_STACKS_CHROOT.done ]] && return 0
	tmp=$BENCH_STACKS_CHROOT.tmp
	_bench_rm "$tmp"
	cp -a --one-file-system "$BENCH_CHROOT" "$tmp"
	note "bench: installing $BENCH_STACKS_PACKAGES into $tmp"
	# policy-rc.d: no daemon (mdmonitor, lvm's) starts inside the chroot; INITRD=No: the
	# packages' triggers make no image.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2016,SC2086 # expanded inside the chroot; a list of packages
	bench_chroot "$tmp" /bin/sh -c '
		set -e
		apt-get -q update
		INITRD=No apt-get -q install -y --no-install-recommends "$@"
		apt-get clean' sh $BENCH_STACKS_PACKAGES >"$BENCH_CACHE/chroot-dracut-stacks.log" 2>&1 ||
		{ tail -n 30 "$BENCH_CACHE/chroot-dracut-stacks.log" >&2; die "installing $BENCH_STACKS_PACKAGES in $tmp failed"; }
	rm -f "$tmp/usr/sbin/policy-rc.d"
	_bench_rm "$BENCH_STACKS_CHROOT"
	mv "$tmp" "$BENCH_STACKS_CHROOT"
	touch "$BENCH_STACKS_CHROOT.done"
}
