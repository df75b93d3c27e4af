#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the QEMU boot scenarios (make check, after make built build/init and build/mkinitramfs).
#
#   tests/qemu/run.sh [SCENARIO...]
#
# SCENARIO is a folder under tests/qemu/ or its number (10 or 10-uuid-virtio-ext4); default all.
# The kernel, the probe and one generic initramfs are made once for the whole run; each
# scenario then runs in build/tests/NAME/ (its disks, serial.log, console.log) and its output
# goes to build/tests/NAME.out. One line per scenario, then "qemu: N passed, N failed".
#   BATON_JOBS=N   scenarios at once (default 2: one vCPU each, two cores)
# The variables of lib.sh (BATON_CACHE, BATON_KVM, BATON_TIMEOUT, ...) apply.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

qemu_dir=$BATON_TOP/tests/qemu
jobs=${BATON_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "BATON_JOBS must be a positive number"

all=()
for d in "$qemu_dir"/[0-9][0-9]-*/; do
	[[ -f $d/scenario.sh ]] && all+=("$(basename "$d")")
done
selected=()
if (($#)); then
	for want in "$@"; do
		want=${want%/}
		want=${want##*/}
		found=0
		for s in "${all[@]}"; do
			if [[ $s == "$want" || ${s%%-*} == "$want" ]]; then
				selected+=("$s")
				found=1
			fi
		done
		((found)) || die "no scenario '$want' in $qemu_dir (have: ${all[*]})"
	done
else
	selected=("${all[@]}")
fi

passed=0
failed=0
summary=0
# The closing line comes even when the shared pieces could not be made (all count as failed).
finish() {
	local rc=$?
	if ((!summary)); then
		printf 'qemu: %d passed, %d failed\n' "$passed" $((${#selected[@]} - passed))
	fi
	exit "$rc"
}
trap finish EXIT

# Shared pieces, once per run; the scenarios find them through the exported variables.
mkdir -p "$BATON_TESTS"
kernel_fetch
probe_build
BATON_INITRD=$BATON_TESTS/initrd-generic.img
initramfs_make "$BATON_INITRD.tmp"
mv "$BATON_INITRD.tmp" "$BATON_INITRD"
export BATON_INITRD
note "kernel $KVER, initramfs $(stat -c %s "$BATON_INITRD") bytes, $jobs at once"

declare -A job_name=() job_start=()

# Stop the scenarios still running (each stops its QEMU) when the run is interrupted.
stop_all() {
	local pid
	for pid in "${!job_name[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait || true
}
trap 'stop_all; exit 130' INT TERM

reap_one() {
	local pid='' rc=0 name secs
	wait -n -p pid || rc=$?
	[[ -n $pid ]] || return 0
	name=${job_name[$pid]}
	secs=$((SECONDS - job_start[$pid]))
	unset "job_name[$pid]" "job_start[$pid]"
	if ((rc == 0)); then
		passed=$((passed + 1))
		printf 'ok   %-32s %4ds\n' "$name" "$secs"
	else
		failed=$((failed + 1))
		printf 'FAIL %-32s %4ds (exit %d, log %s)\n' "$name" "$secs" "$rc" \
			"$BATON_TESTS/$name/serial.log"
		sed 's/^/    /' "$BATON_TESTS/$name.out"
	fi
}

for s in "${selected[@]}"; do
	while ((${#job_name[@]} >= jobs)); do
		reap_one
	done
	BATON_WORK=$BATON_TESTS/$s "$qemu_dir/$s/scenario.sh" >"$BATON_TESTS/$s.out" 2>&1 </dev/null &
	job_name[$!]=$s
	job_start[$!]=$SECONDS
done
while ((${#job_name[@]} > 0)); do
	reap_one
done

summary=1
printf 'qemu: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
