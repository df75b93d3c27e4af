#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the QEMU boot scenarios (make check, after make built build/init and build/mkinitramfs).
#
#   tests/qemu/run.sh [--kernel K[,K...]] [--all-kernels] [SCENARIO...]
#
# SCENARIO is a folder under tests/qemu/ or its number (10 or 10-uuid-virtio-ext4); default all.
# Every scenario runs on Debian's bookworm kernel; a scenario whose scenario.sh has a line
#   # kernels: bookworm sid
# also runs on Debian sid's (Linux 7.x: the pivot_root path); one marked bookworm-arm64 runs on
# Debian 12's arm64 kernel under qemu-system-aarch64 (make ARCH=arm64 builds its init and probe).
# Options:
#   --kernel K[,K...]  only these kernels (bookworm, sid, bookworm-arm64; default all), repeatable
#   --all-kernels      every selected scenario on every kernel given, whatever its line says
# The kernels, the probe and one generic initramfs per kernel are made once for the whole run;
# each scenario then runs in build/tests/KERNEL/NAME/ (its disks, serial.log, console.log) and
# its output goes to build/tests/KERNEL/NAME.out. One line per scenario and kernel, then
# "qemu: N passed, N failed".
#   BATON_JOBS=N   scenarios at once (default 2: one vCPU each, two cores)
# The variables of lib.sh (BATON_CACHE, BATON_KVM, BATON_TIMEOUT, ...) apply.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

qemu_dir=$BATON_TOP/tests/qemu
jobs=${BATON_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "BATON_JOBS must be a positive number"

kernels=()
all_kernels=0
args=()
while (($#)); do
	case $1 in
	--kernel)
		(($# >= 2)) || die "--kernel needs a value ($KERNEL_CHOICES)"
		IFS=, read -r -a ks <<<"$2"
		for k in "${ks[@]}"; do
			[[ " $KERNEL_CHOICES " == *" $k "* ]] || die "--kernel $k: choose from $KERNEL_CHOICES"
			[[ " ${kernels[*]} " == *" $k "* ]] || kernels+=("$k")
		done
		shift
		;;
	--kernel=*) set -- --kernel "${1#--kernel=}" "${@:2}"; continue ;;
	--all-kernels) all_kernels=1 ;;
	--) shift; args+=("$@"); break ;;
	-*) die "unknown option '$1' (see the top of $0)" ;;
	*) args+=("$1") ;;
	esac
	shift
done
if ((${#kernels[@]} == 0)); then
	read -r -a kernels <<<"$KERNEL_CHOICES"
fi

all=()
for d in "$qemu_dir"/[0-9][0-9]-*/ "$qemu_dir"/[0-9][0-9][0-9]-*/; do
	[[ -f $d/scenario.sh ]] && all+=("$(basename "$d")")
done
selected=()
if ((${#args[@]})); then
	for want in "${args[@]}"; do
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

# scenario_kernels NAME: the kernels its "# kernels:" line names (bookworm when it has none).
scenario_kernels() {
	local line
	line=$(sed -n 's/^# kernels:[[:space:]]*//p' "$qemu_dir/$1/scenario.sh" | head -n 1)
	printf '%s\n' "${line:-bookworm}"
}

# The runs: "KERNEL NAME", kernel by kernel.
runs=()
for k in "${kernels[@]}"; do
	for s in "${selected[@]}"; do
		if ((all_kernels)) || [[ " $(scenario_kernels "$s") " == *" $k "* ]]; then
			runs+=("$k $s")
		fi
	done
done
((${#runs[@]})) ||
	die "no scenario among '${selected[*]}' is marked for ${kernels[*]} (--all-kernels runs them anyway)"

passed=0
failed=0
summary=0
# The closing line comes even when the shared pieces could not be made (all count as failed).
finish() {
	local rc=$?
	if ((!summary)); then
		printf 'qemu: %d passed, %d failed\n' "$passed" $((${#runs[@]} - passed))
	fi
	exit "$rc"
}
trap finish EXIT

# Shared pieces, once per run and kernel; the scenarios find them through exported variables.
mkdir -p "$BATON_TESTS"
declare -A k_tree=() k_ver=() k_vmlinuz=() k_initrd=() k_probe=()
for k in "${kernels[@]}"; do
	[[ " ${runs[*]} " == *" $k "* ]] || continue
	unset KERNEL_TREE KVER VMLINUZ BATON_PROBE
	BATON_KERNEL=$k probe_build
	k_probe[$k]=$BATON_PROBE
	BATON_KERNEL=$k kernel_fetch
	k_tree[$k]=$KERNEL_TREE
	k_ver[$k]=$KVER
	k_vmlinuz[$k]=$VMLINUZ
	k_initrd[$k]=$BATON_TESTS/initrd-generic-$KVER.img
	initramfs_make "${k_initrd[$k]}.tmp"
	mv "${k_initrd[$k]}.tmp" "${k_initrd[$k]}"
	mkdir -p "$BATON_TESTS/$k"
	note "$k: kernel $KVER, initramfs $(stat -c %s "${k_initrd[$k]}") bytes"
done
note "${#runs[@]} runs, $jobs at once"

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
	local pid='' rc=0 k name secs
	wait -n -p pid || rc=$?
	[[ -n $pid ]] || return 0
	read -r k name <<<"${job_name[$pid]}"
	secs=$((SECONDS - job_start[$pid]))
	unset "job_name[$pid]" "job_start[$pid]"
	if ((rc == 0)); then
		passed=$((passed + 1))
		printf 'ok   %-32s %-8s %4ds\n' "$name" "$k" "$secs"
	else
		failed=$((failed + 1))
		printf 'FAIL %-32s %-8s %4ds (exit %d, log %s)\n' "$name" "$k" "$secs" "$rc" \
			"$BATON_TESTS/$k/$name/serial.log"
		sed 's/^/    /' "$BATON_TESTS/$k/$name.out"
	fi
}

for run in "${runs[@]}"; do
	read -r k s <<<"$run"
	while ((${#job_name[@]} >= jobs)); do
		reap_one
	done
	BATON_KERNEL=$k KERNEL_TREE=${k_tree[$k]} KVER=${k_ver[$k]} VMLINUZ=${k_vmlinuz[$k]} \
		BATON_PROBE=${k_probe[$k]} \
		BATON_INITRD=${k_initrd[$k]} BATON_WORK=$BATON_TESTS/$k/$s \
		"$qemu_dir/$s/scenario.sh" >"$BATON_TESTS/$k/$s.out" 2>&1 </dev/null &
	job_name[$!]="$k $s"
	job_start[$!]=$SECONDS
done
while ((${#job_name[@]} > 0)); do
	reap_one
done

summary=1
printf 'qemu: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
