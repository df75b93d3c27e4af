#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The disk of 138 (a TPM2 token) on a machine with no TPM at all, and a TPM named by a path
# that does not exist (rd.luks.options=tpm2-device=/dev/tpmrm9): the firmware announces no
# TPM, so baton waits only its short bound (2 s) for /dev/tpmrm9, says in one line that the
# TPM2 unlock failed because that device did not appear, naming it, and asks for the
# passphrase, which unlocks.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=$TPM2_LUKS_UUID
fs_uuid=$TPM2_FS_UUID
pass=$TPM2_PASS
# 138's disk; no TPM is attached.
luks_tpm2_root unused-tpm2

prompt="Enter passphrase for /dev/vda \\(luks-$luks_uuid\\):"
console_answers "$prompt" "$pass"
boot --initrd initrd.img "root=UUID=$fs_uuid" rd.luks.options=tpm2-device=/dev/tpmrm9
expect_not 'ACPI: TPM2 ' "the machine has no TPM"
failed="TPM2 unlock of /dev/vda \\(luks-$luks_uuid\\) failed: no TPM device /dev/tpmrm9 after 2 s"
expect_count "$failed" 1 "one line says why the TPM2 unlock failed"
expect_elapsed 'baton: waiting up to 2 s for the TPM device /dev/tpmrm9' "$failed" 1.9 3
expect_not "running cryptsetup open .*--token-only" "no TPM, no token attempt"
expect_count "$prompt" 1 "then one prompt"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid\$"
expect_probe_ok ext4 /dev/dm-0
