// SPDX-License-Identifier: MIT
/* Copies the firmware files the image's modules name from the base directory. */
#include "firmware.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compress.h"
#include "log.h"
#include "macro.h"
#include "util.h"

/*
 * The kernel's search order (drivers/base/firmware_loader/main.c, fw_path[]): updates for this
 * release, updates, this release, then the folder itself. Debian packages install firmware in
 * /lib/firmware, which merged /usr and newer packages put in /usr/lib/firmware.
 */
static const char *const firmware_roots[] = {"/lib/firmware", "/usr/lib/firmware"};

enum firmware_sub { FIRMWARE_UPDATES_KVER, FIRMWARE_UPDATES, FIRMWARE_KVER, FIRMWARE_TOP };
#define FIRMWARE_SUBS 4

/*
 * Suffixes in the kernel's order (_request_firmware: the plain name everywhere first, then
 * ".zst" if CONFIG_FW_LOADER_COMPRESS_ZSTD, then ".xz" if CONFIG_FW_LOADER_COMPRESS_XZ);
 * Debian compresses some firmware files with xz.
 */
static const struct {
	const char *suffix;
	const char *config; /* the kernel option that lets the loader read it as is */
} firmware_suffixes[] = {
    {"", NULL},
    {".zst", "CONFIG_FW_LOADER_COMPRESS_ZSTD"},
    {".xz", "CONFIG_FW_LOADER_COMPRESS_XZ"},
};

/* Which compressed suffixes the kernel reads, from its configuration if the tree has it. */
struct firmware_kernel {
	bool known; /* a configuration was found */
	bool reads[ARRAY_SIZE(firmware_suffixes)];
};

/* Does the kernel configuration text set option to y? */
static bool firmware_config_set(const char *text, const char *option)
{
	size_t n = strlen(option);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, option, n) == 0 && strncmp(p + n, "=y", 2) == 0 &&
		    (p[n + 2] == '\n' || p[n + 2] == '\0'))
			return true;
	return false;
}

static void firmware_kernel_config(const struct tree *t, const struct kernel_source *src,
				   struct firmware_kernel *ret)
{
	char paths[2][PATH_MAX];
	unsigned char *data = NULL;
	size_t len;
	int r = -ENOENT;

	*ret = (struct firmware_kernel){0};
	/* Debian: /boot/config-KVER; Arch, Fedora: the module folder's "config". */
	if (util_pathf(paths[0], "%s/boot/config-%s", t->basedir, src->kver) < 0 ||
	    util_pathf(paths[1], "%s/config", src->moddir) < 0)
		return;
	for (size_t i = 0; i < 2 && r < 0; i++) {
		r = util_read_file(paths[i], &data, &len);
		if (r >= 0)
			log_debug("firmware: kernel configuration %s", paths[i]);
	}
	if (r < 0) {
		log_debug(
		    "firmware: no kernel configuration (%s, %s): compressed firmware is stored decompressed",
		    paths[0], paths[1]);
		return;
	}
	ret->known = true;
	for (size_t i = 0; i < ARRAY_SIZE(firmware_suffixes); i++)
		ret->reads[i] =
		    !firmware_suffixes[i].config ||
		    firmware_config_set((const char *)data, firmware_suffixes[i].config);
	free(data);
}

/* A name the kernel could ask for: relative, without "." or ".." components. */
static bool firmware_name_valid(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p)
			p++;
	}
	return p[-1] != '/';
}

/* Finds name as the kernel would; *ret_real is canonical in the tree, *ret_suffix its index. */
static int firmware_find(const struct tree *t, const struct kernel_source *src, const char *name,
			 char *ret_real, size_t *ret_suffix)
{
	for (size_t s = 0; s < ARRAY_SIZE(firmware_suffixes); s++) {
		for (size_t root = 0; root < ARRAY_SIZE(firmware_roots); root++) {
			for (int sub = 0; sub < FIRMWARE_SUBS; sub++) {
				char path[PATH_MAX], host[PATH_MAX];
				struct stat st;
				int r;

				switch ((enum firmware_sub)sub) {
				case FIRMWARE_UPDATES_KVER:
					r = util_pathf(path, "%s/updates/%s/%s%s",
						       firmware_roots[root], src->kver, name,
						       firmware_suffixes[s].suffix);
					break;
				case FIRMWARE_UPDATES:
					r = util_pathf(path, "%s/updates/%s%s",
						       firmware_roots[root], name,
						       firmware_suffixes[s].suffix);
					break;
				case FIRMWARE_KVER:
					r = util_pathf(path, "%s/%s/%s%s", firmware_roots[root],
						       src->kver, name,
						       firmware_suffixes[s].suffix);
					break;
				default:
					r = util_pathf(path, "%s/%s%s", firmware_roots[root], name,
						       firmware_suffixes[s].suffix);
					break;
				}
				if (r < 0 || tree_resolve(t, path, ret_real) < 0 ||
				    tree_host_path(t, ret_real, host) < 0 || stat(host, &st) < 0 ||
				    !S_ISREG(st.st_mode))
					continue;
				*ret_suffix = s;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* Adds one firmware file. Returns 1 if added, 0 if missing or skipped, -errno on failure. */
static int firmware_add_one(struct tree *t, const struct kernel_source *src,
			    const struct firmware_kernel *kernel, const char *name,
			    const char *module)
{
	char real[PATH_MAX], host[PATH_MAX], image_path[PATH_MAX];
	unsigned char *data = NULL, *plain = NULL;
	size_t len, plain_len = 0, s = 0;
	bool keep;
	int r;

	if (!firmware_name_valid(name)) {
		log_warning(
		    "module %s names firmware '%s', which is not a relative file name, ignoring",
		    module, name);
		return 0;
	}
	if (firmware_find(t, src, name, real, &s) < 0) {
		log_debug(
		    "  firmware %s (for %s): not found under %s/lib/firmware or %s/usr/lib/firmware, not added",
		    name, module, t->basedir, t->basedir);
		return 0;
	}
	keep = kernel->known && kernel->reads[s];
	r = util_pathf(image_path, "%s/%s%s", FIRMWARE_IMAGE_DIR, name,
		       keep ? firmware_suffixes[s].suffix : "");
	if (r < 0)
		return log_error_errno(r, "firmware name too long: %s", name);
	if (tree_exists(t, image_path))
		return 0;
	r = tree_host_path(t, real, host);
	if (r >= 0)
		r = util_read_file(host, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read firmware %s: %m", host);
	if (!keep && firmware_suffixes[s].config) {
		r = compress_unpack(data, len, &plain, &plain_len);
		if (r < 0) {
			log_warning("cannot decompress firmware %s (for %s): %s, ignoring", host,
				    module, strerror(-r));
			free(data);
			return 0;
		}
	}
	r = tree_add_data(t, image_path, 0644, plain ? plain : data, plain ? plain_len : len);
	free(data);
	free(plain);
	if (r < 0)
		return log_error_errno(r, "cannot add /%s: %m", image_path);
	log_debug("  firmware %s (for %s) from %s%s", image_path, module, host,
		  !keep && firmware_suffixes[s].config ? ", decompressed" : "");
	return 1;
}

int firmware_add(struct tree *t, const struct kernel_source *src, const char *const *names,
		 const char *const *modules, size_t count, size_t *ret_added)
{
	struct firmware_kernel kernel;
	size_t added = 0;
	int r;

	*ret_added = 0;
	if (!count)
		return 0;
	log_debug("firmware named by the modules:");
	firmware_kernel_config(t, src, &kernel);
	for (size_t i = 0; i < count; i++) {
		r = firmware_add_one(t, src, &kernel, names[i], modules[i]);
		if (r < 0)
			return r;
		added += (size_t)r;
	}
	log_debug("firmware: %zu of %zu files found and added", added, count);
	*ret_added = added;
	return 0;
}
