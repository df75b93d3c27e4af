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

