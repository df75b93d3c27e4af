/* SPDX-License-Identifier: MIT */
/* The image layout the init relies on, assembled into a cpio archive, and its output file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpio.h"
#include "modules.h"
#include "plymouth.h"

/* VERSION_ID of /etc/initrd-release; the build may define it from the release tag. */
#ifndef BATON_VERSION
#define BATON_VERSION "0.1"
#endif

struct image_spec {
	const char *init_path;		  /* becomes /init */
	const struct modules_source *src; /* kernel version and modprobe.d sources */
	const char *stage_root;		  /* holds lib/modules/KVER from modules_stage() */
	const char *const *load;	  /* lines of /lib/baton/modules.load; NULL: no file */
	size_t load_count;
	const char *const *firmware;	      /* firmware the modules name ... */
	const char *const *firmware_modules; /* ... and the module naming each */
	size_t firmware_count;
	const char *const *binaries; /* --binary paths or names */
	size_t binary_count;
	const char *const *hook_dirs; /* hook folders, found and checked by hooks_find() */
	size_t hook_count;
	bool shell;				/* --shell: busybox and its applets */
	const struct plymouth_plan *plymouth; /* --plymouth, or NULL */
};

/* What image_build added besides the modules, for the summary line. */
struct image_stats {
	size_t firmware;
	size_t binaries; /* programs and libraries */
	size_t hooks;
	size_t applets; /* busybox links */
};

/*
 * Checks that path can be the image's /init: a readable regular file and, if it is an ELF
 * program, a static one (it needs no libraries from the image). Logs what is wrong.
 */
int image_check_init(const char *path);

/* Adds every entry of the image to an empty archive. Logs what failed. */
int image_build(const struct image_spec *spec, struct cpio_archive *a, struct image_stats *ret);

/* Writes data to output atomically (a temporary file in the same directory, then rename). */
int image_write(const char *output, const void *data, size_t len);
