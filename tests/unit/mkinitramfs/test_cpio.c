// SPDX-License-Identifier: MIT
/* The cpio newc writer's exact bytes: headers, alignment, trailer, order, validation. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"
#include "macro.h"
#include "unit.h"

/* An mtime whose hex form (05F5E100) shows up clearly in expected headers. */
#define TEST_MTIME 100000000U

/* One parsed newc header; fields in the order of the format. */
struct test_hdr {
	unsigned long ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
	    rdevminor, namesize, check;
	const char *name;
	const unsigned char *data;
	size_t next; /* offset of the following header */
};

static size_t test_align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Parses the header at off; returns 0 or -1 if it is not a well-formed newc header. */
static int test_parse(const struct cpio_buf *b, size_t off, struct test_hdr *h)
{
	unsigned long *fields[] = {&h->ino,	 &h->mode,	&h->uid,       &h->gid,
				   &h->nlink,	 &h->mtime,	&h->filesize,  &h->devmajor,
				   &h->devminor, &h->rdevmajor, &h->rdevminor, &h->namesize,
				   &h->check};
	char field[9];

	if (off + CPIO_HEADER_SIZE > b->len || memcmp(b->data + off, "070701", 6) != 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *end;

		memcpy(field, b->data + off + 6 + 8 * i, 8);
		field[8] = '\0';
		*fields[i] = strtoul(field, &end, 16);
		if (*end)
			return -1;
	}
	h->name = (const char *)b->data + off + CPIO_HEADER_SIZE;
	h->data = b->data + test_align4(off + CPIO_HEADER_SIZE + h->namesize);
	h->next = test_align4((size_t)(h->data - b->data) + h->filesize);
	if (h->next > b->len || h->name[h->namesize - 1] != '\0')
		return -1;
	return 0;
}

static struct cpio_archive *test_new(void)
{
	struct cpio_archive *a = NULL;

	CHECK_INT(cpio_new(&a), 0);
	return a;
}

static void test_write(struct cpio_archive *a, uint32_t mtime, struct cpio_buf *b)
{
	*b = (struct cpio_buf){0};
	CHECK_INT(cpio_write(a, mtime, cpio_buf_sink, b), 0);
}

/* The bytes gen_init_cpio would write for "file /init ... 0755 0 0" holding "abc". */
static void test_file_header(void)
{
	static const char expected[] = "070701"
				       "00000001" /* ino: the first entry */
				       "000081ED" /* S_IFREG | 0755 */
				       "00000000" /* uid */
				       "00000000" /* gid */
				       "00000001" /* nlink */
				       "05F5E100" /* mtime */
				       "00000003" /* filesize */
				       "00000000" /* devmajor */
				       "00000000" /* devminor */
				       "00000000" /* rdevmajor */
				       "00000000" /* rdevminor */
				       "00000005" /* namesize: "init" and its NUL */
				       "00000000" /* check */
				       "init\0"
				       "\0"	/* 110 + 5 = 115, padded to 116 */
				       "abc\0"; /* data padded to 120 */
	struct cpio_archive *a = test_new();
	struct cpio_buf b;

	CHECK_INT(cpio_add_file(a, "/init", 0755, "abc", 3), 0);
	test_write(a, TEST_MTIME, &b);
	CHECK_INT(sizeof(expected) - 1, 120);
	CHECK(b.len >= sizeof(expected) - 1);
	CHECK(memcmp(b.data, expected, sizeof(expected) - 1) == 0);
	cpio_buf_free(&b);
	cpio_free(a);
}

static void test_dir_header(void)
{
	static const char expected[] = "070701"
				       "00000001"
				       "000041ED" /* S_IFDIR | 0755 */
				       "00000000"
				       "00000000"
				       "00000002" /* nlink 2 for directories */
				       "05F5E100"
				       "00000000" /* no data */
				       "00000000"
				       "00000000"
				       "00000000"
				       "00000000"
				       "00000004" /* "dev" and its NUL */
				       "00000000"
				       "dev\0"
				       "\0\0"; /* 110 + 4 = 114, padded to 116 */
	struct cpio_archive *a = test_new();
	struct cpio_buf b;

	CHECK_INT(cpio_add_dir(a, "dev", 0755), 0);
	test_write(a, TEST_MTIME, &b);
	CHECK(b.len >= sizeof(expected) - 1);
	CHECK(memcmp(b.data, expected, sizeof(expected) - 1) == 0);
	/* The trailer follows right after. */
	CHECK(memcmp(b.data + sizeof(expected) - 1, "070701", 6) == 0);
	cpio_buf_free(&b);
	cpio_free(a);
}

static void test_node_and_symlink(void)
{
	struct cpio_archive *a = test_new();
	struct test_hdr h;
	struct cpio_buf b;

	CHECK_INT(cpio_add_dir(a, "dev", 0755), 0);
	CHECK_INT(cpio_add_node(a, "dev/console", S_IFCHR, 0600, 5, 1), 0);
	CHECK_INT(cpio_add_symlink(a, "dev/stdin", "/proc/self/fd/0"), 0);
	test_write(a, 0, &b);
	CHECK_INT(test_parse(&b, 0, &h), 0);
	CHECK_INT(test_parse(&b, h.next, &h), 0);
	CHECK_STR(h.name, "dev/console");
	CHECK_INT(h.mode, S_IFCHR | 0600);
	CHECK_INT(h.rdevmajor, 5);
	CHECK_INT(h.rdevminor, 1);
	CHECK_INT(h.filesize, 0);
	CHECK_INT(h.nlink, 1);
	CHECK_INT(test_parse(&b, h.next, &h), 0);
	CHECK_STR(h.name, "dev/stdin");
	CHECK_INT(h.mode, S_IFLNK | 0777);
	CHECK_INT(h.filesize, strlen("/proc/self/fd/0"));
	CHECK(memcmp(h.data, "/proc/self/fd/0", h.filesize) == 0);
	CHECK_INT(h.ino, 3);
	cpio_buf_free(&b);
	cpio_free(a);
}

/* Names of every length mod 4 and data of every size mod 4 land on 4-byte boundaries. */
static void test_alignment(void)
{
	static const char *const names[] = {"a", "ab", "abc", "abcd", "abcde"};
	static const char data[] = "0123456789";
	struct cpio_archive *a = test_new();
	struct test_hdr h;
	struct cpio_buf b;
	size_t off = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		CHECK_INT(cpio_add_file(a, names[i], 0644, data, i), 0);
	test_write(a, 0, &b);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t name_end = off + CPIO_HEADER_SIZE + strlen(names[i]) + 1;

		CHECK_INT(off % 4, 0);
		CHECK_INT(test_parse(&b, off, &h), 0);
		CHECK_STR(h.name, names[i]);
		CHECK_INT(h.namesize, strlen(names[i]) + 1);
		CHECK_INT(h.filesize, i);
		CHECK_INT((size_t)(h.data - b.data), test_align4(name_end));
		CHECK(memcmp(h.data, data, i) == 0);
		/* Padding bytes are zeros. */
		for (size_t p = name_end; p < (size_t)(h.data - b.data); p++)
			CHECK_INT(b.data[p], 0);
		for (size_t p = (size_t)(h.data - b.data) + i; p < h.next; p++)
			CHECK_INT(b.data[p], 0);
		off = h.next;
	}
	cpio_buf_free(&b);
	cpio_free(a);
}

static void test_trailer(void)
{
	static const char expected[] = "070701"
				       "00000000" /* ino 0 */
				       "00000000" /* mode 0 */
				       "00000000"
				       "00000000"
				       "00000001" /* nlink 1 */
				       "00000000" /* mtime 0, whatever the entries' */
				       "00000000"
				       "00000000"
				       "00000000"
				       "00000000"
				       "00000000"
				       "0000000B" /* "TRAILER!!!" and its NUL */
				       "00000000"
				       "TRAILER!!!\0"
				       "\0\0\0"; /* 110 + 11 = 121, padded to 124 */
	struct cpio_archive *a = test_new();
	struct cpio_buf b;

	/* An empty archive is just the trailer, padded to a block. */
	test_write(a, TEST_MTIME, &b);
	CHECK_INT(b.len, CPIO_BLOCK);
	CHECK(memcmp(b.data, expected, sizeof(expected) - 1) == 0);
	for (size_t i = sizeof(expected) - 1; i < b.len; i++)
		CHECK_INT(b.data[i], 0);
	cpio_buf_free(&b);

	/* A bigger one ends with the trailer and zeros up to a multiple of the block. */
	static unsigned char big[CPIO_BLOCK * 3];
	struct test_hdr h;

	CHECK_INT(cpio_add_file(a, "big", 0644, big, sizeof(big)), 0);
	test_write(a, TEST_MTIME, &b);
	CHECK_INT(b.len % CPIO_BLOCK, 0);
	CHECK_INT(test_parse(&b, 0, &h), 0);
	CHECK_INT(test_parse(&b, h.next, &h), 0);
	CHECK_STR(h.name, "TRAILER!!!");
	CHECK(b.len - h.next < CPIO_BLOCK);
	CHECK(b.len > h.next);
	cpio_buf_free(&b);
	cpio_free(a);
}

/* Entries come out sorted, parents first, with inode numbers 1, 2, 3... in that order. */
static void test_order(void)
{
	static const char *const added[] = {
	    "lib/modules/6.1/kernel", "lib-x",	    "init", "dev", "lib/modules", "lib/a", "lib",
	    "lib/modules/6.1",	      "dev/console"};
	static const char *const written[] = {"dev",
					      "dev/console",
					      "init",
					      "lib",
					      "lib/a",
					      "lib/modules",
					      "lib/modules/6.1",
					      "lib/modules/6.1/kernel",
					      "lib-x",
					      "TRAILER!!!"};
	struct cpio_archive *a = test_new();
	struct test_hdr h;
	struct cpio_buf b;
	size_t off = 0;

	for (size_t i = 0; i < ARRAY_SIZE(added); i++) {
		if (strcmp(added[i], "init") == 0 || strcmp(added[i], "lib-x") == 0)
			CHECK_INT(cpio_add_file(a, added[i], 0755, "x", 1), 0);
		else if (strcmp(added[i], "dev/console") == 0)
			CHECK_INT(cpio_add_node(a, added[i], S_IFCHR, 0600, 5, 1), 0);
		else
			CHECK_INT(cpio_add_dir(a, added[i], 0755), 0);
	}
	CHECK_INT(cpio_count(a), ARRAY_SIZE(added));
	test_write(a, 0, &b);
	for (size_t i = 0; i < ARRAY_SIZE(written); i++) {
		CHECK_INT(test_parse(&b, off, &h), 0);
		CHECK_STR(h.name, written[i]);
		CHECK_INT(h.ino, i + 1 < ARRAY_SIZE(written) ? i + 1 : 0);
		CHECK_INT(h.uid, 0);
		CHECK_INT(h.gid, 0);
		off = h.next;
	}
	cpio_buf_free(&b);
	cpio_free(a);
}

static void test_path_cmp(void)
{
	CHECK(cpio_path_cmp("a", "a") == 0);
	CHECK(cpio_path_cmp("a", "a/b") < 0);
	CHECK(cpio_path_cmp("a/b", "a-b") < 0); /* '-' < '/' in ASCII, not in path order */
	CHECK(cpio_path_cmp("a/z", "a0") < 0);
	CHECK(cpio_path_cmp("b", "a/b") > 0);
	CHECK(cpio_path_cmp("lib/modules", "lib") > 0);
}

/* The same entries added in any order give the same bytes; mtime is the only input. */
static void test_reproducible(void)
{
	struct cpio_archive *a = test_new(), *c = test_new();
	struct cpio_buf x, y;

	CHECK_INT(cpio_add_dir(a, "etc", 0755), 0);
	CHECK_INT(cpio_add_file(a, "etc/initrd-release", 0644, "ID=baton\n", 9), 0);
	CHECK_INT(cpio_add_file(a, "init", 0755, "\177ELF", 4), 0);
	CHECK_INT(cpio_add_file(c, "init", 0755, "\177ELF", 4), 0);
	CHECK_INT(cpio_add_file(c, "/etc/initrd-release", 0644, "ID=baton\n", 9), 0);
	CHECK_INT(cpio_add_dir(c, "/etc", 0755), 0);
	test_write(a, TEST_MTIME, &x);
	test_write(c, TEST_MTIME, &y);
	CHECK_INT(x.len, y.len);
	CHECK(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
	cpio_buf_free(&y);
	test_write(c, TEST_MTIME + 1, &y);
	CHECK(x.len == y.len && memcmp(x.data, y.data, x.len) != 0);
	cpio_buf_free(&x);
	cpio_buf_free(&y);
	cpio_free(a);
	cpio_free(c);
}

static void test_bad_paths(void)
{
	static const char *const bad[] = {"",	   "/",	   "//",     "a//b",   "a/", "./a",
					  "a/./b", "a/..", "../etc", "a/../b", "."};
	struct cpio_archive *a = test_new();
	char *long_name = malloc(CPIO_NAME_MAX + 1);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = cpio_add_dir(a, bad[i], 0755);

		if (r != -EINVAL)
			fprintf(stderr, "  path \"%s\" gave %d\n", bad[i], r);
		CHECK_INT(r, -EINVAL);
	}
	CHECK_INT(cpio_add_dir(a, "a", 01777), 0);
	CHECK_INT(cpio_add_dir(a, "b", 0100755), -EINVAL); /* type bits are not permissions */
	CHECK_INT(cpio_add_node(a, "c", S_IFREG, 0644, 1, 3), -EINVAL);
	CHECK_INT(cpio_add_symlink(a, "d", ""), -EINVAL);
	CHECK(long_name != NULL);
	if (long_name) {
		memset(long_name, 'x', CPIO_NAME_MAX);
		long_name[CPIO_NAME_MAX] = '\0';
		CHECK_INT(cpio_add_dir(a, long_name, 0755), -ENAMETOOLONG);
		long_name[CPIO_NAME_MAX - 1] = '\0'; /* exactly the limit with its NUL */
		CHECK_INT(cpio_add_dir(a, long_name, 0755), 0);
	}
	CHECK_INT(cpio_count(a), 2);
	free(long_name);
	cpio_free(a);
}

static void test_consistency(void)
{
	struct cpio_archive *a = test_new();
	const char *path = NULL;
	struct cpio_buf b = {0};

	/* A duplicate. */
	CHECK_INT(cpio_add_dir(a, "etc", 0755), 0);
	CHECK_INT(cpio_add_file(a, "/etc", 0644, NULL, 0), 0);
	CHECK_INT(cpio_finalize(a, &path), -EEXIST);
	CHECK_STR(path, "etc");
	CHECK_INT(cpio_write(a, 0, cpio_buf_sink, &b), -EEXIST);
	CHECK_INT(b.len, 0);
	cpio_free(a);

	/* A missing parent. */
	a = test_new();
	CHECK_INT(cpio_add_dir(a, "lib", 0755), 0);
	CHECK_INT(cpio_add_file(a, "lib/modules/x.ko", 0644, "x", 1), 0);
	CHECK_INT(cpio_finalize(a, &path), -ENOENT);
	CHECK_STR(path, "lib/modules/x.ko");
	CHECK_INT(cpio_add_dir(a, "lib/modules", 0755), 0);
	CHECK_INT(cpio_finalize(a, &path), 0);
	cpio_free(a);

	/* A parent that is not a directory. */
	a = test_new();
	CHECK_INT(cpio_add_file(a, "init", 0755, "x", 1), 0);
	CHECK_INT(cpio_add_file(a, "init/x", 0644, "x", 1), 0);
	CHECK_INT(cpio_finalize(a, &path), -ENOTDIR);
	CHECK_STR(path, "init/x");
	cpio_free(a);
}

struct test_sink {
	size_t left; /* bytes accepted before failing */
	int calls;
};

static int test_failing_sink(void *userdata, const void *buf, size_t len)
{
	struct test_sink *s = userdata;

	(void)buf;
	s->calls++;
	if (len > s->left)
		return -ENOSPC;
	s->left -= len;
	return 0;
}

/* A sink error stops the write at once and is returned as is. */
static void test_sink_error(void)
{
	struct cpio_archive *a = test_new();
	struct test_sink s = {.left = CPIO_HEADER_SIZE + 3};

	CHECK_INT(cpio_add_file(a, "init", 0755, "abc", 3), 0);
	CHECK_INT(cpio_write(a, 0, test_failing_sink, &s), -ENOSPC);
	CHECK_INT(s.calls, 2); /* header, then the name fails */
	cpio_free(a);
}

const struct unit_case cpio_cases[] = {
    {"file_header", test_file_header},
    {"dir_header", test_dir_header},
    {"node_and_symlink", test_node_and_symlink},
    {"alignment", test_alignment},
    {"trailer", test_trailer},
    {"order", test_order},
    {"path_cmp", test_path_cmp},
    {"reproducible", test_reproducible},
    {"bad_paths", test_bad_paths},
    {"consistency", test_consistency},
    {"sink_error", test_sink_error},
    {NULL, NULL},
};
