# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by tests/generator/run.sh: the luks stack carries systemd's TPM2 token plugin for
# cryptsetup with the libtss2 libraries it dlopens (no ELF header names them), only when the
# tree has that plugin, and the TPM drivers in its module set.
# shellcheck disable=SC2154 # gen, work and KERNEL_TREE are run.sh's and lib.sh's

tbase=$work/tbase
# Where Debian installs them (/usr/lib/TRIPLET, which ldconfig may name through /lib).
tlibdir=$(dirname "$(realpath "$(ldconfig -p | sed -n 's/.*libtss2-esys\.so\.0 .*=> //p' | head -n1)")")
# tcopy FILE...: host files (links followed) and what ldd lists for them, at their paths in tbase.
tcopy() {
	local f
	for f in "$@"; do
		printf '%s\n' "$f"
		ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'
	done | sort -u | while read -r f; do
		mkdir -p "$tbase$(dirname "$f")"
		cp -L "$f" "$tbase$f"
	done
}
mkdir -p "$tbase/lib"
ln -s "$KERNEL_TREE/lib/modules" "$tbase/lib/modules"
tcopy "$(command -v cryptsetup)" "$tlibdir/cryptsetup/libcryptsetup-token-systemd-fido2.so"
"$gen" -o "$work/t1.img" -b "$tbase" -m virtio_blk 2>/dev/null
t1=$(listing "$work/t1.img")
check "tpm2: the fido2 plugin alone is carried" has "$t1" '/cryptsetup/libcryptsetup-token-systemd-fido2\.so$'
check "tpm2: no TPM2 plugin in the tree, no libtss2" lacks "$t1" 'libtss2'

tcopy "$tlibdir/cryptsetup/libcryptsetup-token-systemd-tpm2.so"
"$gen" -o "$work/t2.img" -b "$tbase" -m virtio_blk 2>/dev/null
t2=$(listing "$work/t2.img")
check "tpm2: the TPM2 plugin carried" has "$t2" '/cryptsetup/libcryptsetup-token-systemd-tpm2\.so$'
check "tpm2: with libsystemd-shared it links" has "$t2" '/systemd/libsystemd-shared-[0-9]+\.so$'
check "tpm2: the tree lacks libtss2, the image too" lacks "$t2" 'libtss2'

tcopy "$tlibdir"/libtss2-{esys,rc,mu,tcti-device}.so.0
"$gen" -v -o "$work/t3.img" -b "$tbase" -m virtio_blk 2>"$work/t3.log"
t3=$(listing "$work/t3.img")
for l in esys rc mu tcti-device; do
	check "tpm2: libtss2-$l.so.0, dlopened by the plugin" has "$t3" "/libtss2-$l\\.so\\.0\$"
done
check "tpm2: libtss2-sys.so.1, which libtss2-esys links" has "$t3" '/libtss2-sys\.so\.1$'
check "tpm2: no other TCTI" lacks "$t3" 'libtss2-tcti-(mssim|swtpm|tabrmd|cmd|pcap)'
# Debian builds the TPM drivers in: the stack asks for them and finds them built in.
for m in tpm tpm_tis tpm_crb; do
	check "tpm2: $m in the luks stack's modules" grep -qE "^mkinitramfs: +$m: built into the kernel" "$work/t3.log"
done
"$gen" -o "$work/t4.img" -b "$tbase" -m virtio_blk --no-stack luks 2>/dev/null
check "tpm2: --no-stack luks leaves all of it out" lacks "$(listing "$work/t4.img")" 'libtss2|token-systemd'
