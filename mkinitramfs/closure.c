// SPDX-License-Identifier: MIT
/* Resolves module names with the host libkmod into the closure of files the image needs. */
#include "closure.h"

#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depmod.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "util.h"

/* Module file suffixes, longest first; every one is stored as plain ".ko". */
static const char *const closure_suffixes[] = {".ko.zst", ".ko.xz", ".ko.gz", ".ko"};

/* First capacity of the array of module files; it doubles from there. */
#define CLOSURE_INITIAL_CAP 16

/* One libkmod log line, formatted before it goes to our logger. */
#define CLOSURE_LOG_LINE 512

struct closure {
	const struct kernel_source *src;
	char workdir[PATH_MAX];
	char index_dir[PATH_MAX]; /* the directory libkmod reads indexes from */
	struct kmod_ctx *ctx;

	/* Few enough (tens, a few hundred at most) that linear searches beat a hash table. */
	struct closure_file *files;
	size_t count;
	size_t cap;
	struct strv seen;    /* names already handled, built-in ones included */
	struct strv builtin; /* names listed in modules.builtin, sorted */

	struct strv firmware; /* modinfo "firmware" names of the added modules, first first */
	struct strv firmware_module; /* the module that named each first */
};

/* Reads modules.builtin: one "kernel/dir/name.ko" per line, kept as normalized names. */
static int closure_load_builtin(struct closure *res)
{
	char path[PATH_MAX];
	unsigned char *data;
	size_t len;
	char *line, *save = NULL;
	int r;

	r = util_pathf(path, "%s/modules.builtin", res->src->moddir);
	if (r < 0)
		return r;
	r = util_read_file(path, &data, &len);
	if (r == -ENOENT) {
		log_warning(
		    "%s is missing: modules built into the kernel will look missing (Debian ships it in linux-base-KVER: unpack that package into the same tree)",
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
		r = strv_push(&res->builtin, name);
		if (r < 0)
			break;
	}
	free(data);
	if (r < 0)
		return r;
	strv_sort(&res->builtin);
	return 0;
}

static bool closure_is_builtin(const struct closure *res, const char *name)
{
	return res->builtin.count &&
	       bsearch(&name, res->builtin.v, res->builtin.count, sizeof(char *), strv_cmp);
}

static void closure_kmod_log(void *data, int priority, const char *file, int line, const char *fn,
			     const char *format, va_list args)
{
	char buf[CLOSURE_LOG_LINE];
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
	log_warning("libkmod: %s", buf);
}

int closure_new(const struct kernel_source *src, const char *workdir, struct closure **ret)
{
	struct kernel_conf_dir confs[KERNEL_CONF_DIRS];
	const char *config[KERNEL_CONF_DIRS + 1];
	struct closure *res;
	int n, r;

	res = calloc(1, sizeof(*res));
	if (!res)
		return log_error_errno(-ENOMEM, "out of memory");
	res->src = src;
	r = util_pathf(res->workdir, "%s", workdir);
	if (r < 0)
		goto fail;
	r = closure_load_builtin(res);
	if (r < 0) {
		log_error_errno(r, "cannot read %s/modules.builtin: %m", src->moddir);
		goto fail;
	}
	if (depmod_has_index(src->moddir)) {
		memcpy(res->index_dir, src->moddir, sizeof(res->index_dir));
	} else {
		r = depmod_index_tree(src, res->workdir, res->index_dir);
		if (r < 0)
			goto fail;
	}

	/* The same modprobe.d files the image gets, never the host's when -b names a tree. */
	n = kernel_conf_dirs(src, confs);
	for (int i = 0; i < n; i++)
		config[i] = confs[i].src;
	config[n] = NULL;
	res->ctx = kmod_new(res->index_dir, config);
	if (!res->ctx) {
		r = log_error_errno(-ENOMEM, "libkmod could not open %s", res->index_dir);
		goto fail;
	}
	kmod_set_log_fn(res->ctx, closure_kmod_log, NULL);
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
	closure_free(res);
	return r;
}

void closure_free(struct closure *res)
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
	strv_free(&res->seen);
	strv_free(&res->builtin);
	strv_free(&res->firmware);
	strv_free(&res->firmware_module);
	free(res);
}

size_t closure_count(const struct closure *res)
{
	return res->count;
}

size_t closure_firmware(const struct closure *res, const char *const **ret_names,
			const char *const **ret_modules)
{
	*ret_names = (const char *const *)res->firmware.v;
	*ret_modules = (const char *const *)res->firmware_module.v;
	return res->firmware.count;
}

size_t closure_files(struct closure *c, struct closure_file **ret)
{
	*ret = c->files;
	return c->count;
}

const struct kernel_source *closure_source(const struct closure *c)
{
	return c->src;
}

const char *closure_workdir(const struct closure *c)
{
	return c->workdir;
}

/* Records a firmware name a module asks for, once. */
static int closure_add_firmware(struct closure *res, const char *fw, const char *module)
{
	int r;

	r = strv_add(&res->firmware, fw);
	if (r <= 0)
		return r;
	r = strv_push(&res->firmware_module, module);
	if (r < 0) {
		free(res->firmware.v[--res->firmware.count]);
		return r;
	}
	return 0;
}

/* Does path have a ".." component, which could lead out of the base directory? */
static bool closure_has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/* Records a module file: its source path and its ".ko" path relative to the module dir. */
static int closure_add_file(struct closure *res, const char *name, const char *path)
{
	size_t dirlen = strlen(res->index_dir), len;
	struct closure_file f = {0};
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
	for (size_t i = 0; i < ARRAY_SIZE(closure_suffixes); i++) {
		size_t n = strlen(closure_suffixes[i]);

		if (len > n && strcmp(rel + len - n, closure_suffixes[i]) == 0) {
			strcpy(rel + len - n, ".ko");
			break;
		}
	}
	if (res->count == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : CLOSURE_INITIAL_CAP;
		struct closure_file *files = reallocarray(res->files, cap, sizeof(*files));

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

static int closure_add_list(struct closure *res, struct kmod_list *list, const char *parent,
			    const char *relation);

/* Looks up one name from a softdep or weakdep field and adds what it matches. */
static int closure_add_lookup(struct closure *res, const char *lookup, const char *parent,
			      const char *relation)
{
	struct kmod_list *list = NULL;
	int r;

	r = kmod_module_new_from_lookup(res->ctx, lookup, &list);
	if (r < 0)
		return log_error_errno(r, "looking up %s (%s of %s) failed: %m", lookup, relation,
				       parent);
	r = closure_add_list(res, list, parent, relation);
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
static int closure_add_modinfo_deps(struct closure *res, struct kmod_module *mod, const char *name)
{
	struct kmod_list *info = NULL, *l;
	int r;

	r = kmod_module_get_info(mod, &info);
	if (r < 0) {
		const char *path = kmod_module_get_path(mod);

		/* The host's libkmod may lack a decompressor (Debian 12's has no zlib). */
		errno = -r;
		log_warning(
		    "cannot read the module information of %s (%s): %m; its softdeps, weakdeps and firmware are not added, ignoring",
		    name, path);
		return 0;
	}
	r = 0;
	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *relation;
		char *value, *word, *save = NULL;

		if (strcmp(key, "firmware") == 0) {
			r = closure_add_firmware(res, kmod_module_info_get_value(l), name);
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
			r = closure_add_lookup(res, word, name, relation);
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
static int closure_add_module(struct closure *res, struct kmod_module *mod, const char *parent,
			      const char *relation)
{
	struct kmod_list *deps, *pre = NULL, *post = NULL;
	const char *name = kmod_module_get_name(mod);
	const char *path;
	int r;

	r = strv_add(&res->seen, name);
	if (r <= 0)
		return r;
	path = kmod_module_get_path(mod);
	if (!path) {
		if (!closure_is_builtin(res, name)) {
			if (parent)
				log_warning(
				    "%s, a %s of %s, has no file in %s/modules.dep, ignoring", name,
				    relation, parent, res->src->moddir);
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
	if (closure_has_dotdot(path)) {
		log_error(
		    "module %s: its path in modules.dep, %s, has a '..' component and could lead outside %s; refusing it: run depmod on the tree again",
		    name, path, res->src->shown_basedir);
		return -EINVAL;
	}
	r = closure_add_file(res, name, path);
	if (r < 0)
		return log_error_errno(r, "cannot record module %s (%s): %m", name, path);

	deps = kmod_module_get_dependencies(mod);
	r = closure_add_list(res, deps, name, "dependency");
	kmod_module_unref_list(deps);
	if (r < 0)
		return r;
	r = kmod_module_get_softdeps(mod, &pre, &post);
	if (r < 0)
		return log_error_errno(r, "cannot read the softdeps of %s: %m", name);
	r = closure_add_list(res, pre, name, "pre softdep");
	if (r >= 0)
		r = closure_add_list(res, post, name, "post softdep");
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	if (r < 0)
		return r;
	r = closure_add_modinfo_deps(res, mod, name);
	return r < 0 ? r : 1;
}

static int closure_add_list(struct closure *res, struct kmod_list *list, const char *parent,
			    const char *relation)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		int r = closure_add_module(res, mod, parent, relation);

		kmod_module_unref(mod);
		/* A missing dependency was reported above; the rest can still be packed. */
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

int closure_add(struct closure *res, const char *name, bool required)
{
	const struct kernel_source *src = res->src;
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

		if (!kmod_module_get_path(mod) && closure_is_builtin(res, modname))
			builtin = true;
		r = closure_add_module(res, mod, NULL, NULL);
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
			log_notice("%s: built into kernel %s, nothing to add", name, src->kver);
		else
			log_debug("  %s: built into the kernel", name);
	}
	if (found)
		return 0;
	if (!required) {
		log_warning("%s (in the default set) not found for kernel %s in %s, skipping", name,
			    src->kver, src->moddir);
		return 0;
	}
	if (src->basedir[0])
		log_error(
		    "module '%s' not found: looked it up as a module name and alias in %s (modules.dep, modules.alias, modules.builtin); check the name with 'modinfo -b %s -k %s %s', or the module is not built for this kernel",
		    name, src->moddir, src->shown_basedir, src->kver, name);
	else
		log_error(
		    "module '%s' not found: looked it up as a module name and alias in %s (modules.dep, modules.alias, modules.builtin); check the name with 'modinfo -k %s %s', or the module is not built for this kernel",
		    name, src->moddir, src->kver, name);
	return -ENOENT;
}
