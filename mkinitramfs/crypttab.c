// SPDX-License-Identifier: MIT
/* The base directory's /etc/crypttab entries the root needs, with their keyfiles, in the image. */
#include "crypttab.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define CRYPTTAB_PATH "/etc/crypttab"
#define CRYPTTAB_FSTAB "/etc/fstab"

/* The n-th (0-based) blank-separated field of a line; its length in *len, NULL if none. */
static const char *field(const char *line, const char *end, unsigned n, size_t *len)
{
	const char *s = line;

	for (unsigned i = 0;; i++) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end)
			return NULL;
		*len = 0;
		while (s + *len < end && s[*len] != ' ' && s[*len] != '\t')
			(*len)++;
		if (i == n)
			return s;
		s += *len;
	}
}

/* The mapper name fstab mounts on / ("" if / is not on /dev/mapper/NAME), in name. */
static void root_mapper_name(const char *fstab, size_t len, char *name, size_t size)
{
	const char *end = fstab + len;

	name[0] = '\0';
	for (const char *s = fstab; fstab && s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end, *dev, *mnt;
		size_t dlen, mlen;

		dev = field(s, eol, 0, &dlen);
		mnt = field(s, eol, 1, &mlen);
		if (dev && *dev != '#' && mnt && mlen == 1 && *mnt == '/') {
			static const char *const prefixes[] = {"/dev/mapper/",
							       "/dev/disk/by-id/dm-name-"};

			for (size_t i = 0; i < 2; i++) {
				size_t p = strlen(prefixes[i]);

				if (dlen > p && dlen - p < size &&
				    memcmp(dev, prefixes[i], p) == 0) {
					memcpy(name, dev + p, dlen - p);
					name[dlen - p] = '\0';
				}
			}
		}
		s = eol + 1;
	}
}

/* Does the comma list of options (len bytes) hold "initramfs"? */
static bool has_initramfs_option(const char *opts, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *comma = memchr(opts + pos, ',', len - pos);
		size_t n = comma ? (size_t)(comma - (opts + pos)) : len - pos;

		if (n == 9 && memcmp(opts + pos, "initramfs", 9) == 0)
			return true;
		pos += n + 1;
	}
	return false;
}

/* Is the name (len bytes) one of names? */
static bool crypttab_named(const char *name, size_t len, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return false;
}

int crypttab_select(const char *crypttab, size_t len, const char *fstab, size_t fstab_len,
		    const char *const *names, size_t name_count, enum crypttab_mode mode, char *out,
		    size_t size)
{
	const char *end = crypttab + len;
	char root[NAME_MAX + 1];
	size_t used = 0;
	int picked = 0;

	if (!size)
		return -ENOSPC;
	out[0] = '\0';
	if (mode == CRYPTTAB_NONE)
		return 0;
	root_mapper_name(fstab, fstab ? fstab_len : 0, root, sizeof(root));
	for (const char *s = crypttab; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end, *name, *dev, *opts;
		size_t nlen, dlen, olen = 0, llen = (size_t)(eol - s);
		bool take;

		name = field(s, eol, 0, &nlen);
		dev = field(s, eol, 1, &dlen);
		opts = field(s, eol, 3, &olen);
		take = name && *name != '#' && dev &&
		       (mode == CRYPTTAB_ALL ||
			(root[0] && nlen == strlen(root) && memcmp(name, root, nlen) == 0) ||
			(opts && has_initramfs_option(opts, olen)) ||
			crypttab_named(name, nlen, names, name_count));
		if (take) {
			if (used + llen + 2 > size)
				return -ENOSPC;
			memcpy(out + used, s, llen);
			used += llen;
			out[used++] = '\n';
			out[used] = '\0';
			picked++;
		}
		s = eol + 1;
	}
	return picked;
}

/* Reads BASEDIR/path into a NUL-terminated buffer; -ENOENT when absent. */
static int read_base_file(struct tree *t, const char *path, char **ret, size_t *ret_len)
{
	char real[PATH_MAX], host[PATH_MAX];
	unsigned char *data = NULL;
	size_t len = 0;
	char *text;
	int r;

	r = tree_resolve(t, path, real);
	if (r < 0)
		return r;
	r = tree_host_path(t, real, host);
	if (r < 0)
		return r;
	r = util_read_file(host, &data, &len);
	if (r < 0)
		return r;
	if (len > CRYPTTAB_FILE_MAX) {
		free(data);
		return -EFBIG;
	}
	text = realloc(data, len + 1);
	if (!text) {
		free(data);
		return -ENOMEM;
	}
	text[len] = '\0';
	*ret = text;
	*ret_len = len;
	return 0;
}

/* The keyfile of each picked line, when it is a file of the base directory. */
static int add_keyfiles(struct tree *t, const char *lines, size_t *ret_keys)
{
	for (const char *s = lines; *s;) {
		const char *eol = strchr(s, '\n'), *key;
		char path[PATH_MAX];
		unsigned char *data = NULL;
		size_t klen, len;
		char real[PATH_MAX], host[PATH_MAX];
		int r;

		key = field(s, eol, 2, &klen);
		s = eol + 1;
		/* none, -, a device (a raw key), or "path:device" (read at boot from the device).
		 */
		if (!key || *key != '/' || klen >= sizeof(path) || memchr(key, ':', klen) ||
		    (klen > 5 && memcmp(key, "/dev/", 5) == 0))
			continue;
		memcpy(path, key, klen);
		path[klen] = '\0';
		r = tree_resolve(t, path, real);
		if (r >= 0)
			r = tree_host_path(t, real, host);
		if (r >= 0)
			r = util_read_file(host, &data, &len);
		if (r < 0)
			return log_error_errno(r, "crypttab keyfile %s%s cannot be read: %m",
					       t->shown_basedir, path);
		r = tree_add_data(t, path + 1, 0600, data, len);
		explicit_bzero(data, len);
		free(data);
		if (r < 0 && r != -EEXIST)
			return log_error_errno(r, "cannot add crypttab keyfile %s: %m", path);
		(*ret_keys)++;
	}
	return 0;
}

int crypttab_add(struct tree *t, enum crypttab_mode mode, const char *const *names,
		 size_t name_count, mode_t image_mode, size_t *ret_entries)
{
	char *tab = NULL, *fstab = NULL, *out = NULL;
	size_t len = 0, fstab_len = 0, keys = 0;
	int r, picked;

	*ret_entries = 0;
	if (mode == CRYPTTAB_NONE)
		return 0;
	r = read_base_file(t, CRYPTTAB_PATH, &tab, &len);
	if (r == -ENOENT && mode == CRYPTTAB_AUTO)
		return 0;
	if (r < 0)
		return log_error_errno(r, "--crypttab: cannot read %s%s: %m", t->shown_basedir,
				       CRYPTTAB_PATH);
	if (read_base_file(t, CRYPTTAB_FSTAB, &fstab, &fstab_len) < 0)
		fstab = NULL;
	out = malloc(len + 2);
	r = out ? 0 : -ENOMEM;
	picked =
	    out ? crypttab_select(tab, len, fstab, fstab_len, names, name_count, mode, out, len + 2)
		: 0;
	if (r == 0 && picked < 0)
		r = picked;
	if (r == 0 && picked > 0) {
		log_debug("crypttab: %d entries of %s%s:", picked, t->shown_basedir, CRYPTTAB_PATH);
		r = tree_add_data(t, "etc/crypttab", 0600, out, strlen(out));
		if (r < 0)
			log_error_errno(r, "cannot add /etc/crypttab: %m");
		else
			r = add_keyfiles(t, out, &keys);
	}
	if (r == 0 && keys && (image_mode & 077))
		log_warning(
		    "the image carries %zu crypttab keyfiles but --mode %04o lets others read it",
		    keys, (unsigned)image_mode);
	if (r == 0)
		*ret_entries = (size_t)picked;
	free(tab);
	free(fstab);
	free(out);
	return r;
}
