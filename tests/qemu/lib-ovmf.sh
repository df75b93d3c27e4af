# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# UEFI firmware for x86 scenarios: Debian's OVMF (package ovmf) with a variable store that holds
# a certificate of the test's own in db, so the kernel puts it in its platform keyring
# (security/integrity/platform_certs/load_uefi.c reads db whether or not Secure Boot is on).
# Sourced after lib.sh.

readonly OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
readonly OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# _ovmf_hex_bytes HEX: the bytes HEX spells.
_ovmf_hex_bytes() {
	local esc
	# shellcheck disable=SC2001 # a backslash-x before every two characters: no expansion does that
	esc=$(sed 's/../\\x&/g' <<<"$1")
	printf '%b' "$esc"
}

# _ovmf_le WIDTH N: N as a little-endian hex number WIDTH bytes wide.
_ovmf_le() {
	local hex out='' i
	hex=$(printf "%0$(($1 * 2))x" "$2")
	for ((i = ${#hex} - 2; i >= 0; i -= 2)); do out+=${hex:i:2}; done
	printf '%s' "$out"
}

# _ovmf_guid GUID: its 16 bytes as EFI stores them (the first three fields little-endian), hex.
_ovmf_guid() {
	local -a f
	IFS=- read -ra f <<<"$1"
	printf '%s%s%s%s%s' "$(_ovmf_le 4 $((16#${f[0]})))" "$(_ovmf_le 2 $((16#${f[1]})))" \
		"$(_ovmf_le 2 $((16#${f[2]})))" "${f[3]}" "${f[4]}"
}

# EFI_CERT_X509_GUID, EFI_IMAGE_SECURITY_DATABASE_GUID (db's vendor), an owner for our entry.
readonly _OVMF_CERT_X509=a5c059a1-94e4-4aa7-87b5-ab155c2bf072
readonly _OVMF_DB_VENDOR=d719b2cb-3d3a-4596-a3bc-dad00e67656f
readonly _OVMF_OWNER=ba7000b0-0000-4000-8000-000000000178
# Offset of the first variable in OVMF_VARS_4M.fd: the firmware volume header (0x48 bytes) and
# the authenticated variable store header (0x1c) of edk2's VARIABLE_STORE_HEADER.
readonly _OVMF_FIRST_VAR=$((0x64))

# ovmf_vars_with_db CERT.der OUT: a copy of OVMF's empty variable store (no PK: setup mode,
# Secure Boot off) with one variable, db, holding the X.509 certificate CERT.der. The variable
# is written as edk2 stores it: AUTHENTICATED_VARIABLE_HEADER (StartId 0x55aa, State
# VAR_ADDED, attributes NV|BS|RT|TIME_BASED_AUTHENTICATED_WRITE_ACCESS, no count, no time),
# its UTF-16 name, then one EFI_SIGNATURE_LIST with one EFI_SIGNATURE_DATA.
ovmf_vars_with_db() {
	local cert=$1 out=$2 certhex size esl name hdr
	[[ -f $OVMF_CODE && -f $OVMF_VARS ]] || die "no $OVMF_CODE or $OVMF_VARS (apt-get install ovmf)"
	[[ $(head -c 2 <(tail -c +$((_OVMF_FIRST_VAR + 1)) "$OVMF_VARS") | od -An -tx1 | tr -d ' ') == ffff ]] ||
		die "$OVMF_VARS already holds variables: ovmf_vars_with_db needs the empty store"
	certhex=$(od -An -v -tx1 "$cert" | tr -d ' \n')
	size=$((${#certhex} / 2))
	esl=$(_ovmf_guid "$_OVMF_CERT_X509")$(_ovmf_le 4 $((28 + 16 + size)))$(_ovmf_le 4 0)
	esl+=$(_ovmf_le 4 $((16 + size)))$(_ovmf_guid "$_OVMF_OWNER")$certhex
	name=640062000000 # "db" in UTF-16LE with its terminator
	hdr=aa553f00$(_ovmf_le 4 $((0x27)))$(_ovmf_le 8 0)$(printf '%032d' 0)$(_ovmf_le 4 0)
	hdr+=$(_ovmf_le 4 $((${#name} / 2)))$(_ovmf_le 4 $((${#esl} / 2)))$(_ovmf_guid "$_OVMF_DB_VENDOR")
	cp "$OVMF_VARS" "$out"
	_ovmf_hex_bytes "$hdr$name$esl" | dd of="$out" bs=1 seek="$_OVMF_FIRST_VAR" conv=notrunc status=none
}

# ovmf_firmware VARS: the next boot runs OVMF with the variable store VARS (written by the
# firmware, so a copy per boot) instead of SeaBIOS; -kernel still loads the test kernel.
ovmf_firmware() {
	QEMU_DISK_ARGS+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
		-drive "if=pflash,format=raw,unit=1,file=$1")
}
