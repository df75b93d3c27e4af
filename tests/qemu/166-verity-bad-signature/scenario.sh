#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# systemd.verity_root_options=root-hash-signature=base64:... with a signature by a key the
# kernel does not trust (6.1 trusts only its built-in and secondary keyrings, which a test
# cannot add to; newer kernels also the platform keyring, which 178 fills through OVMF's db):
# the kernel refuses the table and baton refuses the root. The same disk boots without the
# option (162), so the signature is what was refused.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-images.sh
. "$(dirname "$0")/../lib-images.sh"
scenario_begin
initramfs_verity

root_tree root
disk_squashfs root.sqfs root
hash=$(verity_format root.sqfs root.verity)
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=baton-test-verity 2>/dev/null
printf '%s' "$hash" >roothash.txt
openssl smime -sign -nocerts -noattr -binary -in roothash.txt -inkey key.pem -signer cert.pem \
	-outform der -out roothash.p7s
attach root.sqfs
attach root.verity

boot --initrd "$VERITY_INITRD" "roothash=$hash" systemd.verity_root_data=/dev/vda \
	systemd.verity_root_hash=/dev/vdb \
	"systemd.verity_root_options=root-hash-signature=base64:$(base64 -w0 roothash.p7s)"
expect_baton 'opening dm-verity device root'
expect_baton 'veritysetup refused root' "the untrusted signature was refused"
expect 'verity: Root hash verification failed' "the kernel refused the signature"
expect_fatal 'fatal: the dm-verity root could not be opened'
