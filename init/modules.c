// SPDX-License-Identifier: MIT
/* Kernel modules through libkmod: by name, by alias (coldplug, uevents, filesystems). */
#include "modules.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deepest /sys/devices nesting we walk: real trees are ~10 levels (PCI bridge, USB hub chains). */
#define COLDPLUG_DEPTH_MAX 32
/* A modalias is one sysfs attribute; the kernel caps those at one page. */
#define MODALIAS_MAX 4096
#define MODULE_NAME_MAX 256

static struct kmod_ctx *kmod;

static void kmod_log(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	(void)data;
	(void)file;
	(void)line;
	(void)fn;
	/* libkmod's priorities are syslog's, as are ours; its lines end in '\n' already. */
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), format, args);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_msg(priority <= LOG_LEVEL_ERR ? LOG_LEVEL_WARNING : (enum log_level)priority,
		"libkmod: %s", msg);
}

/* Where the blacklist from the command line goes, as modprobe.d syntax for libkmod to read. */
#define CMDLINE_CONF_DIR "/run/baton/modprobe.d"
#define CMDLINE_CONF CMDLINE_CONF_DIR "/cmdline.conf"

/*
 * Writes "blacklist NAME" lines for libkmod's own parser; a folder of our own under /run keeps
 * them out of the real system's modprobe.d.
 */
static int write_blacklist(const char *list)
{
	FILE *f;

	if (!list[0])
		return 0;
	(void)mkdir("/run/baton", 0755);
	(void)mkdir(CMDLINE_CONF_DIR, 0755);
	f = fopen(CMDLINE_CONF, "we");
	if (!f)
		return log_warning_errno(-errno, "cannot write %s (%m), the blacklist on the command "
						 "line is not applied", CMDLINE_CONF);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len)
			fprintf(f, "blacklist %.*s\n", (int)len, p);
		p += len + (p[len] == ',');
	}
	if (fclose(f) != 0)
		return log_warning_errno(-EIO, "writing %s failed, ignoring", CMDLINE_CONF);
	return 0;
}

int modules_init(const char *blacklist)
{
	/* libkmod's default folders, after ours. */
	static const char *const config_paths[] = { CMDLINE_CONF_DIR, "/etc/modprobe.d",
						    "/run/modprobe.d", "/lib/modprobe.d", NULL };
	int r;

	(void)write_blacklist(blacklist);
	/* NULL: /lib/modules/$(uname -r) of the image. */
	kmod = kmod_new(NULL, config_paths);
	if (!kmod)
		return log_error_errno(-ENOMEM, "cannot create the libkmod context, no module will load");
	kmod_set_log_fn(kmod, kmod_log, NULL);
	kmod_set_log_priority(kmod, log_get_max_level() >= LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG
									  : LOG_LEVEL_ERR);
	r = kmod_load_resources(kmod);
	if (r < 0)
		log_warning_errno(r, "cannot load the module indexes of the image (%m); module lookups "
				     "will be slow or fail: rebuild the image with mkinitramfs");
	return 0;
}

/* Inserts every module in a lookup result; returns how many there were, or -errno. */
static int insert_list(struct kmod_list *list, const char *what, unsigned flags, bool quiet)
{
	struct kmod_list *it;
	int count = 0, r;

	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		const char *name = kmod_module_get_name(mod);

		count++;
		/*
		 * install/remove commands need a shell the image may not have; libkmod would run
		 * them with system(). Load the module itself instead.
		 */
		r = kmod_module_probe_insert_module(mod, flags | KMOD_PROBE_IGNORE_COMMAND, NULL,
						    NULL, NULL, NULL);
		if (r > 0)
			log_debug("module %s (for %s) is blacklisted, skipped", name, what);
		else if (r == 0)
			log_debug("module %s loaded (for %s)", name, what);
		else if (quiet && (r == -ENODEV || r == -ENOENT))
			/* e.g. a CPU-specific crc32c that does not fit this CPU: normal */
			log_debug("module %s (for %s) declined: %s", name, what, strerror(-r));
		else
			log_warning_errno(r, "loading module %s (for %s) failed: %m, ignoring", name,
					  what);
		kmod_module_unref(mod);
	}
	return count;
}

int modules_load_name(const char *name)
{
	struct kmod_list *list = NULL;
	int r;

	if (!kmod)
		return -ENOSYS;
	r = kmod_module_new_from_lookup(kmod, name, &list);
	if (r < 0)
		return log_error_errno(r, "looking up module %s failed: %m", name);
	if (!list)
		return log_error_errno(-ENOENT,
				       "module %s is not in this image: add it with mkinitramfs -m %s",
				       name, name);
	/* A module asked for by name is loaded even if blacklisted, as modprobe NAME does. */
	r = insert_list(list, name, 0, false);
	kmod_module_unref_list(list);
	return r < 0 ? r : 0;
}

int modules_load_alias(const char *alias)
{
	struct kmod_list *list = NULL;
	int r;

	if (!kmod)
		return -ENOSYS;
	r = kmod_module_new_from_lookup(kmod, alias, &list);
	if (r < 0)
		return log_warning_errno(r, "looking up alias %s failed: %m, ignoring", alias);
	if (!list)
		return 0;
	r = insert_list(list, alias, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, true);
	kmod_module_unref_list(list);
	return r;
}

void modules_load_names(const char *list)
{
	char name[MODULE_NAME_MAX];

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			(void)modules_load_name(name);
		}
		p += len + (p[len] == ',');
	}
}

void modules_load_listed(void)
{
	char line[MODULE_NAME_MAX];
	FILE *f = fopen(MODULES_LOAD_LIST, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			(void)modules_load_name(line);
	}
	fclose(f);
}

/* Reads dirfd/modalias and loads what claims it; silently nothing if the device has none. */
static void coldplug_one(int dirfd)
{
	char alias[MODALIAS_MAX];
	int fd = openat(dirfd, "modalias", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, alias, sizeof(alias) - 1);
	close(fd);
	if (n <= 0)
		return;
	alias[n] = '\0';
	alias[strcspn(alias, "\n")] = '\0';
	if (alias[0])
		(void)modules_load_alias(alias);
}

static void coldplug_dir(int dirfd, unsigned depth)
{
	DIR *dir;
	struct dirent *de;

	coldplug_one(dirfd);
	if (depth >= COLDPLUG_DEPTH_MAX)
		return;
	dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		int sub;

		/* Only real directories: sysfs links (subsystem, driver, device) lead back up. */
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			coldplug_dir(sub, depth + 1);
	}
	closedir(dir);
}

void modules_coldplug(void)
{
	int fd = open("/sys/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		log_warning_errno(-errno, "cannot open /sys/devices (%m), no coldplug");
		return;
	}
	coldplug_dir(fd, 0);
}
