# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# LUKS scenarios (13x-14x): encrypted disks formatted by cryptsetup in guest_run's helper VM
# (the host kernel has no device-mapper) and cached by their inputs (lib-disks.sh), images
# carrying cryptsetup and dm-crypt, extra files put into an image, and passphrases typed on the
# serial console.

# shellcheck source=lib-disks.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-disks.sh"

# The KDF the disks use: pbkdf2 with a fixed small count, so a TCG boot is not the KDF's.
readonly LUKS_PBKDF=(--pbkdf pbkdf2 --pbkdf-force-iterations 1000)
# dm-crypt and the crypto its default cipher (aes-xts-plain64) needs beyond what Debian builds
# in (aes, sha256, cbc are built in; xts and ecb are modules); algif_skcipher lets cryptsetup
# decrypt keyslots through the kernel.
readonly LUKS_MODULES=dm_crypt,xts,ecb,algif_skcipher
# Room for the LUKS2 header and keyslots in front of the data (cryptsetup's default 16 MiB).
readonly LUKS_HEADER_MB=16
# The modules the scenarios' own images load: the virtio disk, ext4, dm-crypt.
readonly LUKS_BOOT_MODULES=virtio_pci,virtio_blk,ext4,$LUKS_MODULES

# _luks_helper_initrd: the helper VM's image (guest_run's generic one cannot open dm-crypt):
# the generic disks and ext4, dm-crypt; remade when the generator or the init is newer.
_luks_helper_initrd() {
	local img=$BATON_TESTS/initrd-luks-helper-$KVER.img
	if [[ ! -f $img || $img -ot $BATON_MKINITRAMFS || $img -ot $BATON_BUILD/init ]]; then
		initramfs_make "$img.tmp.$$" -m "$LUKS_BOOT_MODULES" >/dev/null
		mv -f "$img.tmp.$$" "$img"
	fi
	printf '%s\n' "$img"
}

# luks_disk IMG SIZE_MB --uuid LUKS_UUID --fs-uuid FS_UUID --dir TREE [--type luks2|luks1]
# [--pass PASSPHRASE] [--keyfile FILE] [--header HDR_IMG] [--label LABEL]: a disk whose whole
# content is a LUKS container (UUID LUKS_UUID, unlocked by PASSPHRASE and, when given, by the
# keyfile FILE) holding an ext4 filesystem made from TREE. --header: the LUKS header goes to
# the separate file HDR_IMG (16 MiB) and the disk holds only encrypted data. A disk job of
# lib-disks.sh: made with the scenario's other disks in one helper boot, cached by its inputs.
luks_disk() {
	local img=$1 size=$2 uuid='' fsuuid='' tree='' type=luks2 pass='' keyfile='' header=''
	local label='' hdr_arg='' add_key='' key_dest label_arg=''
	local -a copies=() imgs=("$1")
	shift 2
	while (($#)); do
		case $1 in
		--uuid) uuid=$2 ;;
		--fs-uuid) fsuuid=$2 ;;
		--dir) tree=$2 ;;
		--type) type=$2 ;;
		--pass) pass=$2 ;;
		--keyfile) keyfile=$2 ;;
		--header) header=$2 ;;
		--label) label=$2 ;;
		*) die "luks_disk: unknown argument '$1'" ;;
		esac
		shift 2
	done
	[[ -n $uuid && -n $fsuuid && -n $tree && -n $pass ]] ||
		die "luks_disk: --uuid, --fs-uuid, --dir and --pass are needed"
	[[ -z $label ]] || label_arg="-L '$label'"
	rm -f "$img"
	truncate -s "${size}M" "$img"
	if [[ -n $header ]]; then
		rm -f "$header"
		truncate -s "${LUKS_HEADER_MB}M" "$header"
		imgs+=("$header")
		hdr_arg='--header /dev/vdc'
	fi
	if [[ -n $keyfile ]]; then
		key_dest=/luks-keys/$(sha256sum <"$keyfile" | cut -c1-16)
		copies=(--copy "$keyfile=$key_dest")
		add_key="cryptsetup luksAddKey --batch-mode ${LUKS_PBKDF[*]} $hdr_arg --key-file /run/pass /dev/vdb $key_dest"
	fi
	disk_job --payload "$tree" "${copies[@]}" "
printf '%s' '$pass' >/run/pass
cryptsetup luksFormat --batch-mode --type $type --uuid $uuid ${LUKS_PBKDF[*]} $hdr_arg --key-file /run/pass /dev/vdb
$add_key
cryptsetup open $hdr_arg --key-file /run/pass /dev/vdb baton-luks-test
mkfs.ext4 -F -q -E lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0 $label_arg -U $fsuuid -d /payload /dev/mapper/baton-luks-test
cryptsetup close baton-luks-test" "${imgs[@]}"
}

# luks_base_tree DIR: a base tree for mkinitramfs -b: the test kernel's modules (hard links)
# and the host's cryptsetup with the libraries ldd lists, as the installed system has them.
luks_base_tree() {
	local dir=$1 mods prog lib
	rm -rf "$dir"
	mkdir -p "$dir/usr/lib/modules" "$dir/usr/sbin" "$dir/usr/bin"
	ln -s usr/lib "$dir/lib"
	ln -s usr/bin "$dir/bin"
	ln -s usr/sbin "$dir/sbin"
	mods=$KERNEL_TREE/lib/modules/$KVER
	[[ -d $mods ]] || mods=$KERNEL_TREE/usr/lib/modules/$KVER
	[[ -d $mods ]] || die "luks_base_tree: no modules of $KVER in $KERNEL_TREE"
	cp -al "$mods" "$dir/usr/lib/modules/" 2>/dev/null || cp -a "$mods" "$dir/usr/lib/modules/"
	prog=$(command -v cryptsetup) || die "cryptsetup is missing (apt-get install cryptsetup-bin)"
	install -m 0755 "$prog" "$dir/usr/sbin/cryptsetup"
	while read -r lib; do
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$lib" "$dir$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

# luks_initramfs OUT [MKINITRAMFS ARGS...]: an image that unlocks LUKS: cryptsetup (with the
# libraries it links) and LUKS_BOOT_MODULES, plus ARGS (more -m, ...), from a base tree made
# by luks_base_tree in the work directory.
luks_initramfs() {
	local out=$1
	shift
	[[ -d $WORK/luks-base ]] || luks_base_tree "$WORK/luks-base"
	"$BATON_MKINITRAMFS" -o "$out" -k "$KVER" -b "$WORK/luks-base" -m "$LUKS_BOOT_MODULES" \
		--binary cryptsetup "$@" || die "mkinitramfs for $out failed"
}

# initramfs_add IMG SRC=DEST... : IMG with the files SRC put at DEST (mode 0600, owner 0:0) by
# an uncompressed cpio archive in front of it, as early microcode is (the kernel unpacks one
# archive after the other). For what mkinitramfs has no option for yet.
initramfs_add() {
	local img=$1 dir=$WORK/initramfs-add spec
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	for spec in "$@"; do
		mkdir -p "$dir$(dirname "${spec#*=}")"
		install -m 0600 "${spec%%=*}" "$dir${spec#*=}"
	done
	(cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$img.add" || die "initramfs_add: cpio failed"
	cat "$img.add" "$img" >"$img.new"
	mv -f "$img.new" "$img"
	rm -f "$img.add"
}

# console_answers REGEX TEXT...: the next boot's serial console takes input; once its log shows
# REGEX for the n-th time (and a second more has passed, or CONSOLE_ANSWER_DELAY seconds: a
# user slow to type), TEXT number n is typed, then Enter (CR, as a terminal sends it).
_luks_prompt_re=''
_luks_delay=1
_luks_answers=()
_luks_in_fd=''
_luks_out_fd=''
console_answers() {
	_luks_prompt_re=$1
	_luks_delay=${CONSOLE_ANSWER_DELAY:-1}
	shift
	_luks_answers=("$@")
	rm -f "$WORK/console.in" "$WORK/console.out"
	mkfifo "$WORK/console.in" "$WORK/console.out"
	# Held read-write here, so QEMU's opens never block and its output never fills the FIFO
	# unread (the drain in _luks_type_beside reads it; the log file has the same text).
	exec {_luks_in_fd}<>"$WORK/console.in" {_luks_out_fd}<>"$WORK/console.out"
	_console_input=$WORK/console
	_monitor_beside=_luks_type_beside
}

# _luks_type_beside SERIAL QEMU_PID: types the answers of console_answers as their prompts
# appear; drains the console FIFO meanwhile, and plugs in hotplug's disk when one is set.
_luks_type_beside() {
	local serial=$1 pid=$2 n=0 seen text drain
	cat <&"$_luks_out_fd" >/dev/null &
	drain=$!
	# A disk hot-plugged in the same boot (lib.sh's hotplug): the monitor is free for it.
	[[ -z $_hotplug_img ]] || _hotplug_beside "$serial" "$pid" &
	trap 'kill "$drain" 2>/dev/null; exit 0' TERM EXIT
	for text in "${_luks_answers[@]}"; do
		n=$((n + 1))
		while :; do
			# grep -c prints 0 on no match; nothing when the log is not there yet.
			seen=$(grep -Ec -- "$_luks_prompt_re" "$serial" 2>/dev/null) || seen=${seen:-0}
			((seen >= n)) && break
			kill -0 "$pid" 2>/dev/null || exit 0
			sleep 0.2
		done
		sleep "$_luks_delay"
		note "typing answer $n on the serial console"
		printf '%s\r' "$text" >&"$_luks_in_fd"
	done
	wait "$drain"
}
