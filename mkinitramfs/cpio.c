// SPDX-License-Identifier: MIT
/* A pure, reproducible cpio "newc" writer: entries in memory, bytes out through a sink. */
#include "cpio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The newc magic; "070702" would ask for checksums, which the kernel ignores anyway. */
#define CPIO_MAGIC "070701"

/* Name of the entry that ends every cpio archive. */
#define CPIO_TRAILER "TRAILER!!!"

/* Starting capacity of the entry array; it doubles from there. */
#define CPIO_INITIAL_ENTRIES 64

struct cpio_entry {
	char *name;
	mode_t mode; /* S_IFMT type and permission bits */
	unsigned int rdev_major;
	unsigned int rdev_minor;
	unsigned char *data; /* file contents or symlink target, NULL when empty */
	size_t size;
};

struct cpio_archive {
	struct cpio_entry *entries;
	size_t count;
	size_t cap;
	bool finalized;
};

int cpio_new(struct cpio_archive **ret)
{
	struct cpio_archive *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	*ret = a;
	return 0;
}

void cpio_free(struct cpio_archive *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->count; i++) {
		free(a->entries[i].name);
		free(a->entries[i].data);
	}
	free(a->entries);
	free(a);
}

size_t cpio_count(const struct cpio_archive *a)
{
	return a->count;
}

/* Checks a path and returns it without its leading '/', or NULL (errno-style code in *err). */
static const char *cpio_normalize(const char *path, int *err)
{
	const char *p, *component;

	while (*path == '/')
		path++;
	if (strlen(path) + 1 > CPIO_NAME_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	if (!*path) {
		*err = -EINVAL;
		return NULL;
	}
	component = path;
	for (p = path;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		size_t len = (size_t)(p - component);

		if (len == 0 || (len == 1 && component[0] == '.') ||
		    (len == 2 && component[0] == '.' && component[1] == '.')) {
			*err = -EINVAL;
			return NULL;
		}
		if (*p == '\0')
			break;
		component = p + 1;
	}
	return path;
}

int cpio_lookup(const struct cpio_archive *a, const char *path, mode_t *ret_mode,
		const void **ret_data, size_t *ret_len)
{
	const char *name;
	int r = 0;

	name = cpio_normalize(path, &r);
	if (!name)
		return r;
	/* Linear: images hold a few thousand entries and callers look up a few thousand times. */
	for (size_t i = 0; i < a->count; i++) {
		const struct cpio_entry *e = &a->entries[i];

		if (strcmp(e->name, name) != 0)
			continue;
		if (ret_mode)
			*ret_mode = e->mode;
		if (ret_data)
			*ret_data = e->data;
		if (ret_len)
			*ret_len = e->size;
		return 0;
	}
	return -ENOENT;
}

static int cpio_add(struct cpio_archive *a, const char *path, mode_t mode, unsigned int major,
		    unsigned int minor, const void *data, size_t size)
{
	struct cpio_entry *e;
	const char *name;
	int r = 0;

	name = cpio_normalize(path, &r);
	if (!name)
		return r;
	if ((unsigned long long)size > CPIO_FILE_MAX)
		return -EFBIG;
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : CPIO_INITIAL_ENTRIES;
		struct cpio_entry *entries = reallocarray(a->entries, cap, sizeof(*entries));

		if (!entries)
			return -ENOMEM;
		a->entries = entries;
		a->cap = cap;
	}
	e = &a->entries[a->count];
	*e = (struct cpio_entry){
	    .mode = mode, .rdev_major = major, .rdev_minor = minor, .size = size};
	e->name = strdup(name);
	if (!e->name)
		return -ENOMEM;
	if (size) {
		e->data = malloc(size);
		if (!e->data) {
			free(e->name);
			return -ENOMEM;
		}
		memcpy(e->data, data, size);
	}
	a->count++;
	a->finalized = false;
	return 0;
}

int cpio_add_dir(struct cpio_archive *a, const char *path, mode_t perm)
{
	if (perm & ~07777)
		return -EINVAL;
	return cpio_add(a, path, S_IFDIR | perm, 0, 0, NULL, 0);
}

int cpio_add_file(struct cpio_archive *a, const char *path, mode_t perm, const void *data,
		  size_t size)
{
	if (perm & ~07777 || (size && !data))
		return -EINVAL;
	return cpio_add(a, path, S_IFREG | perm, 0, 0, data, size);
}

int cpio_add_symlink(struct cpio_archive *a, const char *path, const char *target)
{
	size_t len = strlen(target);

	/* The kernel reads link targets as names: same limit (init/initramfs.c, do_symlink). */
	if (len == 0)
		return -EINVAL;
	if (len + 1 > CPIO_NAME_MAX)
		return -ENAMETOOLONG;
	return cpio_add(a, path, S_IFLNK | 0777, 0, 0, target, len);
}

int cpio_add_node(struct cpio_archive *a, const char *path, mode_t type, mode_t perm,
		  unsigned int major, unsigned int minor)
{
	if (perm & ~07777)
		return -EINVAL;
	if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	return cpio_add(a, path, type | perm, major, minor, NULL, 0);
}

/* Rank of a byte in path order: the end of the string, then '/', then everything else. */
static int cpio_path_rank(unsigned char c)
{
	if (c == '\0')
		return 0;
	if (c == '/')
		return 1;
	return (int)c + 1;
}

int cpio_path_cmp(const char *x, const char *y)
{
	const unsigned char *p = (const unsigned char *)x, *q = (const unsigned char *)y;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return cpio_path_rank(*p) - cpio_path_rank(*q);
}

static int cpio_entry_cmp(const void *x, const void *y)
{
	const struct cpio_entry *e = x, *f = y;

	return cpio_path_cmp(e->name, f->name);
}

/* Binary search over the sorted entries for the directory that should hold entry i. */
static const struct cpio_entry *cpio_find_parent(const struct cpio_archive *a, size_t i)
{
	const char *name = a->entries[i].name, *slash = strrchr(name, '/');
	struct cpio_entry key;
	char parent[CPIO_NAME_MAX];

	memcpy(parent, name, (size_t)(slash - name));
	parent[slash - name] = '\0';
	key.name = parent;
	/* Parents sort before their children, so only entries [0, i) can match. */
	return bsearch(&key, a->entries, i, sizeof(key), cpio_entry_cmp);
}

int cpio_finalize(struct cpio_archive *a, const char **ret_path)
{
	if (a->finalized)
		return 0;
	if (a->count)
		qsort(a->entries, a->count, sizeof(a->entries[0]), cpio_entry_cmp);
	for (size_t i = 0; i < a->count; i++) {
		const struct cpio_entry *parent;
		int r = 0;

		if (i > 0 && strcmp(a->entries[i - 1].name, a->entries[i].name) == 0)
			r = -EEXIST;
		else if (strchr(a->entries[i].name, '/')) {
			parent = cpio_find_parent(a, i);
			if (!parent)
				r = -ENOENT;
			else if (!S_ISDIR(parent->mode))
				r = -ENOTDIR;
		}
		if (r < 0) {
			if (ret_path)
				*ret_path = a->entries[i].name;
			return r;
		}
	}
	a->finalized = true;
	return 0;
}

/* Writes zero bytes so that the stream offset becomes a multiple of align. */
static int cpio_pad(cpio_sink_fn sink, void *userdata, unsigned long long *offset, size_t align)
{
	static const unsigned char zeros[CPIO_BLOCK];
	size_t pad = (size_t)((align - *offset % align) % align);
	int r;

	if (!pad)
		return 0;
	r = sink(userdata, zeros, pad);
	if (r < 0)
		return r;
	*offset += pad;
	return 0;
}

static int cpio_put(cpio_sink_fn sink, void *userdata, unsigned long long *offset, const void *buf,
		    size_t len)
{
	int r;

	if (!len)
		return 0;
	r = sink(userdata, buf, len);
	if (r < 0)
		return r;
	*offset += len;
	return 0;
}

static int cpio_write_entry(cpio_sink_fn sink, void *userdata, unsigned long long *offset,
			    const struct cpio_entry *e, unsigned long ino, uint32_t mtime)
{
	char header[CPIO_HEADER_SIZE + 1];
	size_t namesize = strlen(e->name) + 1;
	unsigned long nlink = S_ISDIR(e->mode) ? 2 : 1;
	int n, r;

	/*
	 * Fields: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor
	 * namesize check. The device holding the file is meaningless here: 0 keeps builds
	 * reproducible. Upper-case hex, like the kernel's usr/gen_init_cpio.c.
	 */
	n = snprintf(header, sizeof(header),
		     "%s%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX",
		     CPIO_MAGIC, ino, (unsigned long)e->mode, 0UL, 0UL, nlink, (unsigned long)mtime,
		     (unsigned long)e->size, 0UL, 0UL, (unsigned long)e->rdev_major,
		     (unsigned long)e->rdev_minor, (unsigned long)namesize, 0UL);
	if (n != CPIO_HEADER_SIZE)
		return -EOVERFLOW;
	r = cpio_put(sink, userdata, offset, header, CPIO_HEADER_SIZE);
	if (r < 0)
		return r;
	r = cpio_put(sink, userdata, offset, e->name, namesize);
	if (r < 0)
		return r;
	r = cpio_pad(sink, userdata, offset, CPIO_ALIGN);
	if (r < 0)
		return r;
	r = cpio_put(sink, userdata, offset, e->data, e->size);
	if (r < 0)
		return r;
	return cpio_pad(sink, userdata, offset, CPIO_ALIGN);
}

int cpio_write(struct cpio_archive *a, uint32_t mtime, cpio_sink_fn sink, void *userdata)
{
	const struct cpio_entry trailer = {.name = (char *)CPIO_TRAILER, .mode = 0};
	unsigned long long offset = 0;
	int r;

	r = cpio_finalize(a, NULL);
	if (r < 0)
		return r;
	/* 8 hex digits of inode number: more entries than that cannot be numbered. */
	if ((unsigned long long)a->count >= 0xffffffffULL)
		return -EOVERFLOW;
	for (size_t i = 0; i < a->count; i++) {
		r = cpio_write_entry(sink, userdata, &offset, &a->entries[i], (unsigned long)i + 1,
				     mtime);
		if (r < 0)
			return r;
	}
	/* The trailer: inode 0, mode 0, nlink 1, mtime 0, as gen_init_cpio writes it. */
	r = cpio_write_entry(sink, userdata, &offset, &trailer, 0, 0);
	if (r < 0)
		return r;
	return cpio_pad(sink, userdata, &offset, CPIO_BLOCK);
}

int cpio_buf_sink(void *userdata, const void *buf, size_t len)
{
	struct cpio_buf *b = userdata;

	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : CPIO_BLOCK;
		unsigned char *data;

		while (len > cap - b->len) {
			if (cap > SIZE_MAX / 2)
				return -ENOMEM;
			cap *= 2;
		}
		data = realloc(b->data, cap);
		if (!data)
			return -ENOMEM;
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, buf, len);
	b->len += len;
	return 0;
}

void cpio_buf_free(struct cpio_buf *b)
{
	free(b->data);
	*b = (struct cpio_buf){0};
}

int cpio_for_each(const struct cpio_archive *a,
		  int (*fn)(const char *path, mode_t mode, void *userdata), void *userdata)
{
	for (size_t i = 0; i < a->count; i++) {
		int r = fn(a->entries[i].name, a->entries[i].mode, userdata);

		if (r < 0)
			return r;
	}
	return 0;
}
