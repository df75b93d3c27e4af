# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# LUKS scenarios (13x-14x): encrypted disks formatted by cryptsetup in guest_run's helper VM
# (the host kernel has no device-mapper) and cached by their inputs (lib-disks.sh), images
# carrying cryptsetup and dm-crypt, extra files put into an image, and passphrases typed on the
# serial console.

# shellcheck source=lib-disks.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-disks.sh"
# This file, part of the TPM2 disks' cache key.
_LUKS_LIB=$(realpath "${BASH_SOURCE[0]}")

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

# _luks_copy_with_libs DIR FILE...: FILE at its own path under DIR, with the libraries ldd lists.
_luks_copy_with_libs() {
	local dir=$1 f lib
	shift
	for f in "$@"; do
		[[ -e $f ]] || die "$f is missing (apt-get install plymouth plymouth-themes)"
		mkdir -p "$dir$(dirname "$f")"
		cp -L "$f" "$dir$f"
		while read -r lib; do
			[[ -e $dir$lib ]] && continue
			mkdir -p "$dir$(dirname "$lib")"
			cp -L "$lib" "$dir$lib"
		done < <(ldd "$f" 2>/dev/null |
			sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
	done
}

# luks_plymouth_tree BASE: the host's plymouth in the base tree BASE (made by luks_base_tree)
# with its details theme chosen in plymouthd.conf, and busybox for the plymouth hook, as an
# installed system with plymouth has them (141, 143).
luks_plymouth_tree() {
	local base=$1 plugins
	install -m 0755 "$(command -v busybox)" "$base/usr/bin/busybox"
	plugins=/usr/lib/$(gcc -print-multiarch)/plymouth
	_luks_copy_with_libs "$base" /usr/sbin/plymouthd /usr/bin/plymouth \
		/usr/libexec/plymouth/plymouthd-fd-escrow "$plugins/details.so" "$plugins/text.so"
	mkdir -p "$base/usr/share/plymouth/themes" "$base/etc/plymouth"
	cp -a /usr/share/plymouth/themes/details /usr/share/plymouth/themes/text \
		"$base/usr/share/plymouth/themes/"
	printf '[Daemon]\nTheme=details\n' >"$base/etc/plymouth/plymouthd.conf"
}

# A passphrase only the German layout types from these keys (QEMU's names, by their place on a
# US keyboard): Z is the US "y" key, y the US "z" key, "-" the US "/" key, "ö" the US ";" key.
# shellcheck disable=SC2034 # used by the scenarios that source this file (140, 143)
LUKS_DE_PASS='Zyklop-öy'
# shellcheck disable=SC2034
LUKS_DE_KEYS='shift-y z k l o p slash semicolon z ret'

# luks_keymap_de_tree BASE: a German console in the base tree BASE (made by luks_base_tree):
# Debian's /etc/default/keyboard (XKBLAYOUT=de) and console-setup, the keymap compiled as
# setupcon --save-only caches it, its Uni2-Fixed16 font, kbd's loadkeys and setfont (140, 143).
luks_keymap_de_tree() {
	local base=$1 prog
	for prog in loadkeys setfont; do
		install -m 0755 "$(command -v "$prog")" "$base/usr/bin/$prog" ||
			die "$prog is missing (apt-get install kbd)"
	done
	mkdir -p "$base/etc/default" "$base/etc/console-setup" "$base/usr/share/consolefonts"
	printf '%s\n' 'XKBMODEL="pc105"' 'XKBLAYOUT="de"' 'XKBVARIANT=""' 'XKBOPTIONS=""' \
		'BACKSPACE="guess"' >"$base/etc/default/keyboard"
	printf '%s\n' 'ACTIVE_CONSOLES="/dev/tty[1-6]"' 'CHARMAP="UTF-8"' 'CODESET="Uni2"' \
		'FONTFACE="Fixed"' 'FONTSIZE="8x16"' >"$base/etc/default/console-setup"
	# setupcon --save-only's command for this configuration (setupcon(1) runs it on the tree's
	# own files; here the host's console-setup compiles the same layout).
	command -v ckbcomp >/dev/null || die "ckbcomp is missing (apt-get install console-setup)"
	ckbcomp -backspace del -model pc105 de '' '' 2>/dev/null | gzip -9n \
		>"$base/etc/console-setup/cached_UTF-8_del.kmap.gz"
	cp /usr/share/consolefonts/Uni2-Fixed16.psf.gz "$base/usr/share/consolefonts/" ||
		die "no Uni2-Fixed16 font (apt-get install console-setup-linux)"
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

# --- TPM2 (138-139): swtpm as QEMU's TPM, disks enrolled by systemd-cryptenroll -----------

# The libraries systemd's TPM2 code (systemd-cryptenroll and the cryptsetup token plugin)
# dlopens: no ELF header names them, so neither ldd nor guest_run's --prog finds them.
readonly TPM2_DLOPEN_LIBS=(libtss2-esys.so.0 libtss2-rc.so.0 libtss2-mu.so.0
	libtss2-tcti-device.so.0)
# systemd's TPM2 token plugin for cryptsetup, as Debian 12's systemd package installs it.
readonly TPM2_PLUGIN=libcryptsetup-token-systemd-tpm2.so
# The PCR the TPM2 token is bound to, and QEMU arguments that change what SeaBIOS measures
# into it (the SMBIOS system serial number), for a boot whose PCR 1 no longer matches.
readonly TPM2_PCRS=1
# shellcheck disable=SC2034 # used by the scenarios that source this file (142)
readonly TPM2_PCR_CHANGE_ARGS=(-smbios 'type=1,serial=baton-pcr1-changed')
_tpm2_pid=''
_tpm2_lib_dir=''

# _tpm2_libdir: the host's multiarch library folder holding libtss2-esys.
_tpm2_libdir() {
	if [[ -z $_tpm2_lib_dir ]]; then
		_tpm2_lib_dir=$(dirname "$(ldconfig -p | sed -n 's/.*libtss2-esys\.so\.0 .*=> //p' |
			head -n1)")
		[[ $_tpm2_lib_dir == /* ]] ||
			die "libtss2-esys is missing (apt-get install libtss2-esys-3.0.2-0 libtss2-rc0 libtss2-mu0 libtss2-tcti-device0)"
	fi
	printf '%s\n' "$_tpm2_lib_dir"
}

# _tpm2_with_libs LIB...: each host library (a path) and the libraries ldd lists for it.
_tpm2_with_libs() {
	local lib
	for lib in "$@"; do
		printf '%s\n' "$lib"
		ldd "$lib" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
	done | sort -u
}

# tpm2_start STATE_DIR: a software TPM 2.0 (swtpm) on STATE_DIR (made if missing; an empty
# one is a new TPM), for the next QEMU run only (it ends when QEMU lets go of it, and at the
# scenario's exit at the latest). Sets TPM2_QEMU_ARGS to the QEMU arguments that attach it
# as a TIS TPM, the interface PCs have.
TPM2_QEMU_ARGS=()
tpm2_start() {
	local state=$1 sock=$WORK/swtpm.sock n=0
	command -v swtpm >/dev/null || die "swtpm is missing (apt-get install swtpm)"
	tpm2_stop
	mkdir -p "$state"
	rm -f "$sock"
	swtpm socket --tpm2 --tpmstate "dir=$state" --ctrl "type=unixio,path=$sock" \
		--terminate --log "file=$WORK/swtpm.log" &
	_tpm2_pid=$!
	trap _tpm2_exit EXIT
	until [[ -S $sock ]]; do
		kill -0 "$_tpm2_pid" 2>/dev/null || die "swtpm did not start (see $WORK/swtpm.log)"
		((++n < 100)) || die "swtpm made no socket at $sock within 10 s"
		sleep 0.1
	done
	TPM2_QEMU_ARGS=(-chardev "socket,id=chrtpm,path=$sock" -tpmdev "emulator,id=tpm0,chardev=chrtpm"
		-device "tpm-tis,tpmdev=tpm0")
}

# _tpm2_exit: the scenario's exit with a TPM: swtpm stopped whatever happened, then the verdict
# of scenario_begin's trap, with the status the scenario exits with.
_tpm2_exit() {
	local rc=$?
	tpm2_stop
	(exit "$rc")
	_scenario_end
}

# tpm2_stop: ends the swtpm of tpm2_start, if it still runs.
tpm2_stop() {
	if [[ -n $_tpm2_pid ]]; then
		kill "$_tpm2_pid" 2>/dev/null || true
		wait "$_tpm2_pid" 2>/dev/null || true
		_tpm2_pid=''
	fi
}

# luks_tpm2_disk IMG STATE_DIR LUKS_DISK_ARGS...: a disk as luks_disk makes it (with its
# passphrase), with a TPM2 token enrolled by systemd-cryptenroll against a software TPM whose
# state is left in STATE_DIR: in guest_run's helper VM, with swtpm attached. Bound to PCR 1
# (TPM2_PCRS): SeaBIOS measures the SMBIOS tables QEMU builds into it, the same in the helper
# boot and in the scenario's (same machine, memory and CPUs), and a scenario changes it
# deterministically with -smbios (TPM2_PCR_CHANGE_ARGS), as a firmware update would. Disk and TPM
# state are made once per set of inputs (this file, the arguments, the tree's contents, the
# host's systemd) under $BATON_CACHE/luks-tpm2-disks, then copied.
luks_tpm2_disk() {
	local img=$1 state=$2 key cache tree='' pass='' libdir lib
	shift 2
	local -a args=("$@") copies=()
	shift # the size
	while (($#)); do
		case $1 in
		--dir) tree=$2 ;;
		--pass) pass=$2 ;;
		esac
		shift 2
	done
	key=$({
		sha256sum <"$_LUKS_LIB"
		printf '%s\n' "${args[@]}"
		dpkg-query -W -f='${Version}\n' systemd
		tar -C "$tree" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .
	} | sha256sum | cut -c1-32)
	cache=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}/luks-tpm2-disks/$key
	if [[ ! -f $cache/disk.img ]]; then
		luks_disk "$WORK/tpm2-disk.img" "${args[@]}"
		disks_build # the job now, before the enrolment boot reads the disk
		libdir=$(_tpm2_libdir)
		while read -r lib; do
			copies+=(--copy "$(realpath "$lib")=$lib")
		done < <(_tpm2_with_libs "${TPM2_DLOPEN_LIBS[@]/#/$libdir/}")
		rm -rf "$WORK/tpm2-state"
		tpm2_start "$WORK/tpm2-state"
		local -a qemu=()
		for lib in "${TPM2_QEMU_ARGS[@]}"; do
			qemu+=(--qemu "$lib")
		done
		# systemd-cryptenroll takes the existing passphrase from $PASSWORD.
		BATON_INITRD=$(_luks_helper_initrd) guest_run --prog systemd-cryptenroll --prog cryptsetup \
			"${copies[@]}" "${qemu[@]}" --cmdline "rd.modules-load=$LUKS_MODULES" "
ls -l /dev/tpmrm0
PASSWORD='$pass' systemd-cryptenroll --tpm2-device=auto --tpm2-pcrs=$TPM2_PCRS /dev/vdb
echo \"enrolled against PCR $TPM2_PCRS: \$(cat /sys/class/tpm/tpm0/pcr-sha256/$TPM2_PCRS)\"" "$WORK/tpm2-disk.img"
		tpm2_stop
		mkdir -p "$cache.tmp.$$"
		mv "$WORK/tpm2-disk.img" "$cache.tmp.$$/disk.img"
		cp -a "$WORK/tpm2-state" "$cache.tmp.$$/tpm2-state"
		rm -rf "$cache"
		mv "$cache.tmp.$$" "$cache"
	fi
	cp "$cache/disk.img" "$img"
	rm -rf "$state"
	cp -a "$cache/tpm2-state" "$state"
}

# luks_tpm2_root STATE_DIR: the root of 138 and 139 in the scenario's folder, made once for
# all three (one set of arguments, so one cached disk): root.img, a LUKS2 disk (UUID
# TPM2_LUKS_UUID, passphrase TPM2_PASS) holding an ext4 (TPM2_FS_UUID) with a TPM2 token whose
# swtpm state goes to STATE_DIR, attached; and initrd.img that can unlock it with the token.
readonly TPM2_LUKS_UUID=138a1b2c-3d4e-4f50-8a61-72b3c4d5e6f7
readonly TPM2_FS_UUID=138f0e0d-0c0b-4a09-8807-060504030201
readonly TPM2_PASS='tpm2 recovery passphrase'
luks_tpm2_root() {
	root_tree root
	luks_tpm2_disk root.img "$1" 64 --uuid "$TPM2_LUKS_UUID" --fs-uuid "$TPM2_FS_UUID" \
		--dir root --pass "$TPM2_PASS"
	attach root.img
	luks_tpm2_initramfs initrd.img
}

# luks_tpm2_initramfs OUT [MKINITRAMFS ARGS...]: luks_initramfs from a base tree that also has
# what Debian 12's systemd and libtss2 packages install for TPM2 tokens: the token plugin
# (and the libraries it links), and the libtss2 libraries it dlopens, so the generator's
# luks stack has something to find.
luks_tpm2_initramfs() {
	local out=$1 base=$WORK/luks-base libdir lib plugin
	shift
	luks_base_tree "$base"
	libdir=$(_tpm2_libdir)
	plugin=$libdir/cryptsetup/$TPM2_PLUGIN
	[[ -f $plugin ]] || die "$plugin is missing (Debian 12's systemd package installs it)"
	while read -r lib; do
		mkdir -p "$base$(dirname "$lib")"
		cp -L "$lib" "$base$lib"
	done < <(_tpm2_with_libs "$plugin" "${TPM2_DLOPEN_LIBS[@]/#/$libdir/}")
	luks_initramfs "$out" "$@"
}
