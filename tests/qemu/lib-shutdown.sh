# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the shutdown return scenarios (19x), sourced after lib.sh: a writable Debian disk
# with systemd, the console lines of baton's shutdown program, the disk's state afterwards.
#
#   shutdown_boot [ARGS...]              # scenario 79's Debian through an image with --shutdown
#   expect_shutdown_return poweroff      # systemd handed over, baton's steps, the action
#   expect_ext4_clean root.img
#
# The Debian on RAID 1 -> LUKS -> LVM of scenario 194 is lib-stacks.sh's stacks_server_layout
# with --input "$(shutdown_debian_image)".

# Scenario 79's root: its overlay and UUID give the same cached image (mkdebian.sh keeps only
# the newest image of a tree, so sharing it keeps 79 and these from remaking each other's).
readonly SHUTDOWN_UUID=1c2d3e4f-5a6b-4c7d-8e9f-79c7d8e9f0a1
readonly SHUTDOWN_OVERLAY=$BATON_TOP/tests/qemu/79-debian-systemd/root
# A TCG boot of that Debian to multi-user.target and back down takes 30-60 s here.
# shellcheck disable=SC2034 # read by the scenarios
readonly SHUTDOWN_BOOT_TIMEOUT=300

# shutdown_debian_image: prints the path of the cached Debian image (read it, never write it).
shutdown_debian_image() {
	"$BATON_TOP/tests/qemu/mkdebian.sh" --overlay "$SHUTDOWN_OVERLAY" --uuid "$SHUTDOWN_UUID"
}

# shutdown_debian_disk IMG: the cached Debian image copied to IMG (sparse), so the boot may
# write it and its state can be read afterwards.
shutdown_debian_disk() {
	local img
	img=$(shutdown_debian_image)
	cp --sparse=always "$img" "$1"
}

# shutdown_boot [ARGS...]: boots a writable copy of scenario 79's Debian (root.img) through an
# image made with --shutdown (initrd.img), with root=UUID= and ARGS on the command line.
shutdown_boot() {
	shutdown_debian_disk root.img
	initramfs_make initrd.img --shutdown
	attach root.img
	boot --initrd initrd.img --mem 1024 --timeout "$SHUTDOWN_BOOT_TIMEOUT" \
		"root=UUID=$SHUTDOWN_UUID" "$@"
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

# expect_md_clean IMG [--part N]: the md superblock on IMG (or on its partition N) says the
# array is clean (mdadm --examine, which reads the member's superblock and needs no md in the
# host kernel; a partition is read from a sparse copy of its first MiBs, at its full size).
expect_md_clean() {
	local img=$1 ex start size
	if [[ ${2:-} == --part ]]; then
		read -r start size < <(sfdisk -d "$1" | sed -n "s|^$1$3 : start= *\([0-9]*\), size= *\([0-9]*\),.*|\1 \2|p")
		[[ -n ${size:-} ]] || {
			_fail "expect_md_clean: no partition $3 on $1"
			return 0
		}
		img=$WORK/md-part-$(basename "$1")
		rm -f "$img"
		dd if="$1" of="$img" bs=512 skip="$start" count=16384 conv=sparse status=none
		truncate -s $((size * 512)) "$img"
	fi
	ex=$(mdadm --examine "$img" 2>&1) || {
		_fail "mdadm --examine $1 failed: $ex"
		return 0
	}
	grep -Eq '^ +State : clean$' <<<"$ex" ||
		_fail "$1: md superblock $(grep -E '^ +State :' <<<"$ex" | tr -s ' ') (expected clean)"
	note "$1 after the boot: md $(grep -E '^ +State :' <<<"$ex" | tr -s ' ')"
}
