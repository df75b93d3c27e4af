// SPDX-License-Identifier: MIT
/* Compression of the image (zstd, lz4 legacy, gzip) and decompression of modules and images. */
#include "compress.h"

#include <errno.h>
#include <libdeflate.h>
#include <limits.h>
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* Output grows by doubling from this, or from a guess based on the input size. */
#define COMPRESS_CHUNK (64UL * 1024)

/* Typical module compression ratio, to size the first output buffer (xz: ~3.5x on .ko). */
#define COMPRESS_GUESS_RATIO 4

/* zlib counts in uInt; feed it at most this much at a time. */
#define COMPRESS_ZLIB_STEP ((size_t)UINT_MAX)

/* The gzip header's OS byte for Unix (RFC 1952, section 2.3.1), fixed for reproducibility. */
#define COMPRESS_GZIP_OS_UNIX 3

/* zlib window bits for reading .ko.gz: 15 (32 KiB window), +16 for the gzip wrapper. */
#define COMPRESS_GZIP_WBITS (15 + 16)

/* The gzip header (RFC 1952): 10 bytes, the OS byte last. */
#define COMPRESS_GZIP_HEADER_LEN 10
#define COMPRESS_GZIP_OS_OFFSET 9

/*
 * libdeflate's level 10, the first of its near-optimal parsing levels: the kernel unpacks the
 * result as fast as any gzip. Measured with Debian's 6.1 kernel: a host-only image (3.1 MiB)
 * is 5% smaller than zlib's level 6 in 0.32 s; the generic one (14.4 MiB) 6% in 1.2 s.
 */
#define COMPRESS_GZIP_LEVEL 10

/*
 * The default image compression, chosen by measurement (issue 13: the host-only image within
 * 1.2 x tiny-initramfs's, 830,389 bytes, generated in about 0.4 s). Debian's 6.1 kernel,
 * virtio_pci,virtio_blk,ext4, 3.2 MiB uncompressed, libzstd 1.5.4 on 2 busy cores: level 12
 * 834,693 bytes; level 12 with 4-byte matches (below) 822,549 bytes in 0.25-0.5 s; level 19
 * 766,269 bytes in 4-5 s. The kernel unpacks every level at about the same speed.
 */
#define COMPRESS_ZSTD_DEFAULT_LEVEL 12

/*
 * Levels 10-15 (lazy2 and btlazy2 search) look for matches of 4 bytes instead of libzstd's 5
 * for inputs over 256 KiB: the image is mostly machine code, whose repeats are short. Level 12:
 * 1.5% smaller for about 10% more time.
 */
#define COMPRESS_ZSTD_MIN_MATCH 4
#define COMPRESS_ZSTD_MIN_MATCH_FROM 10
#define COMPRESS_ZSTD_MIN_MATCH_TO 15

/*
 * Each worker's share of a large image: the generic image (23 MiB) is cut into 4 MiB jobs the
 * 2 workers share, a host-only image (3 MiB) stays one job and loses nothing to the cuts.
 */
#define COMPRESS_ZSTD_JOB_SIZE (4 * 1024 * 1024)

/*
 * zstd's workers, fixed so every host writes the same bytes (libzstd's output depends on
 * whether workers are used and on the job size, not on the machine).
 */
#define COMPRESS_ZSTD_WORKERS 2

/*
 * lz4 -l -9's level: the kernel unpacks lz4 fastest of all, so its level only trades
 * generation time for size.
 */
#define COMPRESS_LZ4_DEFAULT_LEVEL 9

/*
 * The lz4 legacy frame (lz4's doc/lz4_Frame_format.md, "Legacy frame"; the kernel's
 * lib/decompress_unlz4.c): the magic, then chunks, each a 32-bit little-endian compressed size
 * and an LZ4 block of at most 8 MiB of input. There is no end mark: the input's end is the end.
 */
#define COMPRESS_LZ4_MAGIC 0x184C2102U
#define COMPRESS_LZ4_CHUNK (8U * 1024 * 1024)

struct compress_out {
	unsigned char *data;
	size_t len;
	size_t cap;
};

/* Makes room for want more bytes at once (doubling, bounded by COMPRESS_OUTPUT_MAX). */
static int compress_out_reserve(struct compress_out *o, size_t want)
{
	size_t cap = o->cap ? o->cap : COMPRESS_CHUNK;
	unsigned char *data;

	if (o->cap - o->len >= want)
		return 0;
	if (want > COMPRESS_OUTPUT_MAX - o->len)
		return -EFBIG;
	while (cap - o->len < want)
		cap = cap > COMPRESS_OUTPUT_MAX / 2 ? COMPRESS_OUTPUT_MAX : cap * 2;
	data = realloc(o->data, cap);
	if (!data)
		return -ENOMEM;
	o->data = data;
	o->cap = cap;
	return 0;
}

/*
 * Makes room for at least one more byte: the first buffer holds hint bytes (at least
 * COMPRESS_CHUNK), a full one doubles, bounded by COMPRESS_OUTPUT_MAX.
 */
static int compress_out_grow(struct compress_out *o, size_t hint)
{
	if (o->len < o->cap)
		return 0;
	if (o->cap >= COMPRESS_OUTPUT_MAX)
		return -EFBIG;
	if (!o->cap)
		return compress_out_reserve(o, hint > COMPRESS_CHUNK ? hint : COMPRESS_CHUNK);
	return compress_out_reserve(
	    o, o->cap < COMPRESS_OUTPUT_MAX - o->len ? o->cap : COMPRESS_OUTPUT_MAX - o->len);
}

static size_t compress_guess(size_t len)
{
	if (len > COMPRESS_OUTPUT_MAX / COMPRESS_GUESS_RATIO)
		return COMPRESS_OUTPUT_MAX;
	return len * COMPRESS_GUESS_RATIO;
}

enum compress_format compress_detect(const void *data, size_t len)
{
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
	static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd};
	static const unsigned char gzip[] = {0x1f, 0x8b};
	static const unsigned char lz4[] = {0x02, 0x21, 0x4c, 0x18};

	if (len >= sizeof(xz) && memcmp(data, xz, sizeof(xz)) == 0)
		return COMPRESS_XZ;
	if (len >= sizeof(zstd) && memcmp(data, zstd, sizeof(zstd)) == 0)
		return COMPRESS_ZSTD;
	if (len >= sizeof(gzip) && memcmp(data, gzip, sizeof(gzip)) == 0)
		return COMPRESS_GZIP;
	if (len >= sizeof(lz4) && memcmp(data, lz4, sizeof(lz4)) == 0)
		return COMPRESS_LZ4;
	return COMPRESS_NONE;
}

const char *compress_format_name(enum compress_format format)
{
	switch (format) {
	case COMPRESS_GZIP:
		return "gzip";
	case COMPRESS_XZ:
		return "xz";
	case COMPRESS_ZSTD:
		return "zstd";
	case COMPRESS_LZ4:
		return "lz4";
	case COMPRESS_NONE:
		break;
	}
	return "none";
}

int compress_parse(const char *arg, struct compress_spec *ret)
{
	static const struct {
		const char *name;
		enum compress_format format;
		int max;
	} algos[] = {
	    {"zstd", COMPRESS_ZSTD, COMPRESS_ZSTD_LEVEL_MAX},
	    {"lz4", COMPRESS_LZ4, COMPRESS_LZ4_LEVEL_MAX},
	    {"gzip", COMPRESS_GZIP, COMPRESS_GZIP_LEVEL_MAX},
	    {"none", COMPRESS_NONE, 0},
	};
	const char *colon = strchr(arg, ':');
	size_t name_len = colon ? (size_t)(colon - arg) : strlen(arg);

	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
		char *end;
		long level;

		if (strlen(algos[i].name) != name_len || strncmp(arg, algos[i].name, name_len))
			continue;
		ret->format = algos[i].format;
		ret->level = 0;
		if (!colon)
			return 0;
		/* Digits only: strtol alone would take " 5", "+5" and "5 ". */
		if (colon[1] < '0' || colon[1] > '9')
			return -EINVAL;
		errno = 0;
		level = strtol(colon + 1, &end, 10);
		if (errno || *end || level < 1 || level > algos[i].max)
			return -EINVAL;
		ret->level = (int)level;
		return 0;
	}
	return -EINVAL;
}

int compress_level(const struct compress_spec *spec)
{
	if (spec->level)
		return spec->level;
	switch (spec->format) {
	case COMPRESS_GZIP:
		return COMPRESS_GZIP_LEVEL;
	case COMPRESS_ZSTD:
		return COMPRESS_ZSTD_DEFAULT_LEVEL;
	case COMPRESS_LZ4:
		return COMPRESS_LZ4_DEFAULT_LEVEL;
	default:
		return 0;
	}
}

static int compress_gzip_level(int level, const void *data, size_t len, unsigned char **ret_data,
			       size_t *ret_len)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	unsigned char *out;
	size_t bound, n;

	if (!c)
		return -ENOMEM;
	bound = libdeflate_gzip_compress_bound(c, len);
	out = malloc(bound);
	if (!out) {
		libdeflate_free_compressor(c);
		return -ENOMEM;
	}
	n = libdeflate_gzip_compress(c, data, len, out, bound);
	libdeflate_free_compressor(c);
	if (n < COMPRESS_GZIP_HEADER_LEN) {
		free(out);
		return -EINVAL;
	}
	/*
	 * libdeflate writes MTIME 0 and no name already; the OS byte is not covered by any
	 * checksum (no FHCRC), so it is set to Unix as gzip(1) writes it.
	 */
	out[COMPRESS_GZIP_OS_OFFSET] = COMPRESS_GZIP_OS_UNIX;
	*ret_data = out;
	*ret_len = n;
	return 0;
}

int compress_gzip(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len)
{
	return compress_gzip_level(COMPRESS_GZIP_LEVEL, data, len, ret_data, ret_len);
}

static int compress_zstd_set(ZSTD_CCtx *c, ZSTD_cParameter param, int value)
{
	size_t zr = ZSTD_CCtx_setParameter(c, param, value);

	/* A libzstd built without threads refuses workers: its bytes would differ, so refuse. */
	return ZSTD_isError(zr) ? -ENOTSUP : 0;
}

static int compress_zstd(int level, const void *data, size_t len, unsigned char **ret_data,
			 size_t *ret_len)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(len), n;
	unsigned char *out;
	int r;

	if (!c)
		return -ENOMEM;
	r = compress_zstd_set(c, ZSTD_c_compressionLevel, level);
	if (r == 0)
		r = compress_zstd_set(c, ZSTD_c_nbWorkers, COMPRESS_ZSTD_WORKERS);
	if (r == 0)
		r = compress_zstd_set(c, ZSTD_c_jobSize, COMPRESS_ZSTD_JOB_SIZE);
	if (r == 0 && level >= COMPRESS_ZSTD_MIN_MATCH_FROM && level <= COMPRESS_ZSTD_MIN_MATCH_TO)
		r = compress_zstd_set(c, ZSTD_c_minMatch, COMPRESS_ZSTD_MIN_MATCH);
	if (r == 0)
		r = compress_zstd_set(c, ZSTD_c_checksumFlag, 1);
	out = r == 0 ? malloc(bound) : NULL;
	if (!out) {
		ZSTD_freeCCtx(c);
		return r < 0 ? r : -ENOMEM;
	}
	n = ZSTD_compress2(c, out, bound, data, len);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(n)) {
		free(out);
		return ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation ? -ENOMEM : -EINVAL;
	}
	*ret_data = out;
	*ret_len = n;
	return 0;
}

static void compress_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t compress_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The lz4 legacy frame, as lz4 -l writes it: each 8 MiB of input one chunk. */
static int compress_lz4(int level, const void *data, size_t len, unsigned char **ret_data,
			size_t *ret_len)
{
	size_t chunks = len / COMPRESS_LZ4_CHUNK + 1, cap, n = 4;
	const int bound = LZ4_compressBound(COMPRESS_LZ4_CHUNK);
	unsigned char *out;
	void *state;

	if (chunks > (SIZE_MAX - 4) / ((size_t)bound + 4))
		return -EFBIG;
	cap = 4 + chunks * ((size_t)bound + 4);
	out = malloc(cap);
	state = malloc((size_t)LZ4_sizeofStateHC());
	if (!out || !state) {
		free(out);
		free(state);
		return -ENOMEM;
	}
	compress_put_le32(out, COMPRESS_LZ4_MAGIC);
	for (size_t off = 0; off < len; off += COMPRESS_LZ4_CHUNK) {
		size_t in = len - off < COMPRESS_LZ4_CHUNK ? len - off : COMPRESS_LZ4_CHUNK;
		int c = LZ4_compress_HC_extStateHC(state, (const char *)data + off,
						   (char *)out + n + 4, (int)in, bound, level);

		if (c <= 0) {
			free(out);
			free(state);
			return -EINVAL;
		}
		compress_put_le32(out + n, (uint32_t)c);
		n += 4 + (size_t)c;
	}
	free(state);
	*ret_data = out;
	*ret_len = n;
	return 0;
}

int compress_image(const struct compress_spec *spec, const void *data, size_t len,
		   unsigned char **ret_data, size_t *ret_len)
{
	int level = compress_level(spec);

	switch (spec->format) {
	case COMPRESS_GZIP:
		return compress_gzip_level(level, data, len, ret_data, ret_len);
	case COMPRESS_ZSTD:
		return compress_zstd(level, data, len, ret_data, ret_len);
	case COMPRESS_LZ4:
		return compress_lz4(level, data, len, ret_data, ret_len);
	default:
		return -EINVAL;
	}
}

static int compress_unpack_gzip(const unsigned char *in, size_t len, struct compress_out *o)
{
	z_stream z = {0};
	size_t fed = 0; /* bytes of input handed to zlib so far */
	int r = 0, zr;

	if (inflateInit2(&z, COMPRESS_GZIP_WBITS) != Z_OK)
		return -ENOMEM;
	for (;;) {
		if (z.avail_in == 0 && fed < len) {
			size_t step =
			    len - fed < COMPRESS_ZLIB_STEP ? len - fed : COMPRESS_ZLIB_STEP;

			z.next_in = (unsigned char *)in + fed;
			z.avail_in = (uInt)step;
			fed += step;
		}
		r = compress_out_grow(o, compress_guess(len));
		if (r < 0)
			break;
		size_t room = o->cap - o->len;

		if (room > COMPRESS_ZLIB_STEP)
			room = COMPRESS_ZLIB_STEP;
		z.next_out = o->data + o->len;
		z.avail_out = (uInt)room;
		zr = inflate(&z, Z_NO_FLUSH);
		o->len += room - z.avail_out;
		if (zr == Z_STREAM_END) {
			if (z.avail_in == 0 && fed == len)
				break;
			/* Concatenated members decompress to the concatenation (RFC 1952, 2.2). */
			if (inflateReset(&z) != Z_OK) {
				r = -EBADMSG;
				break;
			}
		} else if (zr == Z_BUF_ERROR) {
			/* No progress: with output room left, the input ran out mid-stream. */
			if (z.avail_out != 0 && z.avail_in == 0 && fed == len) {
				r = -EBADMSG;
				break;
			}
		} else if (zr != Z_OK) {
			r = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
	}
	inflateEnd(&z);
	return r;
}

static int compress_unpack_xz(const unsigned char *in, size_t len, struct compress_out *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int r = 0;

	/* No memory limit beyond the output cap: module streams use small dictionaries. */
	lr = lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED);
	if (lr != LZMA_OK)
		return lr == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
	s.next_in = in;
	s.avail_in = len;
	for (;;) {
		r = compress_out_grow(o, compress_guess(len));
		if (r < 0)
			break;
		s.next_out = o->data + o->len;
		s.avail_out = o->cap - o->len;
		lr = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr == LZMA_MEM_ERROR) {
			r = -ENOMEM;
			break;
		}
		if (lr != LZMA_OK) {
			r = -EBADMSG;
			break;
		}
	}
	lzma_end(&s);
	return r;
}

static int compress_unpack_zstd(const unsigned char *in, size_t len, struct compress_out *o)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = {.src = in, .size = len, .pos = 0};
	size_t zr = 1;
	int r = 0;

	if (!ds)
		return -ENOMEM;
	/* zr == 0 means a frame just ended; further input is another frame (concatenation). */
	while (ib.pos < ib.size || zr != 0) {
		r = compress_out_grow(o, compress_guess(len));
		if (r < 0)
			break;
		ZSTD_outBuffer ob = {.dst = o->data, .size = o->cap, .pos = o->len};
		size_t before_in = ib.pos, before_out = ob.pos;

		zr = ZSTD_decompressStream(ds, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(zr)) {
			r = ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation ? -ENOMEM
										  : -EBADMSG;
			break;
		}
		/* No progress with all input consumed and a frame unfinished: truncated. */
		if (ib.pos == before_in && ob.pos == before_out && ob.pos < ob.size) {
			r = -EBADMSG;
			break;
		}
	}
	ZSTD_freeDStream(ds);
	return r;
}

/*
 * The lz4 legacy frame. A chunk size equal to the magic starts another frame (the kernel's
 * unlz4 reads concatenated ones so). Every chunk must be whole and decode to at most 8 MiB.
 */
static int compress_unpack_lz4(const unsigned char *in, size_t len, struct compress_out *o)
{
	const uint32_t bound = (uint32_t)LZ4_compressBound(COMPRESS_LZ4_CHUNK);
	size_t p = 4;

	while (p < len) {
		uint32_t size;
		int n, r;

		if (len - p < 4)
			return -EBADMSG;
		size = compress_get_le32(in + p);
		p += 4;
		if (size == COMPRESS_LZ4_MAGIC)
			continue;
		if (size == 0 || size > bound || size > len - p)
			return -EBADMSG;
		r = compress_out_reserve(o, COMPRESS_LZ4_CHUNK);
		if (r < 0)
			return r;
		n = LZ4_decompress_safe((const char *)in + p, (char *)o->data + o->len, (int)size,
					COMPRESS_LZ4_CHUNK);
		if (n < 0)
			return -EBADMSG;
		o->len += (size_t)n;
		p += size;
	}
	return 0;
}

int compress_unpack(const void *data, size_t len, unsigned char **ret_data, size_t *ret_len)
{
	struct compress_out o = {0};
	int r;

	switch (compress_detect(data, len)) {
	case COMPRESS_GZIP:
		r = compress_unpack_gzip(data, len, &o);
		break;
	case COMPRESS_XZ:
		r = compress_unpack_xz(data, len, &o);
		break;
	case COMPRESS_ZSTD:
		r = compress_unpack_zstd(data, len, &o);
		break;
	case COMPRESS_LZ4:
		r = compress_unpack_lz4(data, len, &o);
		break;
	default:
		return -EINVAL;
	}
	if (r < 0) {
		free(o.data);
		return r;
	}
	*ret_data = o.data;
	*ret_len = o.len;
	return 0;
}
