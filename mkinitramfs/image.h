/* SPDX-License-Identifier: MIT */
/* The image layout the init relies on, assembled into a cpio archive, and its output file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cpio.h"
#include "kernel.h"
#include "plymouth.h"
#include "shutdown.h"

/* VERSION_ID of /etc/initrd-release; the build may define it from the release tag. */
#ifndef BATON_VERSION
#define BATON_VERSION "0.1"
#endif

struct image_spec {
	const char *init_path;		 /* becomes /init */
	const struct kernel_source *src; /* kernel version and modprobe.d sources */
	const char *stage_root;		 /* holds lib/modules/KVER from modstage_write() */
	const char *const *load;	 /* lines of /lib/baton/modules.load; NULL: no file */
	size_t load_count;
	const char *const *firmware;	     /* firmware the modules name ... */
	const char *const *firmware_modules; /* ... and the module naming each */
	size_t firmware_count;
	const char *const *binaries; /* --binary paths or names */
	size_t binary_count;
	const char *const *hook_dirs; /* hook folders, found and checked by hookdirs_find() */
	size_t hook_count;
	bool shell;	    /* --shell: busybox and its applets */
	bool shell_allowed; /* --shell given: IMAGE_SHELL_ALLOWED marks the image */
	const struct plymouth_plan *plymouth; /* --plymouth, or NULL */
	enum shutdown_mode shutdown;	      /* --shutdown, --no-shutdown */
	int crypttab;			      /* enum crypttab_mode */
	const char *const *crypttab_names;    /* crypttab entries host-only found under the root */
	size_t crypttab_name_count;
	mode_t image_mode;	 /* --mode, for the keyfile warning */
	const char *keymap_file; /* keymap_plan()'s choice, "" for none */
	const char *font_file;	 /* and its font */
};

/* What image_build added besides the modules, for the summary line. */
struct image_stats {
	size_t firmware;
	size_t binaries; /* programs and libraries */
	size_t hooks;
	size_t applets;	       /* busybox links */
	bool shutdown;	       /* the shutdown return's list is in the image ... */
	size_t shutdown_files; /* ... with this many files and links */
	size_t crypttab;       /* crypttab entries carried */
};

/*
 * Checks that path can be the image's /init: a regular file, a static ELF program (no
 * PT_INTERP, no DT_NEEDED) of the class, byte order and machine of the kernel's modules in
 * src->moddir (not checked when it holds none). Logs what is wrong; -ENOEXEC.
 */
int image_check_init(const char *path, const struct kernel_source *src);

/* Adds every entry of the image to an empty archive. Logs what failed. */
int image_build(const struct image_spec *spec, struct cpio_archive *a, struct image_stats *ret);
