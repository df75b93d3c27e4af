/* SPDX-License-Identifier: MIT */
/* mkinitramfs's command line: the options, --help, and the checks every value gets first. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes, documented in --help and mkinitramfs(8). */
#define OPTIONS_EXIT_OK 0
#define OPTIONS_EXIT_USAGE 1
#define OPTIONS_EXIT_FAILURE 2

/* The name of the init program looked for next to the mkinitramfs executable. */
#define OPTIONS_DEFAULT_INIT "init"

/* Where staging directories go when $TMPDIR is unset. */
#define OPTIONS_DEFAULT_TMPDIR "/tmp"

/* A growable list of option values (--binary, --hook), in the order given. */
struct options_list {
	char **v;
	size_t count;
	size_t cap;
};

struct options {
	const char *output;
	const char *kver;
	const char *basedir;
	char init[PATH_MAX];
	bool compress;
	char **modules; /* -m names, split at commas, first occurrence kept */
	size_t module_count;
	size_t module_cap;
	uint32_t mtime;
	struct options_list binaries; /* --binary */
	struct options_list hooks;    /* --hook as given, then the folders found */
	bool shell;		      /* busybox in the image: --shell, or implied by shell hooks */
	bool shell_requested;	      /* --shell itself: a rescue shell is allowed */
	bool plymouth;
	mode_t mode;  /* --mode */
	int crypttab; /* enum crypttab_mode: --crypttab, --no-crypttab, else automatic */
};

/*
 * Parses argv and SOURCE_DATE_EPOCH into o (zeroed by the caller): OPTIONS_EXIT_OK, or the
 * exit code after a usage message. --help and --version print and exit here.
 */
int options_parse(int argc, char **argv, struct options *o);

/* Appends a copy of value to l. Returns 0 or -ENOMEM. */
int options_list_push(struct options_list *l, const char *value);

/* The default --init: the file OPTIONS_DEFAULT_INIT in the directory of /proc/self/exe. */
int options_default_init(char *buf);

/* Frees what options_parse() and options_list_push() allocated. */
void options_free(struct options *o);
