// SPDX-License-Identifier: MIT
/* --host-only: the modules this running machine needs to reach its root, found through sysfs. */
#include "hostonly.h"

#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "stacks.h"
#include "util.h"

/* Where the kernel shows devices; a walk up the tree stops here. */
#define HOSTONLY_SYS_DEVICES "/sys/devices"

/*
 * Read /sys and /proc under this folder instead of / (a test's made-up machine). Used only with
 * --host-only=force: a real detection reads the running system's own.
 */
#define HOSTONLY_ROOT_ENV "MKINITRAMFS_HOSTONLY_ROOT"

/* Longest line of /proc/self/mountinfo we read (paths are escaped, PATH_MAX each, plus fields). */
#define HOSTONLY_LINE_MAX (3 * PATH_MAX)

/* dm and md stacks nest a few levels (LUKS on LVM on md); this bounds a cycle in a bad sysfs. */
#define HOSTONLY_DEPTH_MAX 16

struct hostonly_walk {
	struct hostonly_set *set;
	const char *root;     /* "" or HOSTONLY_ROOT_ENV: prefix of /sys and /proc */
	struct kmod_ctx *ctx; /* the target kernel's indexes, NULL when they cannot be read */
	bool crypt;	      /* a dm-crypt device is on the way: a passphrase needs a keyboard */
};

static int hostonly_add(struct hostonly_set *s, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int hostonly_add(struct hostonly_set *s, const char *name, const char *fmt, ...)
{
	char *reason = NULL;
	va_list ap;
	int r;

	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->names[i], name) == 0)
			return 0;
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **n = reallocarray(s->names, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->names = n;
		n = reallocarray(s->reasons, cap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->reasons = n;
		s->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&reason, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	s->names[s->count] = strdup(name);
	if (!s->names[s->count]) {
		free(reason);
		return -ENOMEM;
	}
	s->reasons[s->count++] = reason;
	return 0;
}

/* The modules an alias (a modalias, "fs-ext4") resolves to on the target kernel. */
static int hostonly_add_alias(struct hostonly_walk *w, const char *alias, const char *why)
{
	struct kmod_list *list = NULL, *l;
	int r = 0;

	if (!w->ctx || kmod_module_new_from_lookup(w->ctx, alias, &list) < 0)
		return 0;
	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		if (r >= 0)
			r = hostonly_add(w->set, kmod_module_get_name(m), "%s (%s)", why, alias);
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return r;
}

static int hostonly_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -ENODATA;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The driver and modalias of sysfs device dir and of each parent up to /sys/devices. */
static int hostonly_walk_up(struct hostonly_walk *w, const char *dir, const char *why)
{
	char path[PATH_MAX], link[PATH_MAX], alias[PATH_MAX], top[PATH_MAX];
	size_t rootlen = strlen(w->root);
	int r = 0;

	if (util_pathf(path, "%s", dir) < 0 ||
	    util_pathf(top, "%s" HOSTONLY_SYS_DEVICES "/", w->root) < 0)
		return 0;
	while (r >= 0 && strncmp(path, top, strlen(top)) == 0) {
		char file[PATH_MAX], *slash;
		ssize_t n;

		if (util_pathf(file, "%s/driver/module", path) >= 0 &&
		    (n = readlink(file, link, sizeof(link) - 1)) > 0) {
			link[n] = '\0';
			r = hostonly_add(w->set, strrchr(link, '/') ? strrchr(link, '/') + 1 : link,
					 "%s: driver of %s", why, path + rootlen + strlen("/sys"));
		}
		if (r >= 0 && util_pathf(file, "%s/modalias", path) >= 0 &&
		    hostonly_read_line(file, alias, sizeof(alias)) == 0 && alias[0]) {
			char where[PATH_MAX + 64];

			snprintf(where, sizeof(where), "%s: device %s", why,
				 path + rootlen + strlen("/sys"));
			r = hostonly_add_alias(w, alias, where);
		}
		slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return r;
}

/* A dm-crypt device's mapper name, the one crypttab gives it: the entry the image needs. */
static int hostonly_crypt_name(struct hostonly_walk *w, const char *blockdir)
{
	char file[PATH_MAX], value[NAME_MAX + 1];

	if (util_pathf(file, "%s/dm/name", blockdir) < 0 ||
	    hostonly_read_line(file, value, sizeof(value)) < 0 || !value[0])
		return 0;
	return strv_add(&w->set->crypt_names, value) < 0 ? -ENOMEM : 0;
}

/*
 * dm and md: the target modules and the storage stack the kind needs. device-mapper's uuid
 * prefix tells the kind: LVM- (lvm2), CRYPT-VERITY- (veritysetup), other CRYPT- (cryptsetup:
 * LUKS1, LUKS2, PLAIN).
 */
static int hostonly_stack_kind(struct hostonly_walk *w, const char *blockdir, const char *name)
{
	char file[PATH_MAX], value[256];
	int r = 0;

	if (util_pathf(file, "%s/dm/uuid", blockdir) >= 0 &&
	    hostonly_read_line(file, value, sizeof(value)) == 0) {
		r = hostonly_add(w->set, "dm_mod", "device-mapper device %s", name);
		if (strncmp(value, "LVM-", 4) == 0) {
			w->set->stacks |= STACKS_LVM;
		} else if (r >= 0 && strncmp(value, "CRYPT-VERITY-", 13) == 0) {
			w->set->stacks |= STACKS_VERITY;
			r = hostonly_add(w->set, "dm_verity", "%s is dm-verity (%.40s)", name,
					 value);
		} else if (r >= 0 && strncmp(value, "CRYPT-", 6) == 0) {
			w->crypt = true;
			w->set->stacks |= STACKS_LUKS;
			r = hostonly_add(w->set, "dm_crypt", "%s is dm-crypt (%.40s)", name, value);
			if (r >= 0)
				r = hostonly_crypt_name(w, blockdir);
		}
	}
	if (r >= 0 && util_pathf(file, "%s/md/level", blockdir) >= 0 &&
	    hostonly_read_line(file, value, sizeof(value)) == 0) {
		const char *mod = value;

		if (!strcmp(value, "raid4") || !strcmp(value, "raid5") || !strcmp(value, "raid6"))
			mod = "raid456";
		w->set->stacks |= STACKS_MD;
		r = hostonly_add(w->set, "md_mod", "md array %s", name);
		if (r >= 0)
			r = hostonly_add(w->set, mod, "md array %s is %s", name, value);
	}
	return r;
}

/* A block device MAJ:MIN: its disk's device path, and everything under it (slaves/). */
static int hostonly_walk_block(struct hostonly_walk *w, unsigned int maj, unsigned int min,
			       const char *why, int depth)
{
	char path[PATH_MAX], real[PATH_MAX], file[PATH_MAX], name[NAME_MAX + 1];
	struct dirent *d;
	DIR *dir;
	int r;

	if (depth > HOSTONLY_DEPTH_MAX)
		return 0;
	if (util_pathf(path, "%s/sys/dev/block/%u:%u", w->root, maj, min) < 0 ||
	    !realpath(path, real)) {
		log_warning("host-only: %s: no %s in sysfs, ignoring", why, path);
		return 0;
	}
	snprintf(name, sizeof(name), "%s", strrchr(real, '/') + 1);
	/* A partition: its disk is the parent directory. */
	if (util_pathf(file, "%s/partition", real) >= 0 && access(file, F_OK) == 0)
		*strrchr(real, '/') = '\0';
	r = hostonly_stack_kind(w, real, name);
	if (r < 0)
		return r;
	r = hostonly_walk_up(w, real, why);
	if (r < 0 || util_pathf(file, "%s/slaves", real) < 0)
		return r;
	dir = opendir(file);
	if (!dir)
		return r;
	while (r >= 0 && (d = readdir(dir))) {
		char dev[PATH_MAX], value[32], below[PATH_MAX + 64];
		unsigned int a, b;

		if (d->d_name[0] == '.' || util_pathf(dev, "%s/%s/dev", file, d->d_name) < 0)
			continue;
		if (hostonly_read_line(dev, value, sizeof(value)) < 0 ||
		    sscanf(value, "%u:%u", &a, &b) != 2)
			continue;
		snprintf(below, sizeof(below), "%s, under %s", why, name);
		r = hostonly_walk_block(w, a, b, below, depth + 1);
	}
	closedir(dir);
	return r;
}

/* The device and filesystem type mounted at target, from /proc/self/mountinfo. */
static int hostonly_mount(const struct hostonly_walk *w, const char *target, unsigned int *ret_maj,
			  unsigned int *ret_min, char *ret_fstype, size_t fslen, char *ret_source,
			  size_t srclen)
{
	char line[HOSTONLY_LINE_MAX], path[PATH_MAX];
	int found = -ENOENT;
	FILE *f = NULL;

	if (util_pathf(path, "%s/proc/self/mountinfo", w->root) >= 0)
		f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], source[PATH_MAX];
		unsigned int maj, min;
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    strcmp(mnt, target) != 0 || sscanf(sep + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		/* The last mount at target is the one that shows. */
		*ret_maj = maj;
		*ret_min = min;
		snprintf(ret_fstype, fslen, "%s", fstype);
		snprintf(ret_source, srclen, "%s", source);
		found = 0;
	}
	fclose(f);
	return found;
}

const char *hostonly_not_target(const struct kernel_source *src)
{
	struct stat root, init_root;

	if (src->basedir[0])
		return "-b names another tree";
	if (access("/run/systemd/container", F_OK) == 0 || access("/.dockerenv", F_OK) == 0 ||
	    access("/run/.containerenv", F_OK) == 0)
		return "this runs in a container";
	if (stat("/", &root) == 0 && stat("/proc/1/root/", &init_root) == 0 &&
	    (root.st_dev != init_root.st_dev || root.st_ino != init_root.st_ino))
		return "this runs in a chroot (/ is not the root of PID 1)";
	if (access("/proc/self/mountinfo", R_OK) < 0)
		return "/proc is not mounted";
	return NULL;
}

static int hostonly_mounts(struct hostonly_walk *w)
{
	static const char *const targets[] = {"/", "/usr"};
	char fstype[64], source[PATH_MAX], value[32], why[PATH_MAX + 32];
	unsigned int maj, min;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(targets); i++) {
		char alias[96];
		struct stat st;

		if (hostonly_mount(w, targets[i], &maj, &min, fstype, sizeof(fstype), source,
				   sizeof(source)) < 0)
			continue;
		snprintf(why, sizeof(why), "%s on %s", source, targets[i]);
		snprintf(alias, sizeof(alias), "fs-%s", fstype);
		r = hostonly_add_alias(w, alias, why);
		if (strcmp(fstype, "btrfs") == 0)
			w->set->stacks |= STACKS_BTRFS;
		/* btrfs and others show an anonymous device number: the source names the disk. */
		if (maj == 0 && !w->root[0] && stat(source, &st) == 0 && S_ISBLK(st.st_mode)) {
			maj = major(st.st_rdev);
			min = minor(st.st_rdev);
		}
		if (r >= 0 && maj != 0)
			r = hostonly_walk_block(w, maj, min, why, 0);
	}
	if (r >= 0 && util_pathf(why, "%s/sys/power/resume", w->root) >= 0 &&
	    hostonly_read_line(why, value, sizeof(value)) == 0 &&
	    sscanf(value, "%u:%u", &maj, &min) == 2 && maj != 0)
		r = hostonly_walk_block(w, maj, min, "the resume device", 0);
	return r;
}

/* A passphrase needs the keyboard: the path of every input device. */
static int hostonly_keyboards(struct hostonly_walk *w)
{
	char class[PATH_MAX];
	struct dirent *d;
	DIR *dir = NULL;
	int r = 0;

	if (util_pathf(class, "%s/sys/class/input", w->root) >= 0)
		dir = opendir(class);
	if (!dir)
		return 0;
	while (r >= 0 && (d = readdir(dir))) {
		char path[PATH_MAX], real[PATH_MAX];

		if (strncmp(d->d_name, "input", 5) != 0 ||
		    util_pathf(path, "%s/%s", class, d->d_name) < 0 || !realpath(path, real))
			continue;
		r = hostonly_walk_up(w, real, "a keyboard for the passphrase");
	}
	closedir(dir);
	return r;
}

int hostonly_detect(const struct kernel_source *src, bool force, struct hostonly_set *ret)
{
	struct hostonly_walk w = {.set = ret, .root = ""};
	const char *why = hostonly_not_target(src);
	char root[PATH_MAX];
	int r;

	/* Canonical, as the sysfs paths realpath() gives are compared with it. */
	if (force && getenv(HOSTONLY_ROOT_ENV)) {
		if (!realpath(getenv(HOSTONLY_ROOT_ENV), root))
			return log_error_errno(-errno, "%s=%s: %m", HOSTONLY_ROOT_ENV,
					       getenv(HOSTONLY_ROOT_ENV));
		w.root = root;
	}
	if (why && !force) {
		log_notice(
		    "--host-only: %s, so the running system is not the one the image is for: building a generic image (--host-only=force detects anyway)",
		    why);
		return 0;
	}
	w.ctx = kmod_new(src->moddir, NULL);
	if (w.ctx && kmod_load_resources(w.ctx) < 0) {
		log_warning(
		    "--host-only: cannot read the module indexes of %s (run depmod %s); taking drivers by name only",
		    src->moddir, src->kver);
		kmod_unref(w.ctx);
		w.ctx = NULL;
	}
	r = hostonly_mounts(&w);
	if (r >= 0 && w.crypt)
		r = hostonly_keyboards(&w);
	if (w.ctx)
		kmod_unref(w.ctx);
	if (r < 0)
		return log_error_errno(r, "--host-only: %m");
	ret->applied = true;
	if (ret->count == 0)
		log_notice("--host-only: no module found on the way to the root (all built in?)");
	return 0;
}

void hostonly_explain(const struct hostonly_set *s, bool explain)
{
	for (size_t i = 0; i < s->count; i++) {
		if (explain)
			log_notice("host-only: %s: %s", s->names[i], s->reasons[i]);
		else
			log_debug("host-only: %s: %s", s->names[i], s->reasons[i]);
	}
}

void hostonly_free(struct hostonly_set *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->names[i]);
		free(s->reasons[i]);
	}
	free(s->names);
	free(s->reasons);
	strv_free(&s->crypt_names);
	*s = (struct hostonly_set){0};
}
