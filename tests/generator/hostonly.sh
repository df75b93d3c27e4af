# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # gen and work come from run.sh
# Sourced by tests/generator/crypttab.sh (run.sh's helpers, crypttab.sh's image_file): --host-only on a machine whose root is ext4 on LVM on
# LUKS on md RAID 1, made up as a /sys and /proc under MKINITRAMFS_HOSTONLY_ROOT (read with
# --host-only=force only): the image carries the stacks the root is on (mdadm, lvm,
# cryptsetup) and not the other installed ones (veritysetup), the crypttab entry of the LUKS
# device under the root although fstab names the LV, the modules on the way; --stack and
# --no-stack still override; a stack tool missing from the tree is an error.

fake=$work/hostonly-machine
rm -rf "$fake"
# fake_dev PATH MAJ:MIN: a block device folder under sys/devices and its /sys/dev/block link.
fake_dev() {
	mkdir -p "$fake/sys/devices/$1"
	printf '%s\n' "$2" >"$fake/sys/devices/$1/dev"
	mkdir -p "$fake/sys/dev/block"
	ln -sfn "../../devices/$1" "$fake/sys/dev/block/$2"
}
# fake_under UPPER LOWER: LOWER (a path under sys/devices) is in UPPER's slaves/.
fake_under() {
	mkdir -p "$fake/sys/devices/$1/slaves"
	ln -sfn "$fake/sys/devices/$2" "$fake/sys/devices/$1/slaves/$(basename "$2")"
}
pci=pci0000:00
for d in 4 5; do # two virtio disks, one partition each, the RAID 1 members
	dev=$pci/0000:00:0$d.0/virtio$d
	mkdir -p "$fake/sys/devices/$dev/driver" "$fake/sys/module/virtio_blk" "$fake/sys/module/virtio_pci"
	ln -sfn "$fake/sys/module/virtio_blk" "$fake/sys/devices/$dev/driver/module"
	printf 'virtio:d00000002v00001AF4\n' >"$fake/sys/devices/$dev/modalias"
	mkdir -p "$fake/sys/devices/$pci/0000:00:0$d.0/driver"
	ln -sfn "$fake/sys/module/virtio_pci" "$fake/sys/devices/$pci/0000:00:0$d.0/driver/module"
	disk=$([[ $d == 4 ]] && echo vda || echo vdb)
	fake_dev "$dev/block/$disk" "254:$(((d - 4) * 16))"
	fake_dev "$dev/block/$disk/${disk}1" "254:$(((d - 4) * 16 + 1))"
	: >"$fake/sys/devices/$dev/block/$disk/${disk}1/partition"
done
fake_dev virtual/block/md0 9:0
mkdir -p "$fake/sys/devices/virtual/block/md0/md"
printf 'raid1\n' >"$fake/sys/devices/virtual/block/md0/md/level"
fake_under virtual/block/md0 "$pci/0000:00:04.0/virtio4/block/vda/vda1"
fake_under virtual/block/md0 "$pci/0000:00:05.0/virtio5/block/vdb/vdb1"
fake_dev virtual/block/dm-0 253:0
mkdir -p "$fake/sys/devices/virtual/block/dm-0/dm"
printf 'CRYPT-LUKS2-0a1b2c3d4e5f40618273a94b6c7d8e9f-cryptpv\n' >"$fake/sys/devices/virtual/block/dm-0/dm/uuid"
printf 'cryptpv\n' >"$fake/sys/devices/virtual/block/dm-0/dm/name"
fake_under virtual/block/dm-0 virtual/block/md0
fake_dev virtual/block/dm-1 253:1
mkdir -p "$fake/sys/devices/virtual/block/dm-1/dm"
printf 'LVM-Wq3xHhGJ0lX1jvV2n0aVt6cfJ3rOkq8u0vDqlC5TzO3dG0Y8k7r2PHQhZzj1vAbC\n' \
	>"$fake/sys/devices/virtual/block/dm-1/dm/uuid"
printf 'vg-root\n' >"$fake/sys/devices/virtual/block/dm-1/dm/name"
fake_under virtual/block/dm-1 virtual/block/dm-0
# The keyboard a passphrase needs: i8042's AT keyboard.
mkdir -p "$fake/sys/devices/platform/i8042/serio0/input/input0" "$fake/sys/devices/platform/i8042/serio0/driver" \
	"$fake/sys/class/input" "$fake/sys/module/atkbd"
ln -sfn "$fake/sys/module/atkbd" "$fake/sys/devices/platform/i8042/serio0/driver/module"
ln -sfn ../../devices/platform/i8042/serio0/input/input0 "$fake/sys/class/input/input0"
mkdir -p "$fake/proc/self"
printf '25 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw\n' >"$fake/proc/self/mountinfo"

# The tree: every stack's tool installed, a crypttab whose root entry fstab does not name.
ho=$work/hostonly-tree
rm -rf "$ho"
mkdir -p "$ho/lib" "$ho/etc"
ln -sfn "$KERNEL_TREE/lib/modules" "$ho/lib/modules"
for p in mdadm lvm cryptsetup veritysetup; do copy_prog "$ho" "$p"; done
printf '/dev/mapper/vg-root / ext4 defaults 0 1\n' >"$ho/etc/fstab"
cat >"$ho/etc/crypttab" <<'TAB'
cryptpv UUID=0a1b2c3d-4e5f-4061-8273-a94b6c7d8e9f none luks,discard
cryptother UUID=99999999-4e5f-4061-8273-a94b6c7d8e9f none luks
TAB
hostonly_gen() { MKINITRAMFS_HOSTONLY_ROOT=$fake "$gen" -b "$ho" --host-only=force "$@"; }
hostonly_gen -o "$work/ho1.img" --explain 2>"$work/ho1.log" || true
h1=$(listing "$work/ho1.img" 2>/dev/null || true)
for p in mdadm lvm cryptsetup; do
	check "host-only, root on LVM on LUKS on md: $p" has "$h1" "(^|/)s?bin/$p\$"
done
check "host-only: an installed stack the root is not on is left out (veritysetup)" lacks "$h1" 'veritysetup$'
check "host-only: the LUKS entry under the root, though fstab names the LV" \
	same "$(image_file "$work/ho1.img" etc/crypttab)" \
	'cryptpv UUID=0a1b2c3d-4e5f-4061-8273-a94b6c7d8e9f none luks,discard'
for m in virtio_blk ext4 dm-mod dm-crypt md-mod raid1; do
	check "host-only: module $m" has "$h1" "/${m//[-_]/[-_]}\.ko\$"
done
check "host-only: not the generic set (nvme)" lacks "$h1" '/nvme\.ko$'
check "host-only --explain: the md level" grep -q 'host-only: raid1: md array md0 is raid1' "$work/ho1.log"
check "host-only --explain: the keyboard for the passphrase" \
	grep -q 'host-only: atkbd: a keyboard for the passphrase' "$work/ho1.log"
hostonly_gen -o "$work/ho2.img" --no-stack lvm --stack verity 2>/dev/null || true
h2=$(listing "$work/ho2.img" 2>/dev/null || true)
check "host-only with --no-stack lvm: no lvm" lacks "$h2" '(^|/)s?bin/lvm$'
check "host-only with --no-stack lvm: still mdadm" has "$h2" '(^|/)s?bin/mdadm$'
check "host-only with --stack verity: veritysetup" has "$h2" 'veritysetup$'
# The same machine with its root on the first disk's partition: no stack at all.
cp -a "$fake" "$fake-plain"
printf '25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n' >"$fake-plain/proc/self/mountinfo"
printf '/dev/vda1 / ext4 defaults 0 1\n' >"$ho/etc/fstab"
MKINITRAMFS_HOSTONLY_ROOT=$fake-plain "$gen" -b "$ho" --host-only=force -o "$work/ho4.img" 2>/dev/null || true
h4=$(listing "$work/ho4.img" 2>/dev/null || true)
check "host-only, plain root: no stack tool though all are installed" lacks "$h4" \
	'(^|/)s?bin/(mdadm|lvm|cryptsetup|veritysetup)$'
check "host-only, plain root: no crypttab" lacks "$h4" '^etc/crypttab$'
check "host-only, plain root: virtio_blk and ext4" same "$(grep -cE '/(virtio_blk|ext4)\.ko$' <<<"$h4")" 2
rm "$ho/usr/sbin/mdadm"
rm -f "$work/ho3.img"
export MKINITRAMFS_HOSTONLY_ROOT=$fake
fails "host-only: the root on md without mdadm in the tree" 2 \
	"--host-only: the root is on md, but mdadm is not in .*install Debian's mdadm package" \
	-b "$ho" --host-only=force -o "$work/ho3.img"
unset MKINITRAMFS_HOSTONLY_ROOT
check "host-only: nothing written without mdadm" none "$work/ho3.img"
