// SPDX-License-Identifier: MIT
/* Finds the kernel to pack: its version and module directory in the base tree, its modprobe.d. */
#include "kernel.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "util.h"

/* Where kernel packages put modules, relative to the root: classic, then merged /usr. */
static const char *const kernel_roots[] = {"lib/modules", "usr/lib/modules"};

/* Kernel versions listed in an error message; a build host rarely has more than a few. */
#define KERNEL_KVERS_MAX 64

/* Collects the version directories under BASEDIR/lib/modules and BASEDIR/usr/lib/modules. */
static int kernel_list_kvers(const char *basedir, struct strv *ret, int *ret_roots)
{
	struct strv v = {0};
	int roots = 0, r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kernel_roots); i++) {
		char dir[PATH_MAX];
		struct dirent *de;
		DIR *d;

		r = util_pathf(dir, "%s/%s", basedir, kernel_roots[i]);
		if (r < 0)
			goto fail;
		d = opendir(dir);
		if (!d)
			continue;
		roots++;
		while ((de = readdir(d))) {
			char path[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (util_pathf(path, "%s/%s", dir, de->d_name) < 0 || !util_is_dir(path))
				continue;
			r = strv_add(&v, de->d_name);
			if (r < 0) {
				closedir(d);
				goto fail;
			}
		}
		closedir(d);
	}
	strv_sort(&v);
	*ret = v;
	*ret_roots = roots;
	return 0;
fail:
	strv_free(&v);
	return r;
}

/* "a, b, c" for an error message; "none" when empty. Truncation here is only cosmetic. */
static void kernel_join(char *buf, size_t size, char **v, size_t count)
{
	size_t len = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < count && i < KERNEL_KVERS_MAX; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", v[i]);

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

static bool kernel_kver_valid(const char *kver)
{
	return kver[0] && strlen(kver) < KERNEL_KVER_MAX && !strchr(kver, '/') &&
	       strcmp(kver, ".") != 0 && strcmp(kver, "..") != 0;
}

/* Fills s->shown_basedir and s->basedir (resolved, "" for "/") from the -b argument. */
static int kernel_open_basedir(const char *basedir, struct kernel_source *s)
{
	char real[PATH_MAX];
	int r;

	r = util_pathf(s->shown_basedir, "%s", basedir);
	if (r < 0)
		return log_error_errno(r, "base directory name too long: %s", basedir);
	if (!realpath(basedir, real))
		return log_error_errno(
		    -errno,
		    "cannot use base directory %s: %m; -b must name the root of a tree holding lib/modules/KVER or usr/lib/modules/KVER",
		    basedir);
	if (!util_is_dir(real) || access(real, R_OK | X_OK) < 0)
		return log_error_errno(
		    util_is_dir(real) ? -errno : -ENOTDIR,
		    "cannot read base directory %s: %m; -b must name a readable directory (the root of a system or an unpacked kernel package)",
		    basedir);
	/* "/" becomes "" so that joined paths read "/lib/modules", not "//lib/modules". */
	r = util_pathf(s->basedir, "%s", strcmp(real, "/") == 0 ? "" : real);
	if (r < 0)
		return log_error_errno(r, "base directory name too long: %s", real);
	return 0;
}

/*
 * Fills s->kver: kver when given, else the only version installed, else uname -r. *ret_why
 * gets the reason, for messages; list names the versions found, for the error.
 */
static int kernel_choose(const char *kver, char **kvers, size_t count, const char *list,
			 struct kernel_source *s, const char **ret_why)
{
	const char *why = "given with -k";
	struct utsname u;

	if (!kver && count == 1) {
		kver = kvers[0];
		why = "the only version installed";
	} else if (!kver) {
		if (uname(&u) < 0)
			return log_error_errno(-errno, "uname: %m");
		kver = u.release;
		why =
		    count ? "from uname -r, since several versions are installed" : "from uname -r";
	}
	if (!kernel_kver_valid(kver)) {
		log_error(
		    "invalid kernel version '%s': it must be a directory name under lib/modules (versions found: %s)",
		    kver, list);
		return -EINVAL;
	}
	snprintf(s->kver, sizeof(s->kver), "%s", kver);
	*ret_why = why;
	return 0;
}

/* Fills s->moddir: the first of the module roots that holds s->kver, and checks it is readable. */
static int kernel_find_moddir(struct kernel_source *s, const char *basedir, const char *why,
			      const char *list)
{
	const char *kver = s->kver;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(kernel_roots); i++) {
		char dir[PATH_MAX];
		struct stat a, b;

		r = util_pathf(dir, "%s/%s/%s", s->basedir, kernel_roots[i], kver);
		if (r < 0)
			return r;
		if (!util_is_dir(dir))
			continue;
		if (!s->moddir[0]) {
			memcpy(s->moddir, dir, sizeof(dir));
			continue;
		}
		/* Both exist: fine when they are the same directory (merged /usr). */
		if (stat(s->moddir, &a) == 0 && stat(dir, &b) == 0 &&
		    (a.st_dev != b.st_dev || a.st_ino != b.st_ino))
			log_warning(
			    "modules for %s in both %s and %s; using the first, ignoring the second",
			    kver, s->moddir, dir);
	}
	if (!s->moddir[0]) {
		log_error(
		    "kernel version %s (%s) not found: no directory %s/lib/modules/%s or %s/usr/lib/modules/%s; versions found there: %s; choose one with -k, or -b another tree",
		    kver, why, basedir, kver, basedir, kver, list);
		return -ENOENT;
	}
	if (access(s->moddir, R_OK | X_OK) < 0)
		return log_error_errno(
		    -errno,
		    "cannot read the module directory %s: %m; run as a user who can, or -b a copy of the tree",
		    s->moddir);
	return 0;
}

int kernel_find(const char *basedir, const char *kver, struct kernel_source *ret)
{
	struct kernel_source s = {0};
	char list[PATH_MAX];
	const char *why = NULL;
	struct strv kvers = {0};
	int roots = 0, r;

	r = kernel_open_basedir(basedir, &s);
	if (r < 0)
		return r;
	r = kernel_list_kvers(s.basedir, &kvers, &roots);
	if (r < 0)
		return log_error_errno(r, "cannot list kernel versions under %s: %m", basedir);
	kernel_join(list, sizeof(list), kvers.v, kvers.count);
	if (roots == 0) {
		log_error(
		    "no kernel modules under %s: neither %s/lib/modules nor %s/usr/lib/modules exists; -b must name a tree with a kernel's modules (an installed system, or a kernel package unpacked with 'dpkg-deb -x PACKAGE.deb DIR')",
		    basedir, s.basedir, s.basedir);
		r = -ENOENT;
		goto out;
	}
	r = kernel_choose(kver, kvers.v, kvers.count, list, &s, &why);
	if (r < 0)
		goto out;
	r = kernel_find_moddir(&s, basedir, why, list);
	if (r < 0)
		goto out;
	log_debug("kernel %s (%s), modules in %s", s.kver, why, s.moddir);
	*ret = s;
	r = 0;
out:
	strv_free(&kvers);
	return r;
}

int kernel_conf_dirs(const struct kernel_source *src, struct kernel_conf_dir *ret)
{
	static const struct {
		const char *src;
		const char *image_dir;
	} dirs[] = {
	    {"etc/modprobe.d", LAYOUT_REL(LAYOUT_MODPROBE_D_ETC)},
	    {"lib/modprobe.d", LAYOUT_REL(LAYOUT_MODPROBE_D_LIB)},
	    /* An unpacked merged-/usr package has no lib/ link: same files, same place. */
	    {"usr/lib/modprobe.d", LAYOUT_REL(LAYOUT_MODPROBE_D_LIB)},
	};
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && n < KERNEL_CONF_DIRS; i++) {
		if (n > 0 && strcmp(ret[n - 1].image_dir, dirs[i].image_dir) == 0)
			continue;
		if (util_pathf(ret[n].src, "%s/%s", src->basedir, dirs[i].src) < 0 ||
		    !util_is_dir(ret[n].src))
			continue;
		ret[n].image_dir = dirs[i].image_dir;
		n++;
	}
	return n;
}
