// SPDX-License-Identifier: MIT
/* TPM2 unlock of LUKS2 devices: which carry systemd's TPM2 token, and waiting for the TPM. */
#include "luks_tpm2.h"

#include "log.h"
#include "monotime.h"
#include "run.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The LUKS2 JSON metadata cryptsetup prints: 12 KiB in a default header (16 KiB header minus
 * the 4 KiB binary part, cryptsetup's LUKS2 on-disk format document); larger headers are rare
 * and their token list comes early in the text. What does not fit is dropped by the capture.
 */
#define LUKS_TPM2_JSON_MAX 65536
/* cryptsetup luksDump reads a header: a fraction of a second, bounded all the same. */
#define LUKS_TPM2_DUMP_TIMEOUT_SEC 30
/*
 * How long a TPM device may take to appear. With the firmware's ACPI TPM2 table present a TPM
 * exists and its driver (tpm_tis or tpm_crb, built into Debian's kernels, else loaded at
 * coldplug) registers within milliseconds; 10 s covers a module read from a slow medium.
 * Without the table there is most likely no TPM at all (a disk moved to another machine, the
 * TPM off in the firmware), so the prompt must not wait long: 2 s leave an I2C or SPI TPM
 * (device tree machines) time to probe. systemd waits up to token-timeout= (30 s by default).
 */
#define LUKS_TPM2_WAIT_ANNOUNCED_SEC 10
#define LUKS_TPM2_WAIT_UNANNOUNCED_SEC 2
/* The ACPI table that announces a TPM 2.0 (TCG ACPI Specification, "TPM2 ACPI Table"). */
#define LUKS_TPM2_ACPI_TABLE "/sys/firmware/acpi/tables/TPM2"
/* Where libcryptsetup dlopens token plugins from (its --with-luks2-external-tokens-path). */
#define LUKS_TPM2_PLUGIN "/usr/lib/*/cryptsetup/libcryptsetup-token-" LUKS_TPM2_TOKEN_TYPE ".so"
/* How often the wait looks for the device node. */
#define LUKS_TPM2_POLL_MS 100

int luks_tpm2_has_token(const char *dev, const char *header)
{
	static char json[LUKS_TPM2_JSON_MAX + 1];
	char header_arg[sizeof("--header=") + 256];
	const char *argv[6];
	size_t len = 0;
	int n = 0, r;

	argv[n++] = "cryptsetup";
	argv[n++] = "luksDump";
	argv[n++] = "--dump-json-metadata";
	if (header[0]) {
		snprintf(header_arg, sizeof(header_arg), "--header=%s", header);
		argv[n++] = header_arg;
	}
	argv[n++] = dev;
	argv[n] = NULL;
	r = run_tool_capture(argv, json, LUKS_TPM2_JSON_MAX, &len, LUKS_TPM2_DUMP_TIMEOUT_SEC);
	if (r == -ENOENT)
		return r;
	/* LUKS1 has no JSON metadata and no tokens: cryptsetup refuses the dump. */
	if (r != 0)
		return 0;
	json[len] = '\0';
	/* The token's "type" value, quoted: the only place the name appears in the metadata. */
	return strstr(json, "\"" LUKS_TPM2_TOKEN_TYPE "\"") != NULL;
}

bool luks_tpm2_plugin_present(void)
{
	glob_t g;
	bool found = glob(LUKS_TPM2_PLUGIN, 0, NULL, &g) == 0 && g.gl_pathc > 0;

	globfree(&g);
	return found;
}

int luks_tpm2_wait(const char *device, int timeout_sec, int *waited_sec)
{
	const char *node =
	    device[0] && strcmp(device, "auto") != 0 ? device : LUKS_TPM2_DEFAULT_DEVICE;
	long long deadline;

	if (timeout_sec < 0)
		timeout_sec = access(LUKS_TPM2_ACPI_TABLE, F_OK) == 0
				  ? LUKS_TPM2_WAIT_ANNOUNCED_SEC
				  : LUKS_TPM2_WAIT_UNANNOUNCED_SEC;
	*waited_sec = timeout_sec;
	deadline = monotime_ms() + (long long)timeout_sec * 1000;
	if (access(node, F_OK) < 0 && timeout_sec > 0)
		log_info("waiting up to %d s for the TPM device %s", timeout_sec, node);
	while (access(node, F_OK) < 0) {
		if (monotime_ms() >= deadline)
			return -ENODEV;
		/* The driver (tpm_tis, tpm_crb) came with coldplug, by the firmware's modalias. */
		monotime_sleep_ms(LUKS_TPM2_POLL_MS);
	}
	return 0;
}
