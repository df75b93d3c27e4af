#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: boot baton in QEMU on a Debian kernel, with a busybox root disk, on this terminal.
#
#   tests/qemu/demo.sh             (make demo)
#   DEMO_SHELL=1 tests/qemu/demo.sh  (DEMO_SHELL=1 make demo)
#
# The serial console is this terminal: the kernel's boot, baton's log lines for each stage
# (with kernel timestamps), then the real root's /sbin/init, a busybox script that greets from
# the real root (kernel, PID, mounts) and powers off, which ends QEMU. The console is also
# saved to build/tests/demo/console.log, and the demo fails when the greeting never came.
#
# DEMO_SHELL=1 boots with rw init=/bin/demo-shell instead: a busybox shell that stays open on
# the real root (exit powers off; Ctrl-A X quits QEMU at any time, Ctrl-A C is its monitor).
# Without a terminal on stdin (CI) QEMU reads nothing; the plain demo still ends by itself.
# BATON_KVM=1 and BATON_CACHE work as for the tests (see tests/qemu/lib.sh).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The demo powers off in a few seconds under TCG; this only bounds a broken image.
readonly DEMO_TIMEOUT=300
readonly DEMO_UUID=0ba7015e-de30-4b0a-9a1e-000000000001

work=$BATON_TESTS/demo
root=$work/root
rm -rf "$work"
mkdir -p "$root"
kernel_fetch

# A root filesystem from Debian's busybox-static: the binary and one symlink per applet.
busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,etc,root}
install -m 0755 "$busybox" "$root/bin/busybox"
while read -r applet; do
	[[ $applet == bin/busybox || -e $root/$applet ]] && continue
	ln -s /bin/busybox "$root/$applet"
done < <("$busybox" --list-full)
# Debian's busybox-static does not list sbin/init as an applet path, so it is free for ours.
rm -f "$root/sbin/init"
cat >"$root/sbin/init" <<'EOF'
#!/bin/sh
# The real root's init for the baton demo: say where we are, then power off.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
exec </dev/console >/dev/console 2>&1
[ -e /proc/self ] || mount -t proc proc /proc
dev=$(awk '$2 == "/" { d = $1 " (" $3 ", " substr($4, 1, 2) ")" } END { print d }' /proc/mounts)
echo
echo "Hello from the real root: $dev"
echo "  kernel:   $(uname -r)"
echo "  PID:      $$"
echo "  argv:     $0 $*"
echo "  uptime:   $(cut -d' ' -f1 /proc/uptime) s"
echo "  mounts:"
sed 's/^/    /' /proc/mounts
echo "Powering off."
sync
poweroff -f
EOF
cat >"$root/bin/demo-shell" <<'EOF'
#!/bin/sh
# DEMO_SHELL=1: a login shell with job control on the console of the real root.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/root
[ -e /proc/self ] || mount -t proc proc /proc
echo
echo "Shell on the real root ($(uname -r), PID $$). 'exit' powers off; Ctrl-A X quits QEMU."
setsid cttyhack sh -l
poweroff -f
EOF
chmod 0755 "$root/sbin/init" "$root/bin/demo-shell"
echo 'PS1="demo-root:\w# "' >"$root/etc/profile"

disk=$work/root.img
disk_ext4 "$disk" 32 --uuid "$DEMO_UUID" --label demo-root --dir "$root"
initrd=$work/initrd.img
initramfs_make "$initrd"
note "demo: kernel $KVER, initramfs $(stat -c %s "$initrd") bytes, root disk $disk"

append="console=ttyS0 panic=-1 root=UUID=$DEMO_UUID"
accel=(-accel tcg)
if [[ ${BATON_KVM:-0} == 1 ]]; then
	accel=(-accel kvm -cpu host)
fi
qemu=(qemu-system-x86_64 -machine q35 "${accel[@]}" -m 512 -smp 1 -nographic -no-reboot
	-nodefaults -no-user-config -serial mon:stdio -kernel "$VMLINUZ" -initrd "$initrd"
	-drive "file=$disk,if=none,format=raw,id=root" -device "virtio-blk-pci,drive=root")

if [[ ${DEMO_SHELL:-0} == 1 ]]; then
	note "demo: init=/bin/demo-shell; Ctrl-A X quits QEMU"
	exec "${qemu[@]}" -append "$append rw init=/bin/demo-shell"
fi

# No terminal (CI): give QEMU an empty stdin rather than whatever the caller left on fd 0.
if [[ ! -t 0 ]]; then
	exec </dev/null
fi
log=$work/console.log
rc=0
# --foreground: QEMU stays in the terminal's process group so it may read the keyboard.
timeout --foreground "$DEMO_TIMEOUT" "${qemu[@]}" -append "$append" | tee "$log" || rc=$?
echo
if ((rc != 0)); then
	die "demo: QEMU ended with status $rc (124: no power-off within ${DEMO_TIMEOUT}s)"
fi
if grep -q 'Kernel panic' "$log"; then
	die "demo: the kernel panicked (log: $log)"
fi
grep -q 'Hello from the real root' "$log" || die "demo: the real root's init never ran (log: $log)"
note "demo: done (console saved to $log)"
