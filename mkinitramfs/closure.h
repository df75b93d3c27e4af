/* SPDX-License-Identifier: MIT */
/* Resolves module names with the host libkmod into the closure of files the image needs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

struct closure_file {
	char *name; /* as libkmod normalizes it: '-' becomes '_' */
	char *src;  /* the file in the source tree, maybe compressed */
	char *rel;  /* its path under lib/modules/KVER in the image, ending in ".ko" */
};

struct closure;

/*
 * Opens libkmod on the source's indexes; a tree without them (an unpacked kernel package)
 * gets fresh ones from depmod in a directory under workdir, without writing to the source.
 */
int closure_new(const struct kernel_source *src, const char *workdir, struct closure **ret);
void closure_free(struct closure *c);

/*
 * Adds a module by name or alias with its dependencies and pre/post softdeps, recursively.
 * A name that matches nothing is an error (-ENOENT, logged) when required, else a warning.
 */
int closure_add(struct closure *c, const char *name, bool required);

/* Number of module files added so far. */
size_t closure_count(const struct closure *c);

/*
 * The module files added so far, in the order added; the array lives as long as c (the
 * caller may reorder it). Returns how many.
 */
size_t closure_files(struct closure *c, struct closure_file **ret);

/* The kernel the closure was opened on, and its work directory. */
const struct kernel_source *closure_source(const struct closure *c);
const char *closure_workdir(const struct closure *c);

/*
 * The firmware files the added modules name (their modinfo "firmware" fields), each once,
 * with the module that named it first. Returns how many; the arrays live as long as c.
 */
size_t closure_firmware(const struct closure *c, const char *const **ret_names,
			const char *const **ret_modules);
