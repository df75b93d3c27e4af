/* SPDX-License-Identifier: MIT */
/* The kernel command line as baton understands it: a pure parser into struct boot_params. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* x86's COMMAND_LINE_SIZE (arch/x86/include/asm/setup.h); no value can be longer than this. */
#define CMDLINE_MAX 2048

/* rd.timeout= default: how long to wait for the root when rootwait is not given. */
#define CMDLINE_DEFAULT_TIMEOUT_SEC 30

enum cmdline_wait {
	CMDLINE_WAIT_DEADLINE, /* no rootwait: give up after timeout_sec */
	CMDLINE_WAIT_FOREVER,  /* rootwait */
};

enum cmdline_verbosity {
	CMDLINE_VERBOSITY_DEFAULT,
	CMDLINE_VERBOSITY_QUIET, /* quiet */
	CMDLINE_VERBOSITY_DEBUG, /* rd.debug */
};

struct boot_params {
	char root[CMDLINE_MAX];       /* root=, as written, quotes removed; "" if absent */
	char rootfstype[CMDLINE_MAX]; /* rootfstype=, comma list; "" = detect */
	char rootflags[CMDLINE_MAX];  /* rootflags=, handed to libmount unparsed */
	char init[CMDLINE_MAX];       /* init=; "" = the fallback list */
	bool read_write;              /* rw (last of ro/rw wins; default ro as the kernel) */
	enum cmdline_wait wait;
	unsigned timeout_sec; /* rootwait=SEC, else rd.timeout=, else the default */
	unsigned rootdelay_sec;
	int panic_sec; /* panic=: <0 reboot at once, 0 wait forever, >0 wait then reboot */
	char resume[CMDLINE_MAX];     /* resume=: hibernation image device; "" if absent */
	char usr[CMDLINE_MAX];        /* mount.usr=: a separate /usr device; "" = see fstab */
	char usrfstype[CMDLINE_MAX];  /* mount.usrfstype= */
	char usrflags[CMDLINE_MAX];   /* mount.usrflags= */
	/* Comma lists; repeated keys add to them (as dracut does), in command line order. */
	char load_modules[CMDLINE_MAX]; /* rd.driver.pre=, rd.modules-load=, modules_load= */
	char blacklist[CMDLINE_MAX];    /* rd.driver.blacklist=, modprobe.blacklist= */
	enum cmdline_verbosity verbosity;
};

/*
 * Parses a command line of len bytes (need not be NUL-terminated) into *ret, filling defaults
 * first. Tokenizes as the kernel's next_arg() does (lib/cmdline.c): a value may be quoted, words
 * after "--" are the init's. Repeated keys: the last wins. Unknown keys are ignored.
 * Returns 0, or -E2BIG when len exceeds CMDLINE_MAX (then *ret is untouched), or -EINVAL for a
 * number that does not parse (the key keeps its default; *ret is still filled).
 */
int cmdline_parse(const char *buf, size_t len, struct boot_params *ret);
