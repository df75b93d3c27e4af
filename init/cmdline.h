/* SPDX-License-Identifier: MIT */
/* The kernel command line as baton understands it: a pure parser into struct boot_params. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stage.h"

/*
 * x86's COMMAND_LINE_SIZE (arch/x86/include/asm/setup.h). Not a limit of the parser or of any
 * buffer: other architectures allow more, and bootconfig (Documentation/admin-guide/
 * bootconfig.rst) adds its "kernel" keys to /proc/cmdline beyond it. Tests go past it.
 */
#define CMDLINE_X86_SIZE 2048

/*
 * Every string field of struct boot_params has room for at least this many bytes, whatever
 * the line's length, so that a value handed back later (a hook's root=, hooks.h
 * HOOKS_RESULT_MAX) fits in place.
 */
#define CMDLINE_VALUE_ROOM 256

/* rd.timeout= default: how long to wait for the root when rootwait is not given. */
#define CMDLINE_DEFAULT_TIMEOUT_SEC 30

enum cmdline_wait {
	CMDLINE_WAIT_DEADLINE, /* no rootwait: give up after timeout_sec */
	CMDLINE_WAIT_FOREVER,  /* rootwait */
};

/* What a failure does after reporting (rd.emergency=). */
enum cmdline_emergency {
	CMDLINE_EMERGENCY_DEFAULT, /* a shell if the image has one and rd.shell allows, then reboot
				    */
	CMDLINE_EMERGENCY_REBOOT,
	CMDLINE_EMERGENCY_HALT,
	CMDLINE_EMERGENCY_SHELL,
};

/*
 * rd.retry= default: how long an incomplete md array waits for its missing members before it
 * is started degraded. The issue asks for 60 s; dracut's own default is 180 s and it starts
 * degraded arrays at two thirds of it.
 */
#define CMDLINE_DEFAULT_RETRY_SEC 60

/* Default per-hook time limit (baton.hook_timeout=); plymouth and fsck hooks finish well before. */
#define CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC 60

enum cmdline_verbosity {
	CMDLINE_VERBOSITY_DEFAULT,
	CMDLINE_VERBOSITY_QUIET, /* quiet */
	CMDLINE_VERBOSITY_DEBUG, /* rd.debug */
};

struct boot_params {
	/*
	 * Strings: never NULL ("" when absent), each with room for value_size bytes, all in one
	 * allocation that cmdline_free() releases.
	 */
	char *root;	  /* root=, as written, quotes removed */
	char *rootfstype; /* rootfstype=, comma list; "" = detect */
	char *rootflags;  /* rootflags=, handed to libmount unparsed */
	char *init;	  /* init=; "" = the fallback list */
	char *resume;	  /* resume=: hibernation image device */
	char *usr;	  /* mount.usr=: a separate /usr device; "" = see fstab */
	char *usrfstype;  /* mount.usrfstype= */
	char *usrflags;	  /* mount.usrflags= */
	/* Comma lists; repeated keys add to them (as dracut does), in command line order. */
	char *load_modules; /* rd.driver.pre=, rd.modules-load=, rd.modules_load=, modules_load= */
	char *blacklist;    /* rd.driver.blacklist=, modprobe.blacklist=: module names only */
	/* dm-verity in systemd's dialect (verity.c); data/hash "" = derived from the hash. */
	char *roothash, *verity_root_data, *verity_root_hash, *verity_root_options;
	char *usrhash, *verity_usr_data, *verity_usr_hash, *verity_usr_options;
	/* A persistent upper layer (overlay.c): meta-readonly-rootfs-overlay's names. */
	char *rootrw, *rootrwfstype, *rootrwoptions;
	char *md_uuids; /* rd.md.uuid=: the only md arrays assembled (stacks.c) */
	char *lvm_vgs;	/* rd.lvm.vg=: the only volume groups activated */
	char *lvm_lvs;	/* rd.lvm.lv=VG/LV: the only logical volumes activated */
	/* LUKS (luks.c): the values of repeated keys, separated by blanks (CMDLINE_WORDS). */
	char *luks_uuids;   /* rd.luks.uuid=, luks.uuid= */
	char *luks_names;   /* rd.luks.name=UUID=NAME, luks.name= */
	char *luks_keys;    /* rd.luks.key=PATH[:DEVICE], luks.key= */
	char *luks_options; /* rd.luks.options=[UUID=]OPTIONS, luks.options= */
	char *cryptdevice;  /* cryptdevice=DEVICE:NAME[:OPTIONS] (mkinitcpio) */
	char *cryptkey;	    /* cryptkey=DEVICE:FSTYPE:PATH or rootfs:PATH (mkinitcpio) */
	size_t value_size;  /* room in each: max(line length + 1, CMDLINE_VALUE_ROOM) */
	char *strings;	    /* the allocation holding them */

	bool read_write; /* rw (last of ro/rw wins; default ro as the kernel) */
	enum cmdline_wait wait;
	unsigned timeout_sec; /* rootwait=SEC, else rd.timeout=, else the default; 0 iff forever */
	unsigned rootdelay_sec;
	int panic_sec; /* panic=: <0 reboot at once, 0 wait forever, >0 wait then reboot */
	bool noresume; /* noresume: never hand a resume device to the kernel */
	enum cmdline_verbosity verbosity;
	int log_level;		  /* baton.log=: a syslog level 3..7, or -1 for the default */
	enum boot_stage break_at; /* rd.break=, break=: shell before this stage's hooks */
	bool shell_allowed;	  /* rd.shell=0 forbids every shell */
	enum cmdline_emergency emergency;
	unsigned hook_timeout_sec; /* baton.hook_timeout= */
	bool shutdown;		   /* baton.shutdown=0 keeps /run/initramfs empty */
	int volatile_mode;	   /* systemd.volatile=: enum cmdline_volatile */
	bool md;		   /* rd.md=0: no md array is assembled */
	bool lvm;		   /* rd.lvm=0: no volume group is activated */
	int auto_assemble;	   /* rd.auto: 1 everything, 0 only what is named, -1 default */
	int retry_sec;		   /* rd.retry=: seconds before a degraded array is started */
	bool luks;		   /* rd.luks=0 / luks=0: unlock nothing */
	bool luks_crypttab;	   /* rd.luks.crypttab=0: ignore the image's /etc/crypttab */

	/* As read, before they are combined into wait and timeout_sec (which are what count). */
	int rd_timeout_sec; /* rd.timeout= */
	int rootwait_sec;   /* rootwait: seconds, or CMDLINE_ROOTWAIT_NONE or _FOREVER */

	/*
	 * The words whose value did not parse, in line order, as "name=value" with control
	 * characters shown as '?', each ended by a NUL; room for value_size bytes. main.c names
	 * each in a warning (cmdline_invalid_explain()).
	 */
	char *invalid;
	unsigned invalid_count;
};

/* systemd.volatile= as systemd(1) defines it (overlay.c applies it). */
enum cmdline_volatile {
	CMDLINE_VOLATILE_NO,	  /* the root as mounted */
	CMDLINE_VOLATILE_YES,	  /* a tmpfs root with only /usr from the root device */
	CMDLINE_VOLATILE_STATE,	  /* the root read-only, a tmpfs on /var */
	CMDLINE_VOLATILE_OVERLAY, /* a tmpfs upper layer over the read-only root */
};

/* rootwait_sec besides seconds: the kernel's root_wait (init/do_mounts.c). */
enum {
	CMDLINE_ROOTWAIT_NONE = -2,    /* absent, or rootwait=0: the kernel does not wait */
	CMDLINE_ROOTWAIT_FOREVER = -1, /* rootwait, or a rootwait= the kernel cannot read */
};

/* Which boot loader or init dialect a key's name comes from. */
enum cmdline_dialect {
	CMDLINE_KERNEL,
	CMDLINE_DRACUT,
	CMDLINE_SYSTEMD,
	CMDLINE_INITRAMFS_TOOLS,
	CMDLINE_BATON,
	CMDLINE_MKINITCPIO,
};

/* How a key's value is read and where it goes. */
enum cmdline_kind {
	CMDLINE_STRING,	 /* name=value: the value as written; a bare name is not this key */
	CMDLINE_LIST,	 /* name=a,b: added to a comma list; repeats add up */
	CMDLINE_MODULES, /* a list that keeps module names only, -EINVAL for the rest */
	CMDLINE_FLAG,	 /* a bare name stores .value; name=x is not this key */
	CMDLINE_NUMBER,	 /* name=N read by .rule */
	CMDLINE_ENUM,	 /* name=one of .choices; a bare name stores .value if .bare_ok */
	CMDLINE_STAGE,	 /* name=a stage or a dracut/initramfs-tools alias; bare stores .value */
	CMDLINE_WORDS,	 /* name=v: added to a blank-separated list, for values with commas */
};

/* How the kernel (or dracut) reads a number; each is one function in cmdline.c. */
enum cmdline_rule {
	CMDLINE_RULE_INT,	/* kstrtoint(s, 0): panic= */
	CMDLINE_RULE_SECONDS,	/* kstrtoint(s, 0), not negative */
	CMDLINE_RULE_POSITIVE,	/* kstrtoint(s, 0), above 0 */
	CMDLINE_RULE_ROOTDELAY, /* simple_strtoul(s, NULL, 0): the leading digits */
	CMDLINE_RULE_ROOTWAIT,	/* rootwait_timeout_setup(): bare or unreadable waits forever */
};

struct cmdline_name {
	const char *name; /* NULL ends the list */
	enum cmdline_dialect dialect;
};

struct cmdline_choice {
	const char *name; /* NULL ends the list */
	int value;
};

/* The most names one key has (the module list: dracut's and systemd's spellings). */
#define CMDLINE_NAMES_MAX 5

/* One key of the command line: one row of cmdline_keys[]. */
struct cmdline_key {
	struct cmdline_name names[CMDLINE_NAMES_MAX]; /* baton(7) leads with the first */
	enum cmdline_kind kind;
	size_t offset; /* of the destination in struct boot_params */
	size_t size;   /* of the destination: a char * for strings, else a bool or an int */
	enum cmdline_rule rule;
	const struct cmdline_choice *choices;
	bool bare_ok;
	int value; /* what a bare name stores (FLAG, STAGE, ENUM with bare_ok) */
	int dflt;  /* the default, for every kind but the strings (always "") */
	const char *meaning;
};

/* Every key baton reads; the parser, its unit test and the docs check walk it. */
extern const struct cmdline_key cmdline_keys[];
extern const size_t cmdline_keys_count;

/* The key with this name (len bytes) in any dialect, or NULL. */
const struct cmdline_key *cmdline_key_find(const char *name, size_t len);

/* Strings, lists and module lists: the kinds whose destination is a char *. */
bool cmdline_kind_is_string(enum cmdline_kind kind);

/* The value of a key's destination: its string, or its bool or int-sized field as an int. */
char *cmdline_key_string(const struct boot_params *params, const struct cmdline_key *key);
int cmdline_key_int(const struct boot_params *params, const struct cmdline_key *key);

/* Room for what cmdline_invalid_explain() writes: its longest text with a number. */
#define CMDLINE_EXPLAIN_MAX 96

/*
 * For a word of params->invalid, writes what was wrong and what is used instead into buf
 * ("not a number, using the default 0"), truncated to size. Returns 0, or -ENOENT when the
 * word is not a key's.
 */
int cmdline_invalid_explain(const struct boot_params *params, const char *word, char *buf,
			    size_t size);

/*
 * Parses a command line of len bytes (need not be NUL-terminated, any length) into *ret,
 * filling defaults first. Tokenizes as the kernel's next_arg() does (lib/cmdline.c): a value
 * may be quoted, words after "--" are the init's. Repeated keys: the last wins. Unknown keys
 * are ignored. Numbers are read as the kernel reads them (kstrtoint() with base 0: "0x10" and
 * "010" too, no blanks; rootdelay= as simple_strtoul()). No I/O, no logging; it allocates the
 * strings (release them with cmdline_free()).
 * Returns 0; -EINVAL for a value that does not parse (that key falls back as baton(7) says,
 * the word is recorded in ret->invalid, *ret is still filled); -ENOMEM (then *ret is
 * untouched).
 */
int cmdline_parse(const char *buf, size_t len, struct boot_params *ret);

/* Longest module name + 1: the kernel's MODULE_NAME_LEN (64 - sizeof(unsigned long)). */
#define CMDLINE_MODULE_NAME_MAX 56

/*
 * Is this a module name (letters, digits, '_', '-', shorter than CMDLINE_MODULE_NAME_MAX)?
 * The blacklist keeps only those: its names become lines of a modprobe.d file.
 */
bool cmdline_module_name_valid(const char *name, size_t len);

/* Releases what cmdline_parse() allocated; the string fields are NULL afterwards. */
void cmdline_free(struct boot_params *params);

/*
 * How long to wait for the resume= device: bounded even when the root may be waited for
 * forever (rootwait, rd.timeout=0), since a missing swap must not hold the boot.
 */
unsigned cmdline_resume_timeout(const struct boot_params *params);
