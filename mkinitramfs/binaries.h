/* SPDX-License-Identifier: MIT */
/* Adds programs from the base directory with every shared library they need (not with ldd). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

struct binaries;

/* Reads BASEDIR/etc/ld.so.conf (and what it includes) for the library search path. */
int binaries_new(struct tree *t, struct binaries **ret);
void binaries_free(struct binaries *b);

/*
 * Adds the program (or shared library) at path, an absolute path in the base directory or a
 * bare name looked up in /usr/sbin, /usr/bin, /sbin and /bin there, at the same path in the
 * image, with symbolic links kept. For an ELF file, its interpreter (PT_INTERP) and its
 * DT_NEEDED libraries are added recursively, found as the dynamic loader finds them: DT_RPATH
 * (when there is no DT_RUNPATH), DT_RUNPATH, the ld.so.conf folders, then the multiarch and
 * classic library folders. A "#!" script's interpreter is remembered for
 * binaries_add_interpreters(). why says who asked ("--binary", "hook folder X") for messages.
 * Logs what is missing and who needed it.
 */
int binaries_add(struct binaries *b, const char *path, const char *why);

/*
 * Adds, like binaries_add, the interpreter of every script added so far that the image does
 * not hold yet (for "#!/bin/sh" that is normally busybox's link, made by --shell before).
 */
int binaries_add_interpreters(struct binaries *b);

/*
 * For a program the caller added itself (a hook, from outside the base directory): adds the
 * interpreter and libraries of an ELF program from the base directory, or remembers the "#!"
 * interpreter of a script for binaries_add_interpreters(). name is its path in the image,
 * for messages. Logs failures.
 */
int binaries_add_needs(struct binaries *b, const void *data, size_t len, const char *name);

/* Number of files (programs and libraries) added so far. */
size_t binaries_count(const struct binaries *b);
