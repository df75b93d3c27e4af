// SPDX-License-Identifier: MIT
/* dm-verity in systemd's dialect (roothash=, usrhash=), opened by the image's veritysetup. */
#include "verity.h"

#include "devices.h"
#include "devspec.h"
#include "log.h"
#include "modules.h"
#include "run.h"
#include "stacks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* veritysetup reads one hash block per tree level at open; a minute covers a slow disk. */
#define VERITY_TOOL_TIMEOUT_SEC 60
/* Most veritysetup arguments: the fixed six, every option systemd knows, the NULL. */
#define VERITY_ARGS_MAX 32
/* Room for the option arguments' text: the options themselves are at most a line long. */
#define VERITY_OPTBUF_MAX 4096
/* A root hash signature is a PKCS#7 blob of a few KiB; base64: values are refused above this. */
#define VERITY_SIG_MAX 16384
/* One data block at veritysetup's default --data-block-size. */
#define VERITY_CHECK_BYTES 4096
/* Where base64: signatures are written for veritysetup, which reads a file. */
#define VERITY_RUN_DIR "/run/baton"

/* Decodes base64 (RFC 4648, padding optional) from in into out; returns the length or -EINVAL. */
static ssize_t base64_decode(const char *in, unsigned char *out, size_t out_size)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned bits = 0, nbits = 0;
	size_t n = 0;

	for (; *in && *in != '='; in++) {
		const char *p = strchr(alphabet, *in);

		if (!p || !*in)
			return -EINVAL;
		bits = (bits << 6) | (unsigned)(p - alphabet);
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			if (n == out_size)
				return -E2BIG;
			out[n++] = (unsigned char)(bits >> nbits);
		}
	}
	return (ssize_t)n;
}

/*
 * systemd takes root-hash-signature= as a path or as "base64:DATA"; veritysetup wants a file.
 * Writes DATA decoded to VERITY_RUN_DIR/NAME.roothash.p7s and points the argument there.
 */
static int signature_to_file(const char *name, const char **arg, char *path, size_t path_size)
{
	static const char opt[] = "--root-hash-signature=";
	static unsigned char sig[VERITY_SIG_MAX];
	const char *val = *arg + strlen(opt);
	ssize_t len;
	int fd;

	if (strncmp(*arg, opt, strlen(opt)) != 0 || strncmp(val, "base64:", 7) != 0)
		return 0;
	len = base64_decode(val + 7, sig, sizeof(sig));
	if (len <= 0)
		return log_error_errno(
		    -EINVAL,
		    "root-hash-signature= for %s is not base64 of at most %d bytes: give the signature as base64:DATA or a path in the image",
		    name, VERITY_SIG_MAX);
	(void)mkdir(VERITY_RUN_DIR, 0755);
	snprintf(path, path_size, "--root-hash-signature=%s/%s.roothash.p7s", VERITY_RUN_DIR, name);
	fd = open(path + strlen(opt), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, sig, (size_t)len) != len) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return log_error_errno(r, "cannot write %s: %m", path + strlen(opt));
	}
	close(fd);
	*arg = path;
	return 0;
}

/* Waits for one verity device named as the user wrote it; writes its /dev path into dev_path. */
static int wait_device(const struct boot_params *params, const char *text, const char *role,
		       char *dev_path, size_t size)
{
	char spec_text[DEVSPEC_VALUE_MAX + 32];
	const struct device_info *dev;
	struct devspec spec;

	if (devspec_parse(text, &spec) < 0)
		return log_error_errno(
		    -EINVAL,
		    "the %s \"%s\" is not a device form baton understands: use /dev/NAME, /dev/disk/by-partuuid/..., PARTUUID=, PARTLABEL=, UUID= or LABEL=",
		    role, text);
	snprintf(spec_text, sizeof(spec_text), "%s", text);
	if (devices_wait_for(&spec, spec_text, sizeof(spec_text), role,
			     params->wait == CMDLINE_WAIT_FOREVER ? 0 : params->timeout_sec,
			     stacks_wait_hook, &dev) < 0)
		return log_error_errno(
		    -ENODEV,
		    "the %s %s did not appear within %u s: check the command line, or the GPT partition UUIDs when they are derived from the root hash",
		    role, text, params->timeout_sec);
	snprintf(dev_path, size, "/dev/%s", dev->name);
	return 0;
}

/*
 * The kernel checks blocks only when they are read, so a root hash that is not the tree's
 * opens fine and fails every read later (and libblkid then finds "no filesystem"). Reading the
 * first block checks the whole path from it to the root hash now: on failure the device is
 * closed again and the boot fails saying why.
 */
static int verity_check_first_block(const char *name, const char *roothash, const char *data_dev,
				    const char *hash_dev)
{
	const char *close_argv[] = {"veritysetup", "close", name, NULL};
	char path[sizeof("/dev/mapper/") + 16], block[VERITY_CHECK_BYTES];
	ssize_t n = -1;
	int fd, err;

	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, block, sizeof(block), 0);
		err = n < 0 ? errno : 0;
		close(fd);
	} else {
		err = errno;
	}
	if (n >= 0)
		return 0;
	(void)run_tool(close_argv, NULL, 0, VERITY_TOOL_TIMEOUT_SEC);
	errno = err;
	return log_error_errno(
	    -err,
	    "reading the first block of %s failed (%m): the root hash %s does not match the hash tree on %s, or the data on %s is damaged (the kernel's verity messages above say which); not mounting it",
	    path, roothash, hash_dev, data_dev);
}

/* Opens NAME from the data and hash devices with the root hash; the shared part of root/usr. */
static int verity_open(const struct boot_params *params, const char *name, const char *roothash,
		       const char *data, const char *hash, const char *options)
{
	char data_dev[sizeof("/dev/") + DEVICE_NAME_MAX], hash_dev[sizeof(data_dev)];
	char data_uuid[37], hash_uuid[37], derived_data[64], derived_hash[64];
	char role_data[32], role_hash[32], bad[64], sigpath[sizeof(VERITY_RUN_DIR) + 64];
	static char optbuf[VERITY_OPTBUF_MAX];
	const char *argv[VERITY_ARGS_MAX];
	int n, r;

	if (!data[0] || !hash[0]) {
		if (verity_derive_partuuids(roothash, data_uuid, hash_uuid) < 0)
			return log_error_errno(
			    -EINVAL,
			    "%shash=%s is not a hex root hash of 32 to %d digits: without systemd.verity_%s_data= and _hash= it must name the GPT partitions too",
			    name, roothash, VERITY_HASH_HEX_MAX, name);
		snprintf(derived_data, sizeof(derived_data), "PARTUUID=%s", data_uuid);
		snprintf(derived_hash, sizeof(derived_hash), "PARTUUID=%s", hash_uuid);
		if (!data[0])
			data = derived_data;
		if (!hash[0])
			hash = derived_hash;
	}
	argv[0] = "veritysetup";
	argv[1] = "open";
	n = verity_options_to_args(options, argv + 6, VERITY_ARGS_MAX - 6, optbuf, sizeof(optbuf),
				   bad, sizeof(bad));
	if (n == -EINVAL)
		return log_error_errno(
		    n,
		    "systemd.verity_%s_options= has \"%s\", which is not an option systemd-veritysetup knows: see crypttab(5)",
		    name, bad);
	if (n < 0)
		return log_error_errno(n, "systemd.verity_%s_options= is too long", name);
	for (int i = 6; i < 6 + n; i++) {
		r = signature_to_file(name, &argv[i], sigpath, sizeof(sigpath));
		if (r < 0)
			return r;
	}
	/* dm_verity needs dm_mod (/dev/mapper/control) before veritysetup looks for it. */
	(void)modules_load_name("dm_verity");
	snprintf(role_data, sizeof(role_data), "verity data device of %s", name);
	snprintf(role_hash, sizeof(role_hash), "verity hash device of %s", name);
	r = wait_device(params, data, role_data, data_dev, sizeof(data_dev));
	if (r == 0)
		r = wait_device(params, hash, role_hash, hash_dev, sizeof(hash_dev));
	if (r < 0)
		return r;
	argv[2] = data_dev;
	argv[3] = name;
	argv[4] = hash_dev;
	argv[5] = roothash;
	log_info("opening dm-verity device %s: data %s (%s), hash %s (%s)", name, data_dev, data,
		 hash_dev, hash);
	r = run_tool(argv, NULL, 0, VERITY_TOOL_TIMEOUT_SEC);
	if (r == -ENOENT)
		return log_error_errno(
		    r,
		    "veritysetup is not in the image: add it with mkinitramfs --binary veritysetup (Debian's cryptsetup-bin)");
	if (r != 0)
		return log_error_errno(
		    -EBADMSG,
		    "veritysetup refused %s (status %d): the root hash %s does not match the hash tree on %s, the image is damaged, or its signature is not trusted by the kernel; not mounting it",
		    name, r, roothash, hash_dev);
	r = verity_check_first_block(name, roothash, data_dev, hash_dev);
	if (r < 0)
		return r;
	log_info("dm-verity device /dev/mapper/%s is open, verified against root hash %s", name,
		 roothash);
	return 0;
}

void verity_default_root(struct boot_params *params)
{
	/* systemd-fstab-generator: roothash= without root= mounts /dev/mapper/root. */
	if (params->roothash[0] && !params->root[0])
		snprintf(params->root, params->value_size, "%s", VERITY_ROOT_DEVICE);
}

int verity_open_root(struct boot_params *params)
{
	if (!params->roothash[0])
		return 0;
	return verity_open(params, "root", params->roothash, params->verity_root_data,
			   params->verity_root_hash, params->verity_root_options);
}

int verity_open_usr(struct boot_params *params)
{
	if (!params->usrhash[0])
		return 0;
	if (!params->usr[0])
		snprintf(params->usr, params->value_size, "%s", VERITY_USR_DEVICE);
	return verity_open(params, "usr", params->usrhash, params->verity_usr_data,
			   params->verity_usr_hash, params->verity_usr_options);
}
