# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by tests/generator/run.sh: the crypttab entries the image carries (automatic for the
# root's /dev/mapper name and "initramfs" entries, --crypttab, --no-crypttab) and their
# keyfiles, mode 0600.
# shellcheck disable=SC2154 # gen and work are run.sh's

cbase=$work/cbase
mkdir -p "$cbase/lib" "$cbase/etc/keys"
ln -sfn "$KERNEL_TREE/lib/modules" "$cbase/lib/modules"
printf 'baton generator test key\n' >"$cbase/etc/keys/root.key"
chmod 0400 "$cbase/etc/keys/root.key"
cat >"$cbase/etc/crypttab" <<'TAB'
# <target name> <source device> <key file> <options>
cryptroot UUID=0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9 /etc/keys/root.key luks,discard
cryptswap /dev/vdc /dev/urandom swap,cipher=aes-xts-plain64
cryptdata UUID=11112222-3333-4444-5555-666677778888 none luks,initramfs
TAB
printf '/dev/mapper/cryptroot / ext4 errors=remount-ro 0 1\n' >"$cbase/etc/fstab"
# image_file IMG PATH: the contents of PATH in the image.
image_file() { image_cat "$1" | (cd "$work" && cpio -i --quiet --to-stdout "$2"); }

"$gen" -o "$work/c1.img" -b "$cbase" -m virtio_blk 2>"$work/c1.log"
c1=$(image_cat "$work/c1.img" | cpio -tv --quiet)
tab=$(image_file "$work/c1.img" etc/crypttab)
check "crypttab: the root's entry carried" has "$tab" '^cryptroot UUID=0a1b2c3d'
check "crypttab: an \"initramfs\" entry carried" has "$tab" '^cryptdata '
check "crypttab: an entry the root does not need left out" lacks "$tab" 'cryptswap'
check "crypttab: comments left out" lacks "$tab" '^#'
check "crypttab: the root's keyfile carried" same "$(image_file "$work/c1.img" etc/keys/root.key)" \
	'baton generator test key'
check "crypttab: the keyfile is mode 0600" has "$c1" '^-rw------- .* etc/keys/root\.key$'
check "crypttab: /etc/crypttab is mode 0600" has "$c1" '^-rw------- .* etc/crypttab$'
check "crypttab: a device as keyfile is not copied" lacks "$c1" ' dev/urandom$'

"$gen" -o "$work/c2.img" -b "$cbase" -m virtio_blk --no-crypttab 2>/dev/null
c2=$(listing "$work/c2.img")
check "--no-crypttab: no crypttab" lacks "$c2" '^etc/crypttab$'
check "--no-crypttab: no keyfile" lacks "$c2" 'root\.key'

"$gen" -o "$work/c3.img" -b "$cbase" -m virtio_blk --crypttab 2>/dev/null
check "--crypttab: every entry" same "$(image_file "$work/c3.img" etc/crypttab | cut -d' ' -f1 | tr '\n' ' ')" \
	'cryptroot cryptswap cryptdata '

# The root by UUID of the filesystem: which LUKS holds it is not known, only "initramfs" ones.
printf 'UUID=4d9c7e6a-0000-4000-8000-000000000001 / ext4 defaults 0 1\n' >"$cbase/etc/fstab"
"$gen" -o "$work/c4.img" -b "$cbase" -m virtio_blk 2>/dev/null
check "crypttab: root by UUID, only the \"initramfs\" entry" \
	same "$(image_file "$work/c4.img" etc/crypttab)" \
	'cryptdata UUID=11112222-3333-4444-5555-666677778888 none luks,initramfs'
check "crypttab: root by UUID, no keyfile" lacks "$(listing "$work/c4.img")" 'root\.key'

# A keyfile the crypttab names but the tree lacks: a failure, the old image kept.
printf '/dev/mapper/cryptroot / ext4 defaults 0 1\n' >"$cbase/etc/fstab"
rm "$cbase/etc/keys/root.key"
fails "crypttab: a missing keyfile fails the build" 2 'keyfile .*/etc/keys/root\.key cannot be read' \
	-o "$work/c1.img" -b "$cbase" -m virtio_blk
check "crypttab: the previous image kept" test -n "$(image_file "$work/c1.img" etc/keys/root.key)"
rm "$cbase/etc/crypttab"
fails "--crypttab without a crypttab fails" 2 'cannot read .*/etc/crypttab' \
	-o "$work/c5.img" -b "$cbase" -m virtio_blk --crypttab
"$gen" -o "$work/c6.img" -b "$cbase" -m virtio_blk 2>/dev/null
check "no crypttab in the tree: none in the image" lacks "$(listing "$work/c6.img")" '^etc/crypttab$'

# --host-only's stacks and crypttab entries, on a made-up machine.
# shellcheck source=tests/generator/hostonly.sh
. "$(dirname "${BASH_SOURCE[0]}")/hostonly.sh"
