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
#
# The method (DESIGN.md, "Benchmark method"): Debian's kernel (tests/qemu/lib.sh's kernel_fetch),
# QEMU's q35 machine, TCG, one vCPU, root=UUID= on virtio-blk; the root disk is a debootstrapped
# Debian 12 minbase whose /sbin/init is the static probe (tests/qemu/probe.c), which prints
# CLOCK_BOOTTIME as it starts, the kernel's "Run /init as init process" timestamp and MemFree,
# then powers off. The other tools run from Debian's packages inside debootstrapped chroots that
# hold the same kernel package (bench/prepare.sh); their images and generation times are cached
# under $BATON_CACHE/bench. Each image is booted BENCH_RUNS times in turn (run 1 of every image,
# then run 2, ...), so a change in the machine's load spreads over all of them.
#
# Environment (all optional):
#   BENCH_RUNS       boots of each image and disk count (default 5)
#   BENCH_GEN_RUNS   timed generations of each image, after an untimed one (default 3)
#   BENCH_DISKS      disk counts of the discovery figure, root on the last (default "1 8 32")
#   BENCH_MEM        guest memory in MiB (default 512)
#   BENCH_REGEN=1    make and time the other tools' images again (else cached with their times)
#   BENCH_PROFILE=0  no extra boot of baton's images with baton.log=debug
#   BENCH_OUT        where results go (default $BATON_BUILD/bench)
#   BENCH_CACHE      prepared pieces (default $BATON_CACHE/bench)
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

OUT=${BENCH_OUT:-$BATON_BUILD/bench}
RUNS=${BENCH_RUNS:-5}
GEN_RUNS=${BENCH_GEN_RUNS:-3}
read -r -a DISKS <<<"${BENCH_DISKS:-1 8 32}"
MEM=${BENCH_MEM:-512}
PROFILE=${BENCH_PROFILE:-1}
# Outer bound of one boot: dracut's image takes ~12 s of guest time on an idle machine; 32 disks
# and a loaded machine take several times that.
readonly BOOT_TIMEOUT=300
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

# baton_image NAME [MKINITRAMFS ARGS...]: OUT/images/NAME.img, made GEN_RUNS times after an
# untimed run; the wall times go to OUT/images/NAME.gen.
baton_image() {
	local name=$1 img=$OUT/images/$1.img start i
	shift
	rm -f "$OUT/images/$name.gen"
	for ((i = 0; i <= GEN_RUNS; i++)); do
		start=$EPOCHREALTIME
		"$BATON_MKINITRAMFS" -o "$img" -k "$KVER" -b "$KERNEL_TREE" "$@" \
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

# --- boots --------------------------------------------------------------------------------

declare -A IMG=() GEN=()

# boot_one TOOL DISKS LOG [WORDS...]: boot TOOL's image with DISKS virtio disks, the root the
# last; the console (without carriage returns) goes to LOG. Disk i sits at PCI slot 2 + i/8,
# function i%8 (the root bus has too few slots for 32 disks one a slot), so the kernel meets
# them in this order. snapshot=on: nothing a guest does reaches the image files.
boot_one() {
	local tool=$1 n=$2 log=$3 i img dev rc=0
	local -a disks=()
	shift 3
	for ((i = 0; i < n; i++)); do
		if ((i == n - 1)); then
			img=$BENCH_ROOT_IMG
		else
			img=$(bench_extra_disk "$i")
		fi
		disks+=(-drive "file=$img,if=none,format=raw,id=d$i,snapshot=on")
		dev=virtio-blk-pci,drive=d$i,addr=$(printf '0x%x.%d' $((2 + i / 8)) $((i % 8)))
		((i % 8)) || dev+=,multifunction=on
		disks+=(-device "$dev")
	done
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -m "$MEM" -smp 1 \
		-nographic -no-reboot -nodefaults -no-user-config -serial "file:$log.serial" \
		-kernel "$VMLINUZ" -initrd "${IMG[$tool]}" \
		-append "console=ttyS0 panic=-1 root=UUID=$BENCH_ROOT_UUID ro probe.wait=$PROBE_WAIT_SEC $*" \
		"${disks[@]}" </dev/null >"$log.qemu" 2>&1 || rc=$?
	tr -d '\r' <"$log.serial" >"$log"
	rm -f "$log.serial"
	[[ -s $log.qemu ]] || rm -f "$log.qemu"
	return "$rc"
}

# parse_log LOG: "BOOTTIME PHASE MEMFREE_KB UNPACK FOUND" of one boot ("-" for what the log
# lacks: FOUND is baton's own line); fails when the probe did not reach its end.
#   BOOTTIME  CLOCK_BOOTTIME when the real init (the probe) started
#   PHASE     BOOTTIME minus the kernel's "Run /init as init process" timestamp
#   UNPACK    the kernel's unpacking of the image: "Trying to unpack rootfs image" to
#             "Freeing initrd memory"
#   FOUND     "Run /init" to baton's "root device ... found after" line
parse_log() {
	awk '
		function stamp(line) {
			if (match(line, /^\[ *[0-9]+\.[0-9]+\]/))
				return substr(line, RSTART + 1, RLENGTH - 2) + 0
			return -1
		}
		/^BATON-PROBE: boottime=/ { bt = substr($0, index($0, "=") + 1) }
		/^BATON-PROBE: initramfs_start=/ { is = substr($0, index($0, "=") + 1) }
		/^BATON-PROBE: memfree_kb=/ { mf = substr($0, index($0, "=") + 1) }
		/^BATON-PROBE: OK$/ { ok = 1 }
		/Trying to unpack rootfs image as initramfs/ && u0 == "" { u0 = stamp($0) }
		/Freeing initrd memory/ && u1 == "" { u1 = stamp($0) }
		/\] baton: root device .* found after/ && fd == "" { fd = stamp($0) }
		/Kernel panic/ { panic = 1 }
		END {
			if (!ok || panic || bt == "" || is == "")
				exit 1
			printf "%.3f\t%.3f\t%s\t", bt, bt - is, mf == "" ? "-" : mf
			printf "%s\t", (u0 != "" && u1 != "" && u0 >= 0 && u1 >= 0) ? sprintf("%.3f", u1 - u0) : "-"
			printf "%s\n", (fd != "" && fd >= 0) ? sprintf("%.3f", fd - is) : "-"
		}' "$1"
}

# run_boots: every image, every disk count, RUNS rounds, into OUT/raw.tsv.
run_boots() {
	local run n tool log vals failed=0
	printf 'tool\tdisks\trun\tboottime\tphase\tmemfree_kb\tunpack\tfound\n' >"$OUT/raw.tsv"
	for ((run = 1; run <= RUNS; run++)); do
		for n in "${DISKS[@]}"; do
			for tool in "${TOOLS[@]}"; do
				log=$OUT/logs/$tool-d$n-r$run.log
				if boot_one "$tool" "$n" "$log" && vals=$(parse_log "$log"); then
					printf '%s\t%s\t%s\t%s\n' "$tool" "$n" "$run" "$vals" >>"$OUT/raw.tsv"
					note "bench: run $run/$RUNS, $n disk(s), ${LABEL[$tool]}: $(cut -f1,2 <<<"$vals" |
						awk '{ printf "real init at %s s, initramfs phase %s s", $1, $2 }')"
				else
					failed=$((failed + 1))
					note "bench: run $run/$RUNS, $n disk(s), ${LABEL[$tool]}: FAILED (log $log)"
					tail -n 15 "$log" >&2 || true
				fi
			done
		done
	done
	BOOT_FAILURES=$failed
}

# STAGES: the profile's marks, "NAME|REGEX" (first console line matching REGEX), in boot order.
readonly STAGES=(
	'kernel starts unpacking the image|Trying to unpack rootfs image'
	'kernel done unpacking|Freeing initrd memory'
	'kernel runs /init|Run /init as init process'
	'baton started|\] baton: started'
	'modules named with -m loaded, coldplug starts|\] baton: coldplug'
	'coldplug done, waiting for the root|\] baton: waiting for root'
	'root device found|\] baton: root device .* found after'
	'root mounted|\] baton: mounted .* on /sysroot'
	'switched, exec of the real init|\] baton: starting '
	'kernel starts /sbin/init in the new root|Not activating Mandatory Access Control'
)

# stage_table LOG...: one column per log: the kernel timestamp of each stage. (The probe's
# boottime is CLOCK_BOOTTIME, some ms apart from the kernel's log timestamps; the kernel's own
# line as it executes /sbin/init is on the same clock as the rest.)
stage_table() {
	local spec name re log
	for spec in "${STAGES[@]}"; do
		name=${spec%%|*}
		re=${spec#*|}
		printf '%s' "$name"
		for log in "$@"; do
			printf '\t%s' "$(grep -Em1 -- "$re" "$log" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p')"
		done
		printf '\n'
	done
}

# profile_boots: one boot of each baton image with baton.log=debug (each module load logged),
# and its timeline from the kernel unpacking the image to the real init, relative to "Run
# /init", in OUT/profile-TOOL.txt.
profile_boots() {
	local tool log
	for tool in baton-hostonly baton-generic; do
		log=$OUT/logs/$tool-profile.log
		# printk.devkmsg=on: each open of /dev/kmsg may otherwise log only 10 records per 5 s;
		# loglevel=8: debug records reach the console too.
		boot_one "$tool" 1 "$log" baton.log=debug printk.devkmsg=on loglevel=8 ||
			{ note "bench: the profile boot of $tool failed (log $log)"; continue; }
		awk '
			function stamp(line) {
				if (match(line, /^\[ *[0-9]+\.[0-9]+\]/))
					return substr(line, RSTART + 1, RLENGTH - 2) + 0
				return -1
			}
			{ lines[NR] = $0 }
			/Run \/init as init process/ && t0 == "" { t0 = stamp($0) }
			/^BATON-PROBE: boottime=/ { bt = substr($0, index($0, "=") + 1) }
			END {
				printf "# times relative to \"Run /init as init process\" (%s s)\n", t0
				for (i = 1; i <= NR; i++) {
					l = lines[i]
					if (l !~ /Trying to unpack|Freeing initrd|Run \/init|\] baton: |virtio_blk|EXT4-fs|Mandatory Access/)
						continue
					s = stamp(l)
					if (s < 0) continue
					sub(/^\[ *[0-9]+\.[0-9]+\] /, "", l)
					printf "%+8.3f  %s\n", s - t0, l
				}
				if (bt != "") printf "%+8.3f  the probe starts (its CLOCK_BOOTTIME, some ms apart from the kernel log)\n", bt - t0
			}' "$log" >"$OUT/profile-$tool.txt"
	done
}

# --- report -------------------------------------------------------------------------------

# chart NAME TITLE UNIT: OUT/NAME.svg from the table on stdin (see chart.awk).
chart() {
	awk -v title="$2" -v unit="$3" -f "$BENCH_DIR/chart.awk" >"$OUT/$1.svg"
}

# file_stat FILE: "MEDIAN MIN MAX" of the numbers in FILE.
file_stat() {
	median_of <"$1"
}

# ratio A B: A / B with two decimals ("n/a" when either is missing).
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) { print "n/a"; exit }
		printf "%.2f\n", a / b }'
}

# target TEXT VALUE LIMIT UNIT: one row of the targets table: met when VALUE <= LIMIT.
target() {
	local verdict
	verdict=$(awk -v v="$2" -v l="$3" 'BEGIN {
		if (v == "n/a") { print "not measured"; exit }
		if (v + 0 <= l + 0) { print "met"; exit }
		if (l + 0 > 0) printf "missed by %.0f%%\n", (v - l) * 100 / l
		else printf "missed by %s\n", v - l }')
	printf '| %s | %s%s | %s%s | %s |\n' "$1" "$2" "$4" "$3" "$4" "$verdict"
	[[ $verdict == met ]] && TARGETS_MET=$((TARGETS_MET + 1))
	TARGETS_ALL=$((TARGETS_ALL + 1))
}

# report: OUT/results.md (tables) and the charts OUT/*.svg.
report() {
	local md=$OUT/results.md tool n s bt ph mf up gen size
	local -A med_bt=() med_gen=() size_b=() med_mf=()
	{
		printf '%s, kernel %s (%s), QEMU %s q35 TCG 1 vCPU %s MiB, host %s; %s runs each (median, min-max).\n\n' \
			"$(date -u +%Y-%m-%d)" "$KVER" "$KERNEL_PKG_DESC" "$QEMU_VERSION" "$MEM" \
			"$HOST_DESC" "$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$OUT/raw.tsv")"
		# The bench's own QEMU keeps one core busy, a load of about 1 at the end: only more
		# than that means something else ran.
		if awk -v a="$LOAD_START" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { exit !(a >= 1 || b >= 2) }'; then
			printf '**The machine was busy (load average 1 or more besides the bench): timings '
			printf 'are not representative; take them again on a machine doing nothing else.**\n\n'
		fi
		printf '| image | real init starts (s) | initramfs phase (s) | kernel unpacks image (s) | image (MiB) | generation (s) | MemFree after hand-off (MiB) |\n'
		printf '|---|---|---|---|---|---|---|\n'
		for tool in "${TOOLS[@]}"; do
			s=$(stat_of "$tool" 1 boottime)
			med_bt[$tool]=${s%% *}
			bt=$(show 1 2 "$s")
			ph=$(show 1 2 "$(stat_of "$tool" 1 phase)")
			up=$(show 1 2 "$(stat_of "$tool" 1 unpack)")
			s=$(stat_of "$tool" 1 memfree_kb)
			med_mf[$tool]=${s%% *}
			mf=$(show 1024 1 "$s")
			size_b[$tool]=$(stat -c %s "${IMG[$tool]}")
			size=$(show 1048576 2 "${size_b[$tool]}")
			s=$(file_stat "${GEN[$tool]}")
			med_gen[$tool]=${s%% *}
			gen=$(show 1 2 "$s")
			printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$tool]}" "$bt" "$ph" "$up" \
				"$size" "$gen" "$mf"
		done
		printf '\nVersions: '
		for tool in tiny-initramfs initramfs-tools dracut; do
			printf '%s %s; ' "$tool" "${BENCH_FOREIGN_VERSION[$tool]}"
		done
		printf 'baton %s. Generation: wall time, median of %s runs after one untimed run; the other tools inside their chroots, timed when it was prepared (%s; BENCH_REGEN=1 times them again).\n' \
			"$(git -C "$BATON_TOP" describe --always --dirty 2>/dev/null || echo '?')" "$GEN_RUNS" \
			"$(date -u -r "${GEN[dracut]}" +%Y-%m-%d)"

		printf '\n### Targets\n\n| target | measured | limit | verdict |\n|---|---|---|---|\n'
		TARGETS_MET=0
		TARGETS_ALL=0
		target 'real init start, host-only / tiny-initramfs' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[tiny-initramfs]}")" 1.0 ''
		target 'real init start, host-only / initramfs-tools' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[initramfs-tools]}")" 0.35 ''
		target 'real init start, host-only / dracut' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[dracut]}")" 0.2 ''
		target 'real init start, generic / initramfs-tools' \
			"$(ratio "${med_bt[baton-generic]}" "${med_bt[initramfs-tools]}")" 0.5 ''
		target 'image, host-only / tiny-initramfs' \
			"$(ratio "${size_b[baton-hostonly]}" "${size_b[tiny-initramfs]}")" 1.3 ''
		target 'image, generic / initramfs-tools' \
			"$(ratio "${size_b[baton-generic]}" "${size_b[initramfs-tools]}")" 0.3 ''
		target 'generation, host-only (wall)' "${med_gen[baton-hostonly]}" 0.5 ' s'
		target 'generation, host-only / initramfs-tools' \
			"$(ratio "${med_gen[baton-hostonly]}" "${med_gen[initramfs-tools]}")" 0.05 ''
		target 'MemFree after hand-off, tiny-initramfs minus host-only' \
			"$(awk -v a="${med_mf[tiny-initramfs]}" -v b="${med_mf[baton-hostonly]}" \
				'BEGIN { if (a == "-" || b == "-") print "n/a"; else printf "%.2f\n", (a - b) / 1024 }')" \
			1.0 ' MiB'
		printf '\n%d of %d targets met.\n' "$TARGETS_MET" "$TARGETS_ALL"

		printf '\n### Image size and generation time as the module set grows (baton)\n\n'
		printf '| image | modules | image (MiB) | generation (s) |\n|---|---|---|---|\n'
		for tool in baton-hostonly baton-generic baton-all; do
			size=$(stat -c %s "$OUT/images/$tool.img")
			printf '| %s | %s | %s | %s |\n' "${LABEL[$tool]}" "$(image_modules "$OUT/images/$tool.img")" \
				"$(show 1048576 2 "$size")" "$(show 1 2 "$(file_stat "$OUT/images/$tool.gen")")"
		done

		printf '\n### Discovery as the disks grow (root on the last virtio disk)\n\n'
		printf '"Run /init" to the real init (s):\n\n| image |'
		for n in "${DISKS[@]}"; do printf ' %s disk(s) |' "$n"; done
		printf '\n|---|'
		for n in "${DISKS[@]}"; do printf -- '---|'; done
		printf '\n'
		for tool in "${TOOLS[@]}"; do
			printf '| %s |' "${LABEL[$tool]}"
			for n in "${DISKS[@]}"; do printf ' %s |' "$(show 1 2 "$(stat_of "$tool" "$n" phase)")"; done
			printf '\n'
		done
		printf '\n"Run /init" to baton'"'"'s "root device ... found after" line (s):\n\n| image |'
		for n in "${DISKS[@]}"; do printf ' %s disk(s) |' "$n"; done
		printf '\n|---|'
		for n in "${DISKS[@]}"; do printf -- '---|'; done
		printf '\n'
		for tool in baton-hostonly baton-generic; do
			printf '| %s |' "${LABEL[$tool]}"
			for n in "${DISKS[@]}"; do printf ' %s |' "$(show 1 2 "$(stat_of "$tool" "$n" found)")"; done
			printf '\n'
		done
		local -a plogs=()
		for tool in baton-hostonly baton-generic; do
			[[ -f $OUT/profile-$tool.txt ]] && plogs+=("$OUT/logs/$tool-profile.log")
		done
		if ((${#plogs[@]} == 2)); then
			printf '\n### Where baton spends the initramfs phase

'
			# shellcheck disable=SC2016 # Markdown code quotes, not shell
			printf 'One boot each with `baton.log=debug printk.devkmsg=on loglevel=8` (slower than '
			printf 'the boots above: more console output); seconds since the previous line. '
			printf 'Timelines: build/bench/profile-*.txt.\n\n'
			printf '| stage | host-only | generic |\n|---|---|---|\n'
			stage_table "${plogs[@]}" | awk -F'\t' '
				{ printf "| %s |", $1
				  for (i = 2; i <= NF; i++) {
					if ($i == "") printf " n/a |"
					else if (p[i] == "") printf " at %.3f |", $i
					else printf " %.3f |", $i - p[i]
					if ($i != "") p[i] = $i
				  }
				  printf "\n" }'
		fi
		if ((BOOT_FAILURES)); then
			printf '\n%d boots failed and are left out (logs in build/bench/logs).\n' "$BOOT_FAILURES"
		fi
	} >"$md"

	# Charts: one bar per image, whiskers from the fastest to the slowest run.
	local -a specs=(
		'init-start|boottime|Real init starts (CLOCK_BOOTTIME)|s'
		'initramfs-phase|phase|Initramfs phase (Run /init to the real init)|s'
		'memfree|memfree_kb|MemFree after the hand-off|MiB'
	)
	local spec name field title unit
	for spec in "${specs[@]}"; do
		IFS='|' read -r name field title unit <<<"$spec"
		for tool in "${TOOLS[@]}"; do
			read -r -a s < <(stat_of "$tool" 1 "$field")
			[[ ${s[0]} == - ]] && continue
			if [[ $field == memfree_kb ]]; then
				printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "$(awk -v v="${s[0]}" 'BEGIN { print v / 1024 }')" \
					"$(awk -v v="${s[1]}" 'BEGIN { print v / 1024 }')" "$(awk -v v="${s[2]}" 'BEGIN { print v / 1024 }')"
			else
				printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
			fi
		done | chart "$name" "$title" "$unit"
	done
	for tool in "${TOOLS[@]}"; do
		printf '%s\t%s\n' "${LABEL[$tool]}" "$(awk -v b="${size_b[$tool]}" 'BEGIN { print b / 1048576 }')"
	done | chart image-size 'Image size' MiB
	for tool in "${TOOLS[@]}"; do
		read -r -a s < <(file_stat "${GEN[$tool]}")
		printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
	done | chart generation 'Generation time (wall)' s
	for tool in baton-hostonly baton-generic baton-all; do
		printf '%s\t%s\n' "${LABEL[$tool]}" \
			"$(awk -v b="$(stat -c %s "$OUT/images/$tool.img")" 'BEGIN { print b / 1048576 }')"
	done | chart modules-size 'baton image size by module set' MiB
	for n in "${DISKS[@]}"; do
		printf '# %s disk(s)\n' "$n"
		for tool in "${TOOLS[@]}"; do
			read -r -a s < <(stat_of "$tool" "$n" phase)
			[[ ${s[0]} == - ]] && continue
			printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
		done
	done | chart discovery 'Run /init to the real init, root on the last of N virtio disks' s
}

# --- README -------------------------------------------------------------------------------

# update_readme: the latest results.md and charts into README.md and doc/bench/.
update_readme() {
	local readme=$BATON_TOP/README.md section svg
	[[ -f $OUT/results.md ]] || die "no $OUT/results.md: run make bench first"
	mkdir -p "$BATON_TOP/doc/bench"
	for svg in "$OUT"/*.svg; do
		cp "$svg" "$BATON_TOP/doc/bench/"
	done
	section=$(mktemp "${TMPDIR:-/tmp}/bench-readme.XXXXXX")
	{
		printf '%s\n' "$README_START"
		printf '## Benchmark\n\n'
		# shellcheck disable=SC2016 # Markdown code quotes, not shell
		{
			printf '`make bench` (as root, for debootstrap and chroot) boots '
			printf 'baton'"'"'s images and those of tiny-initramfs, initramfs-tools and dracut, '
			printf 'built from Debian'"'"'s packages in debootstrapped chroots for the same kernel, '
			printf 'on the same Debian 12 root disk under QEMU (q35, TCG, one vCPU, root=UUID= on '
			printf 'virtio-blk), each in turn, `BENCH_RUNS` times (default 5). The real init is a '
			printf 'probe that prints when it started (CLOCK_BOOTTIME), when the kernel ran /init '
			printf 'and MemFree. Host-only: `mkinitramfs -m virtio_pci,virtio_blk,ext4`; generic: '
			printf 'no `-m`. The first run prepares and caches the chroots and images '
			printf '(`~/.cache/baton/bench`); results go to `build/bench/`, and '
			printf '`bench/run.sh --update-readme` copies them here.\n\n'
		} | fold -s -w 100 | sed 's/ *$//'
		cat "$OUT/results.md"
		printf '\n'
		for svg in init-start initramfs-phase image-size generation memfree modules-size discovery; do
			[[ -f $OUT/$svg.svg ]] && printf '![%s](doc/bench/%s.svg)\n' "$svg" "$svg"
		done
		printf '%s\n' "$README_END"
	} >"$section"
	if grep -qF -- "$README_START" "$readme"; then
		grep -qF -- "$README_END" "$readme" || die "$readme has $README_START but no $README_END"
		awk -v s="$README_START" -v e="$README_END" -v f="$section" '
			$0 == s { while ((getline l < f) > 0) print l; skip = 1; next }
			$0 == e { skip = 0; next }
			!skip' "$readme" >"$readme.tmp"
	else
		{ cat "$readme"; printf '\n'; cat "$section"; } >"$readme.tmp"
	fi
	mv "$readme.tmp" "$readme"
	rm -f "$section"
	note "bench: README.md and doc/bench/*.svg updated from $OUT"
}

# --- main ---------------------------------------------------------------------------------

main() {
	case ${1:-} in
	--update-readme) update_readme; return 0 ;;
	-h | --help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
	'') ;;
	*) die "unknown argument '$1' (bench/run.sh [--update-readme])" ;;
	esac
	((EUID == 0)) || die "bench/run.sh needs root (debootstrap and chroot)"
	[[ -x $BATON_MKINITRAMFS && -x $BATON_BUILD/init ]] ||
		die "run make first (bench needs build/init and build/mkinitramfs)"
	bench_setup
	note "bench: $RUNS rounds of ${#TOOLS[@]} images on ${DISKS[*]} disk(s) (one vCPU, TCG)"
	run_boots
	if [[ $PROFILE == 1 ]]; then
		profile_boots
	fi
	HOST_DESC+=", $(cut -d' ' -f1-3 /proc/loadavg) at end"
	report
	cat "$OUT/results.md"
	note "bench: results in $OUT (results.md, raw.tsv, *.svg, logs/, profile-*.txt)"
}

# bench_setup: the prepared pieces (cached), baton's images (made anew), IMG and GEN filled.
bench_setup() {
	local tool
	mkdir -p "$OUT/logs" "$OUT/images" "$BENCH_CACHE"
	# One bench at a time: two would prepare the same chroots and share the machine's cores.
	exec {BENCH_LOCK_FD}>"$BENCH_CACHE/.lock"
	flock -n "$BENCH_LOCK_FD" || die "another bench holds $BENCH_CACHE/.lock"
	rm -f "$OUT"/logs/*.log "$OUT"/*.svg "$OUT/results.md" "$OUT/raw.tsv" "$OUT"/profile-*.txt
	kernel_fetch
	probe_build
	bench_base
	bench_rootdisk
	bench_prepare_foreign "$GEN_RUNS"
	KERNEL_PKG_DESC=$(basename "$(dirname "$KERNEL_TREE")" | tr _ ' ')
	QEMU_VERSION=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
	LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
	HOST_DESC="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
	note "bench: baton's images (${GEN_RUNS} timed runs each)"
	baton_image baton-hostonly -m "$BENCH_HOSTONLY_MODULES"
	baton_image baton-generic
	baton_image baton-all -m "$(storage_fs_modules)"
	for tool in baton-hostonly baton-generic; do
		IMG[$tool]=$OUT/images/$tool.img
		GEN[$tool]=$OUT/images/$tool.gen
	done
	for tool in tiny-initramfs initramfs-tools dracut; do
		IMG[$tool]=${BENCH_FOREIGN_IMG[$tool]}
		GEN[$tool]=${BENCH_FOREIGN_GEN[$tool]}
	done
}

# Sourced (to try one function by hand), it only defines them.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
	exit
fi
