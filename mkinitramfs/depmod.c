// SPDX-License-Identifier: MIT
/* Runs the host's depmod: indexes for a source tree without them, and the image's boot indexes. */
#include "depmod.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "softdep.h"
#include "util.h"

/* Files of a module directory that depmod reads and that the image keeps (kbuild writes them). */
static const char *const depmod_kbuild_files[] = {
    "modules.order",
    "modules.builtin",
    "modules.builtin.modinfo",
};

/*
 * The indexes libkmod 30 reads at boot: the binary indexes of lookups and initstate, and the
 * softdep config. depmod's text twins, modules.order and modules.builtin.modinfo only feed
 * depmod and modinfo, so they stay out of the image.
 */
static const char *const depmod_boot_indexes[] = {
    "modules.dep.bin",	   "modules.alias.bin",		"modules.symbols.bin",
    "modules.builtin.bin", "modules.builtin.alias.bin", "modules.softdep",
};

/* Where depmod may live when PATH (say, a user's) lacks the sbin directories. */
static const char *const depmod_paths[] = {"depmod", "/usr/sbin/depmod", "/sbin/depmod"};

/* depmod.d directories of the source tree, relative to it, handed to depmod with -C. */
static const char *const depmod_confs[] = {"etc/depmod.d", "lib/depmod.d", "usr/lib/depmod.d"};

/*
 * Runs the host's depmod on ROOT for the source's kernel version, with the source's config
 * (tree_config) or none.
 */
static int depmod_run(const struct kernel_source *src, const char *workdir, const char *root,
		      bool tree_config)
{
	char confs[ARRAY_SIZE(depmod_confs)][PATH_MAX], empty[PATH_MAX];
	char *argv[4 + 2 * ARRAY_SIZE(depmod_confs) + 2];
	size_t argc = 0;
	int r = -ENOENT, status = 0;

	argv[argc++] = NULL; /* filled per candidate below */
	argv[argc++] = (char *)"-b";
	argv[argc++] = (char *)root;
	/*
	 * Always pass -C: without it depmod reads the host's depmod.d, which may not describe
	 * the tree being packed; with only an empty directory it uses its default search order.
	 */
	for (size_t i = 0; tree_config && i < ARRAY_SIZE(depmod_confs); i++) {
		if (util_pathf(confs[i], "%s/%s", src->basedir, depmod_confs[i]) < 0 ||
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

	for (size_t i = 0; i < ARRAY_SIZE(depmod_paths); i++) {
		argv[0] = (char *)depmod_paths[i];
		r = util_run(argv, &status);
		if (r != -ENOENT)
			break;
	}
	if (r == -ENOENT)
		return log_error_errno(
		    r,
		    "depmod not found in PATH, /usr/sbin or /sbin: install kmod (apt-get install kmod)");
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
bool depmod_has_index(const char *moddir)
{
	static const char *const needed[] = {"modules.dep.bin", "modules.alias.bin"};

	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
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
int depmod_link_usr(const char *root)
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
int depmod_index_tree(const struct kernel_source *src, const char *workdir, char *ret_index_dir)
{
	char root[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = util_pathf(root, "%s/index", workdir);
	if (r < 0)
		return r;
	r = util_pathf(ret_index_dir, "%s/lib/modules/%s", root, src->kver);
	if (r < 0)
		return r;
	r = util_mkdir_p(ret_index_dir, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", ret_index_dir);
	r = depmod_link_usr(root);
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
		for (size_t i = 0; i < ARRAY_SIZE(depmod_kbuild_files); i++)
			keep = keep || strcmp(de->d_name, depmod_kbuild_files[i]) == 0;
		if (util_pathf(target, "%s/%s", src->moddir, de->d_name) < 0)
			continue;
		/* Old indexes (modules.*) stay out: depmod rewrites them here. */
		if (!keep && !util_is_dir(target))
			continue;
		r = util_pathf(link, "%s/%s", ret_index_dir, de->d_name);
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
		  ret_index_dir);
	return depmod_run(src, workdir, root, true);
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
static int depmod_merge_softdeps(const char *dir)
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
static int depmod_prune_indexes(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return log_error_errno(-errno, "cannot list %s: %m", dir);
	while ((de = readdir(d))) {
		bool keep = strncmp(de->d_name, "modules.", 8) != 0;

		for (size_t i = 0; i < ARRAY_SIZE(depmod_boot_indexes) && !keep; i++)
			keep = strcmp(de->d_name, depmod_boot_indexes[i]) == 0;
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

/* Copies the kbuild files the source has into the staged DIR: depmod reads them there. */
static int depmod_copy_kbuild(const struct kernel_source *src, const char *dir)
{
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(depmod_kbuild_files); i++) {
		unsigned char *data;
		size_t len;

		r = util_pathf(path, "%s/%s", src->moddir, depmod_kbuild_files[i]);
		if (r < 0)
			return r;
		r = util_read_file(path, &data, &len);
		if (r == -ENOENT) {
			log_debug("%s: not in the source, not copied", path);
			continue;
		}
		if (r < 0)
			return log_error_errno(r, "cannot read %s: %m", path);
		r = util_pathf(path, "%s/%s", dir, depmod_kbuild_files[i]);
		if (r >= 0)
			r = util_write_file(path, data, len, 0644);
		free(data);
		if (r < 0)
			return log_error_errno(r, "cannot write %s: %m", path);
	}
	return 0;
}

int depmod_index_image(const struct kernel_source *src, const char *workdir, const char *root)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	r = util_pathf(dir, "%s/lib/modules/%s", root, src->kver);
	if (r < 0)
		return log_error_errno(r, "path too long: %s", root);
	r = depmod_copy_kbuild(src, dir);
	if (r < 0)
		return r;
	/*
	 * Without the tree's depmod.d: the staged modules are one file per name, placed by us,
	 * and an "external" folder there would add the host's modules at that path to the
	 * image's indexes (kmod 30's depmod does not prefix external folders with -b).
	 */
	r = depmod_run(src, workdir, root, false);
	if (r < 0)
		return r;
	r = depmod_merge_softdeps(dir);
	if (r < 0)
		return r;
	r = depmod_prune_indexes(dir);
	if (r < 0)
		return r;
	r = util_pathf(path, "%s/modules.dep.bin", dir);
	if (r < 0)
		return r;
	if (access(path, R_OK) < 0)
		return log_error_errno(-errno, "depmod left no %s: %m", path);
	return 0;
}
