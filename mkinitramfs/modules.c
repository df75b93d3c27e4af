// SPDX-License-Identifier: MIT
/* Finds a kernel's modules, resolves names with the host libkmod, stages them decompressed. */
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compress.h"
#include "genlog.h"
#include "softdep.h"
#include "util.h"

/* Where kernel packages put modules, relative to the root: classic, then merged /usr. */
static const char *const modules_roots[] = {"lib/modules", "usr/lib/modules"};
#define MODULES_ROOTS (sizeof(modules_roots) / sizeof(modules_roots[0]))

/* Kernel versions listed in an error message; a build host rarely has more than a few. */
#define MODULES_KVERS_MAX 64

/* Files of a module directory that depmod reads and that the image keeps (kbuild writes them). */
static const char *const modules_kbuild_files[] = {
    "modules.order",
    "modules.builtin",
    "modules.builtin.modinfo",
};
#define MODULES_KBUILD_FILES (sizeof(modules_kbuild_files) / sizeof(modules_kbuild_files[0]))

/*
 * The indexes libkmod 30 reads at boot: the binary indexes of lookups and initstate, and the
 * softdep config. depmod's text twins, modules.order and modules.builtin.modinfo only feed
 * depmod and modinfo, so they stay out of the image.
 */
static const char *const modules_boot_indexes[] = {
    "modules.dep.bin",	   "modules.alias.bin",		"modules.symbols.bin",
    "modules.builtin.bin", "modules.builtin.alias.bin", "modules.softdep",
};
#define MODULES_BOOT_INDEXES (sizeof(modules_boot_indexes) / sizeof(modules_boot_indexes[0]))

/* Module file suffixes, longest first; every one is stored as plain ".ko". */
static const char *const modules_suffixes[] = {".ko.zst", ".ko.xz", ".ko.gz", ".ko"};
#define MODULES_SUFFIXES (sizeof(modules_suffixes) / sizeof(modules_suffixes[0]))

/* Where depmod may live when PATH (say, a user's) lacks the sbin directories. */
static const char *const modules_depmod_paths[] = {"depmod", "/usr/sbin/depmod", "/sbin/depmod"};
#define MODULES_DEPMOD_PATHS (sizeof(modules_depmod_paths) / sizeof(modules_depmod_paths[0]))

/* depmod.d directories of the source tree, relative to it, handed to depmod with -C. */
static const char *const modules_depmod_confs[] = {"etc/depmod.d", "lib/depmod.d",
						   "usr/lib/depmod.d"};
#define MODULES_DEPMOD_CONFS (sizeof(modules_depmod_confs) / sizeof(modules_depmod_confs[0]))

/* First capacity of the growable arrays here; they double from there. */
#define MODULES_INITIAL_CAP 16

/* One libkmod log line, formatted before it goes to our logger. */
#define MODULES_LOG_LINE 512

struct modules_file {
	char *name; /* as libkmod normalizes it: '-' becomes '_' */
	char *src;  /* the file in the source tree, maybe compressed */
	char *rel;  /* its path under lib/modules/KVER in the image, ending in ".ko" */
};

struct modules_resolver {
	const struct modules_source *src;
	char workdir[PATH_MAX];
	char index_dir[PATH_MAX]; /* the directory libkmod reads indexes from */
	struct kmod_ctx *ctx;

	/* Few enough (tens, a few hundred at most) that linear searches beat a hash table. */
	struct modules_file *files;
	size_t count;
	size_t cap;
	char **seen; /* names already handled, built-in ones included */
	size_t seen_count;
	size_t seen_cap;

	char **builtin; /* names listed in modules.builtin, sorted */
	size_t builtin_count;

	char **firmware; /* modinfo "firmware" names of the added modules, first seen first */
	char **firmware_module; /* the module that named each first */
	size_t firmware_count;
	size_t firmware_cap;
	size_t firmware_module_count;
	size_t firmware_module_cap;
};

static int modules_str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Appends a copy of s to a growable array of strings. */
static int modules_strv_push(char ***v, size_t *count, size_t *cap, const char *s)
{
	if (*count == *cap) {
		size_t n = *cap ? *cap * 2 : MODULES_INITIAL_CAP;
		char **nv = reallocarray(*v, n, sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = n;
	}
	(*v)[*count] = strdup(s);
	if (!(*v)[*count])
		return -ENOMEM;
	(*count)++;
	return 0;
}

static void modules_strv_free(char **v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(v[i]);
	free(v);
}

/* Collects the version directories under BASEDIR/lib/modules and BASEDIR/usr/lib/modules. */
static int modules_list_kvers(const char *basedir, char ***ret, size_t *ret_count, int *ret_roots)
{
	char **v = NULL;
	size_t count = 0, cap = 0;
	int roots = 0, r = 0;

	for (size_t i = 0; i < MODULES_ROOTS; i++) {
		char dir[PATH_MAX];
		struct dirent *de;
		DIR *d;

		r = util_pathf(dir, "%s/%s", basedir, modules_roots[i]);
		if (r < 0)
			goto fail;
		d = opendir(dir);
		if (!d)
			continue;
		roots++;
		while ((de = readdir(d))) {
			char path[PATH_MAX];
			bool dup = false;

			if (de->d_name[0] == '.')
				continue;
			if (util_pathf(path, "%s/%s", dir, de->d_name) < 0 || !util_is_dir(path))
				continue;
			for (size_t j = 0; j < count; j++)
				dup = dup || strcmp(v[j], de->d_name) == 0;
			if (dup)
				continue;
			r = modules_strv_push(&v, &count, &cap, de->d_name);
			if (r < 0) {
				closedir(d);
				goto fail;
			}
		}
		closedir(d);
	}
	if (count)
		qsort(v, count, sizeof(*v), modules_str_cmp);
	*ret = v;
	*ret_count = count;
	*ret_roots = roots;
	return 0;
fail:
	modules_strv_free(v, count);
	return r;
}

/* "a, b, c" for an error message; "none" when empty. Truncation here is only cosmetic. */
static void modules_join(char *buf, size_t size, char **v, size_t count)
{
	size_t len = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < count && i < MODULES_KVERS_MAX; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", v[i]);

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

static bool modules_kver_valid(const char *kver)
{
	return kver[0] && strlen(kver) < MODULES_KVER_MAX && !strchr(kver, '/') &&
	       strcmp(kver, ".") != 0 && strcmp(kver, "..") != 0;
}

int modules_find(const char *basedir, const char *kver, struct modules_source *ret)
{
	struct modules_source s = {0};
	char real[PATH_MAX], list[PATH_MAX];
	const char *why = "given with -k";
	char **kvers = NULL;
	size_t count = 0;
	struct utsname u;
	int roots = 0, r;

	r = util_pathf(s.shown_basedir, "%s", basedir);
	if (r < 0)
		return log_error_errno(r, "base directory name too long: %s", basedir);
	if (!realpath(basedir, real))
		return log_error_errno(-errno,
				       "cannot use base directory %s: %m; -b must name the root of "
				       "a tree holding lib/modules/KVER or usr/lib/modules/KVER",
				       basedir);
	if (!util_is_dir(real) || access(real, R_OK | X_OK) < 0)
		return log_error_errno(
		    util_is_dir(real) ? -errno : -ENOTDIR,
		    "cannot read base directory %s: %m; -b must name a readable "
		    "directory (the root of a system or an unpacked kernel package)",
		    basedir);
	/* "/" becomes "" so that joined paths read "/lib/modules", not "//lib/modules". */
	r = util_pathf(s.basedir, "%s", strcmp(real, "/") == 0 ? "" : real);
	if (r < 0)
		return log_error_errno(r, "base directory name too long: %s", real);

	r = modules_list_kvers(s.basedir, &kvers, &count, &roots);
	if (r < 0)
		return log_error_errno(r, "cannot list kernel versions under %s: %m", basedir);
	modules_join(list, sizeof(list), kvers, count);
	if (roots == 0) {
		log_error(
		    "no kernel modules under %s: neither %s/lib/modules nor %s/usr/lib/modules "
		    "exists; -b must name a tree with a kernel's modules (an installed system, "
		    "or a kernel package unpacked with 'dpkg-deb -x PACKAGE.deb DIR')",
		    basedir, s.basedir, s.basedir);
		r = -ENOENT;
		goto out;
	}

	if (!kver && count == 1) {
		kver = kvers[0];
		why = "the only version installed";
	} else if (!kver) {
		if (uname(&u) < 0) {
			r = log_error_errno(-errno, "uname: %m");
			goto out;
		}
		kver = u.release;
		why =
		    count ? "from uname -r, since several versions are installed" : "from uname -r";
	}
	if (!modules_kver_valid(kver)) {
		log_error("invalid kernel version '%s': it must be a directory name under "
			  "lib/modules (versions found: %s)",
			  kver, list);
		r = -EINVAL;
		goto out;
	}
	snprintf(s.kver, sizeof(s.kver), "%s", kver);

	for (size_t i = 0; i < MODULES_ROOTS; i++) {
		char dir[PATH_MAX];
		struct stat a, b;

		r = util_pathf(dir, "%s/%s/%s", s.basedir, modules_roots[i], kver);
		if (r < 0)
			goto out;
		if (!util_is_dir(dir))
			continue;
		if (!s.moddir[0]) {
			memcpy(s.moddir, dir, sizeof(dir));
			continue;
		}
		/* Both exist: fine when they are the same directory (merged /usr). */
		if (stat(s.moddir, &a) == 0 && stat(dir, &b) == 0 &&
		    (a.st_dev != b.st_dev || a.st_ino != b.st_ino))
			log_warn("modules for %s in both %s and %s; using the first, ignoring the "
				 "second",
				 kver, s.moddir, dir);
	}
	if (!s.moddir[0]) {
		log_error("kernel version %s (%s) not found: no directory %s/lib/modules/%s or "
			  "%s/usr/lib/modules/%s; versions found there: %s; choose one with -k, "
			  "or -b another tree",
			  kver, why, basedir, kver, basedir, kver, list);
		r = -ENOENT;
		goto out;
	}
	if (access(s.moddir, R_OK | X_OK) < 0) {
		r = log_error_errno(-errno,
				    "cannot read the module directory %s: %m; run as a "
				    "user who can, or -b a copy of the tree",
				    s.moddir);
		goto out;
	}
	log_debug("kernel %s (%s), modules in %s", s.kver, why, s.moddir);
	*ret = s;
	r = 0;
out:
	modules_strv_free(kvers, count);
	return r;
}

/* Reads modules.builtin: one "kernel/dir/name.ko" per line, kept as normalized names. */
static int modules_load_builtin(struct modules_resolver *res)
{
	char path[PATH_MAX];
	unsigned char *data;
	size_t len, cap = 0;
	char *line, *save = NULL;
	int r;

	r = util_pathf(path, "%s/modules.builtin", res->src->moddir);
	if (r < 0)
		return r;
	r = util_read_file(path, &data, &len);
	if (r == -ENOENT) {
		log_warn("%s is missing: modules built into the kernel will look missing (Debian "
			 "ships it in linux-base-KVER: unpack that package into the same tree)",
			 path);
		return 0;
	}
	if (r < 0)
		return r;
	for (line = strtok_r((char *)data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *name = strrchr(line, '/');
		size_t n;

		name = name ? name + 1 : line;
		n = strlen(name);
		if (n > 3 && strcmp(name + n - 3, ".ko") == 0)
			name[n - 3] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		r = modules_strv_push(&res->builtin, &res->builtin_count, &cap, name);
		if (r < 0)
			break;
	}
	free(data);
	if (r < 0)
		return r;
	if (res->builtin_count)
		qsort(res->builtin, res->builtin_count, sizeof(char *), modules_str_cmp);
	return 0;
}

static bool modules_is_builtin(const struct modules_resolver *res, const char *name)
{
	return res->builtin_count &&
	       bsearch(&name, res->builtin, res->builtin_count, sizeof(char *), modules_str_cmp);
}

/*
 * Runs the host's depmod on ROOT for the source's kernel version, with the source's config
 * (tree_config) or none.
 */
static int modules_depmod(const struct modules_source *src, const char *workdir, const char *root,
			  bool tree_config)
{
	char confs[MODULES_DEPMOD_CONFS][PATH_MAX], empty[PATH_MAX];
	char *argv[4 + 2 * MODULES_DEPMOD_CONFS + 2];
	size_t argc = 0;
	int r = -ENOENT, status = 0;

	argv[argc++] = NULL; /* filled per candidate below */
	argv[argc++] = (char *)"-b";
	argv[argc++] = (char *)root;
	/*
	 * Always pass -C: without it depmod reads the host's depmod.d, which may not describe
	 * the tree being packed; with only an empty directory it uses its default search order.
	 */
	for (size_t i = 0; tree_config && i < MODULES_DEPMOD_CONFS; i++) {
		if (util_pathf(confs[i], "%s/%s", src->basedir, modules_depmod_confs[i]) < 0 ||
		    !util_is_dir(confs[i]))
			continue;
		argv[argc++] = (char *)"-C";
		argv[argc++] = confs[i];
	}
	if (argc == 3) {
		r = util_pathf(empty, "%s/depmod.d", workdir);
		if (r < 0)
			return r;
		if (mkdir(empty, 0755) < 0 && errno != EEXIST)
			return log_error_errno(-errno, "cannot create %s: %m", empty);
		argv[argc++] = (char *)"-C";
		argv[argc++] = empty;
	}
	argv[argc++] = (char *)src->kver;
	argv[argc] = NULL;

	for (size_t i = 0; i < MODULES_DEPMOD_PATHS; i++) {
		argv[0] = (char *)modules_depmod_paths[i];
		r = util_run(argv, &status);
		if (r != -ENOENT)
			break;
	}
	if (r == -ENOENT)
		return log_error_errno(r, "depmod not found in PATH, /usr/sbin or /sbin: install "
					  "kmod (apt-get install kmod)");
	if (r < 0)
		return log_error_errno(r, "cannot run %s: %m", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("'%s -b %s %s' failed (%s %d); its messages are above", argv[0], root,
			  src->kver, WIFEXITED(status) ? "exit status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -EPROTO;
	}
	return 0;
}

/* Does the source directory carry usable indexes of its own (an installed system)? */
static bool modules_has_index(const char *moddir)
{
	static const char *const needed[] = {"modules.dep.bin", "modules.alias.bin"};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		char path[PATH_MAX];

		if (util_pathf(path, "%s/%s", moddir, needed[i]) < 0 || access(path, R_OK) < 0)
			return false;
	}
	return true;
}

/*
 * ROOT/usr/lib/modules -> ../../lib/modules: a depmod built for merged /usr looks there, the
 * host's kmod 30 in lib/modules; with the link both find the tree.
 */
static int modules_link_usr(const char *root)
{
	char usr[PATH_MAX], link[PATH_MAX];
	int r;

	r = util_pathf(usr, "%s/usr/lib", root);
	if (r < 0)
		return r;
	r = util_mkdir_p(usr, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", usr);
	r = util_pathf(link, "%s/modules", usr);
	if (r < 0)
		return r;
	if (symlink("../../lib/modules", link) < 0)
		return log_error_errno(-errno, "cannot create %s: %m", link);
	return 0;
}

/*
 * Makes WORKDIR/index/lib/modules/KVER a tree of symlinks to the source's module folders and
 * kbuild files, and lets depmod index it: depmod follows the links, the source stays
 * untouched, and libkmod then reads the paths back through the same links.
 */
static int modules_make_index(struct modules_resolver *res)
{
	const struct modules_source *src = res->src;
	char root[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = util_pathf(root, "%s/index", res->workdir);
	if (r < 0)
		return r;
	r = util_pathf(res->index_dir, "%s/lib/modules/%s", root, src->kver);
	if (r < 0)
		return r;
	r = util_mkdir_p(res->index_dir, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", res->index_dir);
	r = modules_link_usr(root);
	if (r < 0)
		return r;

	d = opendir(src->moddir);
	if (!d)
		return log_error_errno(-errno, "cannot read %s: %m", src->moddir);
	while ((de = readdir(d))) {
		bool keep = false;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "build") == 0 ||
		    strcmp(de->d_name, "source") == 0)
			continue; /* links to kernel headers, not modules */
		for (size_t i = 0; i < MODULES_KBUILD_FILES; i++)
			keep = keep || strcmp(de->d_name, modules_kbuild_files[i]) == 0;
		if (util_pathf(target, "%s/%s", src->moddir, de->d_name) < 0)
			continue;
		/* Old indexes (modules.*) stay out: depmod rewrites them here. */
		if (!keep && !util_is_dir(target))
			continue;
		r = util_pathf(link, "%s/%s", res->index_dir, de->d_name);
		if (r < 0)
			break;
		if (symlink(target, link) < 0) {
			r = log_error_errno(-errno, "cannot create %s: %m", link);
			break;
		}
	}
	closedir(d);
	if (r < 0)
		return r;
	log_debug("%s has no modules.dep.bin: indexing it with depmod in %s", src->moddir,
		  res->index_dir);
	return modules_depmod(src, res->workdir, root, true);
}

static void modules_kmod_log(void *data, int priority, const char *file, int line, const char *fn,
			     const char *format, va_list args)
{
	char buf[MODULES_LOG_LINE];
	size_t len;

	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	vsnprintf(buf, sizeof(buf), format, args);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	log_warn("libkmod: %s", buf);
}

int modules_conf_dirs(const struct modules_source *src, struct modules_conf_dir *ret)
{
	static const struct {
		const char *src;
		const char *image_dir;
	} dirs[] = {
	    {"etc/modprobe.d", "etc/modprobe.d"},
	    {"lib/modprobe.d", "lib/modprobe.d"},
	    /* An unpacked merged-/usr package has no lib/ link: same files, same place. */
	    {"usr/lib/modprobe.d", "lib/modprobe.d"},
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && n < MODULES_CONF_DIRS; i++) {
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

int modules_resolver_new(const struct modules_source *src, const char *workdir,
			 struct modules_resolver **ret)
{
	struct modules_conf_dir confs[MODULES_CONF_DIRS];
	const char *config[MODULES_CONF_DIRS + 1];
	struct modules_resolver *res;
	int n, r;

	res = calloc(1, sizeof(*res));
	if (!res)
		return log_error_errno(-ENOMEM, "out of memory");
	res->src = src;
	r = util_pathf(res->workdir, "%s", workdir);
	if (r < 0)
		goto fail;
	r = modules_load_builtin(res);
	if (r < 0) {
		log_error_errno(r, "cannot read %s/modules.builtin: %m", src->moddir);
		goto fail;
	}
	if (modules_has_index(src->moddir)) {
		memcpy(res->index_dir, src->moddir, sizeof(res->index_dir));
	} else {
		r = modules_make_index(res);
		if (r < 0)
			goto fail;
	}

	/* The same modprobe.d files the image gets, never the host's when -b names a tree. */
	n = modules_conf_dirs(src, confs);
	for (int i = 0; i < n; i++)
		config[i] = confs[i].src;
	config[n] = NULL;
	res->ctx = kmod_new(res->index_dir, config);
	if (!res->ctx) {
		r = log_error_errno(-ENOMEM, "libkmod could not open %s", res->index_dir);
		goto fail;
	}
	kmod_set_log_fn(res->ctx, modules_kmod_log, NULL);
	/*
	 * Maps every index up front; without it libkmod opens them per lookup, which works as
	 * well. It fails when one is missing (no modules.builtin, so no modules.builtin.bin).
	 */
	r = kmod_load_resources(res->ctx);
	if (r < 0)
		log_debug("libkmod could not map all indexes in %s (%s), reading them per lookup",
			  res->index_dir, strerror(-r));
	*ret = res;
	return 0;
fail:
	modules_resolver_free(res);
	return r;
}

void modules_resolver_free(struct modules_resolver *res)
{
	if (!res)
		return;
	if (res->ctx)
		kmod_unref(res->ctx);
	for (size_t i = 0; i < res->count; i++) {
		free(res->files[i].name);
		free(res->files[i].src);
		free(res->files[i].rel);
	}
	free(res->files);
	modules_strv_free(res->seen, res->seen_count);
	modules_strv_free(res->builtin, res->builtin_count);
	modules_strv_free(res->firmware, res->firmware_count);
	modules_strv_free(res->firmware_module, res->firmware_module_count);
	free(res);
}

size_t modules_resolver_count(const struct modules_resolver *res)
{
	return res->count;
}

size_t modules_resolver_firmware(const struct modules_resolver *res, const char *const **ret_names,
				 const char *const **ret_modules)
{
	*ret_names = (const char *const *)res->firmware;
	*ret_modules = (const char *const *)res->firmware_module;
	return res->firmware_count;
}

/* Records a firmware name a module asks for, once. */
static int modules_add_firmware(struct modules_resolver *res, const char *fw, const char *module)
{
	int r;

	for (size_t i = 0; i < res->firmware_count; i++)
		if (strcmp(res->firmware[i], fw) == 0)
			return 0;
	r = modules_strv_push(&res->firmware, &res->firmware_count, &res->firmware_cap, fw);
	if (r < 0)
		return r;
	r = modules_strv_push(&res->firmware_module, &res->firmware_module_count,
			      &res->firmware_module_cap, module);
	if (r < 0) {
		free(res->firmware[--res->firmware_count]);
		return r;
	}
	return 0;
}

static bool modules_seen(const struct modules_resolver *res, const char *name)
{
	for (size_t i = 0; i < res->seen_count; i++)
		if (strcmp(res->seen[i], name) == 0)
			return true;
	return false;
}

/* Does path have a ".." component, which could lead out of the base directory? */
static bool modules_has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/* Records a module file: its source path and its ".ko" path relative to the module dir. */
static int modules_add_file(struct modules_resolver *res, const char *name, const char *path)
{
	size_t dirlen = strlen(res->index_dir), len;
	struct modules_file f = {0};
	char src[PATH_MAX], rel[PATH_MAX];
	int r;

	if (strncmp(path, res->index_dir, dirlen) == 0 && path[dirlen] == '/') {
		r = util_pathf(rel, "%s", path + dirlen + 1);
		if (r >= 0)
			r = util_pathf(src, "%s/%s", res->src->moddir, rel);
	} else {
		/*
		 * An absolute path in modules.dep (an external module, which depmod records with
		 * its path in the tree): read it inside BASEDIR, never from the host's root, and
		 * keep it under extra/.
		 */
		r = util_pathf(rel, "extra/%s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		if (r >= 0)
			r = util_pathf(src, "%s%s%s", res->src->basedir, path[0] == '/' ? "" : "/",
				       path);
	}
	if (r < 0)
		return r;
	len = strlen(rel);
	for (size_t i = 0; i < MODULES_SUFFIXES; i++) {
		size_t n = strlen(modules_suffixes[i]);

		if (len > n && strcmp(rel + len - n, modules_suffixes[i]) == 0) {
			strcpy(rel + len - n, ".ko");
			break;
		}
	}
	if (res->count == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : MODULES_INITIAL_CAP;
		struct modules_file *files = reallocarray(res->files, cap, sizeof(*files));

		if (!files)
			return -ENOMEM;
		res->files = files;
		res->cap = cap;
	}
	f.name = strdup(name);
	f.src = strdup(src);
	f.rel = strdup(rel);
	if (!f.src || !f.name || !f.rel) {
		free(f.src);
		free(f.name);
		free(f.rel);
		return -ENOMEM;
	}
	res->files[res->count++] = f;
	return 0;
}

static int modules_add_list(struct modules_resolver *res, struct kmod_list *list,
			    const char *parent, const char *relation);

/* Looks up one name from a softdep or weakdep field and adds what it matches. */
static int modules_add_lookup(struct modules_resolver *res, const char *lookup, const char *parent,
			      const char *relation)
{
	struct kmod_list *list = NULL;
	int r;

	r = kmod_module_new_from_lookup(res->ctx, lookup, &list);
	if (r < 0)
		return log_error_errno(r, "looking up %s (%s of %s) failed: %m", lookup, relation,
				       parent);
	r = modules_add_list(res, list, parent, relation);
	kmod_module_unref_list(list);
	return r;
}

/*
 * Adds the modules named by the module's own "softdep" and "weakdep" fields. libkmod 30
 * applies only the first softdep line it finds for a module (kmod_module_get_softdeps stops
 * at the first match, as module-init-tools did), but modules.softdep has one line per
 * MODULE_SOFTDEP: btrfs lists blake2b-256, sha256, xxhash64 and crc32c on four lines. Weak
 * dependencies (MODULE_WEAKDEP, Linux 6.11) exist precisely so that image generators include
 * modules a driver may request at run time (include/linux/module.h).
 */
static int modules_add_modinfo_deps(struct modules_resolver *res, struct kmod_module *mod,
				    const char *name)
{
	struct kmod_list *info = NULL, *l;
	int r;

	r = kmod_module_get_info(mod, &info);
	if (r < 0) {
		const char *path = kmod_module_get_path(mod);

		/* The host's libkmod may lack a decompressor (Debian 12's has no zlib). */
		errno = -r;
		log_warn("cannot read the module information of %s (%s): %m; its softdeps, "
			 "weakdeps and firmware are not added, ignoring",
			 name, path);
		return 0;
	}
	r = 0;
	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *relation;
		char *value, *word, *save = NULL;

		if (strcmp(key, "firmware") == 0) {
			r = modules_add_firmware(res, kmod_module_info_get_value(l), name);
			if (r < 0)
				break;
			continue;
		}
		if (strcmp(key, "softdep") == 0)
			relation = "softdep";
		else if (strcmp(key, "weakdep") == 0)
			relation = "weakdep";
		else
			continue;
		value = strdup(kmod_module_info_get_value(l));
		if (!value) {
			r = -ENOMEM;
			break;
		}
		/* "pre: a b post: c" (softdep) or "a" (weakdep): every other word is a name. */
		for (word = strtok_r(value, " \t", &save); word && r >= 0;
		     word = strtok_r(NULL, " \t", &save)) {
			if (strcmp(word, "pre:") == 0 || strcmp(word, "post:") == 0)
				continue;
			r = modules_add_lookup(res, word, name, relation);
		}
		free(value);
		if (r < 0)
			break;
	}
	kmod_module_info_free_list(info);
	return r;
}

/*
 * Adds one module and, recursively, what it needs. Returns 1 if it has a file, 0 if it is
 * built in or was seen before, -ENOENT if it has neither a file nor a built-in entry.
 */
static int modules_add_module(struct modules_resolver *res, struct kmod_module *mod,
			      const char *parent, const char *relation)
{
	struct kmod_list *deps, *pre = NULL, *post = NULL;
	const char *name = kmod_module_get_name(mod);
	const char *path;
	int r;

	if (modules_seen(res, name))
		return 0;
	r = modules_strv_push(&res->seen, &res->seen_count, &res->seen_cap, name);
	if (r < 0)
		return r;
	path = kmod_module_get_path(mod);
	if (!path) {
		if (!modules_is_builtin(res, name)) {
			if (parent)
				log_warn("%s, a %s of %s, has no file in %s/modules.dep, ignoring",
					 name, relation, parent, res->src->moddir);
			return -ENOENT;
		}
		if (parent)
			log_debug("  %s (%s of %s): built into the kernel", name, relation, parent);
		return 0;
	}
	if (parent)
		log_debug("  %s (%s of %s)", name, relation, parent);
	else
		log_debug("  %s", name);
	/* modules.dep comes from the tree: it must not name a file outside it. */
	if (modules_has_dotdot(path)) {
		log_error("module %s: its path in modules.dep, %s, has a '..' component and could "
			  "lead outside %s; refusing it: run depmod on the tree again",
			  name, path, res->src->shown_basedir);
		return -EINVAL;
	}
	r = modules_add_file(res, name, path);
	if (r < 0)
		return log_error_errno(r, "cannot record module %s (%s): %m", name, path);

	deps = kmod_module_get_dependencies(mod);
	r = modules_add_list(res, deps, name, "dependency");
	kmod_module_unref_list(deps);
	if (r < 0)
		return r;
	r = kmod_module_get_softdeps(mod, &pre, &post);
	if (r < 0)
		return log_error_errno(r, "cannot read the softdeps of %s: %m", name);
	r = modules_add_list(res, pre, name, "pre softdep");
	if (r >= 0)
		r = modules_add_list(res, post, name, "post softdep");
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	if (r < 0)
		return r;
	r = modules_add_modinfo_deps(res, mod, name);
	return r < 0 ? r : 1;
}

static int modules_add_list(struct modules_resolver *res, struct kmod_list *list,
			    const char *parent, const char *relation)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		int r = modules_add_module(res, mod, parent, relation);

		kmod_module_unref(mod);
		/* A missing dependency was reported above; the rest can still be packed. */
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

int modules_resolver_add(struct modules_resolver *res, const char *name, bool required)
{
	const struct modules_source *src = res->src;
	struct kmod_list *list = NULL, *l;
	bool builtin = false, found = false;
	int r;

	r = kmod_module_new_from_lookup(res->ctx, name, &list);
	if (r < 0)
		return log_error_errno(r, "looking up module %s in %s failed: %m", name,
				       src->moddir);
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *modname = kmod_module_get_name(mod);

		if (!kmod_module_get_path(mod) && modules_is_builtin(res, modname))
			builtin = true;
		r = modules_add_module(res, mod, NULL, NULL);
		kmod_module_unref(mod);
		if (r >= 0)
			found = true;
		else if (r != -ENOENT)
			break;
	}
	kmod_module_unref_list(list);
	if (r < 0 && r != -ENOENT)
		return r;
	if (builtin) {
		if (required)
			log_note("%s: built into kernel %s, nothing to add", name, src->kver);
		else
			log_debug("  %s: built into the kernel", name);
	}
	if (found)
		return 0;
	if (!required) {
		log_warn("%s (in the default set) not found for kernel %s in %s, skipping", name,
			 src->kver, src->moddir);
		return 0;
	}
	if (src->basedir[0])
		log_error("module '%s' not found: looked it up as a module name and alias in %s "
			  "(modules.dep, modules.alias, modules.builtin); check the name with "
			  "'modinfo -b %s -k %s %s', or the module is not built for this kernel",
			  name, src->moddir, src->shown_basedir, src->kver, name);
	else
		log_error("module '%s' not found: looked it up as a module name and alias in %s "
			  "(modules.dep, modules.alias, modules.builtin); check the name with "
			  "'modinfo -k %s %s', or the module is not built for this kernel",
			  name, src->moddir, src->kver, name);
	return -ENOENT;
}

static int modules_file_cmp(const void *x, const void *y)
{
	const struct modules_file *f = x, *g = y;

	return strcmp(f->rel, g->rel);
}

/* Writes one module under DIR, decompressed. Returns its size on disk or -errno. */
static int modules_stage_one(const struct modules_file *f, const char *dir, size_t *ret_size)
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

/*
 * Rewrites depmod's modules.softdep in DIR with one line per module. libkmod 30 applies only
 * the first softdep line matching a module (kmod_module_get_softdeps breaks out of its loop
 * after one match, as module-init-tools did), and depmod writes one line per MODULE_SOFTDEP:
 * btrfs has four (blake2b-256, sha256, xxhash64, crc32c), so the init would load only the
 * first. modules.softdep keeps its place among the modprobe.d files (libkmod sorts them all
 * by file name, modules.softdep included), so a user's softdep in modprobe.d still wins as it
 * does on the installed system.
 */
static int modules_merge_softdeps(const char *dir)
{
	char path[PATH_MAX];
	unsigned char *data;
	char *merged = NULL;
	size_t len;
	int r;

	r = util_pathf(path, "%s/modules.softdep", dir);
	if (r < 0)
		return log_error_errno(r, "path too long: %s", dir);
	r = util_read_file(path, &data, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", path);
	r = softdep_merge((const char *)data, len, &merged);
	free(data);
	if (r < 0)
		return log_error_errno(r, "cannot merge the lines of %s: %m", path);
	if (unlink(path) < 0) {
		r = log_error_errno(-errno, "cannot replace %s: %m", path);
		goto out;
	}
	r = util_write_file(path, merged, strlen(merged), 0644);
	if (r < 0)
		log_error_errno(r, "cannot write %s: %m", path);
out:
	free(merged);
	return r;
}

/* Removes from the staged DIR the depmod and kbuild files the init's libkmod never reads. */
static int modules_prune_indexes(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return log_error_errno(-errno, "cannot list %s: %m", dir);
	while ((de = readdir(d))) {
		bool keep = strncmp(de->d_name, "modules.", 8) != 0;

		for (size_t i = 0; i < MODULES_BOOT_INDEXES && !keep; i++)
			keep = strcmp(de->d_name, modules_boot_indexes[i]) == 0;
		if (keep)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			r = log_error_errno(-errno, "cannot remove %s/%s: %m", dir, de->d_name);
			break;
		}
	}
	closedir(d);
	return r;
}

int modules_stage(struct modules_resolver *res, const char *root)
{
	const struct modules_source *src = res->src;
	char dir[PATH_MAX], path[PATH_MAX];
	size_t total = 0;
	int r;

	r = util_pathf(dir, "%s/lib/modules/%s", root, src->kver);
	if (r < 0)
		return log_error_errno(r, "path too long: %s", root);
	r = util_mkdir_p(dir, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", dir);
	r = modules_link_usr(root);
	if (r < 0)
		return r;

	/* Sorted so that messages and any failure come out the same from run to run. */
	if (res->count)
		qsort(res->files, res->count, sizeof(res->files[0]), modules_file_cmp);
	for (size_t i = 0; i < res->count; i++) {
		size_t size = 0;

		r = util_interrupted();
		if (r < 0)
			return r;
		r = modules_stage_one(&res->files[i], dir, &size);
		if (r < 0)
			return r;
		total += size;
	}
	log_debug("staged %zu modules, %zu bytes, in %s", res->count, total, dir);

	for (size_t i = 0; i < MODULES_KBUILD_FILES; i++) {
		unsigned char *data;
		size_t len;

		r = util_pathf(path, "%s/%s", src->moddir, modules_kbuild_files[i]);
		if (r < 0)
			return r;
		r = util_read_file(path, &data, &len);
		if (r == -ENOENT) {
			log_debug("%s: not in the source, not copied", path);
			continue;
		}
		if (r < 0)
			return log_error_errno(r, "cannot read %s: %m", path);
		r = util_pathf(path, "%s/%s", dir, modules_kbuild_files[i]);
		if (r >= 0)
			r = util_write_file(path, data, len, 0644);
		free(data);
		if (r < 0)
			return log_error_errno(r, "cannot write %s: %m", path);
	}
	/*
	 * Without the tree's depmod.d: the staged modules are one file per name, placed by us,
	 * and an "external" folder there would add the host's modules at that path to the
	 * image's indexes (kmod 30's depmod does not prefix external folders with -b).
	 */
	r = modules_depmod(src, res->workdir, root, false);
	if (r < 0)
		return r;
	r = modules_merge_softdeps(dir);
	if (r < 0)
		return r;
	r = modules_prune_indexes(dir);
	if (r < 0)
		return r;
	r = util_pathf(path, "%s/modules.dep.bin", dir);
	if (r < 0)
		return r;
	if (access(path, R_OK) < 0)
		return log_error_errno(-errno, "depmod left no %s: %m", path);
	return 0;
}
