// SPDX-License-Identifier: MIT
/* Writes a closure's modules, decompressed, into the staging tree, then its boot indexes. */
#include "modstage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "depmod.h"
#include "log.h"
#include "util.h"

static int modstage_file_cmp(const void *x, const void *y)
{
	const struct closure_file *f = x, *g = y;

	return strcmp(f->rel, g->rel);
}

/* Writes one module under DIR, decompressed. Returns its size on disk or -errno. */
static int modstage_one(const struct closure_file *f, const char *dir, size_t *ret_size)
{
	unsigned char *data = NULL, *plain = NULL;
	char path[PATH_MAX], parent[PATH_MAX];
	size_t len, plain_len;
	enum compress_format format;
	int r;

	r = util_pathf(path, "%s/%s", dir, f->rel);
	if (r < 0)
		return log_error_errno(r, "path too long: %s/%s", dir, f->rel);
	memcpy(parent, path, sizeof(parent));
	*strrchr(parent, '/') = '\0';
	r = util_mkdir_p(parent, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", parent);
	r = util_read_file(f->src, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read module %s: %m", f->src);
	format = compress_detect(data, len);
	if (format != COMPRESS_NONE) {
		r = compress_unpack(data, len, &plain, &plain_len);
		if (r < 0) {
			log_error_errno(r, "cannot decompress module %s (%s): %m", f->src,
					compress_format_name(format));
			goto out;
		}
	}
	r = util_write_file(path, plain ? plain : data, plain ? plain_len : len, 0644);
	if (r < 0) {
		log_error_errno(r, "cannot write %s: %m", path);
		goto out;
	}
	*ret_size = plain ? plain_len : len;
out:
	free(data);
	free(plain);
	return r;
}

int modstage_write(struct closure *c, const char *root)
{
	const struct kernel_source *src = closure_source(c);
	struct closure_file *files;
	size_t count = closure_files(c, &files), total = 0;
	char dir[PATH_MAX];
	int r;

	r = util_pathf(dir, "%s/lib/modules/%s", root, src->kver);
	if (r < 0)
		return log_error_errno(r, "path too long: %s", root);
	r = util_mkdir_p(dir, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", dir);
	r = depmod_link_usr(root);
	if (r < 0)
		return r;

	/* Sorted so that messages and any failure come out the same from run to run. */
	if (count)
		qsort(files, count, sizeof(files[0]), modstage_file_cmp);
	for (size_t i = 0; i < count; i++) {
		size_t size = 0;

		r = util_interrupted();
		if (r < 0)
			return r;
		r = modstage_one(&files[i], dir, &size);
		if (r < 0)
			return r;
		total += size;
	}
	log_debug("staged %zu modules, %zu bytes, in %s", count, total, dir);
	return depmod_index_image(src, closure_workdir(c), root);
}
