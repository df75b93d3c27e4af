/* SPDX-License-Identifier: MIT */
/* A pure, reproducible cpio "newc" writer: entries in memory, bytes out through a sink. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Longest entry name, NUL included: the kernel's initramfs unpacker rejects longer names
 * (init/initramfs.c, do_header: name_len > PATH_MAX).
 */
#define CPIO_NAME_MAX 4096

/* The newc c_filesize field is 8 hex digits
 * (Documentation/driver-api/early-userspace/buffer-format.rst). */
#define CPIO_FILE_MAX 0xffffffffULL

/* Every header and every data block starts on a 4-byte boundary (same document). */
#define CPIO_ALIGN 4

/* The archive's total length is padded to this, as the kernel's gen_init_cpio and GNU cpio do. */
#define CPIO_BLOCK 512

/* Size of a newc header: the 6-byte magic and 13 fields of 8 hex digits. */
#define CPIO_HEADER_SIZE 110

struct cpio_archive;

/* Receives the archive's bytes in order; returns 0 or -errno, which stops the write. */
typedef int (*cpio_sink_fn)(void *userdata, const void *buf, size_t len);

/* A growable in-memory buffer, with cpio_buf_sink as its sink. */
struct cpio_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

int cpio_new(struct cpio_archive **ret);
void cpio_free(struct cpio_archive *a);

/*
 * Paths are relative to the image root; a leading '/' is accepted and dropped. "." and ".."
 * components, empty components and a trailing '/' are refused with -EINVAL. Modes are
 * permission bits only (07777). Data and link targets are copied.
 */
int cpio_add_dir(struct cpio_archive *a, const char *path, mode_t perm);
int cpio_add_file(struct cpio_archive *a, const char *path, mode_t perm, const void *data,
		  size_t size);
int cpio_add_symlink(struct cpio_archive *a, const char *path, const char *target);
int cpio_add_node(struct cpio_archive *a, const char *path, mode_t type, mode_t perm,
		  unsigned int major, unsigned int minor);

size_t cpio_count(const struct cpio_archive *a);

/*
 * Finds the entry at path (normalized as by cpio_add_*). Returns 0 with its mode (S_IFMT type
 * and permission bits) and, for a symbolic link, its target (not NUL-terminated: *ret_len
 * bytes) or, for a file, its contents; -ENOENT if there is none, -EINVAL for a bad path.
 * ret_data and ret_len may be NULL. The data stays valid until the next change.
 */
int cpio_lookup(const struct cpio_archive *a, const char *path, mode_t *ret_mode,
		const void **ret_data, size_t *ret_len);

/*
 * Sorts the entries (component by component, so a directory's subtree is contiguous and
 * follows it) and checks them: -EEXIST for a duplicate path, -ENOENT for an entry whose
 * parent directory is not in the archive, -ENOTDIR when that parent is not a directory.
 * On failure *ret_path (if not NULL) names the offending entry, valid until cpio_free().
 */
int cpio_finalize(struct cpio_archive *a, const char **ret_path);

/*
 * Finalizes, then writes every entry with sequential inode numbers from 1, uid and gid 0 and
 * the given mtime, then the TRAILER!!! entry and padding to CPIO_BLOCK.
 */
int cpio_write(struct cpio_archive *a, uint32_t mtime, cpio_sink_fn sink, void *userdata);

/* Orders two archive paths component by component ('/' sorts before every other byte). */
int cpio_path_cmp(const char *x, const char *y);

int cpio_buf_sink(void *userdata, const void *buf, size_t len);
void cpio_buf_free(struct cpio_buf *b);

/*
 * Calls fn for every entry with its path (normalized, no leading '/') and mode, in the order
 * added; stops at the first negative return and returns it, else 0.
 */
int cpio_for_each(const struct cpio_archive *a,
		  int (*fn)(const char *path, mode_t mode, void *userdata), void *userdata);
