// SPDX-License-Identifier: MIT
/* Mounting the root with libmount: type from rootfstype= or libblkid, options from rootflags=. */
#include "mount.h"

#include "log.h"
#include "modules.h"

#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define FSTYPE_MAX 64 /* longest filesystem type name we try; the kernel's are under 20 */

/* One mount attempt with one type; on failure fills msg with libmount's explanation. */
static int try_mount(const char *source, const char *fstype, const char *options, char *msg,
		     size_t msg_size)
{
	struct libmnt_context *cxt = mnt_new_context();
	int r;

	if (!cxt)
		return -ENOMEM;
	/* No /sbin/mount.TYPE helpers and no fstab in the initramfs: the syscall is all we use. */
	mnt_context_disable_helpers(cxt, 1);
	mnt_context_set_optsmode(cxt, MNT_OMODE_IGNORE);
	r = mnt_context_set_source(cxt, source);
	if (r == 0)
		r = mnt_context_set_target(cxt, MOUNT_NEW_ROOT);
	if (r == 0)
		r = mnt_context_set_fstype(cxt, fstype);
	if (r == 0)
		r = mnt_context_set_options(cxt, options);
	if (r < 0) {
		snprintf(msg, msg_size, "libmount rejected the request: %s", strerror(-r));
		mnt_free_context(cxt);
		return r;
	}
	r = mnt_context_mount(cxt);
	if (r != 0) {
		int syserr = mnt_context_get_syscall_errno(cxt);

		/* mnt_context_get_excode() turns the result into mount(8)'s explanation. */
		(void)mnt_context_get_excode(cxt, r, msg, msg_size);
		r = syserr ? -syserr : (r < 0 ? r : -EINVAL);
	}
	mnt_free_context(cxt);
	return r;
}

int mount_root(const struct boot_params *params, const struct device_info *dev)
{
	char source[sizeof("/dev/") + DEVICE_NAME_MAX];
	char options[CMDLINE_MAX + 8];
	char msg[512] = "";
	const char *types = params->rootfstype[0] ? params->rootfstype : dev->type;
	int r = -EINVAL;

	snprintf(source, sizeof(source), "/dev/%s", dev->name);
	/* ro/rw after rootflags=, as the kernel does: the flag on the command line wins. */
	snprintf(options, sizeof(options), "%s%s%s", params->rootflags,
		 params->rootflags[0] ? "," : "", params->read_write ? "rw" : "ro");

	if (!types[0]) {
		log_error("no filesystem was recognised on %s (libblkid found no superblock): the "
			  "filesystem is corrupt or root= names the wrong device; if the type is one "
			  "libblkid does not know, give it with rootfstype=",
			  source);
		return -EINVAL;
	}

	/* rootfstype= is a comma list tried in order, as the kernel's own root mounting does. */
	for (const char *t = types; *t;) {
		size_t len = strcspn(t, ",");
		char type[FSTYPE_MAX], alias[FSTYPE_MAX + 4];

		if (len == 0 || len >= sizeof(type)) {
			t += len + (t[len] == ',');
			continue;
		}
		memcpy(type, t, len);
		type[len] = '\0';
		t += len + (t[len] == ',');

		/* Filesystem modules declare MODULE_ALIAS_FS: "fs-ext4". */
		snprintf(alias, sizeof(alias), "fs-%s", type);
		(void)modules_load_alias(alias);

		log_info("mounting %s (%s, %s) on %s", source, type, options, MOUNT_NEW_ROOT);
		r = try_mount(source, type, options, msg, sizeof(msg));
		if (r == 0)
			return 0;
		log_error("mounting %s as %s with options \"%s\" failed: %s", source, type, options,
			  msg);
	}
	if (r == -ENODEV)
		log_error("the kernel does not know that filesystem type: its module is missing from "
			  "the image (add it with mkinitramfs -m) or rootfstype= names the wrong type "
			  "(libblkid detected \"%s\")", dev->type);
	else if (params->rootfstype[0] && strcmp(params->rootfstype, dev->type) != 0)
		log_error("rootfstype=%s but libblkid detected \"%s\" on %s: fix or drop rootfstype=",
			  params->rootfstype, dev->type, source);
	else
		log_error("check the kernel messages above for why %s was refused: a corrupt "
			  "filesystem needs fsck from a rescue system; a bad option needs rootflags= "
			  "fixed", source);
	return r;
}

int mount_api_filesystems(void)
{
	static const struct {
		const char *type, *target, *options;
		unsigned long flags;
	} api[] = {
		{ "devtmpfs", "/dev", "mode=0755", MS_NOSUID },
		{ "proc", "/proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "sysfs", "/sys", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		/* systemd expects /run as a tmpfs it can keep; mode and nodev as it mounts it. */
		{ "tmpfs", "/run", "mode=0755", MS_NOSUID | MS_NODEV },
	};
	int r = 0;

	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		(void)mkdir(api[i].target, 0755);
		/* The kernel mounts devtmpfs itself with CONFIG_DEVTMPFS_MOUNT on some configs. */
		if (mount(api[i].type, api[i].target, api[i].type, api[i].flags, api[i].options) < 0 &&
		    errno != EBUSY)
			r = log_error_errno(-errno, "mounting %s on %s failed: %m", api[i].type,
					    api[i].target);
	}
	return r;
}
