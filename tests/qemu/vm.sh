#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Boots a kernel with baton against a host directory shared over virtiofs and runs one command
# there, returning its exit status (the job virtme-ng does), for kernel developers and CI.
#
#   tests/qemu/vm.sh [--kernel bookworm|sid|BZIMAGE] [--modules DIR] [--root DIR] [--rw]
#                    [--mem MB] [--timeout S] [--] COMMAND [ARG...]
#
#   --kernel   Debian's kernel (bookworm, the default, or sid, fetched and cached as the tests
#              do) or a built bzImage; a bzImage needs --modules DIR, a tree holding
#              lib/modules/KVER (make modules_install INSTALL_MOD_PATH=DIR), for virtiofs
#   --root     the directory the guest boots from (default: the host's /); it needs a shell
#              at /bin/sh. It is mounted read-only with a tmpfs overlay: the guest's changes
#              are lost, the directory is not touched (but for the runner, below)
#   --rw       mount it writable instead, no overlay: the guest's changes reach the host
#
# The command runs as root in the guest, in the current directory when --root is / (else in
# /), with its output on the guest's console and copied to this script's output when it ends.
# The runner script is written to DIR/tmp/baton-vm.XXXXXX (host /tmp for the default root)
# and removed afterwards. virtiofsd comes from qemu-system-common. BATON_KVM=1 uses KVM.
# Prints, on stderr, the time from QEMU's start to the command's start as the host saw it.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib-images.sh
. "$(dirname "$0")/lib-images.sh"

kernel=bookworm modules='' root=/ rw=0 mem=1024 timeout=600
while (($#)); do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--modules) modules=$2; shift ;;
	--root) root=$2; shift ;;
	--rw) rw=1 ;;
	--mem) mem=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (see the top of $0)" ;;
	*) break ;;
	esac
	shift
done
(($#)) || die "no command to run (see the top of $0)"
root=$(realpath "$root")
[[ -x $root/bin/sh ]] || die "$root has no /bin/sh to run the command with"

case $kernel in
bookworm | sid)
	export BATON_KERNEL=$kernel
	kernel_fetch
	;;
*)
	[[ -f $kernel && -d $modules ]] || die "--kernel BZIMAGE needs --modules DIR (lib/modules/KVER)"
	VMLINUZ=$(realpath "$kernel")
	KERNEL_TREE=$(realpath "$modules")
	KVER=$(basename "$(find "$KERNEL_TREE"/lib/modules "$KERNEL_TREE"/usr/lib/modules \
		-mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)")
	[[ -n $KVER ]] || die "no lib/modules/KVER under $modules"
	;;
esac
[[ -x $BATON_MKINITRAMFS && -x $BATON_BUILD/init ]] || die "run make first"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-vm-work.XXXXXX")
mkdir -p "$root/tmp"
runner_dir=$(mktemp -d "$root/tmp/baton-vm.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	rm -rf "$runner_dir" "$WORK"
	# Gone already when QEMU went; errexit applies in traps, so a failed kill must not count.
	if [[ -n ${VIRTIOFSD_PID:-} ]]; then
		kill "$VIRTIOFSD_PID" 2>/dev/null || true
	fi
}
trap cleanup EXIT
initrd=$BATON_TESTS/vm-initrd-$KVER.img
if [[ ! -f $initrd || $BATON_MKINITRAMFS -nt $initrd || $BATON_BUILD/init -nt $initrd ]]; then
	mkdir -p "$BATON_TESTS"
	initramfs_make "$initrd.$$.tmp" >/dev/null
	mv "$initrd.$$.tmp" "$initrd"
fi

cwd=/
[[ $root == / ]] && cwd=$PWD
quoted=$(printf '%q ' "$@")
cat >"$runner_dir/run" <<RUN
#!/bin/sh
# baton vm.sh runner: the command, its status on the console, power off.
exec </dev/console >/dev/console 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cd '$cwd' 2>/dev/null || cd /
echo "BATON-VM-START"
(exec /bin/sh -c '$(printf '%s' "$quoted" | sed "s/'/'\\\\''/g")')
echo "BATON-VM-EXIT: \$?"
sync
echo o >/proc/sysrq-trigger
RUN
chmod 0755 "$runner_dir/run"

QEMU_DISK_ARGS=()
share_virtiofs "$root" vmroot "$mem"
words=(root=virtiofs:vmroot "init=${runner_dir#"$root"}/run" quiet loglevel=1 rd.timeout=30)
((rw)) && words+=(rw)

start_ns=$(date +%s%N)
# shellcheck disable=SC2317 # called by _qemu beside QEMU
_vm_watch() {
	local serial=$1 pid=$2
	until grep -q 'BATON-VM-START' "$serial" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.05
	done
	note "vm.sh: the command started $(awk -v a="$start_ns" -v b="$(date +%s%N)" \
		'BEGIN { printf "%.2f", (b - a) / 1e9 }') s after QEMU started"
}
_qemu_beside=_vm_watch
rc=0
_qemu "$WORK/serial.log" "$timeout" "$mem" "$initrd" "console=ttyS0 panic=-1 ${words[*]}" || rc=$?
tr -d '\r' <"$WORK/serial.log" >"$WORK/console.log"
if ! grep -q '^BATON-VM-EXIT: ' "$WORK/console.log"; then
	tail -n "$LOG_TAIL_LINES" "$WORK/console.log" >&2
	die "the command did not finish in the guest (qemu exit $rc)"
fi
# The console's reset sequences may come before the first line of the runner.
sed -n '/BATON-VM-START/,/^BATON-VM-EXIT: /{/BATON-VM-/d;p}' "$WORK/console.log"
exit "$(sed -n 's/^BATON-VM-EXIT: \([0-9]*\).*/\1/p' "$WORK/console.log" | head -n 1)"
