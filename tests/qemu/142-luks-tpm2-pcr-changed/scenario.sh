#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The disk and TPM of 138 (a TPM2 token bound to PCR 1, enrolled against this very swtpm
# state) booted with another SMBIOS serial number, which SeaBIOS measures into PCR 1: the TPM
# refuses to unseal the key, baton says so in one line that quotes cryptsetup's reason, then
# asks for the passphrase, which is typed on the serial console and unlocks the root.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=$TPM2_LUKS_UUID
fs_uuid=$TPM2_FS_UUID
pass=$TPM2_PASS
# 138's disk and its own TPM state: only PCR 1 differs.
luks_tpm2_root tpm2

tpm2_start tpm2
QEMU_DISK_ARGS+=("${TPM2_QEMU_ARGS[@]}" "${TPM2_PCR_CHANGE_ARGS[@]}")
prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid"
expect_baton "running cryptsetup open /dev/vda luks-$luks_uuid --token-only --token-type=systemd-tpm2\$"
expect_count "TPM2 unlock of /dev/vda \\(luks-$luks_uuid\\) failed: cryptsetup exit status [0-9]+ \\(\"Current policy digest does not match stored policy digest[^\"]*\"\\); asking for the passphrase\$" 1 \
	"one line says the TPM unlock failed, quoting systemd's reason for the PCR mismatch"
expect_count "$prompt" 1 "then one prompt"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_not 'unlocked .* with its TPM2 token' "the changed PCR 1 kept the TPM from unsealing"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
expect_probe_ok ext4 /dev/dm-0
expect_not "$pass" "the passphrase is never echoed or logged"
