# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The whole boot: Debian bookworm with systemd (tests/qemu/mkdebian.sh's disk) booted to
# multi-user.target with baton's images and those of initramfs-tools and dracut for the same
# kernel, on the same disk. A unit ordered after multi-user.target prints systemd's own figures
# on the console; the host takes the wall time from QEMU's start to that unit's first line.
# Sourced by bench/run.sh (its globals and helpers); BENCH_WHOLE=0 skips it.

# The images booted to multi-user.target, in this order in each round.
read -r -a WHOLE_TOOLS <<<"${BENCH_WHOLE_TOOLS:-baton-hostonly baton-generic initramfs-tools dracut}"
# systemd, udev and journald want more than the probe: scenario 79 boots this disk with 1 GiB.
readonly WHOLE_MEM=1024
# The root filesystem's UUID on the whole-boot disk (its /etc/fstab names it too).
readonly WHOLE_UUID=0ba70900-be0c-4be0-8be0-000000000002
# A boot that has not reached the unit after this long has failed (TCG: 30-70 s, dracut's the
# longest; a loaded machine takes several times that).
WHOLE_TIMEOUT=400
# BENCH_ICOUNT=1 emulates more slowly: 120-210 s for baton's and initramfs-tools' images at
# load 8-12, so dracut's may need twice the bound.
[[ ${BENCH_ICOUNT:-0} != 1 ]] || WHOLE_TIMEOUT=900
readonly WHOLE_TIMEOUT
# How often the host looks at the console for the unit's lines, in seconds: the wall time's
# resolution.
readonly WHOLE_POLL=0.05

# whole_overlay DIR: the files added to the Debian disk: the unit, its script, and the serial
# getty masked (its hangup of ttyS0 would cut the unit's lines off).
whole_overlay() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/etc/systemd/system/multi-user.target.wants" "$d/usr/local/sbin"
	cat >"$d/etc/systemd/system/bench-report.service" <<'EOF'
[Unit]
Description=baton bench: systemd's boot figures on the console, then power off
After=multi-user.target

[Service]
# Not oneshot: is-system-running --wait waits for the boot's jobs, a oneshot's start included.
Type=simple
ExecStart=/usr/local/sbin/bench-report
EOF
	ln -s ../bench-report.service "$d/etc/systemd/system/multi-user.target.wants/"
	ln -s /dev/null "$d/etc/systemd/system/serial-getty@ttyS0.service"
	cat >"$d/usr/local/sbin/bench-report" <<'EOF'
#!/bin/sh
# baton bench: systemd's boot timestamps (monotonic microseconds, as systemd-analyze reads them)
# on ttyS0 once the boot has finished, then power off.
exec >/dev/ttyS0 2>&1
echo "BENCH-WHOLE: unit uptime=$(cut -d' ' -f1 /proc/uptime)"
systemctl is-system-running --wait >/dev/null
systemctl show --property=FirmwareTimestampMonotonic,LoaderTimestampMonotonic,InitRDTimestampMonotonic,UserspaceTimestampMonotonic,FinishTimestampMonotonic |
	sed 's/^/BENCH-WHOLE: /'
echo "BENCH-WHOLE: analyze $(systemd-analyze time | head -n 1)"
echo "BENCH-WHOLE: END"
systemctl poweroff
EOF
	chmod 0755 "$d/usr/local/sbin/bench-report"
}

# whole_setup: the Debian disk (made once by mkdebian.sh, cached by its inputs); sets
# WHOLE_IMG. The disk has no kernel modules of its own: every image brings what the root needs.
whole_setup() {
	whole_overlay "$OUT/whole-overlay"
	WHOLE_IMG=$("$BATON_TOP/tests/qemu/mkdebian.sh" --overlay "$OUT/whole-overlay" \
		--uuid "$WHOLE_UUID") || die "tests/qemu/mkdebian.sh failed"
}

# whole_boot TOOL LOG: one boot of TOOL's image to the unit; prints the wall seconds from
# QEMU's start to the unit's first console line. QEMU is stopped once the unit has printed
# everything (its power-off under TCG would only add minutes to the bench).
whole_boot() {
	local tool=$1 log=$2 start pid wall='' now
	rm -f "$log.serial"
	: >"$log.serial"
	start=$EPOCHREALTIME
	# shellcheck disable=SC2086 # ICOUNT_ARGS: nothing, or words
	timeout -k 5 "$WHOLE_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg $ICOUNT_ARGS \
		-m "$WHOLE_MEM" \
		-smp 1 -nographic -no-reboot -nodefaults -no-user-config -serial "file:$log.serial" \
		-kernel "$VMLINUZ" -initrd "${IMG[$tool]}" \
		-append "console=ttyS0 panic=-1 root=UUID=$WHOLE_UUID ro" \
		-drive "file=$WHOLE_IMG,if=virtio,format=raw,snapshot=on" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		now=$EPOCHREALTIME
		if [[ -z $wall ]] && grep -q '^BENCH-WHOLE: unit ' "$log.serial"; then
			wall=$(awk -v s="$start" -v e="$now" 'BEGIN { printf "%.2f", e - s }')
		fi
		grep -q '^BENCH-WHOLE: END' "$log.serial" && break
		sleep "$WHOLE_POLL"
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	tr -d '\r' <"$log.serial" >"$log"
	rm -f "$log.serial"
	grep -q '^BENCH-WHOLE: END' "$log" || return 1
	# Stopped by us: QEMU's "terminating on signal" says nothing.
	rm -f "$log.qemu"
	printf '%s\n' "$wall"
}

# whole_parse LOG WALL: "KERNEL INITRD USERSPACE TOTAL BEFORE PHASE WALL" in seconds, systemd's
# own split as systemd-analyze makes it: kernel is everything before the first systemd (in the
# initrd for dracut, else the real one), initrd the time systemd spent there, userspace from
# the real root's systemd to the end of the boot; BEFORE is the start of the real root's systemd
# (kernel + initrd) and PHASE that minus the kernel's "Run /init" timestamp.
whole_parse() {
	awk -v wall="$2" '
		function stamp(line) {
			if (match(line, /^\[ *[0-9]+\.[0-9]+\]/))
				return substr(line, RSTART + 1, RLENGTH - 2) + 0
			return -1
		}
		/Run \/init as init process/ && ri == "" { ri = stamp($0) }
		/^BENCH-WHOLE: [A-Za-z]+TimestampMonotonic=/ {
			split(substr($0, 14), kv, "=")
			v[kv[1]] = kv[2] / 1e6
		}
		END {
			us = v["UserspaceTimestampMonotonic"]; rd = v["InitRDTimestampMonotonic"]
			fin = v["FinishTimestampMonotonic"]
			if (us == "" || fin == "" || fin == 0)
				exit 1
			kernel = rd > 0 ? rd : us
			initrd = rd > 0 ? us - rd : 0
			printf "%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\n", kernel, initrd, fin - us, fin, us,
				ri == "" ? "-" : sprintf("%.3f", us - ri), wall == "" ? "-" : wall
		}' "$1"
}

# whole_boots: WHOLE_RUNS rounds of WHOLE_TOOLS, one boot each in turn, into OUT/whole.tsv.
whole_boots() {
	local run tool log wall vals attempt
	WHOLE_FAILURES=0
	printf 'tool\tdisks\trun\tkernel\tinitrd\tuserspace\ttotal\tbefore_userspace\tphase\twall\n' \
		>"$OUT/whole.tsv"
	for ((run = 1; run <= WHOLE_RUNS; run++)); do
		for tool in "${WHOLE_TOOLS[@]}"; do
			log=$OUT/logs/whole-$tool-r$run.log
			wall=''
			for ((attempt = 1; attempt <= BENCH_BOOT_ATTEMPTS; attempt++)); do
				wall=$(whole_boot "$tool" "$log") && break
				host_stalled "$log" || break
				note "bench: $(basename "$log"): the host stalled the guest's early clock; booting again"
			done
			if [[ -n ${wall:-} ]] && vals=$(whole_parse "$log" "$wall"); then
				printf '%s\t1\t%s\t%s\n' "$tool" "$run" "$vals" >>"$OUT/whole.tsv"
				note "bench: whole boot $run/$WHOLE_RUNS, ${LABEL[$tool]}: $(awk -F'\t' '{
					printf "systemd total %s s, userspace starts at %s s, wall %s s", $4, $5, $7 }' <<<"$vals")"
			else
				WHOLE_FAILURES=$((WHOLE_FAILURES + 1))
				note "bench: whole boot $run/$WHOLE_RUNS, ${LABEL[$tool]}: FAILED (log $log)"
				tail -n 15 "$log" >&2 || true
			fi
		done
	done
}

# whole_stat TOOL FIELD: "MEDIAN MIN MAX" of a column of whole.tsv.
whole_stat() {
	awk -F'\t' -v t="$1" -v f="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == t && $col[f] != "-" { print $col[f] }' "$OUT/whole.tsv" | median_of
}

# whole_report: the whole-boot table (Markdown) on stdout, with its targets.
whole_report() {
	local tool f
	local -A tot=()
	printf '### Whole boot: Debian 12 with systemd to multi-user.target\n\n'
	if [[ -n $ICOUNT_ARGS ]]; then
		# shellcheck disable=SC2016 # Markdown code quotes, not shell
		printf 'TCG with `%s` (systemd'"'"'s figures are guest time, counted in instructions: the host'"'"'s load moves only their idle waits for disk reads; the wall column is host time and moves with the load), ' \
			"$ICOUNT_ARGS"
	else
		printf 'Plain TCG (every figure moves with the host'"'"'s load), '
	fi
	printf '%s MiB, %s rounds, images in turn; median (min-max). ' "$WHOLE_MEM" "$WHOLE_RUNS"
	printf 'systemd'"'"'s own figures (systemd-analyze'"'"'s split: systemd learns no initrd time from an initramfs without systemd, so there its "kernel" includes the initramfs); '
	printf '"before userspace" is when the real root'"'"'s systemd starts, "initramfs phase" that minus the kernel'"'"'s "Run /init"; '
	printf 'wall: host wall time from QEMU start to the unit after multi-user.target.\n\n'
	printf '| image | kernel (s) | initrd (s) | userspace (s) | total (s) | before userspace (s) | initramfs phase (s) | wall, host time (s) |\n'
	printf '|---|---|---|---|---|---|---|---|\n'
	for tool in "${WHOLE_TOOLS[@]}"; do
		printf '| %s |' "${LABEL[$tool]}"
		for f in kernel initrd userspace total before_userspace phase wall; do
			printf ' %s |' "$(show 1 2 "$(whole_stat "$tool" "$f")")"
		done
		printf '\n'
		tot[$tool]=$(whole_stat "$tool" total | cut -d' ' -f1)
	done
	if ((WHOLE_FAILURES)); then
		printf '\n%d whole boots failed and are left out (logs in build/bench/logs/whole-*).\n' \
			"$WHOLE_FAILURES"
	fi
	[[ -n ${tot[baton-hostonly]:-} ]] || return 0
	printf '\n| target | measured | limit | verdict |\n|---|---|---|---|\n'
	target 'whole boot total, baton host-only / initramfs-tools' \
		"$(ratio "${tot[baton-hostonly]}" "${tot[initramfs-tools]:--}")" 0.7 ''
	target 'whole boot total, baton host-only / dracut' \
		"$(ratio "${tot[baton-hostonly]}" "${tot[dracut]:--}")" 0.55 ''
	printf '\n'
}
