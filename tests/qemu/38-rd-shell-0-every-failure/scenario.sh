#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rd.shell=0 holds on every failure path of an image that has a shell (mkinitramfs --shell):
# root missing, no root=, a root= of no known form, no init, a mount that fails, a separate /usr
# that never appears, an init the kernel cannot run, and a command line that cannot be read (/proc is a file, so proc cannot be mounted: rd.shell= is
# then unknown and only an image built to allow it may start a shell). Never a shell; each path
# prints the "fatal:" marker and reboots or halts as panic= and rd.emergency= say. One boot per
# case, each in its own folder (console.log there): this script runs itself once per case.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"

readonly CASES='root-missing no-root bad-root no-init mount-failure usr-missing exec-failure
	cmdline-unreadable'
uuid=38a1b2c3-d4e5-4f60-8a7b-8c9d0e1f2a38
missing=38dead00-0000-4000-8000-00000000dead
# ELF e_machine (2 bytes at offset 18, little-endian): 183 is EM_AARCH64.
readonly E_MACHINE_OFFSET=18

# expect_no_shell: the failure path refused the shell, and none ran.
expect_no_shell() {
	expect_not 'starting /bin/sh on the console' "no shell ran"
	expect_not '^baton# ' "no shell prompt"
}

# run_case NAME: one boot of one failure path (in the work folder scenario_begin made for it).
run_case() {
	case $1 in
	root-missing)
		root_tree root
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		boot --initrd "$S38_INITRD" "root=UUID=$missing" rd.timeout=3 rd.shell=0 panic=2
		expect_fatal "fatal: root device UUID=$missing did not appear"
		expect_baton 'boot failed, but rd.shell=0 forbids a shell'
		expect_baton 'rebooting in 2 s \(panic=2\)' "panic=2"
		expect_no_shell
		;;
	no-root)
		boot --initrd "$S38_INITRD" rd.shell=0 rd.emergency=halt
		expect_fatal 'fatal: no root= on the kernel command line'
		expect_baton 'halting \(rd.emergency=halt\)'
		expect_no_shell
		;;
	bad-root)
		boot --initrd "$S38_INITRD" root=nonsense38 rd.shell=0 rd.emergency=halt
		expect_fatal 'fatal: root=nonsense38 is not a form baton understands'
		expect_baton 'halting \(rd.emergency=halt\)'
		expect_no_shell
		;;
	no-init)
		mkdir -p root/{dev,proc,sys,run,tmp,sbin,bin}
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		boot --initrd "$S38_INITRD" "root=UUID=$uuid" init=/sbin/nothing-here rd.shell=0 \
			panic=1
		expect_fatal 'fatal: not switching to the new root'
		expect_baton 'boot failed, but rd.shell=0 forbids a shell'
		expect_baton 'rebooting in 1 s \(panic=1\)' "panic=1"
		expect_no_shell
		;;
	mount-failure)
		root_tree root
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		# rd.shell=0 wins over rd.emergency=shell.
		boot --initrd "$S38_INITRD" "root=UUID=$uuid" rootfstype=xfs rd.shell=0 \
			rd.emergency=shell
		expect_fatal 'fatal: the root filesystem on /dev/vda could not be mounted'
		expect_baton 'boot failed, but rd.shell=0 forbids a shell'
		expect_baton 'rebooting now$' "panic=-1"
		expect_no_shell
		;;
	usr-missing)
		root_tree root --dir /usr
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		boot --initrd "$S38_INITRD" "root=UUID=$uuid" mount.usr=LABEL=nousr38 rd.timeout=3 \
			rd.shell=0 panic=1
		expect_baton 'the /usr device LABEL=nousr38 \(from mount.usr=\) did not appear within [0-9]+ s'
		expect_fatal 'fatal: /usr could not be mounted; the real init needs it in place'
		expect_baton 'boot failed, but rd.shell=0 forbids a shell'
		expect_baton 'rebooting in 1 s \(panic=1\)' "panic=1"
		expect_no_shell
		;;
	exec-failure)
		root_tree root
		printf '\267\000' |
			dd of=root/sbin/init bs=1 seek="$E_MACHINE_OFFSET" conv=notrunc status=none
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		boot --initrd "$S38_INITRD" "root=UUID=$uuid" rd.shell=0
		expect_fatal 'fatal: the switch to the new root failed'
		expect_baton 'boot failed, but rd.shell=0 forbids a shell'
		expect_baton 'rebooting now$' "panic=-1"
		expect_no_shell
		;;
	cmdline-unreadable)
		root_tree root
		disk_ext4 root.img 16 --uuid "$uuid" --dir root
		attach root.img
		boot --initrd "$S38_INITRD_NOPROC" "root=UUID=$uuid" rd.shell=0
		expect_fatal 'fatal: cannot open /proc/cmdline'
		expect_baton 'boot failed; the command line is unknown .*: no shell$' \
			"unknown rd.shell=: no shell"
		expect_baton 'rebooting in 15 s \(the command line, and so panic=, is unknown\)'
		expect_baton 'rebooting now$'
		expect_no_shell
		;;
	*) die "no case '$1' (have: $CASES)" ;;
	esac
}

if (($# == 1)); then
	scenario_begin
	run_case "$1"
	exit 0
fi

scenario_begin
initramfs_hooks initrd.img
# An image with busybox brought by a shell hook, not by --shell (so not marked shell-allowed),
# uncompressed, then a second archive whose /proc is a regular file: the kernel unpacks both in
# turn (a later entry replaces an earlier one of another type, an empty directory included), so
# proc cannot be mounted and /proc/cmdline cannot be opened.
hook noproc-hooks early 10-never-runs <<'HOOK'
echo "early hooks need the command line"
HOOK
initramfs_make initrd-noproc.img -b "$WORK/base" --binary "$KEEPER_PATH" \
	--hook "$WORK/noproc-hooks" --compress none
mkdir -p noproc-tree
: >noproc-tree/proc
truncate -s "%4" initrd-noproc.img
(cd noproc-tree && printf 'proc\n' | cpio --quiet -o -H newc -R 0:0) >>initrd-noproc.img ||
	die "cpio failed"
export S38_INITRD=$WORK/initrd.img S38_INITRD_NOPROC=$WORK/initrd-noproc.img

for c in $CASES; do
	note "--- $SCENARIO: $c"
	if ! BATON_WORK=$WORK/$c "$0" "$c"; then
		_fail "case $c (its console: $WORK/$c/console.log)"
	fi
done
