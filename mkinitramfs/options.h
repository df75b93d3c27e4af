/* SPDX-License-Identifier: MIT */
/* mkinitramfs's command line: the options, --help, and the checks every value gets first. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "compress.h"
#include "shutdown.h"
#include "strv.h"

/* Exit codes, documented in --help and mkinitramfs(8). */
#define OPTIONS_EXIT_OK 0
#define OPTIONS_EXIT_USAGE 1
#define OPTIONS_EXIT_FAILURE 2

/* The name of the init program looked for next to the mkinitramfs executable. */
#define OPTIONS_DEFAULT_INIT "init"

/* The installed init (make install, the .deb). */
#ifndef OPTIONS_INSTALLED_INIT
#define OPTIONS_INSTALLED_INIT "/usr/lib/baton/init"
#endif

/* Where staging directories go when $TMPDIR is unset. */
#define OPTIONS_DEFAULT_TMPDIR "/tmp"

/* --host-only: no, yes (generic in a chroot or container), force (whatever runs). */
#define OPTIONS_HOST_ONLY_NO 0
#define OPTIONS_HOST_ONLY_YES 1
#define OPTIONS_HOST_ONLY_FORCE 2

struct options {
	const char *output;
	const char *kver;
	const char *basedir;
	char init[PATH_MAX];
	struct compress_spec compress; /* --compress; COMPRESS_NONE: stored */
	struct strv modules;	       /* -m names, split at commas, first occurrence kept */
	uint32_t mtime;
	struct strv binaries; /* --binary, in the order given */
	struct strv hooks;    /* --hook as given, then the folders found */
	bool shell;	      /* busybox in the image: --shell, or implied by shell hooks */
	bool shell_requested; /* --shell itself: a rescue shell is allowed */
	bool plymouth;
	mode_t mode;		     /* --mode */
	enum shutdown_mode shutdown; /* --shutdown, --no-shutdown */
	unsigned stacks_forced;	     /* --stack: STACKS_* bits (stacks.h) */
	unsigned stacks_excluded;    /* --no-stack */
	unsigned stacks;	     /* the stacks the image carries, set by stacks_plan() */
	int host_only;		     /* --host-only: OPTIONS_HOST_ONLY_* */
	bool explain;		     /* --explain: why each host-only module is there */
	struct strv omit;	     /* --omit-modules, comma lists as given */
	bool no_microcode;	     /* --no-microcode: no early microcode archive */
	int crypttab; /* enum crypttab_mode: --crypttab, --no-crypttab, else automatic */

	/* The console keymap and font (keymap.c). */
	const char *keymap;	    /* --keymap: a keymap of the tree, else the tree's own */
	const char *font;	    /* --font: a console font of the tree, else the tree's own */
	bool no_keymap;		    /* --no-keymap: neither */
	char keymap_file[PATH_MAX]; /* the keymap carried, set by keymap_plan(); "" for none */
	char font_file[PATH_MAX];   /* the font carried, set by keymap_plan(); "" for none */
};

/*
 * Parses argv and SOURCE_DATE_EPOCH into o (zeroed by the caller): OPTIONS_EXIT_OK, or the
 * exit code after a usage message. --help and --version print and exit here.
 */
int options_parse(int argc, char **argv, struct options *o);

/* The long options table (ends with a zeroed entry), for the configuration files' keys. */
struct option;
const struct option *options_table(void);

/* The default --init: beside the program in a build tree, else the installed one. */
int options_default_init(char *buf);

/* Frees what options_parse() allocated. */
void options_free(struct options *o);
