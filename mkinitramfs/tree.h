/* SPDX-License-Identifier: MIT */
/* Copies files from the base directory into the image, keeping symbolic links as links. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cpio.h"

/* Symbolic links followed while resolving one path: Linux's limit (include/linux/namei.h). */
#define TREE_LINKS_MAX 40

/* Nesting of a directory copied whole (themes, hook file lists). */
#define TREE_DEPTH_MAX 32

struct tree {
	struct cpio_archive *a;
	const char *basedir;	   /* absolute, no trailing '/', "" for the host's root */
	const char *shown_basedir; /* as the user gave it, for messages */
};

/*
 * Resolves path (absolute) inside the base directory as a process chrooted there would:
 * every symbolic link is followed, absolute targets and ".." stay inside it. *ret (PATH_MAX
 * bytes) gets the canonical path, "/" for the root. -ENOENT, -ENOTDIR, -ELOOP on failure.
 */
int tree_resolve(const struct tree *t, const char *path, char *ret);

/* Joins the base directory and a canonical path into a host path (PATH_MAX bytes). */
int tree_host_path(const struct tree *t, const char *path, char *ret);

/*
 * Copies path from the base directory to the same path in the image, with every symbolic
 * link met on the way kept as a link and its target copied too. Where the base directory
 * has a link but the image already holds a real directory (the image's /lib and /sbin on a
 * merged-/usr system), the directory stays and the link moves one level down (lib/x86_64-
 * linux-gnu -> /usr/lib/x86_64-linux-gnu). Entries already in the image are kept. *ret_real
 * (PATH_MAX bytes, may be NULL) gets the canonical path of what path names. Does not log.
 */
int tree_import(struct tree *t, const char *path, char *ret_real);

/*
 * Like tree_import, then, for a directory, its whole contents. Links that lead nowhere
 * inside the directory are skipped with a warning.
 */
int tree_import_all(struct tree *t, const char *path);

/*
 * Adds a file, link or directory the generator makes itself, creating missing parent
 * directories and following the image's own links on the way (so "bin/sh" lands in
 * usr/bin when the image's /bin links there). -EEXIST if the path is taken; tree_add_dir
 * accepts an existing directory.
 */
int tree_add_data(struct tree *t, const char *path, mode_t perm, const void *data, size_t len);
int tree_add_symlink(struct tree *t, const char *path, const char *target);
int tree_add_dir(struct tree *t, const char *path);

/* Does the image hold path, following the image's own links? */
bool tree_exists(const struct tree *t, const char *path);
