#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: boots baton's images and those of tiny-initramfs, initramfs-tools and dracut, made
# for the same Debian kernel, on the same root disk, and reports how long each takes to reach the
# real init, how large each image is, how long it takes to make and how much memory it leaves.
#
#   bench/run.sh                   prepare (cached), boot, write build/bench/results.md + *.svg
#   bench/run.sh --update-readme   copy the latest results into README.md (between the markers
#                                  <!-- bench:start --> and <!-- bench:end -->) and the charts
#                                  to doc/bench/; boots nothing
#   bench/run.sh --compare OLD.json NEW.json
#                                  each figure of two runs' results.json side by side with its
#                                  change, flagged when the runs' spread cannot explain it;
#                                  exit status 1 when a figure got worse that way
#
# The method (DESIGN.md, "Benchmark method"): Debian's kernel (tests/qemu/lib.sh's kernel_fetch),
# QEMU's q35 machine, TCG, one vCPU, root=UUID= on virtio-blk; the root disk is a debootstrapped
# Debian 12 minbase whose /sbin/init is the static probe (tests/qemu/probe.c), which prints
# CLOCK_BOOTTIME as it starts, the kernel's "Run /init as init process" timestamp and MemFree,
# then powers off. The other tools run from Debian's packages inside debootstrapped chroots that
# hold the same kernel package (bench/prepare.sh); their images and generation times are cached
# under $BATON_CACHE/bench. Each image is booted BENCH_RUNS times in turn (run 1 of every image,
# then run 2, ...), so a change in the machine's load spreads over all of them. Before the boots
# the bench waits while the load average is above the core count (up to BENCH_LOAD_WAIT s), and
# the tables give the load at start and end. Every figure (median, min, max) also goes to
# results.json, the input of --compare.
#
# Environment (all optional):
#   BENCH_RUNS       boots of each image and disk count (default 5)
#   BENCH_GEN_RUNS   timed generations of each image, after an untimed one (default 3)
#   BENCH_DISKS      disk counts of the discovery figure, root on the last; "Ns": N LUNs on
#                    virtio-scsi, with host-only images for that (default "1 8 32 128s")
#   BENCH_MEM        guest memory in MiB (default 512)
#   BENCH_REGEN=1    make and time the other tools' images again (else cached with their times)
#   BENCH_PROFILE=0  no extra boot of baton's images with baton.log=debug
#   BENCH_WHOLE=0    no whole boot of Debian with systemd (bench/wholeboot.sh)
#   BENCH_WHOLE_RUNS its boots of each image (default BENCH_RUNS)
#   BENCH_WHOLE_TOOLS its images (default "baton-hostonly baton-generic initramfs-tools dracut")
#   BENCH_COMPRESS=0 no boots of the host-only image as none, gzip, lz4 and zstd (compress.sh)
#   BENCH_ICOUNT=1   every boot with -icount shift=1,sleep=on (guest time: only disk waits move
#                    with the load)
#   BENCH_LOAD_WAIT  seconds to wait for the load to fall to the core count (default 600)
#   BENCH_OUT        where results go (default $BATON_BUILD/bench)
#   BENCH_CACHE      prepared pieces (default $BATON_CACHE/bench)
#   BENCH_ROWS=0     no storage stack and image root rows (rows.sh); BENCH_ONLY=rows: only them
# and those of tests/qemu/lib.sh (BATON_CACHE, BATON_KERNEL_PKG, ...). Needs root (debootstrap,
# chroot) and the debootstrap package. Timings under load are not comparable: take the numbers
# for the README on a machine doing nothing else.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/qemu/lib.sh
. "$BENCH_DIR/../tests/qemu/lib.sh"
# shellcheck source=prepare.sh
. "$BENCH_DIR/prepare.sh"
# shellcheck source=boots.sh
. "$BENCH_DIR/boots.sh"
# shellcheck source=report.sh
. "$BENCH_DIR/report.sh"
# shellcheck source=results.sh
. "$BENCH_DIR/results.sh"
# shellcheck source=wholeboot.sh
. "$BENCH_DIR/wholeboot.sh"
# shellcheck source=compress.sh
. "$BENCH_DIR/compress.sh"
# shellcheck source=rows.sh
. "$BENCH_DIR/rows.sh"

OUT=${BENCH_OUT:-$BATON_BUILD/bench}
RUNS=${BENCH_RUNS:-5}
GEN_RUNS=${BENCH_GEN_RUNS:-3}
read -r -a DISKS <<<"${BENCH_DISKS:-1 8 32 128s}"
MEM=${BENCH_MEM:-512}
PROFILE=${BENCH_PROFILE:-1}
WHOLE=${BENCH_WHOLE:-1}
# BENCH_ICOUNT=1: guest time counts executed instructions (-icount shift=1), so the machine's
# load no longer moves the computing part of the figures (DESIGN.md: ratios within about 10%),
# the whole boot's included (its wall column stays host time). sleep=on: while the guest idles,
# waiting for a disk read, its clock runs with the host's, so those waits still move with the
# load (tiny-initramfs's root on the last of 32 disks: 1.205 s and 1.420 s in two boots at load
# 4-9). sleep=off jumps it to the next timer instead, which
# charged each read of a disk up to a timer period: root on the last of 32 disks took baton
# 27.9 s and tiny-initramfs 1.24 s with sleep=off, 2.11 s and 1.27 s with sleep=on (one boot each).
ICOUNT_ARGS=
[[ ${BENCH_ICOUNT:-0} != 1 ]] || ICOUNT_ARGS='-icount shift=1,sleep=on'
COMPRESS=${BENCH_COMPRESS:-1}
WHOLE_RUNS=${BENCH_WHOLE_RUNS:-$RUNS}
# Outer bound of one boot: dracut's image takes ~12 s of guest time on an idle machine; 32 disks
# and a loaded machine take several times that.
# Under BENCH_ICOUNT=1 the host emulates more slowly (a whole boot took 120-210 s of wall time
# at load 8-12 where its guest time was 9-14 s), so the bound is doubled.
BOOT_TIMEOUT=300
[[ -z $ICOUNT_ARGS ]] || BOOT_TIMEOUT=600
readonly BOOT_TIMEOUT
# How long the probe waits for children of the previous PID 1 (baton frees the initramfs in
# one) before reading MemFree, so every tool is measured after its hand-off has finished.
readonly PROBE_WAIT_SEC=10
# The images booted, in this order in each round; the labels the tables and charts use.
readonly TOOLS=(baton-hostonly baton-generic tiny-initramfs initramfs-tools dracut)
declare -A LABEL=(
	[baton-hostonly]='baton host-only' [baton-generic]='baton generic'
	[baton-all]='baton all storage+fs' [tiny-initramfs]=tiny-initramfs
	[initramfs-tools]=initramfs-tools [dracut]=dracut
)
# The kernel folders whose modules make the "every storage and filesystem module" image.
readonly STORAGE_FS_DIRS='drivers/ata drivers/scsi drivers/nvme drivers/block drivers/md
drivers/usb/storage drivers/virtio fs'
readonly README_START='<!-- bench:start -->'
readonly README_END='<!-- bench:end -->'

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive number"
[[ $WHOLE_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_WHOLE_RUNS must be a positive number"
[[ $GEN_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_GEN_RUNS must be a positive number"

# --- small helpers ------------------------------------------------------------------------

# median_of: "MEDIAN MIN MAX" of the numbers on stdin, one a line ("- - -" when none).
median_of() {
	sort -g | awk '{ a[NR] = $1 }
		END {
			if (!NR) { print "- - -"; exit }
			m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			print m, a[1], a[NR]
		}'
}

# raw_col TOOL DISKS FIELD: the values of FIELD (a column name of raw.tsv) for TOOL's boots
# with DISKS disks, one a line, missing values left out.
raw_col() {
	awk -F'\t' -v t="$1" -v d="$2" -v f="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == t && $2 == d && $col[f] != "-" { print $col[f] }' "$OUT/raw.tsv"
}

# stat_of TOOL DISKS FIELD: "MEDIAN MIN MAX" of that field.
stat_of() {
	raw_col "$@" | median_of
}

# show SCALE DECIMALS "MEDIAN MIN MAX": "median (min-max)", each divided by SCALE.
show() {
	local m lo hi
	read -r m lo hi <<<"$3"
	awk -v s="$1" -v d="$2" -v m="$m" -v lo="${lo:-$m}" -v hi="${hi:-$m}" 'BEGIN {
		if (m == "-") { print "n/a"; exit }
		f = "%." d "f"
		if (lo == hi) printf f "\n", m / s
		else printf f " (" f "-" f ")\n", m / s, lo / s, hi / s
	}'
}

# secs_since START: seconds (3 decimals) since START, an EPOCHREALTIME value.
secs_since() {
	awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", e - s }'
}

# --- baton's images -----------------------------------------------------------------------

# storage_fs_modules: every module of the kernel under STORAGE_FS_DIRS, comma-separated.
storage_fs_modules() {
	local mdir=$KERNEL_TREE/lib/modules/$KVER d
	[[ -d $mdir ]] || mdir=$KERNEL_TREE/usr/lib/modules/$KVER
	for d in $STORAGE_FS_DIRS; do
		[[ -d $mdir/kernel/$d ]] && find "$mdir/kernel/$d" -name '*.ko*'
	done | sed 's|.*/||; s|\.ko.*||' | sort -u | paste -sd, -
}

# bench_freeze_init: the init of every baton image of the run, copied into OUT before the first
# one is made, and the commit it was built from (BENCH_COMMIT, what the tables name): a rebuild
# during the run's two hours would otherwise give the rows an init the probe rounds did not boot.
bench_freeze_init() {
	mkdir -p "$OUT/bin"
	cp "$BATON_BUILD/init" "$OUT/bin/init"
	BENCH_INIT=$OUT/bin/init
	BENCH_COMMIT=$(git -C "$BATON_TOP" describe --always --dirty 2>/dev/null || echo '?')
}

# baton_mkinitramfs ARGS...: the generator with the run's frozen init.
baton_mkinitramfs() {
	"$BATON_MKINITRAMFS" --init "$BENCH_INIT" "$@"
}

# baton_image NAME [MKINITRAMFS ARGS...]: OUT/images/NAME.img, made GEN_RUNS times after an
# untimed run; the wall times go to OUT/images/NAME.gen.
baton_image() {
	local name=$1 img=$OUT/images/$1.img start i
	shift
	rm -f "$OUT/images/$name.gen"
	for ((i = 0; i <= GEN_RUNS; i++)); do
		start=$EPOCHREALTIME
		baton_mkinitramfs -o "$img" -k "$KVER" -b "$KERNEL_TREE" "$@" \
			>"$OUT/images/$name.log" 2>&1 ||
			{ cat "$OUT/images/$name.log" >&2; die "$BATON_MKINITRAMFS -o $img -k $KVER -b $KERNEL_TREE $* failed"; }
		((i == 0)) || secs_since "$start" >>"$OUT/images/$name.gen"
	done
}

# image_modules IMG: the number of kernel modules in an image, whatever its compression (and
# an uncompressed early-microcode archive before it, as dracut and initramfs-tools may add).
image_modules() {
	local img=$1
	if command -v unmkinitramfs >/dev/null; then
		local tmp
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-img.XXXXXX")
		unmkinitramfs "$img" "$tmp" >/dev/null 2>&1 || true
		find "$tmp" -name '*.ko*' | wc -l
		rm -rf "$tmp"
	else
		printf '?\n'
	fi
}

# The images booted (by tool name) and the files holding their generation times; the host-only
# images for disks on virtio-scsi.
declare -A IMG=() GEN=() IMG_SCSI=()

# disk_label DISKS: how the tables name a disk count.
disk_label() {
	if [[ $1 == *s ]]; then
		printf '%s virtio-scsi LUNs\n' "${1%s}"
	else
		printf '%s virtio disk(s)\n' "$1"
	fi
}

# --- main ---------------------------------------------------------------------------------

main() {
	case ${1:-} in
	--update-readme) update_readme; return 0 ;;
	--compare) (($# == 3)) || die "usage: bench/run.sh --compare OLD.json NEW.json"; compare "$2" "$3"; return ;;
	-h | --help) sed -n '3,48p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
	'') ;;
	*) die "unknown argument '$1' (bench/run.sh [--update-readme | --compare OLD NEW])" ;;
	esac
	((EUID == 0)) || die "bench/run.sh needs root (debootstrap and chroot)"
	[[ -x $BATON_MKINITRAMFS && -x $BATON_BUILD/init ]] ||
		die "run make first (bench needs build/init and build/mkinitramfs)"
	bench_freeze_init
	[[ ${BENCH_ONLY:-} != rows ]] || { rows_only; return 0; }
	bench_setup
	load_wait
	HOST_DESC+=", load $(cut -d' ' -f1-3 /proc/loadavg) at start"
	note "bench: $RUNS rounds of ${#TOOLS[@]} images on ${DISKS[*]} disk(s) (one vCPU, TCG)"
	run_boots
	if [[ ${BENCH_ROWS:-1} == 1 ]]; then rows_boots; else rm -f "$OUT/rows.tsv"; fi
	[[ $COMPRESS != 1 ]] || compress_boots
	if [[ $PROFILE == 1 ]]; then
		profile_boots
	fi
	if [[ $WHOLE == 1 ]]; then
		note "bench: $WHOLE_RUNS rounds of the whole boot of Debian with ${WHOLE_TOOLS[*]}"
		whole_boots
	fi
	LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
	HOST_DESC+=", $(cut -d' ' -f1-3 /proc/loadavg) at end"
	report
	write_json
	cat "$OUT/results.md"
	note "bench: results in $OUT (results.md, results.json, raw.tsv, stages.tsv, *.svg, logs/, profile-*.txt)"
}

# bench_setup: the prepared pieces (cached), baton's images (made anew), IMG and GEN filled.
bench_setup() {
	local tool
	mkdir -p "$OUT/logs" "$OUT/images" "$BENCH_CACHE"
	# One bench at a time: two would prepare the same chroots and share the machine's cores.
	exec {BENCH_LOCK_FD}>"$BENCH_CACHE/.lock"
	flock -n "$BENCH_LOCK_FD" || die "another bench holds $BENCH_CACHE/.lock"
	rm -f "$OUT"/logs/*.log "$OUT"/*.svg "$OUT/results.md" "$OUT/raw.tsv" "$OUT"/profile-*.txt \
		"$OUT/results.json" "$OUT/figures.tsv" "$OUT/stages.tsv" "$OUT/whole.tsv" \
		"$OUT/compress.tsv"
	kernel_fetch
	probe_build
	bench_base
	bench_rootdisk
	bench_prepare_foreign "$GEN_RUNS"
	KERNEL_PKG_DESC=$(basename "$(dirname "$KERNEL_TREE")" | tr _ ' ')
	QEMU_VERSION=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
	HOST_DESC="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
	note "bench: baton's images (${GEN_RUNS} timed runs each)"
	baton_image baton-hostonly -m "$BENCH_HOSTONLY_MODULES"
	baton_image baton-generic
	baton_image baton-all -m "$(storage_fs_modules)"
	if [[ " ${DISKS[*]} " == *s\ * ]]; then
		baton_image baton-hostonly-scsi -m "$BENCH_HOSTONLY_SCSI_MODULES"
		IMG_SCSI[baton-hostonly]=$OUT/images/baton-hostonly-scsi.img
		IMG_SCSI[tiny-initramfs]=${BENCH_FOREIGN_IMG[tiny-initramfs-scsi]}
	fi
	for tool in baton-hostonly baton-generic; do
		IMG[$tool]=$OUT/images/$tool.img
		GEN[$tool]=$OUT/images/$tool.gen
	done
	for tool in tiny-initramfs initramfs-tools dracut; do
		IMG[$tool]=${BENCH_FOREIGN_IMG[$tool]}
		GEN[$tool]=${BENCH_FOREIGN_GEN[$tool]}
	done
	[[ $COMPRESS != 1 ]] || compress_images
	[[ $WHOLE != 1 ]] || whole_setup
}

# Sourced (to try one function by hand), it only defines them.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
	exit
fi
