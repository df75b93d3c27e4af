# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared library of the QEMU boot scenarios: kernel, probe init, disks, boot, assertions.
#
# A scenario is tests/qemu/NN-name/scenario.sh:
#
#   #!/usr/bin/env bash
#   # One sentence: what this scenario proves.
#   set -euo pipefail
#   . "$(dirname "$0")/../lib.sh"
#   scenario_begin                       # work dir (the cwd from here on), shared pieces
#   root_tree root                       # minimal root whose /sbin/init is the probe
#   disk_ext4 root.img 16 --uuid "$UUID" --dir root
#   attach root.img                      # virtio-blk by default
#   boot "root=UUID=$UUID"               # kernel command line words after the fixed ones
#   expect_probe_ok ext4 /dev/vda        # the probe ran as PID 1 on that root
#
# Run one alone with `tests/qemu/NN-name/scenario.sh`; tests/qemu/run.sh runs them all and
# builds the shared pieces once. Environment (all optional):
#   BATON_CACHE        downloads and extracted kernels (default ${XDG_CACHE_HOME:-~/.cache}/baton)
#   BATON_BUILD        build directory (default: build/ at the top of the work tree)
#   BATON_MKINITRAMFS  the image generator to test (default: $BATON_BUILD/mkinitramfs)
#   BATON_KERNEL       bookworm (default: Debian 12's kernel) or sid (Linux 7.x, the pivot_root
#                      path), fetched through scripts/apt-private.sh; bookworm-arm64: Debian 12's
#                      arm64 kernel under qemu-system-aarch64 (virt, TCG), with build/arm64/init
#                      and build/arm64/probe from `make ARCH=arm64`
#   BATON_KERNEL_PKG   linux-image package to boot (default: what linux-image-amd64 depends on)
#   BATON_KVM=1        use KVM instead of TCG (KVM hangs on the machines this was written on)
#   BATON_TIMEOUT      outer timeout of one QEMU run in seconds (default 120)
#   KERNEL_TREE, KVER, VMLINUZ, BATON_PROBE, BATON_INITRD: set by run.sh so each scenario
#                      reuses them; a scenario run alone makes whatever is missing.

BATON_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BATON_BUILD=${BATON_BUILD:-$BATON_TOP/build}
BATON_TESTS=$BATON_BUILD/tests
BATON_CACHE=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}
BATON_MKINITRAMFS=${BATON_MKINITRAMFS:-$BATON_BUILD/mkinitramfs}
export BATON_BUILD BATON_CACHE BATON_MKINITRAMFS

# Lines the serial log shows when the guest kernel gave up; no scenario may ever produce one.
readonly KERNEL_PANIC_RE='Kernel panic'
# Lines of the serial log shown when an expectation fails.
readonly LOG_TAIL_LINES=60
# Outer bound of one QEMU run: a TCG boot of Debian's kernel takes 10-30 s on 1 vCPU.
readonly BOOT_TIMEOUT_DEFAULT=120
# The same for Debian's arm64 kernel emulated on this x86-64 host: every instruction translated.
readonly BOOT_TIMEOUT_ARM64=240
# The filesystem UUID of guest_run's helper root, unlike any scenario's.
readonly GUEST_ROOT_UUID=0ba70900-6e57-4e57-8e57-000000000001

note() { printf '%s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# --- kernel -------------------------------------------------------------------------------

# The kernels scenarios can boot (BATON_KERNEL): Debian's own (the machine's release, bookworm)
# and Debian sid's (Linux >= 7.0, whose initramfs sits on nullfs, so baton uses pivot_root).
readonly KERNEL_CHOICES='bookworm sid bookworm-arm64'

# kernel_arch [CHOICE]: Debian's architecture of a kernel choice (default BATON_KERNEL).
kernel_arch() {
	local choice=${1:-${BATON_KERNEL:-bookworm}}
	if [[ $choice == *-arm64 ]]; then echo arm64; else echo amd64; fi
}
# The console the kernel of BATON_KERNEL writes to: the PC's 8250 UART, or the virt machine's
# PL011 on arm64.
if [[ $(kernel_arch) == arm64 ]]; then KERNEL_CONSOLE=ttyAMA0; else KERNEL_CONSOLE=ttyS0; fi

# _apt CHOICE CMD ARGS...: apt-get/apt-cache through scripts/apt-private.sh when the tree has
# it (a private package list, nothing changed on the host; sid added for CHOICE=sid), else the
# host's own apt (bookworm only).
_apt() {
	local choice=$1
	shift
	if [[ -x $BATON_TOP/scripts/apt-private.sh ]]; then
		if [[ $choice == sid ]]; then
			"$BATON_TOP/scripts/apt-private.sh" "$BATON_CACHE" --sid --no-src -- "$@"
		elif [[ $choice == *-arm64 ]]; then
			"$BATON_TOP/scripts/apt-private.sh" "$BATON_CACHE" --no-src --arch=arm64 -- "$@"
		else
			"$BATON_TOP/scripts/apt-private.sh" "$BATON_CACHE" --no-src -- "$@"
		fi
	elif [[ $choice == bookworm ]]; then
		"$@"
	else
		die "the $choice kernel needs scripts/apt-private.sh"
	fi
}

# _apt_version CHOICE PKG: the candidate version of PKG, or nothing.
_apt_version() {
	_apt "$1" apt-cache show --no-all-versions "$2" 2>/dev/null | sed -n 's/^Version: //p' |
		head -n 1 || true
}

# _kernel_export DIR: set KERNEL_TREE, KVER and VMLINUZ from an extracted kernel. Debian
# bookworm ships boot/vmlinuz-KVER and lib/modules/KVER; sid (merged /usr) ships
# usr/lib/modules/KVER with the kernel image inside as vmlinuz.
_kernel_export() {
	local dir=$1 m
	KERNEL_TREE=$dir/root
	KVER=''
	for m in "$KERNEL_TREE"/usr/lib/modules/*/ "$KERNEL_TREE"/lib/modules/*/; do
		[[ -d $m ]] || continue
		KVER=$(basename "$m")
	done
	VMLINUZ=$KERNEL_TREE/boot/vmlinuz-$KVER
	[[ -f $VMLINUZ ]] || VMLINUZ=$KERNEL_TREE/usr/lib/modules/$KVER/vmlinuz
	[[ -n $KVER && -f $VMLINUZ ]] || die "no kernel in $KERNEL_TREE (remove $dir and retry)"
	export KERNEL_TREE KVER VMLINUZ
}

# _kernel_packages CHOICE PKG: PKG and the packages holding the rest of the same kernel,
# one "name=version" a line. Bookworm's linux-image-KABI is the whole kernel; sid splits it
# into linux-image-KABI (empty), linux-binary-KABI (vmlinuz), linux-base-KABI (modules.order,
# modules.builtin) and linux-modules-KABI (the .ko.xz files).
_kernel_packages() {
	local choice=$1 pkg=$2 abi dep ver
	abi=${pkg#linux-image-}
	abi=${abi%-unsigned}
	ver=$(_apt_version "$choice" "$pkg")
	[[ -n $ver ]] || return 0
	printf '%s=%s\n' "$pkg" "$ver"
	while read -r dep; do
		ver=$(_apt_version "$choice" "$dep")
		[[ -n $ver ]] || die "$pkg depends on $dep, which apt cannot resolve"
		printf '%s=%s\n' "$dep" "$ver"
	done < <(_apt "$choice" apt-cache depends "$pkg" 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-\(binary\|base\|modules\)-${abi//./\\.}\)$/\1/p" |
		sort -u)
}

# _kernel_cached CHOICE: the newest complete kernel of CHOICE in the cache, or nothing.
# Each extracted kernel records its CHOICE in the file "choice" (none: bookworm, the only
# kind older caches hold).
_kernel_cached() {
	local d c
	while read -r d; do
		c=bookworm
		[[ -f $d/choice ]] && c=$(<"$d/choice")
		[[ $c == "$1" ]] && printf '%s\n' "$d"
	done < <(find "$BATON_CACHE/kernels" -mindepth 2 -maxdepth 2 -name .done -printf '%h\n' |
		sort -V) | tail -n 1
}

# _kernel_extract CHOICE DIR PKG=VER...: download the packages, unpack them all into DIR/root,
# and index the modules once (depmod), so each mkinitramfs run only copies. DIR appears whole
# or not at all.
_kernel_extract() {
	local choice=$1 dir=$2 tmp deb m
	shift 2
	tmp=$dir.tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$tmp/deb" "$tmp/root"
	(cd "$tmp/deb" && _apt "$choice" apt-get -q download "$@" >"$tmp/download.log" 2>&1) ||
		{ cat "$tmp/download.log" >&2; die "apt-get download $* failed"; }
	for deb in "$tmp"/deb/*.deb; do
		[[ -f $deb ]] || die "apt-get download $* left no .deb in $tmp/deb"
		dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"
	done
	rm -rf "$tmp/deb"
	# Merged-/usr packages (sid) ship usr/lib/modules; the host's depmod (kmod 30) only looks
	# in BASEDIR/lib/modules.
	if [[ ! -e $tmp/root/lib && -d $tmp/root/usr/lib/modules ]]; then
		ln -s usr/lib "$tmp/root/lib"
	fi
	# The packages ship no modules.dep (the postinst runs depmod): do what installing does.
	for m in "$tmp"/root/lib/modules/*/; do
		[[ -d $m ]] || continue
		depmod -b "$tmp/root" "$(basename "$m")" || die "depmod -b $tmp/root failed"
	done
	printf '%s\n' "$choice" >"$tmp/choice"
	printf '%s\n' "$@" >"$tmp/packages"
	mv "$tmp" "$dir" || die "cannot move $tmp to $dir"
	touch "$dir/.done"
}

# kernel_fetch: download and extract the kernel of BATON_KERNEL (bookworm, the default, or
# sid) once, keyed by package name and version; exports KERNEL_TREE (holding lib/modules/KVER),
# KVER and VMLINUZ. Does nothing when they are already exported (run.sh fetches once for every
# scenario). BATON_KERNEL_PKG names the linux-image package instead of what linux-image-amd64
# depends on.
kernel_fetch() {
	if [[ -n ${KERNEL_TREE:-} && -n ${KVER:-} && -f ${VMLINUZ:-} ]]; then
		return 0
	fi
	local choice=${BATON_KERNEL:-bookworm} pkg=${BATON_KERNEL_PKG:-} ver='' dir meta
	local -a pkgs=()
	[[ " $KERNEL_CHOICES " == *" $choice "* ]] ||
		die "BATON_KERNEL=$choice: choose one of $KERNEL_CHOICES"
	mkdir -p "$BATON_CACHE/kernels"
	meta=linux-image-$(kernel_arch "$choice")
	if [[ -z $pkg ]]; then
		pkg=$(_apt "$choice" apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1) || true
	fi
	if [[ -n $pkg ]]; then
		mapfile -t pkgs < <(_kernel_packages "$choice" "$pkg")
	fi
	if ((${#pkgs[@]} == 0)); then
		# No package lists (offline): boot the newest kernel of that choice already cached.
		dir=$(_kernel_cached "$choice")
		[[ -n $dir ]] ||
			die "cannot resolve the $choice $meta with apt and no $choice kernel is cached"
		note "apt cannot resolve the $choice kernel package; using the cached $(basename "$dir")"
		_kernel_export "$dir"
		return 0
	fi
	ver=${pkgs[0]#*=}
	dir=$BATON_CACHE/kernels/${pkg}_${ver}
	(
		# Two runs sharing the cache must not extract into each other.
		exec 9>"$BATON_CACHE/kernels/.lock"
		flock 9
		[[ -f $dir/.done ]] && exit 0
		note "fetching the $choice kernel ${pkgs[*]} into $dir"
		_kernel_extract "$choice" "$dir" "${pkgs[@]}"
	)
	_kernel_export "$dir"
}

# kernel_has_nullfs: the booted kernel (KVER) is Linux >= 7.0, which mounts the initramfs on
# top of an empty nullfs, so pivot_root out of it works (before, it is the namespace's root
# and baton moves the new root over it).
kernel_has_nullfs() {
	local major=${KVER%%.*}
	[[ $major =~ ^[0-9]+$ ]] && ((major >= 7))
}

# --- probe init ---------------------------------------------------------------------------

# probe_build: the static probe init, rebuilt when its source changed; exports BATON_PROBE.
probe_build() {
	local src=$BATON_TOP/tests/qemu/probe.c out=${BATON_PROBE:-$BATON_TESTS/probe}
	if [[ $(kernel_arch) == arm64 ]]; then
		# Cross-built by make ARCH=arm64 (this machine cannot run it to test it).
		out=${BATON_PROBE:-$BATON_BUILD/arm64/probe}
		[[ -x $out && ! $src -nt $out ]] ||
			die "$out is missing or older than probe.c: run make ARCH=arm64"
		BATON_PROBE=$out
		export BATON_PROBE
		return 0
	fi
	if [[ ! -x $out || $src -nt $out ]]; then
		command -v musl-gcc >/dev/null || die "musl-gcc is missing (apt-get install musl-tools)"
		mkdir -p "$(dirname "$out")"
		musl-gcc -static -Os -s -Wall -Wextra -Wshadow -Wmissing-prototypes -Wformat=2 -Wvla \
			-Werror -o "$out.tmp" "$src"
		mv "$out.tmp" "$out"
	fi
	BATON_PROBE=$out
	export BATON_PROBE
}

# --- initramfs ----------------------------------------------------------------------------

# initramfs_make OUT [MKINITRAMFS ARGS...]: an image for the test kernel.
initramfs_make() {
	local out=$1
	shift
	[[ -x $BATON_MKINITRAMFS ]] || die "$BATON_MKINITRAMFS is missing: run make first"
	"$BATON_MKINITRAMFS" -o "$out" -k "$KVER" -b "$KERNEL_TREE" "$@" ||
		die "$BATON_MKINITRAMFS -o $out -k $KVER -b $KERNEL_TREE $* failed"
}

# initramfs_generic: the generic image most scenarios boot; exports BATON_INITRD. An image
# given in BATON_INITRD is used as it is (run.sh makes one per kernel and run, and scenarios
# running side by side must not remake it); else build/tests/initrd-generic-KVER.img, remade
# when missing or older than the generator or build/init.
initramfs_generic() {
	local out=$BATON_TESTS/initrd-generic-$KVER.img dep stale=0
	if [[ -n ${BATON_INITRD:-} ]]; then
		[[ -f $BATON_INITRD ]] || die "BATON_INITRD=$BATON_INITRD does not exist"
		return 0
	fi
	[[ -f $out ]] || stale=1
	for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/init"; do
		[[ -e $dep && $dep -nt $out ]] && stale=1
	done
	if ((stale)); then
		mkdir -p "$(dirname "$out")"
		initramfs_make "$out.$$.tmp"
		mv "$out.$$.tmp" "$out"
	fi
	BATON_INITRD=$out
	export BATON_INITRD
}

# shared_setup: everything scenarios share, made once.
shared_setup() {
	kernel_fetch
	probe_build
	initramfs_generic
}

# --- scenario -----------------------------------------------------------------------------

SCENARIO=''
WORK=''
LOG=''
_failures=0
_tail_shown=0
_booted=0
_disk_n=0
_scsi_bus=0
_ahci_port=0
_usb_bus=0
_hotplug_img=''
_hotplug_after=''
_hotplug_delay=0
# A function that drives the monitor beside the next boot instead of _hotplug_beside (unplug).
_monitor_beside=''
QEMU_DISK_ARGS=()
# More QEMU devices for the next boot, after the disks (vga_console adds a VGA card).
QEMU_EXTRA_ARGS=()

# scenario_begin: shared pieces, a fresh work dir (also the current directory from here on),
# and the verdict at exit.
scenario_begin() {
	local script
	script=$(cd "$(dirname "$0")" && pwd)
	SCENARIO=$(basename "$script")
	WORK=${BATON_WORK:-$BATON_TESTS/${BATON_KERNEL:-bookworm}/$SCENARIO}
	shared_setup
	rm -rf "$WORK"
	mkdir -p "$WORK"
	cd "$WORK" || die "cannot enter $WORK"
	LOG=$WORK/serial.log
	trap _scenario_end EXIT
	trap _scenario_signal INT TERM
}

_qemu_pid=''
_scenario_signal() {
	if [[ -n $_qemu_pid ]]; then
		kill -TERM "$_qemu_pid" 2>/dev/null || true
	fi
	exit 130
}

_scenario_end() {
	local rc=$?
	if ((rc == 0 && _failures > 0)); then
		rc=1
	fi
	if ((rc != 0)); then
		note "$SCENARIO: FAILED ($_failures failed checks, exit $rc; work dir $WORK)"
	fi
	exit "$rc"
}

# _fail MSG: count a failed check; the log tail is shown with the first one.
_fail() {
	_failures=$((_failures + 1))
	note "FAIL: $*"
	if ((!_tail_shown)) && [[ -f $WORK/console.log ]]; then
		_tail_shown=1
		note "--- last $LOG_TAIL_LINES lines of $LOG ---"
		tail -n "$LOG_TAIL_LINES" "$WORK/console.log" >&2
		note "--- end of log ---"
	fi
}

# --- disks --------------------------------------------------------------------------------

# root_tree DIR [--init PATH] [--dir PATH | --link LINK=TARGET]...: a minimal root filesystem
# tree: /dev /proc /sys /run /tmp, then directories and symlinks in the order given (TARGET kept
# as written, so an absolute target points inside the booted root, not the host; a link to a
# directory needs that directory made first, e.g. --dir /usr/lib --link /lib=usr/lib), then
# the probe at PATH (default /sbin/init).
root_tree() {
	local dir=$1 init=/sbin/init spec link target
	local -a steps=()
	shift
	while (($#)); do
		case $1 in
		--init) init=$2 ;;
		--dir | --link) steps+=("$1 $2") ;;
		*) die "root_tree: unknown argument '$1'" ;;
		esac
		shift 2
	done
	mkdir -p "$dir"/{dev,proc,sys,run,tmp}
	for spec in "${steps[@]}"; do
		case $spec in
		--dir\ *) mkdir -p "$dir${spec#--dir }" ;;
		--link\ *)
			spec=${spec#--link }
			link=${spec%%=*}
			target=${spec#*=}
			mkdir -p "$dir$(dirname "$link")"
			ln -sfn "$target" "$dir$link"
			;;
		esac
	done
	mkdir -p "$dir$(dirname "$init")"
	install -m 0755 "$BATON_PROBE" "$dir$init"
}

# Smallest filesystems the host's mkfs tools accept (xfsprogs >= 5.19 refuses new filesystems
# under 300 MiB; btrfs-progs 6.2 says "minimum size for each btrfs device is 114294784").
readonly XFS_MIN_MB=300
readonly BTRFS_MIN_MB=110

# _xfs_proto_dir DIR: the body of an mkfs.xfs prototype file (mkfs.xfs(8), -p) for the contents
# of DIR: one "name mode uid gid [source|target]" line per entry, "$" closing each directory.
# Everything belongs to root; names with white space cannot be written in that format.
_xfs_proto_dir() {
	local dir=$1 e name perm
	for e in "$dir"/* "$dir"/.[!.]*; do
		[[ -e $e || -L $e ]] || continue
		name=${e##*/}
		[[ $name != *[[:space:]]* ]] || die "xfs: '$e': a prototype file cannot name it"
		perm=$(printf '%03o' $((8#$(stat -c %a "$e") & 8#777)))
		if [[ -L $e ]]; then
			printf '%s l--%s 0 0 %s\n' "$name" "$perm" "$(readlink "$e")"
		elif [[ -d $e ]]; then
			printf '%s d--%s 0 0\n' "$name" "$perm"
			_xfs_proto_dir "$e"
			printf '$\n'
		elif [[ -f $e ]]; then
			e=$(realpath "$e")
			[[ $e != *[[:space:]]* ]] || die "xfs: '$e': a prototype file cannot name it"
			printf '%s ---%s 0 0 %s\n' "$name" "$perm" "$e"
		else
			die "xfs: '$e': only directories, files and symlinks are copied"
		fi
	done
}

# _mkfs FSTYPE IMG SIZE_MB LABEL UUID DIR: make a filesystem image file of SIZE_MB MiB,
# filled from DIR when given. No root, no loop device: mkfs.ext4 -d, mkfs.btrfs --rootdir and
# mkfs.xfs -p (a prototype file) write the files themselves.
_mkfs() {
	local fstype=$1 img=$2 size=$3 label=$4 uuid=$5 dir=$6
	local -a opts=()
	rm -f "$img"
	truncate -s "${size}M" "$img"
	case $fstype in
	ext2 | ext3 | ext4)
		[[ -n $label ]] && opts+=(-L "$label")
		[[ -n $uuid ]] && opts+=(-U "$uuid")
		[[ -n $dir ]] && opts+=(-d "$dir")
		# Inode tables and journal written now: the guest does not zero them in the background.
		mkfs."$fstype" -F -q -E lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0 \
			"${opts[@]}" "$img" >/dev/null
		;;
	vfat)
		[[ -z $dir ]] || die "vfat: --dir is not supported"
		[[ -n $label ]] && opts+=(-n "$label")
		[[ -n $uuid ]] && opts+=(-i "${uuid//-/}")
		mkfs.vfat "${opts[@]}" "$img" >/dev/null
		;;
	xfs)
		((size >= XFS_MIN_MB)) || die "xfs: $size MiB is too small (mkfs.xfs wants $XFS_MIN_MB)"
		[[ -n $label ]] && opts+=(-L "$label")
		[[ -n $uuid ]] && opts+=(-m "uuid=$uuid")
		if [[ -n $dir ]]; then
			# Line 1 names a boot image (unused), line 2 two counts (unused), then /.
			{
				printf 'unused\n0 0\nd--755 0 0\n'
				_xfs_proto_dir "$dir"
				printf '$\n'
			} >"$img.proto"
			opts+=(-p "$img.proto")
		fi
		mkfs.xfs -q -f -K "${opts[@]}" "$img" >/dev/null || die "mkfs.xfs $img failed"
		rm -f "$img.proto"
		;;
	btrfs)
		((size >= BTRFS_MIN_MB)) ||
			die "btrfs: $size MiB is too small (mkfs.btrfs wants $BTRFS_MIN_MB)"
		[[ -n $label ]] && opts+=(-L "$label")
		[[ -n $uuid ]] && opts+=(-U "$uuid")
		[[ -n $dir ]] && opts+=(--rootdir "$dir")
		mkfs.btrfs -q -f "${opts[@]}" "$img" >/dev/null || die "mkfs.btrfs $img failed"
		;;
	swap)
		[[ -z $dir ]] || die "swap: --dir makes no sense"
		[[ -n $label ]] && opts+=(-L "$label")
		[[ -n $uuid ]] && opts+=(-U "$uuid")
		# Quiet: it warns that an image file has holes and loose permissions, true but moot.
		mkswap -q "${opts[@]}" "$img" >/dev/null || die "mkswap $img failed"
		;;
	*) die "unsupported filesystem '$fstype'" ;;
	esac
}

# disk_ext4 IMG SIZE_MB [--label L] [--uuid U] [--dir TREE] [--type FSTYPE]: a whole-disk
# filesystem image; FSTYPE ext4 (default), ext2, ext3, vfat, xfs, btrfs or swap.
disk_ext4() {
	local img=$1 size=$2 label='' uuid='' dir='' fstype=ext4
	shift 2
	while (($#)); do
		case $1 in
		--label) label=$2; shift ;;
		--uuid) uuid=$2; shift ;;
		--dir) dir=$2; shift ;;
		--type) fstype=$2; shift ;;
		*) die "disk_ext4: unknown argument '$1'" ;;
		esac
		shift
	done
	_mkfs "$fstype" "$img" "$size" "$label" "$uuid" "$dir"
}

# disk_fs FSTYPE IMG SIZE_MB [--label L] [--uuid U] [--dir TREE]: disk_ext4 of another type.
disk_fs() {
	local fstype=$1
	shift
	disk_ext4 "$@" --type "$fstype"
}

# disk_partitioned IMG SIZE_MB dos|gpt [--id DISK_ID] PART...: a partitioned disk image.
# Each PART is a comma list of key=value:
#   size=MB       partition size in MiB (omitted on the last one: the rest of the disk)
#   type=T        sfdisk type or alias (default L, Linux)
#   uuid=U        GPT partition UUID (PARTUUID=); on dos it is DISK_ID-NN by definition
#   name=N        GPT partition name (PARTLABEL=)
#   fs=FS         ext4, ext3, ext2, vfat, xfs, btrfs, swap or none (default none)
#   label=L, fsuuid=U, dir=TREE   the filesystem's label, UUID and contents
# Partitions start at 1 MiB and follow each other on MiB boundaries; each filesystem is made
# as its own image and copied in at its offset with dd conv=notrunc.
disk_partitioned() {
	local img=$1 size=$2 table=$3 id='' part kv key val start=1 psize
	local -a parts=() script=()
	shift 3
	if [[ ${1:-} == --id ]]; then
		id=$2
		shift 2
	fi
	parts=("$@")
	((${#parts[@]} > 0)) || die "disk_partitioned: no partitions"
	[[ $table == dos || $table == gpt ]] || die "disk_partitioned: table must be dos or gpt"
	rm -f "$img"
	truncate -s "${size}M" "$img"
	script+=("label: $table")
	[[ -n $id ]] && script+=("label-id: $id")
	script+=("unit: sectors")
	local -a fs_jobs=()
	local i=0
	for part in "${parts[@]}"; do
		local p_size='' p_type=L p_uuid='' p_name='' p_fs=none p_label='' p_fsuuid='' p_dir=''
		local line
		IFS=, read -r -a kv <<<"$part"
		for key in "${kv[@]}"; do
			val=${key#*=}
			case ${key%%=*} in
			size) p_size=$val ;;
			type) p_type=$val ;;
			uuid) p_uuid=$val ;;
			name) p_name=$val ;;
			fs) p_fs=$val ;;
			label) p_label=$val ;;
			fsuuid) p_fsuuid=$val ;;
			dir) p_dir=$val ;;
			*) die "disk_partitioned: unknown partition key in '$part'" ;;
			esac
		done
		i=$((i + 1))
		if [[ -z $p_size ]]; then
			((i == ${#parts[@]})) || die "disk_partitioned: only the last partition may omit size="
			# Leave the last MiB for the backup GPT.
			p_size=$((size - start - 1))
		fi
		((p_size > 0 && start + p_size <= size)) || die "disk_partitioned: partition $i does not fit"
		line="start=$((start * 2048)), size=$((p_size * 2048)), type=$p_type"
		[[ -n $p_uuid ]] && line+=", uuid=$p_uuid"
		[[ -n $p_name ]] && line+=", name=\"$p_name\""
		script+=("$line")
		if [[ $p_fs != none ]]; then
			fs_jobs+=("$start|$p_size|$p_fs|$p_label|$p_fsuuid|$p_dir")
		fi
		start=$((start + p_size))
	done
	printf '%s\n' "${script[@]}" | sfdisk --quiet --no-reread --no-tell-kernel "$img" >/dev/null ||
		die "sfdisk failed on $img"
	local job fs label fsuuid dir
	for job in "${fs_jobs[@]}"; do
		IFS='|' read -r start psize fs label fsuuid dir <<<"$job"
		_mkfs "$fs" "$img.part" "$psize" "$label" "$fsuuid" "$dir"
		dd if="$img.part" of="$img" bs=1M seek="$start" conv=notrunc,sparse status=none
		rm -f "$img.part"
	done
}

# The GPT disk of disk_gpt_esp, as a boot loader would see it: partition 1 an EFI system
# partition (vfat), 2 swap, 3 the root, 4 a second ext4 that would boot as well.
readonly GPT_ESP_PARTUUID=e5f00001-2b3c-4d5e-8f60-7a8b9c0d1e2f
readonly GPT_SWAP_PARTUUID=e5f00002-2b3c-4d5e-8f60-7a8b9c0d1e2f
readonly GPT_ROOT_PARTUUID=e5f00003-2b3c-4d5e-8f60-7a8b9c0d1e2f
readonly GPT_DATA_PARTUUID=e5f00004-2b3c-4d5e-8f60-7a8b9c0d1e2f
readonly GPT_ROOT_PARTLABEL=baton-root
readonly GPT_DATA_PARTLABEL=baton-data

# disk_gpt_esp IMG ROOT_TREE OTHER_TREE: that disk, the root filesystem filled from ROOT_TREE
# and partition 4 from OTHER_TREE (a root of its own, so picking it by mistake boots too and
# only the device name tells).
disk_gpt_esp() {
	disk_partitioned "$1" 64 gpt --id 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d \
		"size=8,type=U,name=EFI system partition,uuid=$GPT_ESP_PARTUUID,fs=vfat,label=ESP" \
		"size=4,type=S,name=swap,uuid=$GPT_SWAP_PARTUUID,fs=swap" \
		"size=16,type=L,name=$GPT_ROOT_PARTLABEL,uuid=$GPT_ROOT_PARTUUID,fs=ext4,dir=$2" \
		"type=L,name=$GPT_DATA_PARTLABEL,uuid=$GPT_DATA_PARTUUID,fs=ext4,dir=$3"
}

# attach IMG [virtio|scsi|nvme|ahci|usb] [--serial S] [--addr SLOT] [--ro]: one more disk for
# the next boot, in the order given (the first virtio disk is /dev/vda). --serial sets the
# serial number the disk reports (udev's /dev/disk/by-id names are made of it); --addr pins a
# virtio or NVMe disk's PCI slot on the root bus (0000:00:SLOT.0, SLOT in hex), which QEMU
# otherwise hands out in order. usb: a usb-storage disk (bulk-only) behind a qemu-xhci
# controller.
attach() {
	local img=$1 bus=virtio serial='' ro='' addr='' id dev
	shift
	while (($#)); do
		case $1 in
		virtio | scsi | nvme | ahci | usb) bus=$1 ;;
		--serial) serial=$2; shift ;;
		--addr) addr=$2; shift ;;
		--ro) ro=,readonly=on ;;
		*) die "attach: unknown argument '$1'" ;;
		esac
		shift
	done
	# A disk job (lib-disks.sh) makes its images when the scenario first attaches one.
	[[ $(type -t disks_build) != function ]] || disks_build
	[[ -f $img ]] || die "attach: no image $img"
	[[ -z $addr || $bus == virtio || $bus == nvme ]] || die "attach: --addr is for virtio and nvme"
	id=d$_disk_n
	_disk_n=$((_disk_n + 1))
	QEMU_DISK_ARGS+=(-drive "file=$img,if=none,format=raw,id=$id$ro")
	case $bus in
	virtio) dev="virtio-blk-pci,drive=$id" ;;
	scsi)
		if ((!_scsi_bus)); then
			QEMU_DISK_ARGS+=(-device "virtio-scsi-pci,id=scsi0")
			_scsi_bus=1
		fi
		dev="scsi-hd,drive=$id,bus=scsi0.0"
		;;
	nvme) dev="nvme,drive=$id,serial=${serial:-baton$id}"; serial='' ;;
	ahci)
		# q35 has an ICH9 AHCI controller built in: ports ide.0 to ide.5.
		dev="ide-hd,drive=$id,bus=ide.$_ahci_port"
		_ahci_port=$((_ahci_port + 1))
		;;
	usb)
		if ((!_usb_bus)); then
			QEMU_DISK_ARGS+=(-device "qemu-xhci,id=xhci0")
			_usb_bus=1
		fi
		dev="usb-storage,drive=$id,bus=xhci0.0"
		;;
	esac
	[[ -n $serial ]] && dev+=",serial=$serial"
	[[ -n $addr ]] && dev+=",addr=0x$addr"
	QEMU_DISK_ARGS+=(-device "$dev")
}

# hotplug IMG [--after REGEX] [--delay S]: IMG is not there at boot: the next boot gets a free
# PCIe root port (q35 hot-plugs PCIe devices only into one) and a monitor, and once the console
# shows REGEX (default: baton starting to wait for the root) and S seconds more have passed
# (default 3), IMG is plugged in as a virtio-blk disk, through the monitor as a person would.
hotplug() {
	local img=$1
	shift
	_hotplug_after='baton: waiting for root device'
	_hotplug_delay=3
	while (($#)); do
		case $1 in
		--after) _hotplug_after=$2 ;;
		--delay) _hotplug_delay=$2 ;;
		*) die "hotplug: unknown argument '$1'" ;;
		esac
		shift 2
	done
	[[ -f $img ]] || die "hotplug: no image $img"
	[[ -z $_hotplug_img ]] || die "hotplug: one hot-plugged disk per boot"
	_hotplug_img=$(realpath "$img")
	QEMU_DISK_ARGS+=(-device "pcie-root-port,id=hp0,chassis=1")
}

# guest_run [--prog PROG]... [--copy SRC=DEST]... [--cmdline WORDS] [--qemu ARG]... SCRIPT IMG...
# (--qemu: one more argument for QEMU, e.g. a TPM device): change disk
# images in ways the host cannot without root (mounting them): boots the test kernel, with the
# generic image (so baton is what mounts it; WORDS added to its command line, e.g.
# rd.modules-load= for what SCRIPT mounts), on a helper root (/dev/vda): busybox, the host
# programs PROG with the shared libraries ldd lists, and SRC (a file or tree) copied to DEST.
# Its init runs the
# shell text SCRIPT (busybox sh -e) with IMG... as /dev/vdb, /dev/vdc and so on, then powers
# off. Dies, showing the helper's console, unless SCRIPT ran to its end. Disks attached for the
# scenario's own boot are not part of it. --ro IMG: attached read-only after IMG...;
# --timeout S: the helper boot's bound (default BOOT_TIMEOUT_DEFAULT).
guest_run() {
	local tree=$WORK/guest/root img spec prog lib rc=0 size words=''
	local -a progs=() copies=() qemu_args=() saved_disks=("${QEMU_DISK_ARGS[@]}") ro_disks=()
	local saved_n=$_disk_n timeout=$BOOT_TIMEOUT_DEFAULT attempt=1
	while (($#)); do
		case $1 in
		--prog) progs+=("$2") ;;
		--copy) copies+=("$2") ;;
		--cmdline) words=" $2" ;;
		--qemu) qemu_args+=("$2") ;;
		--timeout) timeout=$2 ;;
		--ro) ro_disks+=("$2") ;;
		*) break ;;
		esac
		shift 2
	done
	(($# >= 1)) || die "guest_run: no script"
	local guest_script=$1
	shift
	rm -rf "$WORK/guest"
	mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,mnt}
	local busybox
	busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
	install -m 0755 "$busybox" "$tree/bin/busybox"
	while read -r applet; do
		[[ -e $tree/$applet ]] || ln -s /bin/busybox "$tree/$applet"
	done < <("$busybox" --list-full)
	for prog in "${progs[@]}"; do
		prog=$(command -v "$prog") || die "guest_run: no program ${progs[*]} on this host"
		rm -f "$tree/usr/sbin/${prog##*/}" "$tree/usr/bin/${prog##*/}"
		install -m 0755 "$prog" "$tree/usr/bin/${prog##*/}"
		# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and the loader's own line.
		while read -r lib; do
			mkdir -p "$tree$(dirname "$lib")"
			cp -L "$lib" "$tree$lib"
		done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
	done
	for spec in "${copies[@]}"; do
		mkdir -p "$tree$(dirname "${spec#*=}")"
		cp -a "${spec%%=*}" "$tree${spec#*=}"
	done
	printf '%s\n' "$guest_script" >"$tree/guest.sh"
	rm -f "$tree/sbin/init"
	cat >"$tree/sbin/init" <<'INIT'
#!/bin/busybox sh
# guest_run's init: the script, a verdict line for the host, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
exec </dev/console >/dev/console 2>&1
if /bin/busybox sh -e /guest.sh; then
	echo "BATON-GUEST: done"
else
	echo "BATON-GUEST: failed with status $?"
fi
sync
/bin/busybox poweroff -f
INIT
	chmod 0755 "$tree/sbin/init"
	size=$(($(du -sm "$tree" | cut -f1) + 16))
	_mkfs ext4 "$WORK/guest/root.img" "$size" batonguest "$GUEST_ROOT_UUID" "$tree"
	QEMU_DISK_ARGS=()
	_disk_n=0
	attach "$WORK/guest/root.img"
	for img in "$@"; do
		attach "$img"
	done
	for img in "${ro_disks[@]}"; do
		attach "$img" --ro
	done
	note "guest_run: booting a helper root for ${*:-no disk}"
	while :; do
		rc=0
		_qemu "$WORK/guest/serial.log" "$timeout" 512 "$BATON_INITRD" \
			"console=$KERNEL_CONSOLE panic=-1 root=UUID=$GUEST_ROOT_UUID$words" \
			"${qemu_args[@]}" || rc=$?
		tr -d '\r' <"$WORK/guest/serial.log" >"$WORK/guest/console.log"
		# A host that stalled the helper's early clock (see CLOCK_SKEW_RE) before the script
		# finished: boot it again, as boot() does; the scripts make their disks from scratch.
		if ((attempt < BOOT_ATTEMPTS)) && ! grep -q '^BATON-GUEST: done' "$WORK/guest/console.log" &&
			grep -Eq -- "$CLOCK_SKEW_RE" "$WORK/guest/console.log"; then
			note "guest_run: the host stalled the helper's early clock ($(grep -Em1 -- \
				"$CLOCK_SKEW_RE" "$WORK/guest/console.log")): booting again"
			attempt=$((attempt + 1))
			continue
		fi
		break
	done
	QEMU_DISK_ARGS=("${saved_disks[@]}")
	_disk_n=$saved_n
	if ((rc != 0)) || ! grep -q '^BATON-GUEST: done' "$WORK/guest/console.log"; then
		tail -n "$LOG_TAIL_LINES" "$WORK/guest/console.log" >&2
		die "guest_run: the helper boot did not finish its script (qemu exit $rc; $WORK/guest)"
	fi
}

# disk_btrfs_subvol IMG SIZE_MB SUBVOL TREE [--label L] [--uuid U]: a btrfs image whose
# subvolume SUBVOL holds TREE, with nothing else at the top level. mkfs.btrfs 6.2 cannot make
# subvolumes (--subvol came later), so guest_run's helper boot does, with the host's btrfs.
disk_btrfs_subvol() {
	local img=$1 size=$2 subvol=$3 tree=$4 label='' uuid=''
	shift 4
	while (($#)); do
		case $1 in
		--label) label=$2 ;;
		--uuid) uuid=$2 ;;
		*) die "disk_btrfs_subvol: unknown argument '$1'" ;;
		esac
		shift 2
	done
	_mkfs btrfs "$img" "$size" "$label" "$uuid" ''
	guest_run --prog btrfs --copy "$tree=/payload" --cmdline rd.modules-load=btrfs "
mount -t btrfs /dev/vdb /mnt
btrfs subvolume create /mnt/$subvol
cp -a /payload/. /mnt/$subvol/
umount /mnt" "$img"
}

# --- boot ---------------------------------------------------------------------------------

# _qemu SERIAL TIMEOUT MEM INITRD CMDLINE [QEMU ARGS...]: run the test kernel with the attached
# disks until it powers off or reboots (-no-reboot), at most TIMEOUT s; the serial console goes
# to the file SERIAL, QEMU's own output to SERIAL.qemu. Returns QEMU's (or timeout's) status.
# In the background so a signal to the scenario ends QEMU (timeout has its own group); the
# function given in _qemu_beside, if any, runs beside it in a subshell.
_qemu_beside=''
# QEMU exits when the guest reboots; a scenario that needs the reset (RAM kept: pstore) empties it.
QEMU_REBOOT_ARGS=(-no-reboot)
_qemu() {
	local serial=$1 timeout=$2 mem=$3 initrd=$4 cmdline=$5 rc=0 beside=''
	local -a accel=(-accel tcg) serial_args=(-serial "file:$serial") machine=(-machine q35)
	local qemu=qemu-system-x86_64
	shift 5
	# _console_input PATH: the serial console also takes input from the FIFO PATH.in (its
	# output goes to PATH.out, and to SERIAL as before); lib-luks.sh types passphrases there.
	if [[ -n ${_console_input:-} ]]; then
		serial_args=(-chardev "pipe,id=ser0,path=$_console_input,logfile=$serial"
			-serial chardev:ser0)
	fi
	if [[ ${BATON_KVM:-0} == 1 ]]; then
		accel=(-accel kvm -cpu host)
	fi
	if [[ $(kernel_arch) == arm64 ]]; then
		# QEMU's generic arm64 board (PCIe, PL011 UART) and its newest CPU; pointer
		# authentication with QEMU's own cheap algorithm instead of QARMA (docs/system/arm/
		# cpu-features.rst: "pauth-impdef" is much faster under TCG). Debian's bookworm vmlinuz
		# is an uncompressed Image with an EFI header ("MZ"), which -kernel loads as it is.
		qemu=qemu-system-aarch64 machine=(-machine virt -cpu "max,pauth-impdef=on") accel=(-accel tcg)
	fi
	rm -f "$serial"
	timeout -k 5 "$timeout" "$qemu" "${machine[@]}" "${accel[@]}" -m "$mem" -smp 1 \
		-nographic "${QEMU_REBOOT_ARGS[@]}" -nodefaults -no-user-config "${serial_args[@]}" \
		-kernel "$VMLINUZ" -initrd "$initrd" -append "$cmdline" \
		"${QEMU_DISK_ARGS[@]}" "$@" </dev/null >"$serial.qemu" 2>&1 &
	_qemu_pid=$!
	if [[ -n $_qemu_beside ]]; then
		"$_qemu_beside" "$serial" "$_qemu_pid" &
		beside=$!
	fi
	wait "$_qemu_pid" || rc=$?
	_qemu_pid=''
	if [[ -n $beside ]]; then
		kill "$beside" 2>/dev/null || true
		wait "$beside" 2>/dev/null || true
	fi
	[[ -f $serial ]] || : >"$serial"
	return "$rc"
}

# _hotplug_beside SERIAL QEMU_PID: waits for the console line of hotplug, then plugs its disk
# in through the monitor (fd _monitor_in); gives up when QEMU is gone.
_monitor_in=''
_hotplug_beside() {
	local serial=$1 pid=$2
	until grep -Eq -- "$_hotplug_after" "$serial" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.2
	done
	sleep "$_hotplug_delay"
	note "hot-plugging $_hotplug_img ${_hotplug_delay}s after /$_hotplug_after/"
	printf '%s\n' "drive_add 0 if=none,id=hot0,file=$_hotplug_img,format=raw" \
		"device_add virtio-blk-pci,drive=hot0,bus=hp0,id=hotdisk0" >&"$_monitor_in"
}

# The guest kernel measures the TSC against the PIT at boot; on a busy host that can go wildly
# wrong (it then warns "tsc: PIT calibration deviates from HPET: 61258 2596241" and trusts the
# PIT), and the guest's clock, timeouts and log timestamps included, runs many times too fast.
# The same stall can also make the kernel give up on its timer interrupt ("Kernel panic - not
# syncing: IO-APIC + timer doesn't work!"), long before /init. Such a boot proves nothing about
# baton, so boot runs it again, up to BOOT_ATTEMPTS in all.
readonly CLOCK_SKEW_RE="tsc: PIT calibration deviates|IO-APIC \\+ timer doesn't work"
readonly BOOT_ATTEMPTS=3

# boot [--initrd IMG] [--timeout S] [--mem MB] [--] WORD...: boot the test kernel with the
# attached disks; the words follow "console=ttyS0 panic=-1" (ttyAMA0 on arm64) on the command line. The serial
# console goes to $LOG (console.log beside it is the same without carriage returns). QEMU exits
# when the guest powers off or reboots (-no-reboot); the outer timeout makes a hang a failure.
# A failed run counts as a failed check; the scenario goes on so its expectations report too.
boot() {
	local initrd=${BATON_INITRD:-} timeout=${BATON_TIMEOUT:-$BOOT_TIMEOUT_DEFAULT} mem=512 rc
	# arm64 under TCG: 31-94 s per boot were measured here with the host's load at 10-14.
	[[ -n ${BATON_TIMEOUT:-} || $(kernel_arch) != arm64 ]] || timeout=$BOOT_TIMEOUT_ARM64
	local monitor_out='' line attempt=1
	local -a extra=()
	while (($#)); do
		case $1 in
		--initrd) initrd=$2; shift ;;
		# A scenario's own bound is its least; BATON_TIMEOUT (a loaded host) may raise it.
		--timeout) ((${BATON_TIMEOUT:-0} > $2)) || timeout=$2; shift ;;
		--mem) mem=$2; shift ;;
		--) shift; break ;;
		*) break ;;
		esac
		shift
	done
	((_booted == 0)) || die "boot: one boot per scenario (the log would be overwritten)"
	_booted=1
	printf '%s\n' "console=$KERNEL_CONSOLE panic=-1 $*" >"$WORK/cmdline"
	while :; do
		rm -f "$LOG" "$WORK/console.log"
		if [[ -n $_hotplug_img || -n $_monitor_beside ]]; then
			# QEMU's pipe chardev opens monitor.in and monitor.out read-write; holding them
			# read-write here too means no open ever blocks, whoever is gone first.
			rm -f "$WORK/monitor.in" "$WORK/monitor.out"
			mkfifo "$WORK/monitor.in" "$WORK/monitor.out"
			exec {_monitor_in}<>"$WORK/monitor.in" {monitor_out}<>"$WORK/monitor.out"
			extra=(-monitor "pipe:$WORK/monitor")
			_qemu_beside=${_monitor_beside:-_hotplug_beside}
		fi
		local start=$SECONDS
		rc=0
		_qemu "$LOG" "$timeout" "$mem" "$initrd" "console=$KERNEL_CONSOLE panic=-1 $*" "${extra[@]}" \
			"${QEMU_EXTRA_ARGS[@]}" || rc=$?
		_qemu_beside=''
		BOOT_SECONDS=$((SECONDS - start))
		mv "$LOG.qemu" "$WORK/qemu.out"
		tr -d '\r' <"$LOG" >"$WORK/console.log"
		if [[ -n $monitor_out ]]; then
			# What the monitor answered (a pipe holds far more than these few lines), without
			# its prompt lines, where readline redraws each typed character.
			while IFS= read -r -t 0.2 -u "$monitor_out" line; do
				[[ $line == *'(qemu)'* ]] || printf '%s\n' "${line%$'\r'}"
			done >"$WORK/monitor.log" || true
			exec {_monitor_in}>&- {monitor_out}>&-
			monitor_out=''
		fi
		note "booted in ${BOOT_SECONDS}s (qemu exit $rc): $*"
		if ((attempt < BOOT_ATTEMPTS)) && grep -Eq -- "$CLOCK_SKEW_RE" "$WORK/console.log"; then
			note "the host stalled the guest's early clock ($(grep -Em1 -- "$CLOCK_SKEW_RE" \
				"$WORK/console.log")): booting again"
			attempt=$((attempt + 1))
			continue
		fi
		break
	done
	if ((rc == 124 || rc == 137)); then
		_fail "QEMU did not exit within ${timeout}s (the guest hung instead of rebooting)"
	elif ((rc != 0)); then
		cat "$WORK/qemu.out" >&2
		_fail "QEMU exited with status $rc"
	fi
	if grep -q -- "$KERNEL_PANIC_RE" "$WORK/console.log"; then
		_fail "the console shows a kernel panic"
	fi
}

# --- expectations -------------------------------------------------------------------------

_need_boot() {
	((_booted)) || die "expectations need a boot first"
}

# expect REGEX [WHY]: some console line matches the extended regular expression.
expect() {
	_need_boot
	grep -Eq -- "$1" "$WORK/console.log" || _fail "expected /$1/ in the console log${2:+ ($2)}"
}

# expect_not REGEX [WHY]: no console line matches.
expect_not() {
	local hit
	_need_boot
	if hit=$(grep -Em1 -- "$1" "$WORK/console.log"); then
		_fail "unexpected /$1/ in the console log${2:+ ($2)}: $hit"
	fi
}

# _stamp REGEX: the kernel timestamp (seconds) of the first console line matching REGEX.
_stamp() {
	# No match is an empty answer, not a failure that set -e would end the scenario on.
	{ grep -Em1 -- "$1" "$WORK/console.log" || true; } | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
}

# expect_count REGEX N [WHY]: exactly N console lines match.
expect_count() {
	local n
	_need_boot
	n=$(grep -Ec -- "$1" "$WORK/console.log") || true
	((n == $2)) || _fail "expected $2 lines matching /$1/, found $n${3:+ ($3)}"
}

# expect_elapsed FROM_REGEX TO_REGEX MIN MAX: the kernel timestamps of the first lines
# matching each are MIN to MAX seconds apart (guest time, so valid under TCG too).
expect_elapsed() {
	local from to
	_need_boot
	from=$(_stamp "$1")
	to=$(_stamp "$2")
	if [[ -z $from || -z $to ]]; then
		_fail "no timestamped lines for /$1/ and /$2/"
		return 0
	fi
	if ! awk -v a="$from" -v b="$to" -v lo="$3" -v hi="$4" \
		'BEGIN { d = b - a; exit !(d >= lo && d <= hi) }'; then
		_fail "/$1/ at ${from}s to /$2/ at ${to}s: not within $3..$4 s"
	fi
}

# expect_probe_ok FSTYPE DEVICE_REGEX [ro|rw] [FSROOT]: the probe ran as PID 1 to its end, and
# / is FSTYPE mounted (read-only or read-write when given) from a device matching DEVICE_REGEX
# (e.g. /dev/vda2), not the initramfs; FSROOT is the directory of the filesystem mounted there
# (default /; a btrfs subvolume's path, e.g. /rootvol).
expect_probe_ok() {
	local mode=${3:-[a-z]+} fsroot=${4:-/}
	expect '^BATON-PROBE: OK$' "the probe init reached its end"
	expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
	expect "^BATON-PROBE: mountinfo [0-9]+ [0-9]+ [0-9]+:[0-9]+ $(re_quote "$fsroot") / ${mode}[, ].* - $1 $2 " \
		"/ is $1 from $2${3:+, $3}${4:+, its $4}"
	expect_not '^BATON-PROBE: mountinfo .* - (rootfs|tmpfs|ramfs) ' "/ is still the initramfs"
	if [[ $1 == btrfs ]]; then
		# btrfs gives each subvolume an anonymous device number (major 0).
		expect '^BATON-PROBE: rootdev=0:[1-9][0-9]*$' "/ is a btrfs subvolume"
	else
		expect '^BATON-PROBE: rootdev=[1-9][0-9]*:' "/ is a block device"
	fi
	expect_switch_path
}

# expect_mount MOUNTPOINT FSTYPE DEVICE_REGEX [ro|rw]: the probe saw MOUNTPOINT mounted, FSTYPE
# from a device matching DEVICE_REGEX (its "mount" lines list all of /proc/self/mountinfo).
expect_mount() {
	local mode=${4:-[a-z]+}
	expect "^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ $(re_quote "$1") ${mode}[, ].* - $2 $3 " \
		"$1 is $2 from $3${4:+, $4}"
}

# re_quote TEXT: TEXT as an extended regular expression matching itself.
re_quote() {
	printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# expect_baton REGEX [WHY]: baton logged a line matching REGEX (after its "baton: " prefix).
expect_baton() {
	expect "(^|\] )baton: $1" "${2:-}"
}

# expect_root_found SPEC DEVICE_REGEX FSTYPE: baton reported root= (SPEC as written, without
# the command line's quotes) found as a device matching DEVICE_REGEX (e.g. /dev/vda2) holding
# FSTYPE.
expect_root_found() {
	expect_baton "root device $(re_quote "$1") is $2 \\($3\\), found after [0-9]+ ms" \
		"root=$1 resolved to $2"
}

# expect_fatal REGEX [WHY]: the boot ended in baton's fatal path with a line matching REGEX,
# and no init ran (QEMU exiting and no kernel panic are boot's own checks).
expect_fatal() {
	expect_baton "$1" "${2:-the fatal report}"
	expect_baton 'fatal: ' "baton took its fatal path"
	expect_not '^BATON-PROBE:' "no init ran"
}

# expect_switch_path: baton switched the way the kernel allows: pivot_root on Linux >= 7.0,
# MS_MOVE and chroot before (where pivot_root fails with EINVAL on the initramfs).
expect_switch_path() {
	if kernel_has_nullfs; then
		expect '] baton: switched root with pivot_root' \
			"Linux $KVER: the initramfs is on nullfs, so pivot_root works"
	else
		expect_not 'baton: switched root with pivot_root' \
			"Linux $KVER: pivot_root cannot leave the initramfs, MS_MOVE is the way"
	fi
}

# --- damaged images, disks pulled out (fault scenarios 17, 18, 93, 94) ---------------------

# image_format IMG: zstd, lz4, gzip or none (a plain newc archive), from IMG's magic bytes: the
# formats mkinitramfs --compress writes.
image_format() {
	case $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') in
	28b52ffd) echo zstd ;;
	02214c18) echo lz4 ;;
	1f8b*) echo gzip ;;
	*) echo none ;;
	esac
}

# image_decode FORMAT: stdin decompressed to stdout. A stream cut short gives what the tool
# recovers before it fails (zstd and gzip: whole blocks; lz4's legacy frame: whole 8 MiB chunks).
image_decode() {
	case $1 in
	zstd) zstd -dcq ;;
	lz4) lz4 -dcq ;;
	gzip) zcat ;;
	*) cat ;;
	esac
}

# image_cat IMG: the archive in the image IMG as mkinitramfs wrote it (no early archive in front),
# uncompressed, on stdout.
image_cat() {
	local format
	format=$(image_format "$1")
	image_decode "$format" <"$1"
}

# initramfs_unpack IMG DIR: the files of the image IMG, as mkinitramfs wrote it, in DIR.
initramfs_unpack() {
	local img=$1 dir=$2
	rm -rf "$dir"
	mkdir -p "$dir"
	image_cat "$img" | (cd "$dir" && cpio --quiet -idm --no-absolute-filenames) ||
		die "initramfs_unpack: cannot unpack $img"
}

# initramfs_repack DIR OUT [LAST]: DIR as an image the way mkinitramfs writes one (newc cpio,
# sorted paths, owner 0:0, zstd as by default), except that the file LAST (a path relative to
# DIR) is moved to the end of the archive, where a cut-short image loses it first. OUT.cpio keeps
# the uncompressed archive.
initramfs_repack() {
	local dir=$1 out=$2 last=${3:-}
	[[ -z $last || -f $dir/$last ]] || die "initramfs_repack: no file $last in $dir"
	(
		cd "$dir" || exit 1
		{
			find . -mindepth 1 | sed 's|^\./||' | grep -vxF -- "${last:-./}" | LC_ALL=C sort
			[[ -z $last ]] || printf '%s\n' "$last"
		} | cpio --quiet -o -H newc -R 0:0
	) >"$out.cpio" || die "initramfs_repack: cpio failed in $dir"
	# Small blocks (zstd decodes whole blocks only, 128 KiB of data by default), so that
	# image_cut can end the stream inside a file of a few KiB.
	zstd -q -12 --target-compressed-block-size=2048 -c "$out.cpio" >"$out" ||
		die "initramfs_repack: zstd failed"
}

# cpio_data_offset CPIO PATH: the byte offset where the data of the last archive member named
# PATH begins in the uncompressed newc archive CPIO (header, name and padding to 4 bytes).
cpio_data_offset() {
	local cpio=$1 path=$2 at
	at=$(grep -obUaF -- "$path" "$cpio" | tail -n 1 | cut -d: -f1)
	[[ -n $at ]] || die "cpio_data_offset: $path is not in $cpio"
	printf '%s\n' $(((at + ${#path} + 1 + 3) / 4 * 4))
}

# image_cut IMG OUT UNPACKED: OUT is the compressed stream IMG cut short, at the shortest length
# from which its decompressor recovers at least UNPACKED bytes before it fails on the cut.
# Prints the number of compressed bytes kept.
image_cut() {
	local img=$1 out=$2 want=$3 lo=0 hi mid got format
	hi=$(stat -c %s "$img")
	format=$(image_format "$img")
	while ((hi - lo > 1)); do
		mid=$(((lo + hi) / 2))
		got=$(head -c "$mid" "$img" | { image_decode "$format" 2>/dev/null || true; } | wc -c)
		if ((got < want)); then
			lo=$mid
		else
			hi=$mid
		fi
	done
	head -c "$hi" "$img" >"$out"
	printf '%s\n' "$hi"
}

# attach_unpluggable IMG ID: IMG as a virtio-blk disk with the QEMU id ID, behind a PCIe root
# port of its own (q35 unplugs PCIe devices only from one), so unplug can take it away.
attach_unpluggable() {
	local img=$1 id=$2 drive
	[[ -f $img ]] || die "attach_unpluggable: no image $img"
	drive=u$_disk_n
	_disk_n=$((_disk_n + 1))
	QEMU_DISK_ARGS+=(-device "pcie-root-port,id=port-$id,chassis=$((10 + _disk_n))"
		-drive "file=$img,if=none,format=raw,id=$drive"
		-device "virtio-blk-pci,drive=$drive,bus=port-$id,id=$id")
}

# unplug ID --after REGEX [--delay S]: once the console shows REGEX and S seconds more have
# passed (default 0), the device ID (see attach_unpluggable) is taken out through the monitor
# (device_del, as a person pulling the disk would), during the next boot. With hotplug too, its
# disk goes in after that, as hotplug's --after and --delay say: a disk swapped for another.
_unplug_id=''
_unplug_after=''
_unplug_delay=0
unplug() {
	_unplug_id=$1
	shift
	while (($#)); do
		case $1 in
		--after) _unplug_after=$2 ;;
		--delay) _unplug_delay=$2 ;;
		*) die "unplug: unknown argument '$1'" ;;
		esac
		shift 2
	done
	[[ -n $_unplug_after ]] || die "unplug: --after REGEX is needed"
	_monitor_beside=_unplug_beside
}

# _unplug_beside SERIAL QEMU_PID: unplug's side of the boot (see _hotplug_beside).
_unplug_beside() {
	local serial=$1 pid=$2
	until grep -Eq -- "$_unplug_after" "$serial" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.2
	done
	sleep "$_unplug_delay"
	note "unplugging $_unplug_id ${_unplug_delay}s after /$_unplug_after/"
	printf '%s\n' "device_del $_unplug_id" >&"$_monitor_in"
	if [[ -n $_hotplug_img ]]; then
		_hotplug_beside "$serial" "$pid"
	fi
}

# --- the machine's own keyboard and screen (14x) ------------------------------------------

# vga_console: the next boot has a VGA card, so the kernel's virtual terminals (tty1...) show
# on a screen as on a PC, and the machine's PS/2 keyboard (q35 always has one) types into the
# foreground one. The command line then needs console=tty0 to put the kernel's console there.
vga_console() {
	QEMU_EXTRA_ARGS+=(-device VGA)
}

# sendkeys REGEX KEYS...: during the next boot, once the console log shows REGEX for the n-th
# time (and a second more has passed), the n-th KEYS (QEMU key names separated by spaces, e.g.
# "shift-y z semicolon ret") are pressed one by one on the guest's PS/2 keyboard through the
# monitor's sendkey, as a person at the machine would type them: the keys are positions on
# the keyboard, the characters they give are the guest's keymap's business.
_sendkeys_after=''
_sendkeys_rounds=()
sendkeys() {
	_sendkeys_after=$1
	shift
	_sendkeys_rounds=("$@")
	_monitor_beside=_sendkeys_beside
}

# How long sendkeys waits between two keys: each is held 100 ms (sendkey's default).
readonly SENDKEYS_GAP=0.2

# _sendkeys_beside SERIAL QEMU_PID: sendkeys' side of the boot (see _hotplug_beside).
_sendkeys_beside() {
	local serial=$1 pid=$2 n=0 seen round key
	for round in "${_sendkeys_rounds[@]}"; do
		n=$((n + 1))
		while :; do
			# grep -c prints 0 on no match; nothing when the log is not there yet.
			seen=$(grep -Ec -- "$_sendkeys_after" "$serial" 2>/dev/null) || seen=${seen:-0}
			((seen >= n)) && break
			kill -0 "$pid" 2>/dev/null || exit 0
			sleep 0.2
		done
		sleep 1
		note "pressing keys on the guest's keyboard (round $n)"
		for key in $round; do
			printf 'sendkey %s\n' "$key" >&"$_monitor_in"
			sleep "$SENDKEYS_GAP"
		done
	done
}
