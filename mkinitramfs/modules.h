/* SPDX-License-Identifier: MIT */
/* Finds a kernel's modules, resolves names with the host libkmod, stages them decompressed. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest kernel release string: struct new_utsname's release field (include/uapi/linux/utsname.h).
 */
#define MODULES_KVER_MAX 65

struct modules_source {
	char basedir[PATH_MAX]; /* absolute, no trailing '/', "" for the host's root */
	char moddir[PATH_MAX];	/* BASEDIR/lib/modules/KVER or BASEDIR/usr/lib/modules/KVER */
	char kver[MODULES_KVER_MAX];
	char shown_basedir[PATH_MAX]; /* the -b argument as given, for messages */
};

struct modules_resolver;

/*
 * Chooses the kernel version (kver, or the only one installed, or uname -r) and finds its
 * module directory under basedir. Logs what was tried on failure.
 */
int modules_find(const char *basedir, const char *kver, struct modules_source *ret);

/*
 * Opens libkmod on the source's indexes; a tree without them (an unpacked kernel package)
 * gets fresh ones from depmod in a directory under workdir, without writing to the source.
 */
int modules_resolver_new(const struct modules_source *src, const char *workdir,
			 struct modules_resolver **ret);
void modules_resolver_free(struct modules_resolver *res);

/*
 * Adds a module by name or alias with its dependencies and pre/post softdeps, recursively.
 * A name that matches nothing is an error (-ENOENT, logged) when required, else a warning.
 */
int modules_resolver_add(struct modules_resolver *res, const char *name, bool required);

/* Number of module files added so far. */
size_t modules_resolver_count(const struct modules_resolver *res);

/*
 * The firmware files the added modules name (their modinfo "firmware" fields), each once,
 * with the module that named it first. Returns how many; the arrays live as long as res.
 */
size_t modules_resolver_firmware(const struct modules_resolver *res, const char *const **ret_names,
				 const char *const **ret_modules);

/*
 * Writes every module, decompressed, to ROOT/lib/modules/KVER/<path>.ko, copies
 * modules.order and modules.builtin{,.modinfo}, and runs depmod on ROOT so the indexes
 * describe exactly these modules.
 */
int modules_stage(struct modules_resolver *res, const char *root);

/*
 * The existing modprobe.d directories of the source tree (BASEDIR/etc/modprobe.d, and
 * BASEDIR/lib/modprobe.d or else BASEDIR/usr/lib/modprobe.d), each with the directory of the
 * image it is copied to. Returns how many were filled in (at most MODULES_CONF_DIRS).
 */
#define MODULES_CONF_DIRS 2
struct modules_conf_dir {
	char src[PATH_MAX];
	const char *image_dir;
};
int modules_conf_dirs(const struct modules_source *src, struct modules_conf_dir *ret);
