/* SPDX-License-Identifier: MIT */
/* Which LUKS devices to unlock and how: the command line dialects and crypttab, parsed purely. */
#pragma once

#include "cmdline.h"

#include <stdbool.h>
#include <stddef.h>

/* Volumes one boot names (command line and crypttab together); a root stack needs a few. */
#define LUKSCONF_VOLUMES_MAX 16
/* A device-mapper name: DM_NAME_LEN (128) in linux/dm-ioctl.h, with its NUL. */
#define LUKSCONF_NAME_MAX 128
/* A path or device spec: PATH_MAX would do, but a command line value is far shorter. */
#define LUKSCONF_PATH_MAX 256
/* A UUID as text: 36 characters; room for a "luks-" prefix and upper case forms. */
#define LUKSCONF_UUID_MAX 64
/* cryptsetup's own default for passphrase tries (lib/setup.c, DEFAULT_PASSPHRASE_TRIES...). */
#define LUKSCONF_DEFAULT_TRIES 3

/* Where a volume was named, for messages. */
enum luksconf_source {
	LUKSCONF_AUTO,	      /* no hints: a LUKS device found while the root is missing */
	LUKSCONF_CMDLINE,     /* rd.luks.uuid=, rd.luks.name=, luks.* */
	LUKSCONF_CRYPTDEVICE, /* cryptdevice= */
	LUKSCONF_CRYPTTAB,    /* the image's /etc/crypttab */
};

struct luksconf_volume {
	enum luksconf_source source;
	bool named; /* to be unlocked (not only settings lent by rd.luks.key=UUID=...) */
	char uuid[LUKSCONF_UUID_MAX];	 /* the LUKS header's UUID; "" when named by device */
	char device[LUKSCONF_PATH_MAX];	 /* a devspec (UUID=, LABEL=, /dev/...) when uuid is "" */
	char name[LUKSCONF_NAME_MAX];	 /* mapper name; "" means luks-UUID */
	char keyfile[LUKSCONF_PATH_MAX]; /* "" means ask for a passphrase */
	char keydev[LUKSCONF_PATH_MAX];	 /* device holding keyfile; "" means the image */
	char keydev_fstype[32];		 /* cryptkey='s FSTYPE; "" means detect */
	char header[LUKSCONF_PATH_MAX];	 /* detached header, a path in the image */
	bool discard, readonly;
	unsigned tries;			     /* passphrase prompts; 0 means the default */
	char tpm2_device[LUKSCONF_PATH_MAX]; /* tpm2-device=: "" not given, "auto", or a path */
	int token_timeout;		     /* token-timeout= in seconds; -1: not given */
	long long keyfile_offset;	     /* -1: not given */
	long long keyfile_size;		     /* -1: not given */
};

struct luksconf {
	bool enabled;	 /* rd.luks=0 clears it */
	bool restricted; /* the command line named devices: only the named are unlocked */
	struct luksconf_volume any; /* what applies to devices no entry names (options, key) */
	struct luksconf_volume vol[LUKSCONF_VOLUMES_MAX];
	unsigned count;
	unsigned ignored; /* entries dropped: over the limit, or not named by a restricting line */
};

/*
 * Fills *ret from the command line: rd.luks=, rd.luks.uuid=, rd.luks.name=, rd.luks.key=,
 * rd.luks.options=, their luks.* spellings, cryptdevice= and cryptkey=. Pure. Returns 0, or
 * -EINVAL when a value did not parse (that value is left out, the rest is filled).
 */
int luksconf_from_cmdline(const struct boot_params *p, struct luksconf *ret);

/*
 * Adds the entries of a crypttab (name device keyfile options, one a line, '#' comments)
 * text of len bytes. With a restricting command line only entries whose device is a UUID it
 * names count, and they lend that volume their name, keyfile and options (as
 * systemd-cryptsetup-generator does). Pure. Returns the entries used, or -EINVAL when a line
 * did not parse (it is left out).
 */
int luksconf_add_crypttab(struct luksconf *c, const char *text, size_t len);

/*
 * Applies a comma list of crypttab options (discard, header=, keyfile-offset=,
 * keyfile-size=, tries=, readonly, tpm2-device=, token-timeout=; others cryptsetup does not
 * need at open are ignored) to v.
 * Returns 0 or -EINVAL for a value that does not parse.
 */
int luksconf_options(const char *opts, size_t len, struct luksconf_volume *v);

/* The volume whose uuid is this LUKS UUID (any case), or NULL. */
struct luksconf_volume *luksconf_find_uuid(struct luksconf *c, const char *uuid);

/* Writes the mapper name of v for the device with this LUKS UUID: its name, else luks-UUID. */
void luksconf_mapper_name(const struct luksconf_volume *v, const char *uuid, char *buf,
			  size_t size);
