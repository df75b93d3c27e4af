// SPDX-License-Identifier: MIT
/* The shutdown return: the list of files the init copies to /run/initramfs before the switch. */
#include "shutdown.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "binaries.h"
#include "cpio.h"
#include "log.h"
#include "macro.h"
#include "util.h"

/* The init's SHUTDOWN_LIST (init/shutdown.h), relative to the image root. */
#define SHUTDOWN_LIST "lib/baton/shutdown.list"

/* What the shutdown program runs (init/shutdown.c), from the top of a stack down. */
static const char *const shutdown_tools[] = {"lvm", "dmsetup", "cryptsetup", "mdadm"};
#define SHUTDOWN_TOOLS ARRAY_SIZE(shutdown_tools)

/* Where the tools are looked for in the image: the init's PATH. */
static const char *const shutdown_path[] = {"usr/sbin", "usr/bin", "sbin", "bin"};
#define SHUTDOWN_PATH ARRAY_SIZE(shutdown_path)

struct shutdown_text {
	char *buf;
	size_t len, cap;
	size_t files;
};

static int shutdown_text_add(struct shutdown_text *t, const char *line)
{
	size_t need = t->len + strlen(line) + 2;

	if (need > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		char *bigger;

		while (cap < need)
			cap *= 2;
		bigger = realloc(t->buf, cap);
		if (!bigger)
			return -ENOMEM;
		t->buf = bigger;
		t->cap = cap;
	}
	t->len += (size_t)sprintf(t->buf + t->len, "%s\n", line);
	return 0;
}

struct shutdown_paths {
	char **v;
	size_t n, cap;
};

/* Collects the files and links of the scratch archive: directories are made as met. */
static int shutdown_collect(const char *path, mode_t mode, void *userdata)
{
	struct shutdown_paths *p = userdata;

	if (S_ISDIR(mode))
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	if (asprintf(&p->v[p->n], "/%s", path) < 0)
		return -ENOMEM;
	p->n++;
	return 0;
}

static int shutdown_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The image path of a stack tool the image holds, or -ENOENT. */
static int shutdown_find_tool(struct tree *t, const char *name, char *ret)
{
	for (size_t i = 0; i < SHUTDOWN_PATH; i++) {
		if (util_pathf(ret, "/%s/%s", shutdown_path[i], name) < 0)
			continue;
		if (tree_exists(t, ret))
			return 0;
	}
	return -ENOENT;
}

/*
 * The tools' closure, computed by adding them again to a scratch archive from the same base
 * directory: exactly the files and links binaries_add() put in the image for them.
 */
static int shutdown_closure(struct tree *t, struct shutdown_paths *ret, size_t *ret_tools)
{
	struct cpio_archive *scratch = NULL;
	struct tree st = *t;
	struct binaries *b = NULL;
	char path[PATH_MAX];
	int r;

	*ret_tools = 0;
	r = cpio_new(&scratch);
	if (r < 0)
		return log_error_errno(r, "out of memory");
	st.a = scratch;
	r = binaries_new(&st, &b);
	for (size_t i = 0; r >= 0 && i < SHUTDOWN_TOOLS; i++) {
		if (shutdown_find_tool(t, shutdown_tools[i], path) < 0)
			continue;
		log_debug("  %s (shutdown return)", path);
		r = binaries_add(b, path, "the shutdown return");
		(*ret_tools)++;
	}
	if (r >= 0)
		r = cpio_for_each(scratch, shutdown_collect, ret);
	binaries_free(b);
	cpio_free(scratch);
	return r;
}

int shutdown_add(struct tree *t, enum shutdown_mode mode, size_t *ret_files)
{
	struct shutdown_paths paths = {0};
	struct shutdown_text text = {0};
	size_t tools = 0;
	int r;

	*ret_files = 0;
	if (mode == SHUTDOWN_OFF)
		return 0;
	r = shutdown_closure(t, &paths, &tools);
	if (r < 0)
		goto out;
	if (mode == SHUTDOWN_AUTO && !tools) {
		log_debug("no stack tool in the image: no shutdown return (--shutdown forces one)");
		goto out;
	}
	qsort(paths.v, paths.n, sizeof(paths.v[0]), shutdown_cmp);
	r = shutdown_text_add(
	    &text,
	    "# Copied to /run/initramfs before the switch, with /init as /run/initramfs/shutdown (systemd-shutdown runs it).");
	for (size_t i = 0; r >= 0 && i < paths.n; i++)
		r = shutdown_text_add(&text, paths.v[i]);
	if (r < 0) {
		log_error_errno(r, "out of memory");
		goto out;
	}
	r = tree_add_data(t, SHUTDOWN_LIST, 0644, text.buf, text.len);
	if (r < 0) {
		log_error_errno(r, "cannot add /%s: %m", SHUTDOWN_LIST);
		goto out;
	}
	*ret_files = paths.n;
	r = 1;
	log_debug("shutdown return: %zu stack tools, %zu files and links listed in /%s", tools,
		  paths.n, SHUTDOWN_LIST);
out:
	for (size_t i = 0; i < paths.n; i++)
		free(paths.v[i]);
	free(paths.v);
	free(text.buf);
	return r;
}
