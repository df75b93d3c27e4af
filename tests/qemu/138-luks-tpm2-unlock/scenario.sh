#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A LUKS2 root enrolled with systemd-cryptenroll --tpm2-device=auto against a software TPM
# (swtpm, attached to QEMU as a TIS TPM): baton finds its systemd-tpm2 token, cryptsetup opens
# it with systemd's token plugin, carried by mkinitramfs with the libtss2 libraries it loads,
# and the boot needs no input: nothing is typed, no prompt appears. The token is bound to PCR 1
# (what SeaBIOS measured at enrolment, measured the same at this boot), and the TPM is named by
# path in rd.luks.options=tpm2-device=/dev/tpmrm0, which baton hands to systemd's plugin.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-luks.sh
. "$(dirname "$0")/../lib-luks.sh"
scenario_begin

luks_uuid=$TPM2_LUKS_UUID
fs_uuid=$TPM2_FS_UUID
luks_tpm2_root tpm2

# The token's policy names PCR 1 (read from the image's LUKS2 header on the host).
if ! cryptsetup luksDump --dump-json-metadata root.img | tr -d ' \n' |
	grep -q "\"tpm2-pcrs\":\[$TPM2_PCRS\]"; then
	_fail "the TPM2 token of root.img is not bound to PCR $TPM2_PCRS"
fi
tpm2_start tpm2
QEMU_DISK_ARGS+=("${TPM2_QEMU_ARGS[@]}")
boot --initrd initrd.img "root=UUID=$fs_uuid" rd.luks.options=tpm2-device=/dev/tpmrm0
expect_baton "running cryptsetup open /dev/vda luks-$luks_uuid --token-only --token-type=systemd-tpm2\$"
expect_baton "/dev/vda unlocked as /dev/mapper/luks-$luks_uuid with its TPM2 token\$"
expect_not 'Enter passphrase' "no prompt: the TPM unlocked the disk"
expect_not 'TPM2 unlock of' "no fallback"
expect_root_found "UUID=$fs_uuid" /dev/dm-0 ext4
expect_probe_ok ext4 /dev/dm-0
