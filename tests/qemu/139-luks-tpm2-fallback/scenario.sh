#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The disk of 138 (a TPM2 token enrolled against one software TPM) booted with a new TPM (an
# empty swtpm state: other seeds, so the sealed key cannot be loaded): baton says in one line
# that the TPM unlock of the device failed, then asks for the passphrase, which is typed on
# the serial console and unlocks the root (cryptsetup trying no token again before it).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=$TPM2_LUKS_UUID
fs_uuid=$TPM2_FS_UUID
pass=$TPM2_PASS
# 138's disk; its TPM state is not used.
luks_tpm2_root enrolled-tpm2

rm -rf new-tpm2
tpm2_start new-tpm2
QEMU_DISK_ARGS+=("${TPM2_QEMU_ARGS[@]}")
prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid"
expect_count "TPM2 unlock of /dev/vda \\(luks-$luks_uuid\\) failed: cryptsetup exit status [0-9]+ \\(\"Failed to load HMAC key in TPM: [^\"]+\"\\); asking for the passphrase\$" 1 \
	"one line says the TPM unlock failed, quoting systemd's reason"
expect_count "$prompt" 1 "then one prompt"
# systemd 252's reason, printed by cryptsetup: once, so the passphrase's open tried no token.
expect_count 'cryptsetup: Failed to load HMAC key in TPM' 1 "the TPM was asked once"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
expect_probe_ok ext4 /dev/dm-0
expect_not "$pass" "the passphrase is never echoed or logged"
