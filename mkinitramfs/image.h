/* SPDX-License-Identifier: MIT */
/* The image layout the init relies on, assembled into a cpio archive, and its output file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cpio.h"
#include "kernel.h"
#include "plymouth.h"

/* VERSION_ID of /etc/initrd-release; the build may define it from the release tag. */
#ifndef BATON_VERSION
#define BATON_VERSION "0.1"
#endif

struct image_spec {
	const char *init_path;		  /* becomes /init */
	const struct kernel_source *src; /* kernel version and modprobe.d sources */
	const char *stage_root;		  /* holds lib/modules/KVER from modstage_write() */
	const char *const *load;	  /* lines of /lib/baton/modules.load; NULL: no file */
	size_t load_count;
	const char *const *firmware;	      /* firmware the modules name ... */
	const char *const *firmware_modules; /* ... and the module naming each */
	size_t firmware_count;
	const char *const *binaries; /* --binary paths or names */
	size_t binary_count;
	const char *const *hook_dirs; /* hook folders, found and checked by hookdirs_find() */
	size_t hook_count;
	bool shell;				/* --shell: busybox and its applets */
	bool shell_allowed; /* --shell given: IMAGE_SHELL_ALLOWED marks the image */
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
 * Checks that path can be the image's /init: a regular file, a static ELF program (no
 * PT_INTERP, no DT_NEEDED) of the class, byte order and machine of the kernel's modules in
 * src->moddir (not checked when it holds none). Logs what is wrong; -ENOEXEC.
 */
int image_check_init(const char *path, const struct kernel_source *src);

/* Adds every entry of the image to an empty archive. Logs what failed. */
int image_build(const struct image_spec *spec, struct cpio_archive *a, struct image_stats *ret);

/*
 * Checks that output can be replaced: it does not exist or is a regular file. A symbolic
 * link, a directory, a device node, a FIFO or a socket is refused (logged, -errno).
 */
int image_check_output(const char *output);

/*
 * Removes the temporaries (.NAME.XXXXXX next to output) of image_write() runs that died
 * before their rename: those owned by this user that no live run holds locked. Logs each
 * one; returns how many.
 */
int image_clean_stale(const char *output);

/*
 * Writes data to output atomically with the given mode (a locked temporary file in the same
 * directory, synced, then renamed over output, then the directory synced). Stops before the
 * rename if output stopped being a regular file or a signal was caught. *ret_renamed tells
 * whether output is the new image, also when the final directory sync failed.
 */
int image_write(const char *output, const void *data, size_t len, mode_t mode, bool *ret_renamed);
