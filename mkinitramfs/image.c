// SPDX-License-Identifier: MIT
/* The image layout the init relies on, assembled into a cpio archive. */
#include "image.h"

#include "crypttab.h"
#include "keymap.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "binaries.h"
#include "busybox.h"
#include "elfinfo.h"
#include "firmware.h"
#include "hookdirs.h"
#include "layout.h"
#include "log.h"
#include "macro.h"
#include "shutdown.h"
#include "tree.h"
#include "util.h"

/* Directories the init mounts on or expects (layout.h), and the parents of other entries. */
static const char *const image_dirs[] = {LAYOUT_REL(LAYOUT_DEV),
					 LAYOUT_REL(LAYOUT_PROC),
					 LAYOUT_REL(LAYOUT_SYS),
					 LAYOUT_REL(LAYOUT_RUN),
					 LAYOUT_REL(LAYOUT_NEW_ROOT),
					 "etc",
					 "lib",
					 LAYOUT_REL(LAYOUT_BATON_DIR),
					 LAYOUT_REL(LAYOUT_MODULES_DIR),
					 "sbin"};

/* /dev/console: char 5:1 (Documentation/admin-guide/devices.txt); the kernel opens it for fds 0-2
 * before devtmpfs. */
#define IMAGE_CONSOLE_MAJOR 5
#define IMAGE_CONSOLE_MINOR 1

/*
 * systemd and plymouth recognize an initrd by this file (os-release(5)); its fields are
 * those of os-release.
 */
#define IMAGE_INITRD_RELEASE "etc/initrd-release"

/* Nesting of lib/modules/KVER; kernel trees are about 6 levels deep (kernel/drivers/net/...). */
#define IMAGE_TREE_DEPTH_MAX 32

/* Suffix of the modprobe.d files libkmod reads (modprobe.d(5)); other names are ignored. */
#define IMAGE_CONF_SUFFIX ".conf"

static int image_add_file_from(struct cpio_archive *a, const char *image_path, const char *path,
			       mode_t perm)
{
	unsigned char *data;
	size_t len;
	int r;

	r = util_read_file(path, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", path);
	r = cpio_add_file(a, image_path, perm, data, len);
	free(data);
	if (r < 0)
		return log_error_errno(r, "cannot add %s as /%s: %m", path, image_path);
	return 0;
}

/* Adds the tree at dir as image_dir's contents (image_dir itself must be added already). */
static int image_add_tree(struct cpio_archive *a, const char *dir, const char *image_dir, int depth)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > IMAGE_TREE_DEPTH_MAX)
		return log_error_errno(-ELOOP, "%s is nested too deeply", dir);
	d = opendir(dir);
	if (!d)
		return log_error_errno(-errno, "cannot read %s: %m", dir);
	while ((de = readdir(d))) {
		char path[PATH_MAX], image_path[PATH_MAX], target[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = util_pathf(path, "%s/%s", dir, de->d_name);
		if (r >= 0)
			r = util_pathf(image_path, "%s/%s", image_dir, de->d_name);
		if (r < 0) {
			log_error_errno(r, "path too long: %s/%s", dir, de->d_name);
			break;
		}
		if (lstat(path, &st) < 0) {
			r = log_error_errno(-errno, "cannot stat %s: %m", path);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = cpio_add_dir(a, image_path, 0755);
			if (r < 0) {
				log_error_errno(r, "cannot add /%s: %m", image_path);
				break;
			}
			r = image_add_tree(a, path, image_path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			r = image_add_file_from(a, image_path, path, 0644);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(path, target, sizeof(target) - 1);
			if (n < 0) {
				r = log_error_errno(-errno, "cannot read link %s: %m", path);
				break;
			}
			target[n] = '\0';
			r = cpio_add_symlink(a, image_path, target);
			if (r < 0)
				log_error_errno(r, "cannot add /%s: %m", image_path);
		} else {
			log_warning("%s is neither a file, a directory nor a symlink, ignoring",
				    path);
		}
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* Copies the *.conf files of src into image_dir; a mask (a link to /dev/null) stays a mask: an
 * empty file. */
static int image_add_confs(struct cpio_archive *a, const char *src, const char *image_dir)
{
	struct dirent *de;
	bool added_dir = false;
	DIR *d;
	int r = 0;

	d = opendir(src);
	if (!d)
		return log_error_errno(-errno, "cannot read %s: %m", src);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), n = strlen(IMAGE_CONF_SUFFIX);
		char path[PATH_MAX], image_path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' || len <= n ||
		    strcmp(de->d_name + len - n, IMAGE_CONF_SUFFIX) != 0)
			continue;
		r = util_pathf(path, "%s/%s", src, de->d_name);
		if (r >= 0)
			r = util_pathf(image_path, "%s/%s", image_dir, de->d_name);
		if (r < 0) {
			log_error_errno(r, "path too long: %s/%s", src, de->d_name);
			break;
		}
		if (!added_dir) {
			r = cpio_add_dir(a, image_dir, 0755);
			if (r < 0) {
				log_error_errno(r, "cannot add /%s: %m", image_dir);
				break;
			}
			added_dir = true;
		}
		if (stat(path, &st) == 0 && S_ISCHR(st.st_mode)) {
			r = cpio_add_file(a, image_path, 0644, NULL, 0);
			if (r < 0)
				log_error_errno(r, "cannot add /%s: %m", image_path);
		} else {
			r = image_add_file_from(a, image_path, path, 0644);
		}
		if (r < 0)
			break;
		log_debug("  /%s from %s", image_path, path);
	}
	closedir(d);
	return r;
}

static int image_add_text(struct cpio_archive *a, const char *image_path, const char *text)
{
	int r = cpio_add_file(a, image_path, 0644, text, strlen(text));

	if (r < 0)
		return log_error_errno(r, "cannot add /%s: %m", image_path);
	return 0;
}

static int image_add_load(struct cpio_archive *a, const char *const *load, size_t count)
{
	size_t len = 0;
	char *text, *p;
	int r;

	for (size_t i = 0; i < count; i++)
		len += strlen(load[i]) + 1;
	text = malloc(len + 1);
	if (!text)
		return log_error_errno(-ENOMEM, "out of memory");
	p = text;
	for (size_t i = 0; i < count; i++)
		p += sprintf(p, "%s\n", load[i]);
	r = image_add_text(a, LAYOUT_REL(LAYOUT_MODULES_LOAD), text);
	free(text);
	return r;
}

/* The init's class, byte order and machine against those of one of the kernel's modules. */
static int image_check_arch(const char *path, const struct kernel_source *src,
			    const struct elfinfo_header *h)
{
	struct elfinfo_header k;
	char module[PATH_MAX], have[ARCH_DESCRIBE_MAX], want[ARCH_DESCRIBE_MAX],
	    hint[PATH_MAX + 128];
	int r;

	r = arch_of_kernel(src, module, &k);
	if (r < 0) {
		/* A kernel with everything built in: nothing to compare with. */
		log_debug(
		    "no module in %s tells the kernel's architecture; the init's (%s) is not checked",
		    src->moddir, (arch_describe(have, sizeof(have), h), have));
		return 0;
	}
	if (h->elf_class != k.elf_class || h->data != k.data || h->machine != k.machine) {
		arch_describe(have, sizeof(have), h);
		arch_describe(want, sizeof(want), &k);
		arch_suggest_init(hint, sizeof(hint), &k);
		log_error(
		    "the init program %s is built for %s, but kernel %s runs %s programs (read from its module %s): %s",
		    path, have, src->kver, want, module, hint);
		return -ENOEXEC;
	}
	return 0;
}

int image_check_init(const char *path, const struct kernel_source *src)
{
	struct elfinfo_header h;
	struct elfinfo info = {0};
	unsigned char *data;
	size_t len;
	int r;

	r = util_read_file(path, &data, &len);
	if (r < 0)
		return log_error_errno(
		    r,
		    "cannot read the init program %s: %m; build it with 'make' or name another one with --init PATH",
		    path);
	if (len == 0) {
		log_error(
		    "the init program %s is empty; build it with 'make' or name another one with --init PATH",
		    path);
		r = -ENOEXEC;
		goto out;
	}
	r = elfinfo_header(data, len, &h);
	if (r < 0) {
		log_error(
		    "the init program %s is not an ELF program%s: the kernel runs /init before anything else exists, so it must be baton's static init; build it with 'make' (build/init) or name another one with --init PATH",
		    path, len >= 2 && data[0] == '#' && data[1] == '!' ? " (it is a script)" : "");
		goto out;
	}
	if (h.type != ET_EXEC && h.type != ET_DYN) {
		log_error(
		    "the init program %s is an ELF file of type %u, not a program (an object file or a core dump?); name the built init with --init PATH",
		    path, h.type);
		r = -ENOEXEC;
		goto out;
	}
	r = elfinfo_parse(data, len, &info);
	if (r == -ENOMEM) {
		log_error_errno(r, "out of memory");
		goto out;
	}
	if (r < 0) {
		log_error(
		    "the init program %s is a malformed ELF file (its program headers or dynamic section point outside it); name another one with --init PATH",
		    path);
		goto out;
	}
	if (info.interp || info.needed.count) {
		log_error(
		    "the init program %s is dynamically linked (%s %s), but it must be static (it runs first, and as /sbin/modprobe): link it statically (make builds build/init with musl-gcc -static) or name another one with --init PATH",
		    path, info.interp ? "interpreter" : "needs",
		    info.interp ? info.interp : info.needed.v[0]);
		r = -ENOEXEC;
		goto out;
	}
	r = image_check_arch(path, src, &h);
out:
	elfinfo_free(&info);
	free(data);
	return r;
}

/*
 * Programs from the base directory: busybox, --binary, plymouth and the hook folders, then the
 * busybox applet links where nothing else took the name (so /bin/sh is busybox), and last the
 * interpreters of scripts that the image does not hold yet.
 */
static int image_add_programs(const struct image_spec *spec, struct tree *tree,
			      struct image_stats *ret)
{
	struct binaries *b = NULL;
	int r;

	if (!spec->binary_count && !spec->hook_count && !spec->shell && !spec->plymouth)
		return 0;
	r = binaries_new(tree, &b);
	if (r < 0)
		return r;
	if (spec->shell) {
		log_debug("--shell: busybox:");
		r = busybox_add(tree, b);
		if (r < 0)
			goto out;
	}
	if (spec->binary_count)
		log_debug("--binary, with the libraries needed:");
	for (size_t i = 0; i < spec->binary_count; i++) {
		r = binaries_add(b, spec->binaries[i], "--binary");
		if (r < 0)
			goto out;
	}
	if (spec->plymouth) {
		log_debug("--plymouth:");
		r = plymouth_add(tree, b, spec->plymouth);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < spec->hook_count; i++) {
		size_t n = 0;

		log_debug("hook folder %s:", spec->hook_dirs[i]);
		r = hookdirs_add(tree, b, spec->hook_dirs[i], &n);
		if (r < 0)
			goto out;
		ret->hooks += n;
	}
	if (spec->shell) {
		r = busybox_add_applets(tree, &ret->applets);
		if (r < 0)
			goto out;
	}
	r = binaries_add_interpreters(b);
	if (r < 0)
		goto out;
	ret->binaries = binaries_count(b);
out:
	binaries_free(b);
	return r;
}

/* The image's parts in the order they are added, each one call (~80 lines: kept as a list). */
int image_build(const struct image_spec *spec, struct cpio_archive *a, struct image_stats *ret)
{
	const struct kernel_source *src = spec->src;
	struct tree tree = {.a = a, .basedir = src->basedir, .shown_basedir = src->shown_basedir};
	struct kernel_conf_dir confs[KERNEL_CONF_DIRS];
	char image_moddir[PATH_MAX], stage_moddir[PATH_MAX], release[PATH_MAX];
	const char *failed = NULL;
	int n, r;

	for (size_t i = 0; i < ARRAY_SIZE(image_dirs); i++) {
		r = cpio_add_dir(a, image_dirs[i], 0755);
		if (r < 0)
			return log_error_errno(r, "cannot add /%s: %m", image_dirs[i]);
	}
	r = cpio_add_node(a, LAYOUT_CONSOLE, S_IFCHR, 0600, IMAGE_CONSOLE_MAJOR,
			  IMAGE_CONSOLE_MINOR);
	if (r < 0)
		return log_error_errno(r, "cannot add %s: %m", LAYOUT_CONSOLE);
	r = image_add_file_from(a, LAYOUT_REL(LAYOUT_INIT), spec->init_path, 0755);
	if (r < 0)
		return r;
	/* The init is multi-call: the kernel's request_module() starts it as modprobe. */
	r = cpio_add_symlink(a, LAYOUT_MODPROBE, LAYOUT_INIT);
	if (r < 0)
		return log_error_errno(r, "cannot add %s: %m", LAYOUT_MODPROBE);
	snprintf(release, sizeof(release),
		 "NAME=\"baton initramfs\"\n"
		 "ID=baton\n"
		 "VERSION_ID=%s\n"
		 "PRETTY_NAME=\"baton initramfs %s\"\n",
		 BATON_VERSION, BATON_VERSION);
	r = image_add_text(a, IMAGE_INITRD_RELEASE, release);
	if (r < 0)
		return r;
	if (spec->shell_allowed) {
		r = image_add_text(a, LAYOUT_REL(LAYOUT_SHELL_ALLOWED), "");
		if (r < 0)
			return r;
	}
	if (spec->load) {
		r = image_add_load(a, spec->load, spec->load_count);
		if (r < 0)
			return r;
	}

	n = kernel_conf_dirs(src, confs);
	for (int i = 0; i < n; i++) {
		r = image_add_confs(a, confs[i].src, confs[i].image_dir);
		if (r < 0)
			return r;
	}

	r = util_pathf(image_moddir, "%s/%s", LAYOUT_REL(LAYOUT_MODULES_DIR), src->kver);
	if (r >= 0)
		r = util_pathf(stage_moddir, "%s/%s", spec->stage_root, image_moddir);
	if (r < 0)
		return log_error_errno(r, "path too long: %s", spec->stage_root);
	r = cpio_add_dir(a, image_moddir, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot add /%s: %m", image_moddir);
	r = image_add_tree(a, stage_moddir, image_moddir, 0);
	if (r < 0)
		return r;
	r = firmware_add(&tree, src, spec->firmware, spec->firmware_modules, spec->firmware_count,
			 &ret->firmware);
	if (r < 0)
		return r;
	r = image_add_programs(spec, &tree, ret);
	if (r < 0)
		return r;
	/* After the programs: it lists the stack tools they brought. */
	r = shutdown_add(&tree, spec->shutdown, &ret->shutdown_files);
	if (r < 0)
		return r;
	ret->shutdown = r > 0;
	r = crypttab_add(&tree, spec->crypttab, spec->crypttab_names, spec->crypttab_name_count,
			 spec->image_mode, &ret->crypttab);
	if (r < 0)
		return r;
	if (spec->keymap_file && spec->font_file) {
		r = keymap_add(&tree, spec->keymap_file, spec->font_file);
		if (r < 0)
			return r;
	}

	r = cpio_finalize(a, &failed);
	if (r < 0)
		return log_error_errno(r, "the image is inconsistent at /%s: %m", failed);
	return 0;
}
