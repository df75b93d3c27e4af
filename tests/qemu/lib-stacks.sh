# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the storage stack scenarios (1xx), sourced after lib.sh: disks with md RAID, LVM,
# LUKS built by the distribution's tools inside guest_run's helper VM (the host kernel has no
# md or device-mapper) and cached, and images that carry the stacks.
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
#   Runs SCRIPT (busybox sh -e) in the helper VM with IMG... as /dev/vdb, /dev/vdc, ..., the
#   payload TREE at /payload, and these programs with their libraries: mdadm, lvm,
#   cryptsetup, mkfs.ext4, mkfs.btrfs, btrfs, blkid, sfdisk, and each PROG. The helper boots
#   baton's image with the stacks' modules loaded (md, raid levels, dm, dm-thin, dm-crypt,
#   btrfs). In SCRIPT, `lvm SUBCOMMAND ARGS` works with no udev (a shell function adds the
#   --config it needs); after SCRIPT, every volume group is deactivated and every array
#   stopped, so the images are clean. The resulting images are cached in
#   $BATON_CACHE/disks/HASH/, HASH of SCRIPT, the input images, the payload, the PROGs and the
#   versions of the tools, and copied over IMG... on the next call with the same inputs.
#   Secrets a script needs (a passphrase) belong in SCRIPT itself, so they are part of HASH.
# stacks_initramfs
#   Prints the path of an image for the test kernel that carries every stack (--stack
#   md,lvm,luks,btrfs) from stacks_base_tree, made once per kernel and build (again when
#   mkinitramfs or the init changed).
# stacks_base_tree
#   Prints the path of a base directory for mkinitramfs -b: the test kernel's modules and the
#   host's mdadm, lvm, thin_check, cryptsetup (with its token plugins) and their libraries, at
#   their host paths. The stacks' tools come from the base directory, as in a real tree; the
#   tests' kernel tree has none, so the host's are copied in.

# The tools a stack image and the helper VM carry, from the host (Debian packages in brackets
# are in scripts/host-packages.sh's test list).
readonly STACKS_TOOLS='mdadm lvm thin_check cryptsetup'
readonly STACKS_GUEST_PROGS='mdadm lvm cryptsetup mkfs.ext4 mkfs.btrfs btrfs blkid sfdisk'
readonly STACKS_PACKAGES='mdadm lvm2 thin-provisioning-tools cryptsetup-bin btrfs-progs e2fsprogs'
# The helper's modules: md with its levels, device-mapper targets, btrfs.
readonly STACKS_GUEST_MODULES='md_mod,raid0,raid1,raid10,raid456,dm_mod,dm_snapshot,dm_thin_pool,dm_crypt,btrfs'
# lvm without udev in the helper VM (thin_check is not there: pools are fresh).
# shellcheck disable=SC2016 # expanded by the guest's shell
readonly STACKS_GUEST_PRELUDE='
mkdir -p /run/lvm /run/lock/lvm /run/mdadm /etc/lvm
export LVM_SUPPRESS_FD_WARNINGS=1
LVM_CONF="activation { udev_sync=0 udev_rules=0 monitoring=0 } devices { obtain_device_list_from_udev=0 } global { thin_check_executable=\"\" }"
lvm() { sub=$1; shift; command lvm "$sub" --config "$LVM_CONF" "$@"; }
'
# shellcheck disable=SC2016
readonly STACKS_GUEST_EPILOGUE='
lvm vgchange -an >/dev/null 2>&1 || true
mdadm --stop --scan || true
sync
'

# _stacks_copy_prog TREE PROG: PROG (a name in the host's PATH, or a path) at its own path in
# TREE, with the libraries ldd lists.
_stacks_copy_prog() {
	local tree=$1 prog=$2 lib
	[[ $prog == /* ]] || prog=$(command -v "$2") ||
		die "$2 is missing on this host (apt-get install $STACKS_PACKAGES)"
	mkdir -p "$tree$(dirname "$prog")"
	cp -L "$prog" "$tree$prog"
	while read -r lib; do
		mkdir -p "$tree$(dirname "$lib")"
		[[ -e $tree$lib ]] || cp -L "$lib" "$tree$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

stacks_base_tree() {
	local dir=$BATON_TESTS/stacks-base-$KVER tool plugins
	(
		exec 9>"$dir.lock"
		flock 9
		[[ -f $dir/.done ]] && exit 0
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -al "$KERNEL_TREE/." "$dir/" 2>/dev/null || cp -a "$KERNEL_TREE/." "$dir/"
		for tool in $STACKS_TOOLS; do
			_stacks_copy_prog "$dir" "$tool"
		done
		# cryptsetup's token plugins (systemd's) with their libraries, when the host has them.
		for plugins in /usr/lib/*/cryptsetup/libcryptsetup-token-*.so; do
			[[ -f $plugins ]] && _stacks_copy_prog "$dir" "$plugins"
		done
		: >"$dir/.done"
	) || die "stacks_base_tree: cannot make $dir"
	printf '%s\n' "$dir"
}

stacks_initramfs() {
	local out=$BATON_TESTS/initrd-stacks-$KVER.img base dep stale=0
	base=$(stacks_base_tree)
	(
		exec 9>"$out.lock"
		flock 9
		[[ -f $out ]] || stale=1
		for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/init"; do
			[[ -e $dep && $dep -nt $out ]] && stale=1
		done
		if ((stale)); then
			initramfs_make "$out.$$.tmp" -b "$base" --stack md,lvm,luks,btrfs >&2
			mv "$out.$$.tmp" "$out"
		fi
	) || die "stacks_initramfs: cannot make $out"
	printf '%s\n' "$out"
}

# _stacks_versions: the versions of the packages whose tools write the disks.
_stacks_versions() {
	# shellcheck disable=SC2086 # a list of package names
	dpkg-query -W -f='${Package} ${Version}\n' $STACKS_PACKAGES 2>/dev/null || true
}

disk_stack() {
	local payload='' script img key dir
	local -a progs=() guest_args=()
	while (($#)); do
		case $1 in
		--payload) payload=$2 ;;
		--prog) progs+=("$2") ;;
		*) break ;;
		esac
		shift 2
	done
	(($# >= 2)) || die "disk_stack: need a script and at least one image"
	script=$1
	shift
	key=$({
		printf 'script\n%s\n' "$script"
		printf 'progs %s\n' "${progs[*]}"
		_stacks_versions
		for img in "$@"; do
			printf 'image %s ' "$(basename "$img")"
			sha256sum <"$img"
		done
		if [[ -n $payload ]]; then
			tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - -C "$payload" . |
				sha256sum
		fi
	} | sha256sum | cut -c1-32)
	dir=$BATON_CACHE/disks/$key
	if [[ ! -f $dir/.done ]]; then
		# guest_run boots BATON_INITRD: here the image with the stacks' modules.
		local BATON_INITRD
		# shellcheck disable=SC2034
		BATON_INITRD=$(stacks_initramfs)
		guest_args=(--cmdline "rw rd.modules-load=$STACKS_GUEST_MODULES")
		for img in $STACKS_GUEST_PROGS "${progs[@]}"; do
			guest_args+=(--prog "$img")
		done
		[[ -n $payload ]] && guest_args+=(--copy "$payload=/payload")
		note "disk_stack: building $* (cache $dir)"
		guest_run "${guest_args[@]}" "$STACKS_GUEST_PRELUDE$script$STACKS_GUEST_EPILOGUE" "$@"
		mkdir -p "$dir.tmp.$$"
		for img in "$@"; do
			cp --sparse=always "$img" "$dir.tmp.$$/$(basename "$img")"
		done
		rm -rf "$dir"
		mv "$dir.tmp.$$" "$dir"
		: >"$dir/.done"
		return 0
	fi
	note "disk_stack: $* from the cache ($dir)"
	for img in "$@"; do
		cp --sparse=always "$dir/$(basename "$img")" "$img"
	done
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
