// SPDX-License-Identifier: MIT
/* Volatile and overlaid roots: systemd.volatile= and a persistent upper layer on rootrw=. */
#include "overlay.h"

#include "devices.h"
#include "devspec.h"
#include "inroot.h"
#include "log.h"
#include "macro.h"
#include "modules.h"
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* "/proc/self/fd/" and an int. */
#define FD_PATH_MAX 32
/* Room for the overlay's options: three paths under /run/baton. */
#define OVERLAY_OPTIONS_MAX 256
/* The top-level links of a merged /usr that a tmpfs root needs to reach its init. */
static const char *const merged_usr_links[] = {"bin", "sbin", "lib", "lib64", "lib32", "libx32"};

/* Moves the mounted root to OVERLAY_LOWER, read-only there whatever it was mounted as. */
static int move_root_to_lower(void)
{
	(void)mkdir("/run/baton", 0755);
	if (mkdir(OVERLAY_LOWER, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "cannot make %s: %m", OVERLAY_LOWER);
	if (mount(MOUNT_NEW_ROOT, OVERLAY_LOWER, NULL, MS_MOVE, NULL) < 0)
		return log_error_errno(-errno, "cannot move the root from %s to %s: %m",
				       MOUNT_NEW_ROOT, OVERLAY_LOWER);
	/* systemd-volatile-root makes the lower layer read-only too: only the upper changes. */
	if (mount(NULL, OVERLAY_LOWER, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		log_warning("cannot make %s read-only (%m), ignoring", OVERLAY_LOWER);
	return 0;
}

/* A tmpfs at target, as systemd mounts its volatile ones (mode 0755). */
static int mount_tmpfs(const char *target)
{
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "cannot make %s: %m", target);
	if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return log_error_errno(-errno, "cannot mount a tmpfs on %s: %m", target);
	return 0;
}

/*
 * The persistent upper layer on rootrw= at OVERLAY_RW. Returns 0, or -errno having warned: the
 * caller then falls back to a tmpfs, as meta-readonly-rootfs-overlay does.
 */
static int mount_rootrw(const struct boot_params *params)
{
	char text[DEVSPEC_VALUE_MAX + 32], *options;
	const struct device_info *dev;
	struct devspec spec;
	int r;

	if (devspec_parse(params->rootrw, &spec) < 0) {
		log_warning(
		    "rootrw=%s is not a device form baton understands (use /dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL=)",
		    params->rootrw);
		return -EINVAL;
	}
	snprintf(text, sizeof(text), "%s", params->rootrw);
	if (devices_wait_for(&spec, text, sizeof(text), "rootrw device", OVERLAY_RW_WAIT_SEC, NULL,
			     &dev) < 0) {
		log_warning("the rootrw= device %s did not appear within %d s", params->rootrw,
			    OVERLAY_RW_WAIT_SEC);
		return -ENODEV;
	}
	if (mkdir(OVERLAY_RW, 0755) < 0 && errno != EEXIST)
		return log_warning_errno(-errno, "cannot make %s: %m", OVERLAY_RW);
	options = mount_with_ro_rw(params->rootrwoptions, true);
	if (!options)
		return log_warning_errno(-ENOMEM, "out of memory");
	r = mount_device_on(dev, params->rootrwfstype, options, OVERLAY_RW, "rootrw",
			    "rootrwfstype=");
	free(options);
	return r;
}

/* Mounts the overlay of OVERLAY_LOWER and an upper layer at MOUNT_NEW_ROOT. */
static int mount_overlay(const struct boot_params *params)
{
	char options[OVERLAY_OPTIONS_MAX];
	const char *upper_on = "a tmpfs";
	int r;

	r = move_root_to_lower();
	if (r < 0)
		return r;
	if (params->rootrw[0]) {
		if (mount_rootrw(params) == 0)
			upper_on = params->rootrw;
		else
			log_warning(
			    "the persistent upper layer rootrw=%s is not usable: using a tmpfs, so changes to / are lost at shutdown; fix rootrw=, rootrwfstype= or rootrwoptions=",
			    params->rootrw);
	}
	if (upper_on != params->rootrw) {
		r = mount_tmpfs(OVERLAY_RW);
		if (r < 0)
			return r;
	}
	if ((mkdir(OVERLAY_RW "/" OVERLAY_UPPER_NAME, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(OVERLAY_RW "/" OVERLAY_WORK_NAME, 0755) < 0 && errno != EEXIST))
		return log_error_errno(-errno, "cannot make the overlay's folders in %s: %m",
				       OVERLAY_RW);
	(void)modules_load_alias("fs-overlay");
	snprintf(options, sizeof(options), "lowerdir=%s,upperdir=%s/%s,workdir=%s/%s",
		 OVERLAY_LOWER, OVERLAY_RW, OVERLAY_UPPER_NAME, OVERLAY_RW, OVERLAY_WORK_NAME);
	if (mount("overlay", MOUNT_NEW_ROOT, "overlay", 0, options) < 0)
		return log_error_errno(
		    -errno,
		    "mounting the overlay (%s) on %s failed: %m; the kernel's messages above say why (the overlay module missing from the image, or an upper layer filesystem without the features overlayfs needs)",
		    options, MOUNT_NEW_ROOT);
	log_info("the root is an overlay: %s read-only under %s, changes on %s", params->root,
		 OVERLAY_LOWER, upper_on);
	return 0;
}

/* systemd.volatile=yes: a tmpfs root holding /usr of the root device, read-only. */
static int mount_volatile_root(void)
{
	char target[FD_PATH_MAX], link[PATH_MAX];
	int r, lowerfd, usrfd;

	r = move_root_to_lower();
	if (r == 0)
		r = mount_tmpfs(MOUNT_NEW_ROOT);
	if (r < 0)
		return r;
	lowerfd = open(OVERLAY_LOWER, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lowerfd < 0)
		return log_error_errno(-errno, "cannot open %s: %m", OVERLAY_LOWER);
	usrfd = inroot_open(lowerfd, "/usr", O_PATH | O_DIRECTORY);
	/* A merged /usr reaches its init through /sbin -> usr/sbin: keep those links. */
	for (size_t i = 0; i < ARRAY_SIZE(merged_usr_links); i++) {
		ssize_t n = readlinkat(lowerfd, merged_usr_links[i], link, sizeof(link) - 1);
		char dest[sizeof(MOUNT_NEW_ROOT) + 16];

		if (n <= 0)
			continue;
		link[n] = '\0';
		snprintf(dest, sizeof(dest), "%s/%s", MOUNT_NEW_ROOT, merged_usr_links[i]);
		(void)symlink(link, dest);
	}
	close(lowerfd);
	if (usrfd < 0)
		return log_error_errno(
		    usrfd,
		    "systemd.volatile=yes needs /usr on the root filesystem, and %s holds none (%m): drop systemd.volatile=yes or use overlay",
		    OVERLAY_LOWER);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", usrfd);
	if (mkdir(MOUNT_NEW_ROOT "/usr", 0755) < 0 ||
	    mount(target, MOUNT_NEW_ROOT "/usr", NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, MOUNT_NEW_ROOT "/usr", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		r = log_error_errno(-errno, "cannot bind %s/usr onto %s/usr: %m", OVERLAY_LOWER,
				    MOUNT_NEW_ROOT);
		close(usrfd);
		return r;
	}
	close(usrfd);
	log_info(
	    "the root is a tmpfs (systemd.volatile=yes) with /usr from the root device; the rest of it is under %s",
	    OVERLAY_LOWER);
	return 0;
}

/* systemd.volatile=state: the root as mounted, /var a tmpfs. */
static int mount_volatile_state(void)
{
	char target[FD_PATH_MAX];
	int rootfd, fd, r = 0;

	rootfd = open(MOUNT_NEW_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return log_error_errno(-errno, "cannot open %s: %m", MOUNT_NEW_ROOT);
	fd = inroot_open(rootfd, "/var", O_PATH | O_DIRECTORY);
	close(rootfd);
	if (fd < 0)
		return log_error_errno(
		    fd,
		    "systemd.volatile=state needs a /var directory in the root to mount a tmpfs on (%m): add it to the image");
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		r = log_error_errno(-errno, "cannot mount a tmpfs on %s/var: %m", MOUNT_NEW_ROOT);
	else
		log_info("/var is a tmpfs (systemd.volatile=state)");
	close(fd);
	return r;
}

int overlay_apply(const struct boot_params *params, bool force_overlay)
{
	switch (params->volatile_mode) {
	case CMDLINE_VOLATILE_YES:
		return mount_volatile_root();
	case CMDLINE_VOLATILE_STATE:
		return mount_volatile_state();
	case CMDLINE_VOLATILE_OVERLAY:
		return mount_overlay(params);
	default:
		break;
	}
	if (params->rootrw[0] || force_overlay)
		return mount_overlay(params);
	return 0;
}
