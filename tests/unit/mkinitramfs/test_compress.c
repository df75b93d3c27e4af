// SPDX-License-Identifier: MIT
/* The generator's image compression (gzip, zstd, lz4) and its decompression, on buffers made here.
 */
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "compress.h"
#include "macro.h"
#include "unit.h"

/* Sizes that cross the decompressor's first buffer (64 KiB) and zlib's internal blocks. */
static const size_t test_sizes[] = {0, 1, 100, 4096, 65536, 65537, 300000};

/* Where a stream is cut in the truncation tests: fractions of its length, in percent. */
static const unsigned test_cuts[] = {0, 10, 50, 90, 99};

/* Text-like data that compresses, with some noise so the streams have several blocks. */
static unsigned char *test_data(size_t len)
{
	unsigned char *d = malloc(len ? len : 1);
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[i] = (i % 7 == 0) ? (unsigned char)x
				    : (unsigned char)("baton kernel module "[i % 20]);
	}
	return d;
}

/* Inflates a gzip stream with zlib itself, independently of compress_unpack. */
static int test_zlib_gunzip(const unsigned char *in, size_t len, unsigned char *out, size_t out_len,
			    size_t *ret_len)
{
	z_stream z = {0};
	int zr;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)out_len;
	zr = inflate(&z, Z_FINISH);
	*ret_len = out_len - z.avail_out;
	inflateEnd(&z);
	return zr == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

static unsigned char *test_xz(const unsigned char *in, size_t len, size_t *ret_len)
{
	size_t cap = lzma_stream_buffer_bound(len), pos = 0;
	unsigned char *out = malloc(cap);

	/* CRC32, as the kernel's decompressors require (Debian's modules use it too). */
	if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out, &pos, cap) !=
	    LZMA_OK) {
		free(out);
		return NULL;
	}
	*ret_len = pos;
	return out;
}

static unsigned char *test_zstd(const unsigned char *in, size_t len, size_t *ret_len)
{
	size_t cap = ZSTD_compressBound(len), n;
	unsigned char *out = malloc(cap);

	n = ZSTD_compress(out, cap, in, len, 3);
	if (ZSTD_isError(n)) {
		free(out);
		return NULL;
	}
	*ret_len = n;
	return out;
}

/* A zstd frame that does not record its content size, as streaming compressors write. */
static unsigned char *test_zstd_stream(const unsigned char *in, size_t len, size_t *ret_len)
{
	size_t cap = ZSTD_compressBound(len) + 64, left;
	unsigned char *out = malloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_outBuffer ob = {.dst = out, .size = cap, .pos = 0};
	ZSTD_inBuffer ib = {.src = in, .size = len, .pos = 0};

	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	do {
		left = ZSTD_compressStream2(cc, &ob, &ib, ZSTD_e_end);
	} while (!ZSTD_isError(left) && left != 0);
	ZSTD_freeCCtx(cc);
	if (ZSTD_isError(left)) {
		free(out);
		return NULL;
	}
	*ret_len = ob.pos;
	return out;
}

static unsigned char *test_gzip(const unsigned char *in, size_t len, size_t *ret_len)
{
	unsigned char *out = NULL;

	if (compress_gzip(in, len, &out, ret_len) < 0)
		return NULL;
	return out;
}

/* compress_image with a format and level, as the generator calls it. */
static unsigned char *test_image(enum compress_format format, int level, const unsigned char *in,
				 size_t len, size_t *ret_len)
{
	struct compress_spec spec = {format, level};
	unsigned char *out = NULL;

	if (compress_image(&spec, in, len, &out, ret_len) < 0)
		return NULL;
	return out;
}

static unsigned char *test_image_zstd(const unsigned char *in, size_t len, size_t *ret_len)
{
	return test_image(COMPRESS_ZSTD, 0, in, len, ret_len);
}

static unsigned char *test_image_lz4(const unsigned char *in, size_t len, size_t *ret_len)
{
	return test_image(COMPRESS_LZ4, 0, in, len, ret_len);
}

static uint32_t test_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef unsigned char *(*test_compressor)(const unsigned char *, size_t, size_t *);

/* Checks that compress_unpack gives back exactly data from what compress made of it. */
static void test_round_trip(test_compressor compress, enum compress_format format)
{
	for (size_t i = 0; i < ARRAY_SIZE(test_sizes); i++) {
		size_t len = test_sizes[i], packed_len = 0, plain_len = 0;
		unsigned char *data = test_data(len), *packed, *plain = NULL;

		packed = compress(data, len, &packed_len);
		CHECK(packed != NULL);
		if (packed) {
			CHECK_INT(compress_detect(packed, packed_len), format);
			CHECK_INT(compress_unpack(packed, packed_len, &plain, &plain_len), 0);
			CHECK_INT(plain_len, len);
			if (plain && plain_len == len)
				CHECK(len == 0 || memcmp(plain, data, len) == 0);
		}
		free(plain);
		free(packed);
		free(data);
	}
}

/* Every cut of a valid stream, and a stream with a flipped byte, must be refused. */
static void test_rejects_damage(test_compressor compress, bool checks_content)
{
	size_t len = 200000, packed_len = 0;
	unsigned char *data = test_data(len), *packed = compress(data, len, &packed_len);

	CHECK(packed != NULL);
	for (size_t i = 0; packed && i < ARRAY_SIZE(test_cuts); i++) {
		size_t cut = packed_len * test_cuts[i] / 100, plain_len = 0;
		unsigned char *plain = NULL;
		int r;

		/* A cut inside the magic bytes is no longer recognized at all: -EINVAL. */
		r = compress_unpack(packed, cut, &plain, &plain_len);
		CHECK(r == -EBADMSG || r == -EINVAL);
		CHECK(plain == NULL);
		free(plain);
	}
	if (packed) {
		size_t plain_len = 0;
		unsigned char *plain = NULL;
		int r;

		/* The last byte alone: a stream one byte short. */
		r = compress_unpack(packed, packed_len - 1, &plain, &plain_len);
		CHECK_INT(r, -EBADMSG);
		free(plain);
		plain = NULL;
		if (checks_content) {
			packed[packed_len / 2] ^= 0x55;
			r = compress_unpack(packed, packed_len, &plain, &plain_len);
			CHECK_INT(r, -EBADMSG);
			free(plain);
		}
	}
	free(packed);
	free(data);
}

/* Trailing bytes that are not another stream are refused too. */
static void test_rejects_trailing(test_compressor compress)
{
	static const char garbage[] = "not a compressed stream";
	size_t len = 1000, packed_len = 0, plain_len = 0;
	unsigned char *data = test_data(len), *packed = compress(data, len, &packed_len), *both;
	unsigned char *plain = NULL;

	CHECK(packed != NULL);
	if (packed) {
		both = malloc(packed_len + sizeof(garbage));
		memcpy(both, packed, packed_len);
		memcpy(both + packed_len, garbage, sizeof(garbage));
		CHECK_INT(compress_unpack(both, packed_len + sizeof(garbage), &plain, &plain_len),
			  -EBADMSG);
		free(plain);
		free(both);
	}
	free(packed);
	free(data);
}

/* Two streams one after the other decompress to the two inputs in order. */
static void test_concatenated(test_compressor compress)
{
	size_t len = 70000, a_len = 0, b_len = 0, plain_len = 0;
	unsigned char *data = test_data(2 * len), *a = compress(data, len, &a_len),
		      *b = compress(data + len, len, &b_len), *both, *plain = NULL;

	CHECK(a && b);
	if (a && b) {
		both = malloc(a_len + b_len);
		memcpy(both, a, a_len);
		memcpy(both + a_len, b, b_len);
		CHECK_INT(compress_unpack(both, a_len + b_len, &plain, &plain_len), 0);
		CHECK_INT(plain_len, 2 * len);
		if (plain && plain_len == 2 * len)
			CHECK(memcmp(plain, data, 2 * len) == 0);
		free(plain);
		free(both);
	}
	free(a);
	free(b);
	free(data);
}

static void gzip_zlib_reads_it(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(test_sizes); i++) {
		size_t len = test_sizes[i], gz_len = 0, out_len = 0;
		unsigned char *data = test_data(len), *gz = NULL, *out = malloc(len + 1);

		CHECK_INT(compress_gzip(data, len, &gz, &gz_len), 0);
		CHECK_INT(test_zlib_gunzip(gz, gz_len, out, len + 1, &out_len), 0);
		CHECK_INT(out_len, len);
		CHECK(len == 0 || memcmp(out, data, len) == 0);
		free(out);
		free(gz);
		free(data);
	}
}

static void gzip_header_is_fixed(void)
{
	/* RFC 1952: ID1 ID2 CM=8 FLG=0 (no name, no comment), MTIME=0, XFL, OS=3 (Unix). */
	static const unsigned char head[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
	unsigned char *gz = NULL;
	size_t gz_len = 0;

	CHECK_INT(compress_gzip("hello\n", 6, &gz, &gz_len), 0);
	CHECK(gz_len > 18);
	if (gz && gz_len > 18) {
		CHECK(memcmp(gz, head, sizeof(head)) == 0);
		CHECK_INT(gz[9], 3);
		/* The trailer: CRC-32 of the input, then its length, little-endian. */
		uint32_t crc = (uint32_t)crc32(0, (const Bytef *)"hello\n", 6);

		CHECK_INT(gz[gz_len - 8] | gz[gz_len - 7] << 8 | gz[gz_len - 6] << 16 |
			      (uint32_t)gz[gz_len - 5] << 24,
			  crc);
		CHECK_INT(gz[gz_len - 4], 6);
	}
	free(gz);
}

static void gzip_is_reproducible(void)
{
	size_t len = 300000, a_len = 0, b_len = 0;
	unsigned char *data = test_data(len), *a = NULL, *b = NULL;

	CHECK_INT(compress_gzip(data, len, &a, &a_len), 0);
	CHECK_INT(compress_gzip(data, len, &b, &b_len), 0);
	CHECK_INT(a_len, b_len);
	CHECK(a && b && a_len == b_len && memcmp(a, b, a_len) == 0);
	/* Text-like input must actually shrink. */
	CHECK(a_len < len / 2);
	free(a);
	free(b);
	free(data);
}

static void gzip_round_trip(void)
{
	test_round_trip(test_gzip, COMPRESS_GZIP);
}

static void xz_round_trip(void)
{
	test_round_trip(test_xz, COMPRESS_XZ);
}

static void zstd_round_trip(void)
{
	test_round_trip(test_zstd, COMPRESS_ZSTD);
}

static void zstd_stream_round_trip(void)
{
	test_round_trip(test_zstd_stream, COMPRESS_ZSTD);
}

static void gzip_concatenated(void)
{
	test_concatenated(test_gzip);
}

static void xz_concatenated(void)
{
	test_concatenated(test_xz);
}

static void zstd_concatenated(void)
{
	test_concatenated(test_zstd);
}

static void gzip_truncated_or_corrupt(void)
{
	test_rejects_damage(test_gzip, true);
	test_rejects_trailing(test_gzip);
}

static void xz_truncated_or_corrupt(void)
{
	test_rejects_damage(test_xz, true);
	test_rejects_trailing(test_xz);
}

static void zstd_truncated_or_corrupt(void)
{
	/* Only the checksummed frame is sure to notice a flipped byte. */
	test_rejects_damage(test_zstd, false);
	test_rejects_damage(test_zstd_stream, true);
	test_rejects_trailing(test_zstd);
}

static void garbage_after_magic(void)
{
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8};
	static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 9};
	static const unsigned char gzip[] = {0x1f, 0x8b, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8};
	unsigned char *out = NULL;
	size_t out_len = 0;

	CHECK_INT(compress_unpack(xz, sizeof(xz), &out, &out_len), -EBADMSG);
	CHECK_INT(compress_unpack(zstd, sizeof(zstd), &out, &out_len), -EBADMSG);
	CHECK_INT(compress_unpack(gzip, sizeof(gzip), &out, &out_len), -EBADMSG);
	CHECK(out == NULL);
}

static void detect_and_refuse_plain(void)
{
	static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
	unsigned char *out = NULL;
	size_t out_len = 0;

	CHECK_INT(compress_detect(elf, sizeof(elf)), COMPRESS_NONE);
	CHECK_INT(compress_detect("", 0), COMPRESS_NONE);
	/* A magic number cut short is not that format. */
	CHECK_INT(compress_detect("\xfd"
				  "7zX",
				  4),
		  COMPRESS_NONE);
	CHECK_INT(compress_detect("\x1f", 1), COMPRESS_NONE);
	CHECK_INT(compress_unpack(elf, sizeof(elf), &out, &out_len), -EINVAL);
	CHECK_INT(compress_unpack("", 0, &out, &out_len), -EINVAL);
	CHECK(out == NULL);
	CHECK_STR(compress_format_name(COMPRESS_XZ), "xz");
	CHECK_STR(compress_format_name(COMPRESS_ZSTD), "zstd");
	CHECK_STR(compress_format_name(COMPRESS_GZIP), "gzip");
	CHECK_STR(compress_format_name(COMPRESS_NONE), "none");
}

static void image_zstd_round_trip(void)
{
	test_round_trip(test_image_zstd, COMPRESS_ZSTD);
	test_concatenated(test_image_zstd);
	/* The generator's frames carry a checksum: a flipped byte is noticed. */
	test_rejects_damage(test_image_zstd, true);
	test_rejects_trailing(test_image_zstd);
}

static void image_lz4_round_trip(void)
{
	test_round_trip(test_image_lz4, COMPRESS_LZ4);
	test_concatenated(test_image_lz4);
	/* The legacy frame has no checksum: only cuts and trailing bytes are sure to show. */
	test_rejects_damage(test_image_lz4, false);
	test_rejects_trailing(test_image_lz4);
}

/*
 * The lz4 legacy frame as the kernel's unlz4 reads it: the magic, then per 8 MiB of input a
 * 32-bit little-endian size and an LZ4 block LZ4_decompress_safe (not the generator) decodes.
 */
static void image_lz4_frame_layout(void)
{
	const size_t chunk = 8u * 1024 * 1024, len = 2 * chunk + 12345;
	unsigned char *data = test_data(len), *packed, *plain = malloc(chunk);
	size_t packed_len = 0, p = 4, got = 0, chunks = 0;

	packed = test_image(COMPRESS_LZ4, 1, data, len, &packed_len);
	CHECK(packed != NULL && packed_len > 8);
	if (packed && packed_len > 8) {
		CHECK_INT(test_le32(packed), 0x184C2102u);
		while (p + 4 <= packed_len) {
			uint32_t size = test_le32(packed + p);
			int n;

			p += 4;
			CHECK(size <= packed_len - p);
			if (size > packed_len - p)
				break;
			n = LZ4_decompress_safe((const char *)packed + p, (char *)plain, (int)size,
						(int)chunk);
			CHECK(n > 0 && got + (size_t)n <= len);
			if (n <= 0 || got + (size_t)n > len)
				break;
			/* Every chunk but the last holds exactly 8 MiB. */
			CHECK_INT((size_t)n, len - got < chunk ? len - got : chunk);
			CHECK(memcmp(plain, data + got, (size_t)n) == 0);
			got += (size_t)n;
			p += size;
			chunks++;
		}
		CHECK_INT(p, packed_len);
		CHECK_INT(got, len);
		CHECK_INT(chunks, 3);
	}
	free(plain);
	free(packed);
	free(data);
}

/* Cut anywhere, even right after the magic or inside a size, a legacy frame is refused. */
static void image_lz4_truncated(void)
{
	size_t len = 100000, packed_len = 0;
	unsigned char *data = test_data(len), *packed = test_image_lz4(data, len, &packed_len);
	static const unsigned char oversized[] = {0x02, 0x21, 0x4c, 0x18, 0xff,
						  0xff, 0xff, 0x7f, 0};
	static const unsigned char zero[] = {0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0};

	CHECK(packed != NULL);
	for (size_t cut = 5; packed && cut < packed_len; cut += cut < 12 ? 1 : packed_len / 7) {
		unsigned char *plain = NULL;
		size_t plain_len = 0;

		CHECK_INT(compress_unpack(packed, cut, &plain, &plain_len), -EBADMSG);
		CHECK(plain == NULL);
	}
	/* A chunk size beyond LZ4_compressBound(8 MiB), or an empty chunk. */
	unsigned char *plain = NULL;
	size_t plain_len = 0;

	CHECK_INT(compress_unpack(oversized, sizeof(oversized), &plain, &plain_len), -EBADMSG);
	CHECK_INT(compress_unpack(zero, sizeof(zero), &plain, &plain_len), -EBADMSG);
	CHECK(plain == NULL);
	free(packed);
	free(data);
}

/* Same input, same bytes, for each format and level; and the levels differ in output. */
static void image_is_reproducible(void)
{
	static const enum compress_format formats[] = {COMPRESS_ZSTD, COMPRESS_LZ4, COMPRESS_GZIP};
	size_t len = 5u * 1024 * 1024;
	unsigned char *data = test_data(len);

	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		size_t a_len = 0, b_len = 0, c_len = 0;
		unsigned char *a = test_image(formats[i], 0, data, len, &a_len),
			      *b = test_image(formats[i], 0, data, len, &b_len),
			      *c = test_image(formats[i], 1, data, len, &c_len);

		CHECK(a && b && c);
		CHECK(a && b && a_len == b_len && memcmp(a, b, a_len) == 0);
		CHECK(a && c && (a_len != c_len || memcmp(a, c, a_len) != 0));
		CHECK(a_len < len / 2);
		free(a);
		free(b);
		free(c);
	}
	free(data);
}

static void parse_algo_and_level(void)
{
	static const char *const bad[] = {"",	     "zstd:",  "zstd:0",   "zstd:20", "lz4:13",
					  "gzip:13", "none:1", "zstd:+5",  "zstd: 5", "zstd:5 ",
					  "xz",	     "ZSTD",   "zstd:5:5", "zstdx",   "lz4:-1"};
	struct compress_spec s;

	CHECK_INT(compress_parse("zstd", &s), 0);
	CHECK_INT(s.format, COMPRESS_ZSTD);
	CHECK_INT(s.level, 0);
	CHECK_INT(compress_level(&s), 12);
	CHECK_INT(compress_parse("zstd:19", &s), 0);
	CHECK_INT(s.level, 19);
	CHECK_INT(compress_parse("lz4:12", &s), 0);
	CHECK_INT(s.format, COMPRESS_LZ4);
	CHECK_INT(s.level, 12);
	CHECK_INT(compress_parse("lz4", &s), 0);
	CHECK_INT(compress_level(&s), 9);
	CHECK_INT(compress_parse("gzip:1", &s), 0);
	CHECK_INT(s.format, COMPRESS_GZIP);
	CHECK_INT(s.level, 1);
	CHECK_INT(compress_parse("none", &s), 0);
	CHECK_INT(s.format, COMPRESS_NONE);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_INT(compress_parse(bad[i], &s), -EINVAL);
	CHECK_INT(COMPRESS_DEFAULT.format, COMPRESS_ZSTD);
	CHECK_STR(compress_format_name(COMPRESS_LZ4), "lz4");
}

const struct unit_case compress_cases[] = {
    {"image_zstd_round_trip", image_zstd_round_trip},
    {"image_lz4_round_trip", image_lz4_round_trip},
    {"image_lz4_frame_layout", image_lz4_frame_layout},
    {"image_lz4_truncated", image_lz4_truncated},
    {"image_is_reproducible", image_is_reproducible},
    {"parse_algo_and_level", parse_algo_and_level},
    {"gzip_zlib_reads_it", gzip_zlib_reads_it},
    {"gzip_header_is_fixed", gzip_header_is_fixed},
    {"gzip_is_reproducible", gzip_is_reproducible},
    {"gzip_round_trip", gzip_round_trip},
    {"xz_round_trip", xz_round_trip},
    {"zstd_round_trip", zstd_round_trip},
    {"zstd_stream_round_trip", zstd_stream_round_trip},
    {"gzip_concatenated", gzip_concatenated},
    {"xz_concatenated", xz_concatenated},
    {"zstd_concatenated", zstd_concatenated},
    {"gzip_truncated_or_corrupt", gzip_truncated_or_corrupt},
    {"xz_truncated_or_corrupt", xz_truncated_or_corrupt},
    {"zstd_truncated_or_corrupt", zstd_truncated_or_corrupt},
    {"garbage_after_magic", garbage_after_magic},
    {"detect_and_refuse_plain", detect_and_refuse_plain},
    {NULL, NULL},
};
