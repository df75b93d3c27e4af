/* SPDX-License-Identifier: MIT */
/* Compression of the image (gzip, by libdeflate) and decompression of kernel modules (xz, zstd,
 * gzip). */
#pragma once

#include <stddef.h>

/*
 * Largest decompressed module accepted. The biggest Debian modules (GPU drivers) are a few
 * tens of MiB; this only bounds what a corrupt or hostile stream can make us allocate.
 */
#define COMPRESS_OUTPUT_MAX (1024UL * 1024 * 1024)

enum compress_format {
	COMPRESS_NONE,
	COMPRESS_GZIP,
	COMPRESS_XZ,
	COMPRESS_ZSTD,
};

/* Recognizes a stream by its magic bytes; COMPRESS_NONE for anything else. */
enum compress_format compress_detect(const void *data, size_t len);

const char *compress_format_name(enum compress_format format);

/*
 * Gzip with a reproducible header (mtime 0, no name, OS byte "Unix") at zlib's default level.
 * On success *ret_data is malloc()ed and owned by the caller.
 */
int compress_gzip(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len);

/*
 * Decompresses a gzip, xz or zstd stream (detected by magic). -EINVAL if the data is in
 * none of these formats, -EBADMSG if it is corrupt, -EFBIG beyond COMPRESS_OUTPUT_MAX.
 */
int compress_unpack(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len);
