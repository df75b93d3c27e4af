# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the shutdown return scenarios (19x), sourced after lib.sh: a writable Debian disk
# with systemd, the console lines of baton's shutdown program, the disk's state afterwards.
#
#   shutdown_debian_disk root.img        # scenario 79's Debian, a sparse writable copy
#   initramfs_make initrd.img --shutdown
#   attach root.img
#   boot --initrd initrd.img --mem 1024 --timeout "$SHUTDOWN_BOOT_TIMEOUT" "root=UUID=$SHUTDOWN_UUID"
#   expect_shutdown_return poweroff      # systemd handed over, baton's steps, the action
#   expect_ext4_clean root.img

# Scenario 79's root: its overlay and UUID give the same cached image (mkdebian.sh keeps only
# the newest image of a tree, so sharing it keeps 79 and these from remaking each other's).
readonly SHUTDOWN_UUID=1c2d3e4f-5a6b-4c7d-8e9f-79c7d8e9f0a1
readonly SHUTDOWN_OVERLAY=$BATON_TOP/tests/qemu/79-debian-systemd/root
# A TCG boot of that Debian to multi-user.target and back down takes 30-60 s here.
# shellcheck disable=SC2034 # read by the scenarios
readonly SHUTDOWN_BOOT_TIMEOUT=300

# shutdown_debian_disk IMG: the cached Debian image copied to IMG (sparse), so the boot may
# write it and its state can be read afterwards.
shutdown_debian_disk() {
	local img
	img=$("$BATON_TOP/tests/qemu/mkdebian.sh" --overlay "$SHUTDOWN_OVERLAY" --uuid "$SHUTDOWN_UUID")
	cp --sparse=always "$img" "$1"
}

# expect_shutdown_return ACTION: baton prepared /run/initramfs at boot, systemd-shutdown
# handed over to it (systemd 252 says "Returning to initrd...", later ones "Entering
# exitrd..."), and baton's shutdown program unmounted the old root and did ACTION.
expect_shutdown_return() {
	local action=$1 what
	case $action in
	poweroff) what='powering off' ;;
	reboot) what='rebooting' ;;
	halt) what='halting' ;;
	*) die "expect_shutdown_return: unknown action '$action'" ;;
	esac
	expect_baton 'shutdown: [0-9]+ files? \([0-9]+ KiB of RAM\) in /run/initramfs for the return at shutdown' \
		"the init copied to /run/initramfs before the switch"
	expect '(Returning to initrd|Entering exitrd)\.\.\.' "systemd-shutdown executed /run/initramfs/shutdown"
	expect_baton "shutdown: back in the initramfs for $action\$" "baton's shutdown program ran"
	expect_baton 'shutdown: unmounted /oldroot$' "the old root unmounted for real"
	expect_baton 'shutdown: unmounted [0-9]+ file systems under /oldroot$' "nothing detached lazily"
	expect_baton 'shutdown: file systems synced$'
	expect_baton "shutdown: $what\$"
	expect_not 'Failed to execute shutdown binary|Failed to switch root to' "systemd-shutdown's hand-over worked"
}

# expect_ext4_clean IMG: the ext4 filesystem of IMG was unmounted cleanly: its state is
# "clean" and no journal replay is pending (needs_recovery).
expect_ext4_clean() {
	local sb
	sb=$(dumpe2fs -h "$1" 2>/dev/null) || {
		_fail "dumpe2fs -h $1 failed"
		return 0
	}
	grep -Eq '^Filesystem state: +clean$' <<<"$sb" ||
		_fail "$1: $(grep '^Filesystem state:' <<<"$sb") (expected clean)"
	if grep -q '^Filesystem features:.*needs_recovery' <<<"$sb"; then
		_fail "$1: the journal needs recovery (not unmounted cleanly)"
	fi
	note "$1 after the boot: $(grep '^Filesystem state:' <<<"$sb" | tr -s ' ')"
}

# shutdown_host_tool BASE NAME: the host's program NAME (a stack tool the test kernel's tree
# lacks) in BASE/sbin with the shared libraries ldd lists, for mkinitramfs -b BASE --binary.
shutdown_host_tool() {
	local base=$1 prog lib
	prog=$(command -v "$2") || die "shutdown_host_tool: no $2 on this host (scripts/host-packages.sh)"
	mkdir -p "$base/sbin"
	install -m 0755 "$prog" "$base/sbin/$2"
	while read -r lib; do
		mkdir -p "$base$(dirname "$lib")"
		cp -L "$lib" "$base$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

# The helper VM's script that makes the RAID 1: superblocks only (metadata 1.0 sits at the end
# of each member), over members that already hold the Debian ext4 at their start.
readonly SHUTDOWN_MD_SCRIPT='
insmod /mdmods/md-mod.ko
insmod /mdmods/raid1.ko
yes | mdadm --create /dev/md0 --run --metadata=1.0 --level=1 --raid-devices=2 --assume-clean --homehost=baton --name=root /dev/vdb /dev/vdc
mdadm --detail /dev/md0
mdadm --stop /dev/md0'

# shutdown_md_disks A B: two RAID 1 members holding the Debian of shutdown_debian_disk, cached
# in $BATON_CACHE/disks/shutdown-md-KEY/ (KEY: the Debian image, the kernel, mdadm's version
# and the script), copied sparse to A and B.
shutdown_md_disks() {
	local img key dir mods m size
	img=$("$BATON_TOP/tests/qemu/mkdebian.sh" --overlay "$SHUTDOWN_OVERLAY" --uuid "$SHUTDOWN_UUID")
	key=$(printf '%s\n' "$(basename "$img")" "$KVER" "$(mdadm --version 2>&1)" "$SHUTDOWN_MD_SCRIPT" |
		sha256sum | cut -c1-16)
	dir=$BATON_CACHE/disks/shutdown-md-$key
	if [[ ! -f $dir/.done ]]; then
		note "making the RAID 1 members in $dir (once)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp" "$WORK/mdmods"
		# The members: the ext4 image and room for the superblock at the end.
		size=$(($(stat -c %s "$img") / 1048576 + 2))
		for m in a b; do
			cp --sparse=always "$img" "$dir.tmp/md-$m.img"
			truncate -s "${size}M" "$dir.tmp/md-$m.img"
		done
		mods=$KERNEL_TREE/lib/modules/$KVER
		[[ -d $mods ]] || mods=$KERNEL_TREE/usr/lib/modules/$KVER
		for m in md-mod raid1; do
			if [[ -f $mods/kernel/drivers/md/$m.ko ]]; then
				cp "$mods/kernel/drivers/md/$m.ko" "$WORK/mdmods/"
			else
				xz -dc "$mods/kernel/drivers/md/$m.ko.xz" >"$WORK/mdmods/$m.ko"
			fi
		done
		guest_run --prog mdadm --copy "$WORK/mdmods=/mdmods" "$SHUTDOWN_MD_SCRIPT" \
			"$dir.tmp/md-a.img" "$dir.tmp/md-b.img"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.done"
	fi
	cp --sparse=always "$dir/md-a.img" "$1"
	cp --sparse=always "$dir/md-b.img" "$2"
}

# expect_md_clean IMG: the md superblock on IMG says the array is clean (mdadm --examine,
# which reads the member's superblock and needs no md in the host kernel).
expect_md_clean() {
	local ex
	ex=$(mdadm --examine "$1" 2>&1) || {
		_fail "mdadm --examine $1 failed: $ex"
		return 0
	}
	grep -Eq '^ +State : clean$' <<<"$ex" ||
		_fail "$1: md superblock $(grep -E '^ +State :' <<<"$ex" | tr -s ' ') (expected clean)"
	note "$1 after the boot: md $(grep -E '^ +State :' <<<"$ex" | tr -s ' ')"
}
