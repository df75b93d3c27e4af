/* SPDX-License-Identifier: MIT */
/* dm-verity in systemd's dialect (roothash=, usrhash=), opened by the image's veritysetup. */
#pragma once

#include "cmdline.h"

#include <stddef.h>

/* The mapped devices, as systemd-veritysetup-generator names them. */
#define VERITY_ROOT_DEVICE "/dev/mapper/root"
#define VERITY_USR_DEVICE "/dev/mapper/usr"

/* Longest root hash accepted: SHA-512 in hex (veritysetup's longest digest). */
#define VERITY_HASH_HEX_MAX 128

/*
 * Derives the GPT partition UUIDs of the data and hash partitions from a root hash as systemd
 * does (the first and the last 128 bits, written as UUIDs). Pure. Returns 0, or -EINVAL when
 * the hash is not hex of at least 128 bits (as systemd asks) and at most VERITY_HASH_HEX_MAX
 * digits.
 */
int verity_derive_partuuids(const char *hash, char data[37], char hash_part[37]);

/*
 * Turns systemd.verity_*_options= (comma separated, crypttab(5) style) into veritysetup
 * arguments written into argv (at most argv_max, strings kept in buf of size bytes). Pure.
 * Returns the number of arguments, or -EINVAL naming the first unknown option in bad (of
 * bad_size bytes), or -E2BIG.
 */
int verity_options_to_args(const char *options, const char **argv, size_t argv_max, char *buf,
			   size_t size, char *bad, size_t bad_size);

/*
 * When the command line has roothash= (usrhash=), waits for the data and hash devices and
 * opens root (usr) with veritysetup; fills in params->root (params->usr) with the mapped device
 * when the command line names none, as systemd-fstab-generator does. Returns 0 when there is
 * nothing to do or the device is open, -errno having logged what was tried and what to change.
 */
int verity_open_root(struct boot_params *params);
int verity_open_usr(struct boot_params *params);

/* Fills in root= (/dev/mapper/root) when roothash= is given and root= is not; no I/O. */
void verity_default_root(struct boot_params *params);
