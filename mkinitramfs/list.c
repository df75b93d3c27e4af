// SPDX-License-Identifier: MIT
/* --list IMAGE: what an image holds, as lsinitramfs shows it; --long with modes, sizes, modules. */
#include "list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "compress.h"
#include "cpio.h"
#include "log.h"
#include "options.h"
#include "util.h"

/* The newc magic (Documentation/driver-api/early-userspace/buffer-format.rst). */
#define LIST_NEWC_MAGIC "070701"
#define LIST_NEWC_MAGIC_LEN 6
/* Where the 13 hex fields of a newc header start, and the ones we read. */
#define LIST_FIELD_MODE 1
#define LIST_FIELD_FILESIZE 6
#define LIST_FIELD_NAMESIZE 11
/* zlib's windowBits for "gzip or zlib, detected" with the largest window (zlib.h, inflateInit2). */
#define LIST_ZLIB_AUTO (15 + 32)

struct list_opts {
	bool long_format;
	size_t modules;
	unsigned long long module_bytes;
};

static unsigned long list_field(const unsigned char *h, int i)
{
	char hex[9];

	memcpy(hex, h + LIST_NEWC_MAGIC_LEN + 8 * i, 8);
	hex[8] = '\0';
	return strtoul(hex, NULL, 16);
}

static void list_mode_string(unsigned long mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	char type = '-';

	switch (mode & S_IFMT) {
	case S_IFDIR:
		type = 'd';
		break;
	case S_IFLNK:
		type = 'l';
		break;
	case S_IFCHR:
		type = 'c';
		break;
	case S_IFBLK:
		type = 'b';
		break;
	case S_IFIFO:
		type = 'p';
		break;
	case S_IFSOCK:
		type = 's';
		break;
	}
	out[0] = type;
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (1UL << (8 - i))) ? rwx[i] : '-';
	out[10] = '\0';
}

static size_t list_align(size_t n)
{
	return (n + CPIO_ALIGN - 1) & ~(size_t)(CPIO_ALIGN - 1);
}

/*
 * Prints one newc archive starting at buf[*pos]; on return *pos is just past its trailer.
 * Returns the number of entries or -EBADMSG for a damaged archive.
 */
static long list_archive(const unsigned char *buf, size_t len, size_t *pos, struct list_opts *lo,
			 const char *what)
{
	long entries = 0;
	size_t p = *pos;

	if (lo->long_format)
		printf("# %s\n", what);
	for (;;) {
		unsigned long mode, size, namesize;
		const char *name;
		size_t data;

		if (len - p < CPIO_HEADER_SIZE ||
		    memcmp(buf + p, LIST_NEWC_MAGIC, LIST_NEWC_MAGIC_LEN))
			return -EBADMSG;
		mode = list_field(buf + p, LIST_FIELD_MODE);
		size = list_field(buf + p, LIST_FIELD_FILESIZE);
		namesize = list_field(buf + p, LIST_FIELD_NAMESIZE);
		if (namesize == 0 || namesize > CPIO_NAME_MAX ||
		    len - p - CPIO_HEADER_SIZE < namesize)
			return -EBADMSG;
		name = (const char *)buf + p + CPIO_HEADER_SIZE;
		if (name[namesize - 1] != '\0')
			return -EBADMSG;
		data = p + list_align(CPIO_HEADER_SIZE + namesize);
		if (data > len || len - data < size)
			return -EBADMSG;
		p = data + list_align(size);
		if (p > len)
			p = len;
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		entries++;
		if (lo->long_format) {
			char m[11];

			list_mode_string(mode, m);
			if (S_ISLNK(mode))
				printf("%s %10lu %s -> %.*s\n", m, size, name, (int)size,
				       (const char *)buf + data);
			else
				printf("%s %10lu %s\n", m, size, name);
		} else {
			printf("%s\n", name);
		}
		if (S_ISREG(mode) && strlen(name) > 3 &&
		    strcmp(name + strlen(name) - 3, ".ko") == 0) {
			lo->modules++;
			lo->module_bytes += size;
		}
	}
	*pos = p;
	return entries;
}

/* Inflates every gzip member from buf on. Returns 0 or -errno. */
static int list_gunzip(const unsigned char *buf, size_t len, struct cpio_buf *out)
{
	z_stream z = {0};
	unsigned char chunk[1 << 16];
	int zr = Z_OK, r = 0;

	if (inflateInit2(&z, LIST_ZLIB_AUTO) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)buf;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	while (r >= 0) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			r = -EBADMSG;
			break;
		}
		r = cpio_buf_sink(out, chunk, sizeof(chunk) - z.avail_out);
		if (out->len > UTIL_READ_MAX)
			r = -EFBIG;
		if (zr == Z_STREAM_END) {
			/* Another member may follow (a kernel reads concatenated ones). */
			if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
				break;
			inflateReset(&z);
		}
	}
	inflateEnd(&z);
	return r;
}

/* gzip through list_gunzip (members of any origin); zstd, lz4 and xz through compress_unpack. */
static int list_unpack(enum compress_format f, const unsigned char *buf, size_t len,
		       struct cpio_buf *out)
{
	unsigned char *plain;
	size_t plain_len;
	int r;

	if (f == COMPRESS_GZIP)
		return list_gunzip(buf, len, out);
	r = compress_unpack(buf, len, &plain, &plain_len);
	if (r < 0)
		return r;
	if (plain_len > UTIL_READ_MAX)
		r = -EFBIG;
	else
		r = cpio_buf_sink(out, plain, plain_len);
	free(plain);
	return r;
}

static int list_image(const char *path, struct list_opts *lo)
{
	unsigned char *data = NULL;
	size_t len = 0, pos = 0;
	struct cpio_buf inflated = {0};
	int r, part = 0;

	r = util_read_file(path, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", path);
	while (pos < len) {
		long n;

		if (data[pos] == 0) { /* padding between archives, skipped as the kernel does */
			pos++;
			continue;
		}
		if (len - pos >= LIST_NEWC_MAGIC_LEN &&
		    memcmp(data + pos, LIST_NEWC_MAGIC, LIST_NEWC_MAGIC_LEN) == 0) {
			n = list_archive(data, len, &pos, lo,
					 part ? "archive, uncompressed"
					      : "early archive, uncompressed");
		} else if (compress_detect(data + pos, len - pos) != COMPRESS_NONE) {
			enum compress_format f = compress_detect(data + pos, len - pos);
			char what[64];
			size_t ipos = 0;

			/* The compressed archive runs to the end, as the generator writes it. */
			r = list_unpack(f, data + pos, len - pos, &inflated);
			if (r < 0) {
				log_error_errno(r, "%s: damaged %s data at byte %zu: %m", path,
						compress_format_name(f), pos);
				break;
			}
			pos = len;
			n = 0;
			snprintf(what, sizeof(what), "main archive, %s", compress_format_name(f));
			while (ipos < inflated.len && n >= 0) {
				if (inflated.data[ipos] == 0) {
					ipos++;
					continue;
				}
				n = list_archive(inflated.data, inflated.len, &ipos, lo, what);
			}
		} else {
			log_error(
			    "%s: byte %zu starts neither a cpio archive nor zstd, lz4 (legacy) or gzip data (0x%02x): not an initramfs image, or compressed in a way baton does not write",
			    path, pos, data[pos]);
			r = -EINVAL;
			break;
		}
		if (n < 0) {
			log_error("%s: damaged cpio archive (part %d)", path, part + 1);
			r = -EBADMSG;
			break;
		}
		part++;
	}
	if (r >= 0 && lo->long_format)
		printf("# %zu modules, %llu bytes\n", lo->modules, lo->module_bytes);
	cpio_buf_free(&inflated);
	free(data);
	return r;
}

bool list_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--list") == 0)
			return true;
	return false;
}

int list_main(int argc, char **argv)
{
	struct list_opts lo = {0};
	const char *image = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0)
			continue;
		if (strcmp(argv[i], "--long") == 0 || strcmp(argv[i], "-l") == 0) {
			lo.long_format = true;
		} else if (argv[i][0] != '-' && !image) {
			image = argv[i];
		} else {
			log_error("--list: unexpected argument '%s' (usage: --list [--long] IMAGE)",
				  argv[i]);
			return OPTIONS_EXIT_USAGE;
		}
	}
	if (!image) {
		log_error("--list: which image? (usage: --list [--long] IMAGE)");
		return OPTIONS_EXIT_USAGE;
	}
	return list_image(image, &lo) < 0 ? OPTIONS_EXIT_FAILURE : OPTIONS_EXIT_OK;
}
