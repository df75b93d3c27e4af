/* SPDX-License-Identifier: MIT */
/* TPM2 unlock of LUKS2 devices: which carry systemd's TPM2 token, and waiting for the TPM. */
#pragma once

#include <stdbool.h>

/* The token systemd-cryptenroll --tpm2-device= writes, opened by systemd's cryptsetup plugin. */
#define LUKS_TPM2_TOKEN_TYPE "systemd-tpm2"
/* Where systemd's plugin looks for the TPM unless told otherwise (its tpm2-util.c default). */
#define LUKS_TPM2_DEFAULT_DEVICE "/dev/tpmrm0"

/*
 * Asks cryptsetup for the LUKS2 metadata of dev (header: a detached header, or "") and tells
 * whether it lists a systemd-tpm2 token. Returns 1, 0 (none, or not LUKS2), or -ENOENT when
 * cryptsetup is not in the image.
 */
int luks_tpm2_has_token(const char *dev, const char *header);

/* Is systemd's cryptsetup token plugin for TPM2 in the image? */
bool luks_tpm2_plugin_present(void);

/*
 * Waits for the TPM device (device: "" or "auto" for systemd's default, else a device node)
 * for timeout_sec seconds, or when that is negative for as long as baton's default: 10 s when
 * the firmware announces a TPM 2.0 (its driver may still be loading), 2 s when nothing does.
 * Sets *waited_sec to the wait it allowed. Returns 0 when the device is there, else -ENODEV.
 */
int luks_tpm2_wait(const char *device, int timeout_sec, int *waited_sec);
