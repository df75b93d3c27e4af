# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # globals shared with bench/run.sh and bench/report.sh
# The boots of bench/run.sh: one QEMU boot of an image on N disks, its console parsed into the
# figures, the rounds that alternate the images, and the debug-logged profile boots. Sourced by
# bench/run.sh (its globals: OUT, RUNS, DISKS, TOOLS, IMG, MEM, ...).


# A loaded host stalls the vCPU while the guest calibrates its clocks: the kernel then panics
# ("IO-APIC + timer doesn't work") or counts time wrongly ("PIT calibration deviates"), which is
# no figure of the image. Such a boot is made again, up to BENCH_BOOT_ATTEMPTS times.
readonly HOST_STALL_RE="IO-APIC \\+ timer doesn't work|tsc: PIT calibration deviates"
readonly BENCH_BOOT_ATTEMPTS=3

# host_stalled LOG: true when LOG shows one of those.
host_stalled() {
	grep -Eq -- "$HOST_STALL_RE" "$1"
}

# boot_one TOOL DISKS LOG [WORDS...]: boot TOOL's image with DISKS disks, the root the last; the
# console (without carriage returns) goes to LOG. DISKS is a count of virtio-blk disks, or a
# count followed by "s" (128s) for that many LUNs of one target on one virtio-scsi controller, as
# clouds attach many disks. virtio-blk disk i sits at PCI slot 2 + i/8, function i%8 (the root
# bus has too few slots for 32 disks one a slot), so the kernel meets them in this order. LUNs
# are not met in order: the kernel scans LUN 0, then those QEMU's REPORT LUNS lists, newest
# device first (N-1 down to 1), so the last disk named (sdh of 8) is LUN 1 and the root goes
# there. snapshot=on: nothing a guest does reaches the image files.
boot_one() {
	local tool=$1 spec=$2 n=${2%s} log=$3 i img dev rc=0 image attempt root=$((${2%s} - 1))
	local -a disks=()
	shift 3
	image=${IMG[$tool]}
	if [[ $spec == *s ]]; then
		disks+=(-device 'virtio-scsi-pci,id=scsi0,addr=0x2')
		image=${IMG_SCSI[$tool]:-$image}
		((n == 1)) || root=1
	fi
	for ((i = 0; i < n; i++)); do
		if ((i == root)); then
			img=$BENCH_ROOT_IMG
		else
			img=$(bench_extra_disk "$i")
		fi
		disks+=(-drive "file=$img,if=none,format=raw,id=d$i,snapshot=on")
		if [[ $spec == *s ]]; then
			dev=scsi-hd,drive=d$i,bus=scsi0.0,channel=0,scsi-id=0,lun=$i
		else
			dev=virtio-blk-pci,drive=d$i,addr=$(printf '0x%x.%d' $((2 + i / 8)) $((i % 8)))
			((i % 8)) || dev+=,multifunction=on
		fi
		disks+=(-device "$dev")
	done
	for ((attempt = 1; attempt <= BENCH_BOOT_ATTEMPTS; attempt++)); do
		rc=0
		# shellcheck disable=SC2086 # ICOUNT_ARGS: nothing, or words
		timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg $ICOUNT_ARGS \
			-m "$MEM" -smp 1 -nographic -no-reboot -nodefaults -no-user-config \
			-serial "file:$log.serial" -kernel "$VMLINUZ" -initrd "$image" \
			-append "console=ttyS0 panic=-1 root=UUID=$BENCH_ROOT_UUID ro probe.wait=$PROBE_WAIT_SEC $*" \
			"${disks[@]}" </dev/null >"$log.qemu" 2>&1 || rc=$?
		tr -d '\r' <"$log.serial" >"$log"
		rm -f "$log.serial"
		host_stalled "$log" || break
		note "bench: $(basename "$log"): the host stalled the guest's early clock ($(grep -Em1 -- "$HOST_STALL_RE" "$log" | cut -c1-80)); booting again"
	done
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
	{
		printf 'tool\tdisks\trun'
		printf '\t%s' "${STAGES[@]%%|*}"
		printf '\n'
	} >"$OUT/stages.tsv"
	for ((run = 1; run <= RUNS; run++)); do
		for n in "${DISKS[@]}"; do
			for tool in "${TOOLS[@]}"; do
				log=$OUT/logs/$tool-d$n-r$run.log
				if boot_one "$tool" "$n" "$log" && vals=$(parse_log "$log"); then
					printf '%s\t%s\t%s\t%s\n' "$tool" "$n" "$run" "$vals" >>"$OUT/raw.tsv"
					[[ $tool != baton-* ]] ||
						printf '%s\t%s\t%s\t%s\n' "$tool" "$n" "$run" "$(stage_row "$log")" \
							>>"$OUT/stages.tsv"
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

# STAGES: baton's marks, "KEY|NAME|REGEX" (first console line matching REGEX), in boot order.
# Each baton boot's marks go to OUT/stages.tsv (KEY columns), the debug profile's to its table.
readonly STAGES=(
	'unpack|kernel starts unpacking the image|Trying to unpack rootfs image'
	'unpacked|kernel done unpacking|Freeing initrd memory'
	'run_init|kernel runs /init|Run /init as init process'
	'started|baton started|\] baton: started'
	'coldplug|modules named with -m loaded, coldplug starts (generic: virtio and NVMe first)|\] baton: coldplug'
	'present|first drivers loaded (-m, or virtio and NVMe), the root is there (coldplug deferred)|\] baton: root device .* is present'
	'waiting|waiting for the root|\] baton: waiting for root'
	'found|root device found|\] baton: root device .* found after'
	'mounted|root mounted|\] baton: mounted .* on /sysroot'
	'switched|switched|\] baton: switched root'
	'exec|exec of the real init|\] baton: starting '
	'real_init|kernel starts /sbin/init in the new root|Not activating Mandatory Access Control'
)

# stage_row LOG: the kernel timestamp of each of STAGES in LOG minus that of "Run /init", tab
# separated, "-" for a mark the boot did not print.
stage_row() {
	local spec re t0 t
	local -a row=()
	t0=$(grep -Em1 -- 'Run /init as init process' "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p') ||
		true
	for spec in "${STAGES[@]}"; do
		re=${spec##*|}
		t=$(grep -Em1 -- "$re" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p') || true
		if [[ -n $t && -n $t0 ]]; then
			row+=("$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')")
		else
			row+=(-)
		fi
	done
	(IFS=$'\t' && printf '%s\n' "${row[*]}")
}

# stage_table LOG...: one column per log: the kernel timestamp of each stage. (The probe's
# boottime is CLOCK_BOOTTIME, some ms apart from the kernel's log timestamps; the kernel's own
# line as it executes /sbin/init is on the same clock as the rest.)
stage_table() {
	local spec name re log
	for spec in "${STAGES[@]}"; do
		name=${spec#*|}
		name=${name%%|*}
		re=${spec##*|}
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

