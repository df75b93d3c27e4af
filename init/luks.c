// SPDX-License-Identifier: MIT
/* Unlocks LUKS devices while the root is missing: which ones, with what key, via cryptsetup. */
#include "luks.h"

#include "devices.h"
#include "devspec.h"
#include "fatal.h"
#include "log.h"
#include "luks_tpm2.h"
#include "luksconf.h"
#include "modules.h"
#include "prompt.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Devices handled in one boot (unlocked, given up, or already open). */
#define LUKS_HANDLED_MAX 64
/* Candidates of one pass: at most the devices present. */
#define LUKS_CANDIDATES_MAX 32
/*
 * cryptsetup open: the KDF is the slow part (LUKS2's argon2id asks for up to 1 GiB and
 * seconds of CPU on real hardware, minutes under emulation), bounded all the same.
 */
#define LUKS_OPEN_TIMEOUT_SEC 600
/* The most of a tool's reason quoted in a decision line (a kmsg record holds ~1 KiB). */
#define LUKS_REASON_MAX 200
/* cryptsetup(8) EXIT STATUS: 2 is "no permission (bad passphrase)". */
#define LUKS_EXIT_BAD_PASSPHRASE 2
/* Where a keyfile's device is mounted read-only while cryptsetup reads the key. */
#define LUKS_KEYDEV_MOUNT "/run/baton/luks-keydev"
/* How long a keyfile's device (a USB stick) may take to appear before the passphrase is asked. */
#define LUKS_KEYDEV_WAIT_SEC 15
/* cryptsetup's LUKS2 locking directory (its default --with-luks2-lock-path). */
#define LUKS_LOCK_DIR "/run/cryptsetup"
/* The longest crypttab read: an image's crypttab lists the few devices the root needs. */
#define LUKS_CRYPTTAB_MAX 16384

struct candidate {
	char dev[DEVICE_NAME_MAX];    /* "vdb" */
	char uuid[DEVICE_TAG_MAX];    /* the LUKS UUID, "" for a detached header */
	char name[LUKSCONF_NAME_MAX]; /* the mapper name */
	struct luksconf_volume vol;   /* with what applies to every device merged in */
	bool done;
};

static struct luksconf conf;
static bool conf_loaded;
static char handled[LUKS_HANDLED_MAX][DEVICE_NAME_MAX];
static unsigned n_handled;
/* When a missing keyfile device was first waited for (CLOCK_MONOTONIC s), 0 before. */
static time_t keydev_wait_start;

static bool is_handled(const char *dev)
{
	for (unsigned i = 0; i < n_handled; i++)
		if (strcmp(handled[i], dev) == 0)
			return true;
	return false;
}

static void mark_handled(const char *dev)
{
	if (!is_handled(dev) && n_handled < LUKS_HANDLED_MAX)
		strcpy(handled[n_handled++], dev);
}

static void unmark_handled(const char *dev)
{
	for (unsigned i = 0; i < n_handled; i++)
		if (strcmp(handled[i], dev) == 0) {
			memmove(handled[i], handled[n_handled - 1], sizeof(handled[i]));
			n_handled--;
			return;
		}
}

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void load_crypttab(void)
{
	static char text[LUKS_CRYPTTAB_MAX];
	int fd = open(LUKS_CRYPTTAB, O_RDONLY | O_CLOEXEC), r;
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0) {
		log_warning_errno(-errno, "cannot read %s (%m), ignoring it", LUKS_CRYPTTAB);
		return;
	}
	r = luksconf_add_crypttab(&conf, text, (size_t)n);
	if (r < 0)
		log_warning(
		    "%s: a line that does not parse (name device keyfile options), ignoring it",
		    LUKS_CRYPTTAB);
	else
		log_info("%s: %d entries to unlock", LUKS_CRYPTTAB, r);
}

static void load_config(const struct boot_params *p)
{
	if (luksconf_from_cmdline(p, &conf) < 0)
		log_warning(
		    "an rd.luks.*, luks.*, cryptdevice= or cryptkey= value does not parse (see baton(7)), ignoring it");
	if (conf.enabled && p->luks_crypttab)
		load_crypttab();
	if (conf.ignored)
		log_info("%u LUKS entries not used (not named on the command line, or over %d)",
			 conf.ignored, LUKSCONF_VOLUMES_MAX);
	(void)mkdir("/run/baton", 0755);
	(void)mkdir(LUKS_LOCK_DIR, 0700);
	conf_loaded = true;
}

/* A volume's settings with those for every device (rd.luks.options=, rd.luks.key=) under them. */
static void effective(const struct luksconf_volume *v, struct luksconf_volume *ret)
{
	*ret = v ? *v : conf.any;
	if (!ret->keyfile[0]) {
		strcpy(ret->keyfile, conf.any.keyfile);
		strcpy(ret->keydev, conf.any.keydev);
	}
	if (!ret->header[0])
		strcpy(ret->header, conf.any.header);
	ret->discard |= conf.any.discard;
	ret->readonly |= conf.any.readonly;
	if (!ret->tries)
		ret->tries = conf.any.tries ? conf.any.tries : LUKSCONF_DEFAULT_TRIES;
	if (ret->keyfile_offset < 0)
		ret->keyfile_offset = conf.any.keyfile_offset;
	if (ret->keyfile_size < 0)
		ret->keyfile_size = conf.any.keyfile_size;
	if (!ret->tpm2_device[0])
		strcpy(ret->tpm2_device, conf.any.tpm2_device);
	if (ret->token_timeout < 0)
		ret->token_timeout = conf.any.token_timeout;
}

struct collect {
	struct candidate *c;
	unsigned n;
};

static void add_candidate(struct collect *col, const struct device_info *dev,
			  const struct luksconf_volume *v)
{
	struct candidate *c;

	for (unsigned i = 0; i < col->n; i++)
		if (strcmp(col->c[i].dev, dev->name) == 0)
			return;
	if (col->n >= LUKS_CANDIDATES_MAX)
		return;
	c = &col->c[col->n++];
	memset(c, 0, sizeof(*c));
	strcpy(c->dev, dev->name);
	if (strcmp(dev->type, "crypto_LUKS") == 0)
		snprintf(c->uuid, sizeof(c->uuid), "%s", dev->uuid);
	effective(v, &c->vol);
	if (c->uuid[0] || c->vol.name[0])
		luksconf_mapper_name(&c->vol, c->uuid, c->name, sizeof(c->name));
	else
		snprintf(c->name, sizeof(c->name), "luks-%s", dev->name);
}

/* LUKS devices by their header's UUID: named ones, or all of them with no hints. */
static void collect_luks(const struct device_info *dev, void *data)
{
	struct luksconf_volume *v;

	if (strcmp(dev->type, "crypto_LUKS") != 0 || !dev->uuid[0] || is_handled(dev->name))
		return;
	v = luksconf_find_uuid(&conf, dev->uuid);
	if (conf.restricted && (!v || !v->named))
		return;
	add_candidate(data, dev, v);
}

/* Volumes named by device (cryptdevice=/dev/..., crypttab's LABEL=, detached headers). */
static void collect_by_device(struct collect *col)
{
	for (unsigned i = 0; i < conf.count; i++) {
		const struct luksconf_volume *v = &conf.vol[i];
		const struct device_info *dev;
		struct devspec spec;

		if (!v->named || v->uuid[0] || !v->device[0])
			continue;
		if (devspec_parse(v->device, &spec) < 0) {
			log_warning(
			    "LUKS device %s (%s) is not a device form baton understands, ignoring it",
			    v->device, v->name);
			continue;
		}
		dev = devices_find_now(&spec);
		if (dev && !is_handled(dev->name))
			add_candidate(col, dev, v);
	}
}

/*
 * Runs cryptsetup open; key is a path, or NULL to hand it pass on stdin; with neither, the
 * device's systemd-tpm2 token unlocks it (cryptsetup runs systemd's plugin, nothing else).
 * ret_last (last_size bytes, may be NULL) gets cryptsetup's last output line: its reason.
 */
static int cryptsetup_open(const struct candidate *c, const char *key, const char *pass, size_t len,
			   char *ret_last, size_t last_size)
{
	char dev[sizeof("/dev/") + DEVICE_NAME_MAX], keyarg[LUKSCONF_PATH_MAX + 32];
	char header[LUKSCONF_PATH_MAX + 16], offset[48], size[48];
	const char *argv[16];
	bool token = !key && !pass;
	int n = 0;

	snprintf(dev, sizeof(dev), "/dev/%s", c->dev);
	if (token)
		snprintf(keyarg, sizeof(keyarg), "--token-only --token-type=%s",
			 LUKS_TPM2_TOKEN_TYPE);
	else
		snprintf(keyarg, sizeof(keyarg), "--key-file=%s", key ? key : "-");
	argv[n++] = "cryptsetup";
	argv[n++] = "open";
	argv[n++] = dev;
	argv[n++] = c->name;
	if (token) {
		argv[n++] = "--token-only";
		argv[n++] = "--token-type=" LUKS_TPM2_TOKEN_TYPE;
	} else {
		argv[n++] = keyarg;
		/* A key is given: cryptsetup would try every token (TPM included) before it. */
		argv[n++] = "--disable-external-tokens";
	}
	if (c->vol.header[0]) {
		snprintf(header, sizeof(header), "--header=%s", c->vol.header);
		argv[n++] = header;
	}
	/* Offsets and sizes are a keyfile's; a typed passphrase is the whole input. */
	if (key && c->vol.keyfile_offset >= 0) {
		snprintf(offset, sizeof(offset), "--keyfile-offset=%lld", c->vol.keyfile_offset);
		argv[n++] = offset;
	}
	if (key && c->vol.keyfile_size >= 0) {
		snprintf(size, sizeof(size), "--keyfile-size=%lld", c->vol.keyfile_size);
		argv[n++] = size;
	}
	if (c->vol.discard)
		argv[n++] = "--allow-discards";
	if (c->vol.readonly)
		argv[n++] = "--readonly";
	argv[n] = NULL;
	/* The command line holds no secret: a passphrase goes on stdin, a keyfile by path. */
	log_info("running cryptsetup open %s %s %s%s%s%s%s", dev, c->name, keyarg,
		 c->vol.header[0] ? " " : "", c->vol.header[0] ? header : "",
		 c->vol.discard ? " --allow-discards" : "", c->vol.readonly ? " --readonly" : "");
	return run_tool_last_line(argv, key ? NULL : pass, key ? 0 : len, LUKS_OPEN_TIMEOUT_SEC,
				  ret_last, last_size);
}

/*
 * c's systemd-tpm2 token (systemd-cryptenroll --tpm2-device=), opened by cryptsetup with
 * systemd's plugin. Returns 0 (unlocked), -ENOENT (no such token: nothing said), or another
 * -errno after one line saying why the passphrase is asked for instead.
 */
static int unlock_with_tpm2(struct candidate *c)
{
	char dev[sizeof("/dev/") + DEVICE_NAME_MAX], reason[LUKS_REASON_MAX] = "";
	const char *tpm = c->vol.tpm2_device[0] == '/' ? c->vol.tpm2_device : NULL;
	int r, waited;

	snprintf(dev, sizeof(dev), "/dev/%s", c->dev);
	r = luks_tpm2_has_token(dev, c->vol.header);
	if (r <= 0) {
		if (r == 0 && c->vol.tpm2_device[0])
			log_notice(
			    "tpm2-device=%s is set for %s (%s), but it has no %s token (systemd-cryptenroll --tpm2-device=auto enrolls one)",
			    c->vol.tpm2_device, dev, c->name, LUKS_TPM2_TOKEN_TYPE);
		return -ENOENT;
	}
	if (!luks_tpm2_plugin_present()) {
		log_warning(
		    "TPM2 unlock of %s (%s) failed: the image has no cryptsetup TPM2 token plugin (mkinitramfs carries it from a tree with systemd and libtss2-esys); asking for the passphrase",
		    dev, c->name);
		return -ENOPKG;
	}
	if (luks_tpm2_wait(c->vol.tpm2_device, c->vol.token_timeout, &waited) < 0) {
		log_warning(
		    "TPM2 unlock of %s (%s) failed: no TPM device %s after %d s (token-timeout= changes the wait); asking for the passphrase",
		    dev, c->name, tpm ? tpm : LUKS_TPM2_DEFAULT_DEVICE, waited);
		return -ENODEV;
	}
	/* systemd's plugin opens SYSTEMD_TPM2_DEVICE when set (its tpm2-util.c), else tpmrm0. */
	if (tpm && setenv("SYSTEMD_TPM2_DEVICE", tpm, 1) < 0)
		log_warning_errno(-errno, "cannot pass tpm2-device=%s to cryptsetup (%m)", tpm);
	r = cryptsetup_open(c, NULL, NULL, 0, reason, sizeof(reason));
	if (tpm)
		(void)unsetenv("SYSTEMD_TPM2_DEVICE");
	if (r == 0)
		return 0;
	if (reason[0])
		log_warning(
		    "TPM2 unlock of %s (%s) failed: cryptsetup exit status %d (\"%s\"); asking for the passphrase",
		    dev, c->name, r, reason);
	else
		log_warning(
		    "TPM2 unlock of %s (%s) failed: cryptsetup exit status %d (it gave no reason: PCRs changed, another TPM?); asking for the passphrase",
		    dev, c->name, r);
	return -EACCES;
}

/*
 * The keyfile of c: in the image, or on its device mounted read-only for the read. Returns 0
 * (unlocked), -EAGAIN (its device is not there yet: ask later), or another -errno (fall back
 * to the passphrase).
 */
static int unlock_with_keyfile(struct candidate *c)
{
	char path[sizeof(LUKS_KEYDEV_MOUNT) + LUKSCONF_PATH_MAX];
	const struct device_info *kd;
	char kdpath[sizeof("/dev/") + DEVICE_NAME_MAX];
	struct devspec spec;
	int r;

	if (!c->vol.keydev[0]) {
		if (access(c->vol.keyfile, R_OK) < 0)
			return log_error_errno(
			    -errno, "keyfile %s for /dev/%s (%s) is not in the image (%m)",
			    c->vol.keyfile, c->dev, c->name);
		r = cryptsetup_open(c, c->vol.keyfile, NULL, 0, NULL, 0);
		if (r != 0)
			log_error(
			    "keyfile %s does not unlock /dev/%s (%s): cryptsetup exit status %d",
			    c->vol.keyfile, c->dev, c->name, r);
		return r == 0 ? 0 : -EACCES;
	}
	if (devspec_parse(c->vol.keydev, &spec) < 0)
		return log_error_errno(
		    -EINVAL, "keyfile device %s for /dev/%s is not a device form baton understands",
		    c->vol.keydev, c->dev);
	kd = devices_find_now(&spec);
	if (!kd) {
		if (!keydev_wait_start)
			keydev_wait_start = now_sec();
		if (now_sec() - keydev_wait_start < LUKS_KEYDEV_WAIT_SEC) {
			log_info("waiting for keyfile device %s to unlock /dev/%s", c->vol.keydev,
				 c->dev);
			return -EAGAIN;
		}
		return log_error_errno(
		    -ENODEV, "keyfile device %s for /dev/%s (%s) did not appear within %d s",
		    c->vol.keydev, c->dev, c->name, LUKS_KEYDEV_WAIT_SEC);
	}
	snprintf(kdpath, sizeof(kdpath), "/dev/%s", kd->name);
	(void)mkdir(LUKS_KEYDEV_MOUNT, 0700);
	if (mount(kdpath, LUKS_KEYDEV_MOUNT,
		  c->vol.keydev_fstype[0] ? c->vol.keydev_fstype : kd->type,
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return log_error_errno(-errno, "cannot mount keyfile device %s (%s) read-only: %m",
				       kdpath, kd->type[0] ? kd->type : "no filesystem recognised");
	snprintf(path, sizeof(path), "%s/%s", LUKS_KEYDEV_MOUNT,
		 c->vol.keyfile + (c->vol.keyfile[0] == '/'));
	if (access(path, R_OK) < 0) {
		r = log_error_errno(-errno, "keyfile %s is not on %s (%m)", c->vol.keyfile, kdpath);
	} else {
		r = cryptsetup_open(c, path, NULL, 0, NULL, 0);
		if (r != 0)
			log_error(
			    "keyfile %s on %s does not unlock /dev/%s (%s): cryptsetup exit status %d",
			    c->vol.keyfile, kdpath, c->dev, c->name, r);
		r = r == 0 ? 0 : -EACCES;
	}
	if (umount2(LUKS_KEYDEV_MOUNT, 0) < 0)
		log_warning_errno(-errno, "cannot unmount keyfile device %s: %m", kdpath);
	return r;
}

/* One passphrase opens every other locked device it fits (booster's behaviour). */
static void share_passphrase(struct candidate *all, unsigned n, const char *pass, size_t len)
{
	for (unsigned i = 0; i < n; i++) {
		struct candidate *c = &all[i];

		if (c->done || c->vol.keyfile[0])
			continue;
		if (cryptsetup_open(c, NULL, pass, len, NULL, 0) == 0) {
			log_info("/dev/%s unlocked as /dev/mapper/%s with the same passphrase",
				 c->dev, c->name);
			c->done = true;
			mark_handled(c->dev);
		}
	}
}

/* Asks for c's passphrase up to its tries; ends the boot when none works. */
static void unlock_with_passphrase(const struct boot_params *p, struct candidate *c,
				   struct candidate *all, unsigned n)
{
	char text[sizeof("Enter passphrase for /dev/ ():") + DEVICE_NAME_MAX + LUKSCONF_NAME_MAX];
	static char pass[PROMPT_PASSPHRASE_MAX];
	int len, r = -EIO;

	snprintf(text, sizeof(text), "Enter passphrase for /dev/%s (%s):", c->dev, c->name);
	for (unsigned t = 1; t <= c->vol.tries; t++) {
		len = prompt_passphrase(text, pass, sizeof(pass));
		if (len < 0) {
			r = len;
			break;
		}
		r = cryptsetup_open(c, NULL, pass, (size_t)len, NULL, 0);
		if (r == 0) {
			log_info("/dev/%s unlocked as /dev/mapper/%s", c->dev, c->name);
			c->done = true;
			share_passphrase(all, n, pass, (size_t)len);
			explicit_bzero(pass, sizeof(pass));
			return;
		}
		explicit_bzero(pass, sizeof(pass));
		if (r != LUKS_EXIT_BAD_PASSPHRASE)
			break;
		log_error("No key available with this passphrase for /dev/%s (%s): try %u of %u",
			  c->dev, c->name, t, c->vol.tries);
	}
	if (r == LUKS_EXIT_BAD_PASSPHRASE)
		fatal(
		    p, NULL,
		    "could not unlock /dev/%s (%s): wrong passphrase %u times; check the keyboard layout and Caps Lock, or boot with rd.luks=0 to skip LUKS",
		    c->dev, c->name, c->vol.tries);
	fatal(
	    p, NULL,
	    "could not unlock /dev/%s (%s): cryptsetup failed (%d, see its messages above); is cryptsetup in the image (mkinitramfs --binary cryptsetup) with the dm_crypt module?",
	    c->dev, c->name, r);
}

/* Unlocks one candidate; returns true if done, false when it must wait for its keyfile. */
static bool unlock(const struct boot_params *p, struct candidate *c, struct candidate *all,
		   unsigned n)
{
	char mapper[sizeof("/dev/mapper/") + LUKSCONF_NAME_MAX];
	int r;

	snprintf(mapper, sizeof(mapper), "/dev/mapper/%s", c->name);
	if (access(mapper, F_OK) == 0) {
		log_info("%s already exists, /dev/%s is taken as unlocked", mapper, c->dev);
		c->done = true;
		return true;
	}
	if (c->vol.keyfile[0]) {
		r = unlock_with_keyfile(c);
		if (r == -EAGAIN)
			return false;
		if (r == 0) {
			log_info("/dev/%s unlocked as %s with keyfile %s", c->dev, mapper,
				 c->vol.keyfile);
			c->done = true;
			return true;
		}
		log_notice("asking for the passphrase of /dev/%s instead of its keyfile", c->dev);
	}
	if (unlock_with_tpm2(c) == 0) {
		log_info("/dev/%s unlocked as %s with its TPM2 token", c->dev, mapper);
		c->done = true;
		return true;
	}
	unlock_with_passphrase(p, c, all, n);
	return true;
}

bool luks_activate(const struct boot_params *p)
{
	static struct candidate cand[LUKS_CANDIDATES_MAX];
	static bool module_tried;
	struct collect col = {.c = cand};
	bool unlocked = false;

	if (!conf_loaded)
		load_config(p);
	if (!conf.enabled)
		return false;
	devices_for_each(collect_luks, &col);
	collect_by_device(&col);
	if (col.n == 0)
		return false;
	if (!module_tried) {
		/* Built in on some kernels; a generic image may lack it (then cryptsetup says so).
		 */
		(void)modules_load_name("dm_crypt");
		module_tried = true;
	}
	for (unsigned i = 0; i < col.n; i++) {
		struct candidate *c = &cand[i];

		if (c->done)
			continue;
		mark_handled(c->dev);
		if (!unlock(p, c, cand, col.n)) {
			/* Not handled after all: its keyfile's device may still come. */
			unmark_handled(c->dev);
			continue;
		}
		unlocked |= c->done;
	}
	return unlocked;
}
