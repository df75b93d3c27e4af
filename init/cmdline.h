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

/* Hook stages, in boot order (hooks.c runs them; rd.break= stops at one). */
enum boot_stage {
	STAGE_EARLY,      /* after the API mounts and the command line */
	STAGE_PREMOUNT,   /* before waiting for the root: assemble RAID/LVM, unlock LUKS */
	STAGE_DEVICE,     /* re-run while waiting for the root */
	STAGE_MOUNT,      /* the root is mounted at /sysroot, not yet validated */
	STAGE_PRE_SWITCH, /* last moment before the switch; /dev is already in the new root */
	STAGE_FAILURE,    /* before the failure action */
	STAGE_COUNT,
	STAGE_NONE = -1,
};

/* What a failure does after reporting (rd.emergency=). */
enum cmdline_emergency {
	CMDLINE_EMERGENCY_DEFAULT, /* a shell if the image has one and rd.shell allows, then reboot */
	CMDLINE_EMERGENCY_REBOOT,
	CMDLINE_EMERGENCY_HALT,
	CMDLINE_EMERGENCY_SHELL,
};

/* Default per-hook time limit (baton.hook_timeout=); plymouth and fsck hooks finish well before. */
#define CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC 60

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
	int log_level;             /* baton.log=: a syslog level 3..7, or -1 for the default */
	enum boot_stage break_at;  /* rd.break=, break=: shell before this stage's hooks */
	bool shell_allowed;        /* rd.shell=0 forbids every shell */
	enum cmdline_emergency emergency;
	unsigned hook_timeout_sec; /* baton.hook_timeout= */
};

/* The name of a stage as hook folders and messages use it ("pre-switch"). */
const char *cmdline_stage_name(enum boot_stage stage);

/*
 * Parses a command line of len bytes (need not be NUL-terminated) into *ret, filling defaults
 * first. Tokenizes as the kernel's next_arg() does (lib/cmdline.c): a value may be quoted, words
 * after "--" are the init's. Repeated keys: the last wins. Unknown keys are ignored.
 * Returns 0, or -E2BIG when len exceeds CMDLINE_MAX (then *ret is untouched), or -EINVAL for a
 * number that does not parse (the key keeps its default; *ret is still filled).
 */
int cmdline_parse(const char *buf, size_t len, struct boot_params *ret);
