#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A verity root hash signature the kernel trusts: the signing certificate is in UEFI's db of
# OVMF's variable store (Secure Boot off), which sid's kernel loads into its platform keyring
# and, with CONFIG_DM_VERITY_VERIFY_ROOTHASH_SIG_PLATFORM_KEYRING=y, checks dm-verity root hash
# signatures against. baton passes root-hash-signature= to veritysetup, the kernel accepts it,
# and the verified squashfs boots. 166 is the same signature with no trusted key: refused.
# Debian 12's 6.1 kernel has no platform keyring option for dm-verity (only the built-in and
# secondary keyrings, which a test cannot add to), so this runs on sid only.
# kernels: sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
# shellcheck source=../lib-ovmf.sh
. "$(dirname "$0")/../lib-ovmf.sh"
scenario_begin
initramfs_verity

root_tree root
disk_squashfs root.sqfs root
hash=$(verity_format root.sqfs root.verity)
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=baton-test-verity-trusted 2>/dev/null
openssl x509 -in cert.pem -outform der -out cert.der
printf '%s' "$hash" >roothash.txt
openssl smime -sign -nocerts -noattr -binary -in roothash.txt -inkey key.pem -signer cert.pem \
	-outform der -out roothash.p7s
ovmf_vars_with_db cert.der vars.fd
ovmf_firmware vars.fd
attach root.sqfs
attach root.verity

boot --initrd "$VERITY_INITRD" "roothash=$hash" systemd.verity_root_data=/dev/vda \
	systemd.verity_root_hash=/dev/vdb \
	"systemd.verity_root_options=root-hash-signature=base64:$(base64 -w0 roothash.p7s)"
expect "integrity: Loaded X\\.509 cert 'baton-test-verity-trusted: " \
	"the kernel put the certificate from db in its platform keyring"
expect_baton 'opening dm-verity device root: data /dev/vda \(/dev/vda\), hash /dev/vdb \(/dev/vdb\)'
expect_baton "dm-verity device /dev/mapper/root is open, verified against root hash $hash"
expect_not 'verity: Root hash verification failed' "the kernel accepted the signature"
expect_root_found /dev/mapper/root /dev/dm-0 squashfs
expect_probe_ok squashfs '/dev/(dm-0|mapper/root)' ro
