# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the storage stack scenarios (1xx), sourced after lib.sh: disks with md RAID, LVM,
# LUKS built by the distribution's tools inside guest_run's helper VM (the host kernel has no
# md or device-mapper) and cached through lib-disks.sh, and the layouts several scenarios share.
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../lib-stacks.sh"
#   scenario_begin
#   root_tree root
#   disk_partitioned a.img 40 gpt "type=R"          # blank member disks, as an installer would
#   disk_partitioned b.img 40 gpt "type=R"
#   disk_stack --payload root "
#   mdadm --create /dev/md0 --run --level=1 --raid-devices=2 /dev/vdb1 /dev/vdc1
#   mkfs.ext4 -q -U $UUID -d /payload /dev/md0
#   " a.img b.img
#   attach a.img; attach b.img
#   boot --initrd "$(stacks_initramfs)" "root=UUID=$UUID"
#
# disk_stack [--payload TREE] [--prog PROG]... SCRIPT IMG...
#   disk_job of lib-disks.sh (one helper boot makes every disk a scenario declares; SCRIPT
#   writes the disks as /dev/vdb, /dev/vdc, ... in the order of IMG...).
# stacks_initramfs, stacks_base_tree: in lib-disks.sh.

# shellcheck source=lib-disks.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-disks.sh"

disk_stack() {
	disk_job "$@"
}

# --- layouts shared by several scenarios (their cached disks are shared too) ---------------

# Filesystem UUIDs of the layouts below.
readonly STACKS_RAID1_UUID=1d000001-6e57-4e57-8e57-0000000000a1
readonly STACKS_LVM_UUID=1d000002-6e57-4e57-8e57-0000000000b1
readonly STACKS_THIN_UUID=1d000003-6e57-4e57-8e57-0000000000b2
readonly STACKS_LVMRAID_UUID=1d000004-6e57-4e57-8e57-0000000000c1
# Size of each member disk, MiB.
readonly STACKS_DISK_MB=48

# _stacks_raid_members A B: two blank disks, a GPT with one "Linux RAID" partition each. Fixed
# disk and partition GUIDs (sfdisk picks random ones) so the inputs, and the cache key, repeat.
_stacks_raid_members() {
	disk_partitioned "$1" "$STACKS_DISK_MB" gpt --id 1d0000aa-6e57-4e57-8e57-000000000001 \
		"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-000000000001"
	disk_partitioned "$2" "$STACKS_DISK_MB" gpt --id 1d0000aa-6e57-4e57-8e57-000000000002 \
		"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-000000000002"
}

# stacks_raid1_disks A B TREE: as an installer makes a RAID 1: a GPT on each disk with one
# "Linux RAID" partition, mdadm's default metadata (1.2), the array named by the installer's
# host (so it is another host's array to the booted system), ext4 holding TREE.
stacks_raid1_disks() {
	_stacks_raid_members "$1" "$2"
	disk_stack --payload "$3" "
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --homehost=installer --name=root /dev/vdb1 /dev/vdc1
mkfs.ext4 -q -U $STACKS_RAID1_UUID -d /payload /dev/md0
" "$1" "$2"
}

# stacks_lvm_disk IMG TREE: Debian's guided LVM layout on one disk: a GPT partition of type
# "Linux LVM", volume group vg0 with a linear LV root (ext4, STACKS_LVM_UUID) and a thin pool
# whose thin LV thinroot holds ext4 (STACKS_THIN_UUID); both filesystems hold TREE.
stacks_lvm_disk() {
	disk_partitioned "$1" 64 gpt --id 1d0000aa-6e57-4e57-8e57-000000000003 \
		"type=E6D6D379-F507-44C2-A23C-238F2A3DF928,name=lvm,uuid=1d0000bb-6e57-4e57-8e57-000000000003"
	disk_stack --payload "$2" "
lvm pvcreate /dev/vdb1
lvm vgcreate vg0 /dev/vdb1
lvm lvcreate -n root -L 20m vg0
lvm lvcreate --type thin-pool -n pool -L 24m vg0
lvm lvcreate --type thin -n thinroot -V 40m --thinpool pool vg0
mkfs.ext4 -q -U $STACKS_LVM_UUID -d /payload /dev/vg0/root
mkfs.ext4 -q -U $STACKS_THIN_UUID -d /payload /dev/vg0/thinroot
" "$1"
}

# stacks_lvm_on_raid1 A B TREE: a server layout: RAID 1 over a partition of each disk, LVM
# on the array (vg1/root, ext4 STACKS_LVMRAID_UUID holding TREE).
stacks_lvm_on_raid1() {
	_stacks_raid_members "$1" "$2"
	disk_stack --payload "$3" "
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --homehost=installer --name=system /dev/vdb1 /dev/vdc1
lvm pvcreate /dev/md0
lvm vgcreate vg1 /dev/md0
lvm lvcreate -n root -L 24m vg1
mkfs.ext4 -q -U $STACKS_LVMRAID_UUID -d /payload /dev/vg1/root
" "$1" "$2"
}

# --- nested layouts: LUKS and LVM in either order, RAID 1 under both --------------------------

# The passphrase of the nested layouts' LUKS containers and their KDF (lib-luks.sh's: pbkdf2
# with a fixed small count, so the KDF does not dominate a TCG boot).
readonly STACKS_LUKS_PASS='nested stack passphrase'
readonly STACKS_LUKS_KDF='--pbkdf pbkdf2 --pbkdf-force-iterations 1000'
readonly STACKS_LVMLUKS_UUID=1d000007-6e57-4e57-8e57-0000000000f1
readonly STACKS_LVMLUKS_LUKS=1d000007-6e57-4e57-8e57-0000000000f2
readonly STACKS_LUKSLVM_UUID=1d000008-6e57-4e57-8e57-000000000101
readonly STACKS_LUKSLVM_LUKS=1d000008-6e57-4e57-8e57-000000000102
readonly STACKS_SERVER_UUID=1d000009-6e57-4e57-8e57-000000000111
readonly STACKS_SERVER_LUKS=1d000009-6e57-4e57-8e57-000000000112

# _stacks_luks_format DEV UUID NAME: the helper's commands that make DEV a LUKS2 container
# with STACKS_LUKS_PASS and open it as /dev/mapper/NAME.
_stacks_luks_format() {
	printf "printf '%%s' '%s' >/run/pass\n" "$STACKS_LUKS_PASS"
	printf 'cryptsetup luksFormat --batch-mode --type luks2 --uuid %s %s --key-file /run/pass %s\n' \
		"$2" "$STACKS_LUKS_KDF" "$1"
	printf 'cryptsetup open --key-file /run/pass %s %s\n' "$1" "$3"
}

# stacks_lvm_on_luks IMG EXTRA TREE: Debian's "guided, use entire disk and set up encrypted
# LVM": a GPT with a small /boot partition (left blank here) and a LUKS2 partition
# (STACKS_LVMLUKS_LUKS) holding the volume group debian-vg with the LV swap_1; the group was
# later extended onto a second disk EXTRA (a whole-disk physical volume), which holds the LV
# root (ext4 STACKS_LVMLUKS_UUID, TREE): the root needs both disks.
stacks_lvm_on_luks() {
	disk_partitioned "$1" 72 gpt --id 1d0000aa-6e57-4e57-8e57-000000000007 \
		"size=8,type=L,name=boot,uuid=1d0000bb-6e57-4e57-8e57-000000000071" \
		"type=L,name=cryptroot,uuid=1d0000bb-6e57-4e57-8e57-000000000072"
	rm -f "$2"
	truncate -s 40M "$2"
	disk_stack --payload "$3" "
$(_stacks_luks_format /dev/vdb2 "$STACKS_LVMLUKS_LUKS" vdb2_crypt)
lvm pvcreate /dev/mapper/vdb2_crypt
lvm vgcreate debian-vg /dev/mapper/vdb2_crypt
lvm lvcreate -n swap_1 -L 8m debian-vg
mkswap /dev/debian-vg/swap_1
lvm pvcreate /dev/vdc
lvm vgextend debian-vg /dev/vdc
lvm lvcreate -n root -L 24m debian-vg /dev/vdc
mkfs.ext4 -q -U $STACKS_LVMLUKS_UUID -d /payload /dev/debian-vg/root
" "$1" "$2"
}

# stacks_luks_on_lvm IMG TREE: LUKS inside a logical volume: a GPT partition of type "Linux
# LVM", volume group vg3 with the LV crypt, a LUKS2 container (STACKS_LUKSLVM_LUKS) in it
# holding ext4 (STACKS_LUKSLVM_UUID, TREE).
stacks_luks_on_lvm() {
	disk_partitioned "$1" 64 gpt --id 1d0000aa-6e57-4e57-8e57-000000000008 \
		"type=E6D6D379-F507-44C2-A23C-238F2A3DF928,name=lvm,uuid=1d0000bb-6e57-4e57-8e57-000000000008"
	disk_stack --payload "$2" "
lvm pvcreate /dev/vdb1
lvm vgcreate vg3 /dev/vdb1
lvm lvcreate -n crypt -L 48m vg3
$(_stacks_luks_format /dev/vg3/crypt "$STACKS_LUKSLVM_LUKS" lvcrypt)
mkfs.ext4 -q -U $STACKS_LUKSLVM_UUID -d /payload /dev/mapper/lvcrypt
" "$1"
}

# stacks_usr_lvm IMG TREE: a /usr of its own on LVM: volume group vgusr on a whole disk, LV usr
# (ext4 labelled usr, TREE).
stacks_usr_lvm() {
	rm -f "$1"
	truncate -s 32M "$1"
	disk_stack --payload "$2" "
lvm pvcreate /dev/vdb
lvm vgcreate vgusr /dev/vdb
lvm lvcreate -n usr -L 16m vgusr
mkfs.ext4 -q -L usr -d /payload /dev/vgusr/usr
" "$1"
}

# stacks_server_layout A B TREE [--input IMG]: a common server layout, RAID 1 -> LUKS -> LVM ->
# ext4: a GPT with one "Linux RAID" partition on each disk, the array (metadata 1.2, another
# host's), a LUKS2 container on it (STACKS_SERVER_LUKS), volume group vg4 in it with LVs root
# and swap. root holds ext4 STACKS_SERVER_UUID made from TREE or, with --input IMG, a copy of
# the ext4 image IMG (its used blocks, by e2image; the LV gets IMG's size and the disks are
# sized for it).
stacks_server_layout() {
	local a=$1 b=$2 tree=$3 input='' mb=64 lv_mb=24 fill clean=''
	shift 3
	if (($#)); then
		[[ $1 == --input && -f $2 ]] || die "stacks_server_layout: --input IMG"
		input=$2
		lv_mb=$(($(stat -c %s "$input") / 1048576))
		# The LUKS2 header (16 MiB), LVM metadata, the swap LV, and md's data offset, which
		# mdadm makes up to 128 MiB on members this size (room for reshapes); sparse anyway.
		mb=$((lv_mb + 176))
		# Blank members are already the same: no resync writing all of the second one.
		clean=--assume-clean
	fi
	disk_partitioned "$a" "$mb" gpt --id 1d0000aa-6e57-4e57-8e57-000000000009 \
		"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-000000000091"
	disk_partitioned "$b" "$mb" gpt --id 1d0000aa-6e57-4e57-8e57-00000000000a \
		"type=R,name=raid,uuid=1d0000bb-6e57-4e57-8e57-0000000000a1"
	if [[ -n $input ]]; then
		fill="e2image -ra /dev/vdd /dev/vg4/root"
	else
		fill="mkfs.ext4 -q -U $STACKS_SERVER_UUID -d /payload /dev/vg4/root"
	fi
	disk_stack --payload "$tree" ${input:+--input "$input"} "
mdadm --create /dev/md0 --run $clean --level=1 --raid-devices=2 --homehost=installer --name=server /dev/vdb1 /dev/vdc1
$(_stacks_luks_format /dev/md0 "$STACKS_SERVER_LUKS" md0_crypt)
lvm pvcreate /dev/mapper/md0_crypt
lvm vgcreate vg4 /dev/mapper/md0_crypt
lvm lvcreate -n root -L ${lv_mb}m vg4
lvm lvcreate -n swap -L 8m vg4
$fill
mkswap /dev/vg4/swap
" "$a" "$b"
}
