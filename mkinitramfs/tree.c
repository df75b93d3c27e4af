// SPDX-License-Identifier: MIT
/* Copies files from the base directory into the image, keeping symbolic links as links. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Mode of the directories the generator creates itself. */
#define TREE_DIR_MODE 0755

/* Copies the next component of *p into comp (NAME_MAX + 1 bytes); false at the end. */
static bool tree_next(const char **p, char *comp)
{
	const char *s = *p;
	size_t n;

	while (*s == '/')
		s++;
	n = strcspn(s, "/");
	if (n == 0) {
		*p = s;
		return false;
	}
	if (n > NAME_MAX)
		n = NAME_MAX; /* lstat then fails with ENOENT: no such name can exist */
	memcpy(comp, s, n);
	comp[n] = '\0';
	*p = s + strcspn(s, "/");
	return true;
}

/* Is anything but slashes left in p? */
static bool tree_more(const char *p)
{
	return p[strspn(p, "/")] != '\0';
}

/* Cuts the last component of a canonical path ("" is the root). */
static void tree_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash)
		*slash = '\0';
}

/* Replaces the walk's remaining path with target followed by rest; an absolute target
 * restarts from the root (cur becomes ""). */
static int tree_splice(char *todo, const char **p, const char *target, char *cur)
{
	char tmp[PATH_MAX];
	int r;

	r = util_pathf(tmp, "%s/%s", target, *p);
	if (r < 0)
		return r;
	memcpy(todo, tmp, PATH_MAX);
	*p = todo;
	if (target[0] == '/')
		cur[0] = '\0';
	return 0;
}

static int tree_readlink(const char *host, char *target)
{
	ssize_t n = readlink(host, target, PATH_MAX - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	return n ? 0 : -EINVAL;
}

int tree_host_path(const struct tree *t, const char *path, char *ret)
{
	return util_pathf(ret, "%s%s", t->basedir, path[0] ? path : "/");
}

int tree_resolve(const struct tree *t, const char *path, char *ret)
{
	char todo[PATH_MAX], cur[PATH_MAX] = "", comp[NAME_MAX + 1];
	const char *p;
	int links = 0, r;

	if (path[0] != '/')
		return -EINVAL;
	r = util_pathf(todo, "%s", path);
	if (r < 0)
		return r;
	p = todo;
	while (tree_next(&p, comp)) {
		char next[PATH_MAX], host[PATH_MAX], target[PATH_MAX];
		struct stat st;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			tree_parent(cur);
			continue;
		}
		r = util_pathf(next, "%s/%s", cur, comp);
		if (r >= 0)
			r = tree_host_path(t, next, host);
		if (r < 0)
			return r;
		if (lstat(host, &st) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode)) {
			if (++links > TREE_LINKS_MAX)
				return -ELOOP;
			r = tree_readlink(host, target);
			if (r >= 0)
				r = tree_splice(todo, &p, target, cur);
			if (r < 0)
				return r;
			continue;
		}
		if (!S_ISDIR(st.st_mode) && tree_more(p))
			return -ENOTDIR;
		memcpy(cur, next, sizeof(cur));
	}
	return util_pathf(ret, "%s", cur[0] ? cur : "/");
}

/* The image's entry at path: 0 with its mode, -ENOENT. The root always exists. */
static int tree_image_mode(const struct tree *t, const char *path, mode_t *ret_mode)
{
	if (!path[0] || strcmp(path, "/") == 0) {
		*ret_mode = S_IFDIR | TREE_DIR_MODE;
		return 0;
	}
	return cpio_lookup(t->a, path, ret_mode, NULL, NULL);
}

/*
 * Resolves path inside the image itself (its links, not the base directory's), creating
 * missing directories when mkdir is set. *ret gets the resolved path of the parent directory
 * and name its last component. -ENOENT (no mkdir), -ENOTDIR, -ELOOP.
 */
static int tree_image_parent(struct tree *t, const char *path, bool mkdir, char *ret_dir,
			     char *ret_name)
{
	char todo[PATH_MAX], cur[PATH_MAX] = "", comp[NAME_MAX + 1];
	const char *p;
	int links = 0, r;

	r = util_pathf(todo, "/%s", path);
	if (r < 0)
		return r;
	p = todo;
	if (!tree_next(&p, comp))
		return -EINVAL;
	for (;;) {
		char next[PATH_MAX], target[PATH_MAX];
		const void *data;
		size_t len;
		mode_t mode;

		if (!tree_more(p)) {
			if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
				return -EINVAL;
			memcpy(ret_dir, cur, PATH_MAX);
			memcpy(ret_name, comp, NAME_MAX + 1);
			return 0;
		}
		if (strcmp(comp, "..") == 0) {
			tree_parent(cur);
		} else if (strcmp(comp, ".") != 0) {
			r = util_pathf(next, "%s/%s", cur, comp);
			if (r < 0)
				return r;
			r = cpio_lookup(t->a, next, &mode, &data, &len);
			if (r == -ENOENT && mkdir) {
				r = cpio_add_dir(t->a, next, TREE_DIR_MODE);
				mode = S_IFDIR;
			}
			if (r < 0)
				return r;
			if (S_ISLNK(mode)) {
				if (++links > TREE_LINKS_MAX || len >= PATH_MAX)
					return -ELOOP;
				memcpy(target, data, len);
				target[len] = '\0';
				r = tree_splice(todo, &p, target, cur);
				if (r < 0)
					return r;
			} else if (S_ISDIR(mode)) {
				memcpy(cur, next, sizeof(cur));
			} else {
				return -ENOTDIR;
			}
		}
		if (!tree_next(&p, comp))
			return -EINVAL;
	}
}

bool tree_exists(const struct tree *t, const char *path)
{
	char dir[PATH_MAX], name[NAME_MAX + 1], full[PATH_MAX];
	mode_t mode;

	if (tree_image_parent((struct tree *)t, path, false, dir, name) < 0 ||
	    util_pathf(full, "%s/%s", dir, name) < 0)
		return false;
	return tree_image_mode(t, full, &mode) == 0;
}

/*
 * The image path of a new entry at PATH: its parent resolved through the image's own links
 * (and created), -EEXIST when something is there already.
 */
static int tree_new_entry(struct tree *t, const char *path, char full[PATH_MAX])
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	mode_t mode;
	int r;

	r = tree_image_parent(t, path, true, dir, name);
	if (r >= 0)
		r = util_pathf(full, "%s/%s", dir, name);
	if (r < 0)
		return r;
	return tree_image_mode(t, full, &mode) == 0 ? -EEXIST : 0;
}

int tree_add_data(struct tree *t, const char *path, mode_t perm, const void *data, size_t len)
{
	char full[PATH_MAX];
	int r = tree_new_entry(t, path, full);

	return r < 0 ? r : cpio_add_file(t->a, full, perm, data, len);
}

int tree_add_symlink(struct tree *t, const char *path, const char *target)
{
	char full[PATH_MAX];
	int r = tree_new_entry(t, path, full);

	return r < 0 ? r : cpio_add_symlink(t->a, full, target);
}

int tree_add_dir(struct tree *t, const char *path)
{
	char dir[PATH_MAX], name[NAME_MAX + 1], full[PATH_MAX];
	mode_t mode;
	int r;

	r = tree_image_parent(t, path, true, dir, name);
	if (r >= 0)
		r = util_pathf(full, "%s/%s", dir, name);
	if (r < 0)
		return r;
	if (tree_image_mode(t, full, &mode) == 0)
		return S_ISDIR(mode) ? 0 : -EEXIST;
	return cpio_add_dir(t->a, full, TREE_DIR_MODE);
}

/* Copies the regular file at the canonical path into the image at the same path. */
static int tree_copy_file(struct tree *t, const char *path, const struct stat *st)
{
	char host[PATH_MAX];
	unsigned char *data;
	size_t len;
	int r;

	r = tree_host_path(t, path, host);
	if (r < 0)
		return r;
	r = util_read_file(host, &data, &len);
	if (r < 0)
		return r;
	/* No set-user-ID or sticky bits: everything in the image runs as root anyway. */
	r = cpio_add_file(t->a, path, st->st_mode & 0777, data, len);
	free(data);
	return r;
}

/*
 * A link met on the way: added to the image unless the image has that path already, where it
 * must then be a link too (the same one, since both come from the same tree).
 */
static int tree_put_link(struct tree *t, bool in_image, mode_t mode, const char *path,
			 const char *target)
{
	if (in_image)
		return S_ISLNK(mode) ? 0 : -EEXIST;
	return cpio_add_symlink(t->a, path, target);
}

/*
 * Adds one component of tree_import()'s walk that is not a link: a directory (more to come
 * or not) or, last, a regular file. image_mode is the image's entry there, NULL if none.
 */
static int tree_add_node(struct tree *t, const char *next, const char *next_img,
			 const struct stat *st, const mode_t *image_mode, bool more)
{
	if (S_ISDIR(st->st_mode)) {
		if (!image_mode)
			return cpio_add_dir(t->a, next_img, st->st_mode & 0777);
		return S_ISDIR(*image_mode) ? 0 : -EEXIST;
	}
	if (more)
		return -ENOTDIR;
	if (S_ISREG(st->st_mode)) {
		if (!image_mode)
			return tree_copy_file(t, next, st);
		return S_ISREG(*image_mode) ? 0 : -EEXIST;
	}
	/* Device nodes, sockets, FIFOs: nothing the image should copy. */
	return -EPERM;
}

/*
 * Over 80 lines on purpose: one walk whose state (todo, p, cur, img, diverged, links) changes
 * together at every step; the steps that need none of it are the helpers above.
 */
int tree_import(struct tree *t, const char *path, char *ret_real)
{
	/*
	 * Two paths walk together: cur, canonical in the base directory, and img, where the
	 * image holds real directories. They differ only after a link of the base directory
	 * met a real directory of the image.
	 */
	char todo[PATH_MAX], cur[PATH_MAX] = "", img[PATH_MAX] = "", comp[NAME_MAX + 1];
	bool diverged = false;
	const char *p;
	int links = 0, r;

	if (path[0] != '/')
		return -EINVAL;
	r = util_pathf(todo, "%s", path);
	if (r < 0)
		return r;
	p = todo;
	while (tree_next(&p, comp)) {
		char next[PATH_MAX], next_img[PATH_MAX], host[PATH_MAX], target[PATH_MAX];
		struct stat st;
		mode_t mode;
		bool in_image;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* cur is canonical, so its parent is the physical one. */
			tree_parent(cur);
			memcpy(img, cur, sizeof(img));
			diverged = false;
			continue;
		}
		r = util_pathf(next, "%s/%s", cur, comp);
		if (r >= 0)
			r = util_pathf(next_img, "%s/%s", img, comp);
		if (r >= 0)
			r = tree_host_path(t, next, host);
		if (r < 0)
			return r;
		if (lstat(host, &st) < 0)
			return -errno;
		in_image = tree_image_mode(t, next_img, &mode) == 0;

		if (diverged) {
			char real[PATH_MAX];

			r = tree_resolve(t, next, real);
			if (r < 0)
				return r;
			if (in_image && S_ISDIR(mode) && tree_more(p)) {
				/* Still a real directory of the image: go on one more level down.
				 */
				memcpy(img, next_img, sizeof(img));
				memcpy(cur, real, sizeof(cur));
				continue;
			}
			r = tree_put_link(t, in_image, mode, next_img, real);
			if (r < 0)
				return r;
			/* Then the link's target, from the root again. */
			r = tree_splice(todo, &p, real, cur);
			if (r < 0)
				return r;
			img[0] = '\0';
			diverged = false;
			continue;
		}

		if (S_ISLNK(st.st_mode)) {
			if (++links > TREE_LINKS_MAX)
				return -ELOOP;
			if (in_image && S_ISDIR(mode)) {
				char real[PATH_MAX];

				if (!tree_more(p))
					return -EEXIST;
				r = tree_resolve(t, next, real);
				if (r < 0)
					return r;
				memcpy(img, next_img, sizeof(img));
				memcpy(cur, real, sizeof(cur));
				diverged = true;
				continue;
			}
			r = tree_readlink(host, target);
			if (r < 0)
				return r;
			r = tree_put_link(t, in_image, mode, next_img, target);
			if (r < 0)
				return r;
			r = tree_splice(todo, &p, target, cur);
			if (r < 0)
				return r;
			memcpy(img, cur, sizeof(img));
			continue;
		}

		r = tree_add_node(t, next, next_img, &st, in_image ? &mode : NULL, tree_more(p));
		if (r < 0)
			return r;
		memcpy(cur, next, sizeof(cur));
		memcpy(img, next, sizeof(img));
	}
	if (ret_real)
		return util_pathf(ret_real, "%s", cur[0] ? cur : "/");
	return 0;
}

static int tree_import_dir(struct tree *t, const char *dir, int depth)
{
	char host[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > TREE_DEPTH_MAX)
		return -ELOOP;
	r = tree_host_path(t, dir, host);
	if (r < 0)
		return r;
	d = opendir(host);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX], real[PATH_MAX];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = util_pathf(path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name);
		if (r < 0)
			break;
		r = tree_import(t, path, real);
		if (r == -ENOENT || r == -ELOOP || r == -ENOTDIR) {
			log_warning("%s%s leads nowhere inside %s (%s), ignoring", t->basedir, path,
				    t->shown_basedir, strerror(-r));
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		/* Only real subdirectories: a link to a directory is copied as a link. */
		if (strcmp(real, path) == 0 && tree_host_path(t, path, host) >= 0 &&
		    lstat(host, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = tree_import_dir(t, path, depth + 1);
			if (r < 0)
				break;
		}
	}
	closedir(d);
	return r;
}

int tree_import_all(struct tree *t, const char *path)
{
	char real[PATH_MAX], host[PATH_MAX];
	struct stat st;
	int r;

	r = tree_import(t, path, real);
	if (r < 0)
		return r;
	r = tree_host_path(t, real, host);
	if (r < 0)
		return r;
	if (stat(host, &st) == 0 && S_ISDIR(st.st_mode))
		return tree_import_dir(t, real, 0);
	return 0;
}
