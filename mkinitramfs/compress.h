/* SPDX-License-Identifier: MIT */
/* Compression of the image (zstd, lz4 legacy, gzip) and decompression of kernel modules (xz,
 * zstd, gzip) and images. */
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
	COMPRESS_LZ4, /* the legacy frame the kernel's unlz4 reads (lz4 -l) */
};

/* Levels each image compressor accepts: libdeflate, libzstd (without --ultra), LZ4_compress_HC. */
#define COMPRESS_GZIP_LEVEL_MAX 12
#define COMPRESS_ZSTD_LEVEL_MAX 19
#define COMPRESS_LZ4_LEVEL_MAX 12

/* What --compress accepts, for messages. */
#define COMPRESS_ACCEPTED "zstd[:1-19], lz4[:1-12], gzip[:1-12] or none"

/* The image's compression: a format (COMPRESS_NONE: stored) and its level (0: the default). */
struct compress_spec {
	enum compress_format format;
	int level;
};

/* The default: zstd at COMPRESS_ZSTD_DEFAULT_LEVEL (compress.c says how it was chosen). */
#define COMPRESS_DEFAULT ((struct compress_spec){COMPRESS_ZSTD, 0})

/* Recognizes a stream by its magic bytes; COMPRESS_NONE for anything else. */
enum compress_format compress_detect(const void *data, size_t len);

const char *compress_format_name(enum compress_format format);

/*
 * Parses --compress ALGO[:LEVEL] (ALGO zstd, lz4, gzip or none; none takes no level).
 * -EINVAL for anything else.
 */
int compress_parse(const char *arg, struct compress_spec *ret);

/* The level that spec->level 0 stands for (0 for none). */
int compress_level(const struct compress_spec *spec);

/*
 * Compresses an image as spec says, reproducibly: the same input gives the same bytes on any
 * host (gzip: mtime 0, no name, OS byte "Unix"; zstd: a fixed worker count; lz4: the legacy
 * frame in 8 MiB chunks). On success *ret_data is malloc()ed and owned by the caller.
 */
int compress_image(const struct compress_spec *spec, const void *data, size_t len,
		   unsigned char **ret_data, size_t *ret_len);

/* Gzip at the default level (compress_image with gzip). */
int compress_gzip(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len);

/*
 * Decompresses a gzip, xz, zstd or lz4 legacy stream (detected by magic). -EINVAL if the data is in
 * none of these formats, -EBADMSG if it is corrupt, -EFBIG beyond COMPRESS_OUTPUT_MAX.
 */
int compress_unpack(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len);
