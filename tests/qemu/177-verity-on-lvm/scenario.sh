#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dm-verity on LVM: the squashfs root's data and hash devices are the logical volumes
# vgverity/data and vgverity/hash, named by systemd.verity_root_data= and _hash=, with no
# rd.lvm key. While they are missing, the verity wait runs the stack hook, which activates the
# volume group it finds; veritysetup then opens /dev/mapper/root on the two volumes.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-stacks.sh
. "$(dirname "$0")/../lib-stacks.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin

# initramfs_verity_lvm: stacks_base_tree (lvm and the other stack tools) with the host's
# veritysetup added, as an image with the lvm and verity stacks; remade when the generator, the
# init or veritysetup changed. Prints its path.
initramfs_verity_lvm() {
	local tree=$BATON_TESTS/stacks-verity-$KVER out=$BATON_TESTS/initrd-verity-lvm-$KVER.img
	local base dep stale=0
	base=$(stacks_base_tree)
	(
		exec 9>"$out.lock"
		flock 9
		if [[ ! -f $tree/.done ]]; then
			rm -rf "$tree"
			mkdir -p "$tree"
			cp -al "$base/." "$tree/"
			_tree_add_host_program "$tree" veritysetup
			touch "$tree/.done"
		fi
		[[ -f $out ]] || stale=1
		for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/init" "$(command -v veritysetup)"; do
			[[ $dep -nt $out ]] && stale=1
		done
		if ((stale)); then
			initramfs_make "$out.$$.tmp" -b "$tree" --stack lvm,verity >&2
			mv "$out.$$.tmp" "$out"
		fi
	) || die "initramfs_verity_lvm: cannot make $out"
	printf '%s\n' "$out"
}

root_tree root
disk_squashfs root.sqfs root
# A fixed salt and UUID: the same tree gives the same hash device, so the disk's cache key
# (its payload) repeats and the helper VM runs only when the root tree changed.
rm -f root.verity
hash=$(veritysetup format --salt=17700000000000000000000000000000000000000000000000000000000000a1 \
	--uuid=17700001-0000-4000-8000-000000000001 root.sqfs root.verity |
	sed -n 's/^Root hash:[[:space:]]*//p')
[[ -n $hash ]] || die "veritysetup format gave no root hash"
mkdir -p payload
cp root.sqfs root.verity payload/
data_mb=$((($(stat -c %s root.sqfs) + 1048575) / 1048576))
hash_mb=$((($(stat -c %s root.verity) + 1048575) / 1048576))
disk_partitioned disk.img 32 gpt --id 17700002-0000-4000-8000-000000000002 \
	"type=E6D6D379-F507-44C2-A23C-238F2A3DF928,name=lvm,uuid=17700003-0000-4000-8000-000000000003"
disk_stack --payload payload "
lvm pvcreate /dev/vdb1
lvm vgcreate vgverity /dev/vdb1
lvm lvcreate -n data -L ${data_mb}m vgverity
lvm lvcreate -n hash -L ${hash_mb}m vgverity
dd if=/payload/root.sqfs of=/dev/vgverity/data bs=1M conv=fsync
dd if=/payload/root.verity of=/dev/vgverity/hash bs=1M conv=fsync
" disk.img
attach disk.img

boot --initrd "$(initramfs_verity_lvm)" "roothash=$hash" \
	systemd.verity_root_data=/dev/vgverity/data systemd.verity_root_hash=/dev/vgverity/hash
expect_baton 'activating every LVM volume group found' "the volume group holding both volumes"
expect_baton 'opening dm-verity device root: data /dev/dm-[0-9]+ \(/dev/vgverity/data\), hash /dev/dm-[0-9]+ \(/dev/vgverity/hash\)'
expect_baton "dm-verity device /dev/mapper/root is open, verified against root hash $hash"
expect_root_found /dev/mapper/root '/dev/dm-[0-9]+' squashfs
expect_probe_ok squashfs '/dev/(dm-[0-9]+|mapper/root)' ro
