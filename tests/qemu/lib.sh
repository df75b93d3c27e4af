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
#                      path), fetched through scripts/apt-private.sh
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

note() { printf '%s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# --- kernel -------------------------------------------------------------------------------

# The kernels scenarios can boot (BATON_KERNEL): Debian's own (the machine's release, bookworm)
# and Debian sid's (Linux >= 7.0, whose initramfs sits on nullfs, so baton uses pivot_root).
readonly KERNEL_CHOICES='bookworm sid'

# _apt CHOICE CMD ARGS...: apt-get/apt-cache through scripts/apt-private.sh when the tree has
# it (a private package list, nothing changed on the host; sid added for CHOICE=sid), else the
# host's own apt (bookworm only).
_apt() {
	local choice=$1
	shift
	if [[ -x $BATON_TOP/scripts/apt-private.sh ]]; then
		if [[ $choice == sid ]]; then
			"$BATON_TOP/scripts/apt-private.sh" "$BATON_CACHE" --sid --no-src -- "$@"
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
	local choice=${BATON_KERNEL:-bookworm} pkg=${BATON_KERNEL_PKG:-} ver='' dir
	local -a pkgs=()
	[[ " $KERNEL_CHOICES " == *" $choice "* ]] ||
		die "BATON_KERNEL=$choice: choose one of $KERNEL_CHOICES"
	mkdir -p "$BATON_CACHE/kernels"
	if [[ -z $pkg ]]; then
		pkg=$(_apt "$choice" apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1) || true
	fi
	if [[ -n $pkg ]]; then
		mapfile -t pkgs < <(_kernel_packages "$choice" "$pkg")
	fi
	if ((${#pkgs[@]} == 0)); then
		# No package lists (offline): boot the newest kernel of that choice already cached.
		dir=$(_kernel_cached "$choice")
		[[ -n $dir ]] ||
			die "cannot resolve the $choice linux-image-amd64 with apt and no $choice kernel is cached"
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
QEMU_DISK_ARGS=()

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

# _mkfs FSTYPE IMG SIZE_MB LABEL UUID DIR: make a filesystem image file of SIZE_MB MiB,
# filled from DIR when given. No root, no loop device.
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
	*) die "unsupported filesystem '$fstype'" ;;
	esac
}

# disk_ext4 IMG SIZE_MB [--label L] [--uuid U] [--dir TREE] [--type ext2|ext3|ext4|vfat]:
# a whole-disk filesystem image.
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

# disk_partitioned IMG SIZE_MB dos|gpt [--id DISK_ID] PART...: a partitioned disk image.
# Each PART is a comma list of key=value:
#   size=MB       partition size in MiB (omitted on the last one: the rest of the disk)
#   type=T        sfdisk type or alias (default L, Linux)
#   uuid=U        GPT partition UUID (PARTUUID=); on dos it is DISK_ID-NN by definition
#   name=N        GPT partition name (PARTLABEL=)
#   fs=FS         ext4, ext3, ext2, vfat or none (default none)
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

# attach IMG [virtio|scsi|nvme|ahci] [--serial S] [--ro]: one more disk for the next boot,
# in the order given (the first virtio disk is /dev/vda).
attach() {
	local img=$1 bus=virtio serial='' ro='' id dev
	shift
	while (($#)); do
		case $1 in
		virtio | scsi | nvme | ahci) bus=$1 ;;
		--serial) serial=$2; shift ;;
		--ro) ro=,readonly=on ;;
		*) die "attach: unknown argument '$1'" ;;
		esac
		shift
	done
	[[ -f $img ]] || die "attach: no image $img"
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
	esac
	[[ -n $serial ]] && dev+=",serial=$serial"
	QEMU_DISK_ARGS+=(-device "$dev")
}

# --- boot ---------------------------------------------------------------------------------

# boot [--initrd IMG] [--timeout S] [--mem MB] [--] WORD...: boot the test kernel with the
# attached disks; the words follow "console=ttyS0 panic=-1" on the command line. The serial
# console goes to $LOG (console.log beside it is the same without carriage returns). QEMU exits
# when the guest powers off or reboots (-no-reboot); the outer timeout makes a hang a failure.
# A failed run counts as a failed check; the scenario goes on so its expectations report too.
boot() {
	local initrd=${BATON_INITRD:-} timeout=${BATON_TIMEOUT:-$BOOT_TIMEOUT_DEFAULT} mem=512 rc
	local -a accel=(-accel tcg)
	while (($#)); do
		case $1 in
		--initrd) initrd=$2; shift ;;
		--timeout) timeout=$2; shift ;;
		--mem) mem=$2; shift ;;
		--) shift; break ;;
		*) break ;;
		esac
		shift
	done
	if [[ ${BATON_KVM:-0} == 1 ]]; then
		accel=(-accel kvm -cpu host)
	fi
	((_booted == 0)) || die "boot: one boot per scenario (the log would be overwritten)"
	_booted=1
	rm -f "$LOG" "$WORK/console.log"
	printf '%s\n' "console=ttyS0 panic=-1 $*" >"$WORK/cmdline"
	local start=$SECONDS
	rc=0
	# In the background so a signal to the scenario ends QEMU (timeout has its own group).
	timeout -k 5 "$timeout" qemu-system-x86_64 -machine q35 "${accel[@]}" -m "$mem" -smp 1 \
		-nographic -no-reboot -nodefaults -no-user-config -serial "file:$LOG" \
		-kernel "$VMLINUZ" -initrd "$initrd" -append "console=ttyS0 panic=-1 $*" \
		"${QEMU_DISK_ARGS[@]}" </dev/null >"$WORK/qemu.out" 2>&1 &
	_qemu_pid=$!
	wait "$_qemu_pid" || rc=$?
	_qemu_pid=''
	BOOT_SECONDS=$((SECONDS - start))
	[[ -f $LOG ]] || : >"$LOG"
	tr -d '\r' <"$LOG" >"$WORK/console.log"
	note "booted in ${BOOT_SECONDS}s (qemu exit $rc): $*"
	if ((rc == 124 || rc == 137)); then
		_fail "QEMU did not exit within ${timeout}s (the guest hung instead of rebooting)"
	elif ((rc != 0)); then
		cat "$WORK/qemu.out" >&2
		_fail "qemu-system-x86_64 exited with status $rc"
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
	grep -Em1 -- "$1" "$WORK/console.log" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
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

# expect_probe_ok FSTYPE DEVICE_REGEX [ro|rw]: the probe ran as PID 1 to its end, and / is
# FSTYPE mounted (read-only or read-write when given) from a device matching DEVICE_REGEX
# (e.g. /dev/vda2), not the initramfs.
expect_probe_ok() {
	local mode=${3:-[a-z]+}
	expect '^BATON-PROBE: OK$' "the probe init reached its end"
	expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
	expect "^BATON-PROBE: mountinfo [0-9]+ [0-9]+ [0-9]+:[0-9]+ / / ${mode}[, ].* - $1 $2 " \
		"/ is $1 from $2${3:+, $3}"
	expect_not '^BATON-PROBE: mountinfo .* - (rootfs|tmpfs|ramfs) ' "/ is still the initramfs"
	expect '^BATON-PROBE: rootdev=[1-9][0-9]*:' "/ is a block device"
	expect_switch_path
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
