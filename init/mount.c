// SPDX-License-Identifier: MIT
/* Mounting the root with libmount: type from rootfstype= or libblkid, options from rootflags=. */
#include "mount.h"

#include "inroot.h"
#include "log.h"
#include "macro.h"
#include "modules.h"
#include "stacks.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define FSTYPE_MAX 64 /* longest filesystem type name we try; the kernel's are under 20 */

/* One mount attempt with one type; on failure fills msg with libmount's explanation. */
static int try_mount(const char *source, const char *fstype, const char *options,
		     const char *target, char *msg, size_t msg_size)
{
	struct libmnt_context *cxt = mnt_new_context();
	int r;

	if (!cxt)
		return -ENOMEM;
	/* No /sbin/mount.TYPE helpers and no fstab in the initramfs: the syscall is all we use. */
	mnt_context_disable_helpers(cxt, 1);
	/* Source and target are exact already; a /proc/self/fd/N target must stay as it is. */
	mnt_context_disable_canonicalize(cxt, 1);
	mnt_context_set_optsmode(cxt, MNT_OMODE_IGNORE);
	r = mnt_context_set_source(cxt, source);
	if (r == 0)
		r = mnt_context_set_target(cxt, target);
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

/*
 * Mounts dev on target, trying each type of a comma list in order (as the kernel does with
 * rootfstype=) or the type libblkid detected. where is the target for messages, what names
 * the mount ("root", "/usr") and param the command line key that sets its types.
 */
static int mount_device(const struct device_info *dev, const char *fstypes, const char *options,
			const char *target, const char *where, const char *what, const char *param)
{
	char source[sizeof("/dev/") + DEVICE_NAME_MAX];
	char msg[512] = "";
	const char *types = fstypes[0] ? fstypes : dev->type;
	int r = -EINVAL;

	snprintf(source, sizeof(source), "/dev/%s", dev->name);
	if (!types[0]) {
		log_error(
		    "no filesystem was recognised on %s (libblkid found no superblock): the filesystem is corrupt or the %s device is the wrong one; if the type is one libblkid does not know, give it with %s",
		    source, what, param);
		return -EINVAL;
	}

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

		log_info("mounting %s (%s, %s) on %s", source, type, options, where);
		r = try_mount(source, type, options, target, msg, sizeof(msg));
		if (r == 0) {
			log_info("mounted %s on %s", source, where);
			return 0;
		}
		log_error("mounting %s as %s with options \"%s\" failed: %s", source, type, options,
			  msg);
	}
	if (r == -ENODEV)
		log_error(
		    "the kernel does not know that filesystem type: its module is missing from the image (add it with mkinitramfs -m) or %s names the wrong type (libblkid detected \"%s\")",
		    param, dev->type);
	else if (fstypes[0] && strcmp(fstypes, dev->type) != 0)
		log_error("%s%s but libblkid detected \"%s\" on %s: fix or drop %s", param, fstypes,
			  dev->type, source, param);
	else
		log_error(
		    "check the kernel messages above for why %s was refused: a corrupt filesystem needs fsck from a rescue system; a bad option needs its flags fixed",
		    source);
	return r;
}

int mount_fs(const char *source, const char *fstype, const char *options, const char *target,
	     char *msg, size_t msg_size)
{
	return try_mount(source, fstype, options, target, msg, msg_size);
}

int mount_device_on(const struct device_info *dev, const char *fstypes, const char *options,
		    const char *target, const char *what, const char *param)
{
	return mount_device(dev, fstypes, options, target, target, what, param);
}

/*
 * The options plus "ro" or "rw" from the command line, unless they say ro or rw themselves
 * (asked through libmount's option parser): systemd-fstab-generator's rule for /sysroot and
 * /sysroot/usr, so that rootflags=rw or mount.usrflags=ro wins.
 */
char *mount_with_ro_rw(const char *flags, bool read_write)
{
	char *buf;

	if (flags[0] && (mnt_optstr_get_option(flags, "ro", NULL, NULL) == 0 ||
			 mnt_optstr_get_option(flags, "rw", NULL, NULL) == 0))
		return strdup(flags);
	if (asprintf(&buf, "%s%s%s", flags, flags[0] ? "," : "", read_write ? "rw" : "ro") < 0)
		return NULL;
	return buf;
}

int mount_root(const struct boot_params *params, const struct device_info *dev)
{
	struct stat st;
	char *options;
	int r;

	/* Every image mkinitramfs makes has it; only a cut-short or hand-made one lacks it. */
	if (stat(MOUNT_NEW_ROOT, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_error(
		    "%s, where the root is mounted, is missing from the initramfs: the image is incomplete (the kernel says \"Initramfs unpacking failed\" above when it is cut short) or was not made by mkinitramfs; regenerate it with mkinitramfs",
		    MOUNT_NEW_ROOT);
		return -ENOENT;
	}
	options = mount_with_ro_rw(params->rootflags, params->read_write);
	if (!options)
		return log_error_errno(-ENOMEM, "out of memory");
	r = mount_device(dev, params->rootfstype, options, MOUNT_NEW_ROOT, MOUNT_NEW_ROOT, "root",
			 "rootfstype=");
	free(options);
	return r;
}

/* Where /usr goes, and the new root's fstab that may name it. */
#define USR_TARGET "/usr"
#define NEW_ROOT_FSTAB "/etc/fstab"
/* "/proc/self/fd/" and an int. */
#define FD_PATH_MAX 32

/*
 * The /usr mount point, resolved inside the new root (an absolute symlink /usr -> /x there
 * means the new root's /x, not the initramfs's), created when missing (only then: the root
 * may be read-only). Returns an O_PATH fd of the directory, and its path as seen from the
 * initramfs in where (for messages), or -errno having logged why.
 */
static int usr_mount_point(char *where, size_t size)
{
	char link[FD_PATH_MAX];
	ssize_t n;
	int rootfd, fd;

	rootfd = open(MOUNT_NEW_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return log_error_errno(-errno, "cannot open %s: %m", MOUNT_NEW_ROOT);
	fd = inroot_open(rootfd, USR_TARGET, O_PATH | O_DIRECTORY);
	if (fd == -ENOENT && mkdirat(rootfd, USR_TARGET + 1, 0755) == 0)
		fd = inroot_open(rootfd, USR_TARGET, O_PATH | O_DIRECTORY);
	else if (fd == -ENOENT)
		fd = -errno;
	close(rootfd);
	if (fd < 0)
		return log_error_errno(
		    fd,
		    "%s in the new root cannot be used as the mount point of /usr (%m): make it a directory, or a symlink to one inside the root filesystem",
		    USR_TARGET);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, where, size - 1);
	if (n <= 0)
		(void)snprintf(where, size, "%s%s", MOUNT_NEW_ROOT, USR_TARGET);
	else
		where[n] = '\0';
	return fd;
}

/* A copy of s, or of "" for NULL; NULL only when out of memory. */
static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/*
 * Reads the /usr entry of the new root's /etc/fstab with libmount's parser. The file is
 * opened inside the new root, so an absolute symlink cannot lead out of it. Returns 1 and
 * sets the fields (allocated, of any length) when there is one, 0 when not, -errno on a broken
 * fstab.
 */
static int fstab_usr(char **ret_source, char **ret_fstype, char **ret_options)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	int rootfd, fd, r;
	FILE *f;

	rootfd = open(MOUNT_NEW_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = inroot_open(rootfd, NEW_ROOT_FSTAB, O_RDONLY);
	close(rootfd);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -errno;
	}
	tb = mnt_new_table();
	r = tb ? mnt_table_parse_stream(tb, f, NEW_ROOT_FSTAB) : -ENOMEM;
	fclose(f);
	if (r < 0)
		goto out;
	fs = mnt_table_find_target(tb, "/usr", MNT_ITER_FORWARD);
	r = 0;
	if (fs && mnt_fs_get_source(fs)) {
		const char *type = mnt_fs_get_fstype(fs);

		*ret_source = dup_or_empty(mnt_fs_get_source(fs));
		*ret_fstype = dup_or_empty(type && strcmp(type, "auto") != 0 ? type : NULL);
		*ret_options = dup_or_empty(mnt_fs_get_options(fs));
		r = *ret_source && *ret_fstype && *ret_options ? 1 : -ENOMEM;
	}
out:
	mnt_unref_table(tb);
	return r;
}

/* Frees what mount_usr_find() filled in; safe on a zeroed or already released usr. */
static void usr_release(struct mount_usr *usr)
{
	if (usr->fd >= 0)
		close(usr->fd);
	usr->fd = -1;
	free(usr->source);
	free(usr->fstype);
	free(usr->options);
	usr->source = usr->fstype = usr->options = NULL;
}

int mount_usr_find(const struct boot_params *params, struct mount_usr *usr)
{
	int r;

	*usr = (struct mount_usr){.fd = -1};
	if (params->usr[0]) {
		usr->from = "mount.usr=";
		usr->source = strdup(params->usr);
		usr->fstype = strdup(params->usrfstype);
		usr->options = mount_with_ro_rw(params->usrflags, params->read_write);
		r = usr->source && usr->fstype && usr->options ? 1 : -ENOMEM;
	} else {
		usr->from = "/etc/fstab of the new root";
		r = fstab_usr(&usr->source, &usr->fstype, &usr->options);
	}
	if (r == -ENOMEM) {
		log_error_errno(r, "out of memory");
		goto fail;
	}
	if (r < 0) {
		log_error_errno(r, "cannot read %s%s: %m", MOUNT_NEW_ROOT, NEW_ROOT_FSTAB);
		goto fail;
	}
	if (r == 0)
		goto fail;
	if (devspec_parse(usr->source, &usr->spec) < 0) {
		r = log_error_errno(
		    -EINVAL,
		    "the /usr device \"%s\" (from %s) is not a form baton understands: use UUID=, LABEL=, PARTUUID=, PARTLABEL= or /dev/NAME",
		    usr->source, usr->from);
		goto fail;
	}
	usr->fd = usr_mount_point(usr->where, sizeof(usr->where));
	if (usr->fd < 0) {
		r = usr->fd;
		goto fail;
	}
	log_info("/usr is %s (from %s)", usr->source, usr->from);
	return 1;
fail:
	usr_release(usr);
	return r;
}

int mount_usr(const struct boot_params *params, struct mount_usr *usr)
{
	char target[FD_PATH_MAX];
	const struct device_info *dev;
	int r;

	/* /usr may sit on LVM, RAID or LUKS of its own; the stacks' hook only reads source. */
	r = devices_wait_for(&usr->spec, usr->source, strlen(usr->source) + 1, "/usr device",
			     params->wait == CMDLINE_WAIT_FOREVER ? 0 : params->timeout_sec,
			     stacks_wait_hook, &dev);
	if (r < 0) {
		log_error("the /usr device %s (from %s) did not appear within %u s", usr->source,
			  usr->from, params->timeout_sec);
		devices_report(&usr->spec);
		goto out;
	}
	/* The kernel follows /proc/self/fd/N to the very directory resolved above. */
	snprintf(target, sizeof(target), "/proc/self/fd/%d", usr->fd);
	r = mount_device(dev, usr->fstype, usr->options, target, usr->where, "/usr",
			 params->usr[0] ? "mount.usrfstype=" : "the fstab type field ");
out:
	usr_release(usr);
	return r < 0 ? r : 0;
}

int mount_api_filesystems(void)
{
	const struct mount_api_fs *api = mount_api_table;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mount_api_table); i++) {
		(void)mkdir(api[i].target, 0755);
		/* The kernel mounts devtmpfs itself with CONFIG_DEVTMPFS_MOUNT on some configs. */
		if (mount(api[i].type, api[i].target, api[i].type, api[i].flags, api[i].options) <
			0 &&
		    errno != EBUSY)
			r = log_error_errno(-errno, "mounting %s on %s failed: %m", api[i].type,
					    api[i].target);
	}
	return r;
}
