// SPDX-License-Identifier: MIT
/* The image file: checked before any work, written atomically, stale temporaries removed. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "util.h"

/* Attempts at a fresh temporary image when another run's cleaner takes the new one first. */
#define OUTPUT_TEMP_TRIES 16

/* "a FIFO", "a character device (1:3)", ... for messages about a node that is not a file. */
static void output_node_kind(char *buf, size_t size, const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		snprintf(buf, size, "a directory");
	else if (S_ISFIFO(st->st_mode))
		snprintf(buf, size, "a FIFO");
	else if (S_ISSOCK(st->st_mode))
		snprintf(buf, size, "a socket");
	else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		snprintf(buf, size, "a %s device (%u:%u)",
			 S_ISCHR(st->st_mode) ? "character" : "block", major(st->st_rdev),
			 minor(st->st_rdev));
	else
		snprintf(buf, size, "of type 0%o", (unsigned)(st->st_mode & S_IFMT));
}

/*
 * Checks that output can be replaced: it does not exist or is a regular file. A symbolic
 * link, a directory, a device node, a FIFO or a socket is refused (logged, -errno).
 */
static int output_check_node(const char *output)
{
	char target[PATH_MAX], kind[64];
	struct stat st;
	ssize_t n;

	if (lstat(output, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return log_error_errno(-errno, "cannot write %s: %m; choose another -o", output);
	}
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(output, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		log_error(
		    "cannot write %s: it is a symbolic link to %s, and mkinitramfs never follows or replaces a link at -o: name the file itself with -o, or remove the link first",
		    output, target);
		return -ELOOP;
	}
	output_node_kind(kind, sizeof(kind), &st);
	log_error(
	    "cannot write %s: it exists and is %s, not a regular file; mkinitramfs only replaces regular files: choose another -o",
	    output, kind);
	return S_ISDIR(st.st_mode) ? -EISDIR : -EEXIST;
}

/* The output's directory must exist and be writable: checked before any work is done. */
int output_check(const char *output)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(output, '/');
	struct stat st;

	if (util_pathf(dir, "%s", output) < 0)
		return log_error_errno(-ENAMETOOLONG, "output name too long: %s", output);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == output)
		snprintf(dir, sizeof(dir), "/");
	else
		dir[slash - output] = '\0';
	if (stat(dir, &st) < 0)
		return log_error_errno(
		    -errno,
		    "cannot write %s: its directory %s: %m; create it first (mkdir -p %s) or choose another -o",
		    output, dir, dir);
	if (!S_ISDIR(st.st_mode))
		return log_error_errno(-ENOTDIR, "cannot write %s: %s is not a directory", output,
				       dir);
	if (access(dir, W_OK) < 0)
		return log_error_errno(
		    -errno, "cannot write %s: directory %s: %m; choose another -o", output, dir);
	return output_check_node(output);
}

/* Splits output into its directory (".", "/" or the part before the last '/') and name. */
static int output_split(const char *output, char *dir, const char **ret_base)
{
	const char *base;
	int r;

	r = util_pathf(dir, "%s", output);
	if (r < 0)
		return log_error_errno(r, "output name too long: %s", output);
	base = strrchr(output, '/');
	if (base) {
		dir[base - output] = '\0';
		base++;
	} else {
		snprintf(dir, PATH_MAX, ".");
		base = output;
	}
	if (!dir[0])
		snprintf(dir, PATH_MAX, "/");
	*ret_base = base;
	return 0;
}

int output_clean_stale(const char *output)
{
	char dir[PATH_MAX], prefix[PATH_MAX];
	const char *base;
	struct dirent *de;
	int removed = 0;
	DIR *d;

	if (output_split(output, dir, &base) < 0 || util_pathf(prefix, ".%s.", base) < 0)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st, fst;
		int fd;

		if (!util_is_temp_name(de->d_name, prefix) ||
		    util_pathf(path, "%s/%s", dir, de->d_name) < 0)
			continue;
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		/*
		 * output_write() holds a flock() on its temporary until the rename; the kernel
		 * drops it when the run dies. Unlocked and still the same file: a dead run's.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &fst) == 0 &&
		    fst.st_ino == st.st_ino && fst.st_dev == st.st_dev && fst.st_nlink > 0) {
			if (unlink(path) == 0) {
				log_notice("removed %s, left by an interrupted run", path);
				removed++;
			} else {
				log_warning(
				    "cannot remove %s, left by an interrupted run: %m, ignoring",
				    path);
			}
		}
		close(fd);
	}
	closedir(d);
	return removed;
}

/* Creates DIR/.BASE.XXXXXX, locked so that output_clean_stale() of another run leaves it. */
static int output_create_temp(const char *dir, const char *base, char *tmp)
{
	for (int i = 0; i < OUTPUT_TEMP_TRIES; i++) {
		struct stat st;
		int fd, r;

		r = util_pathf(tmp, "%s/.%s.XXXXXX", dir, base);
		if (r < 0)
			return log_error_errno(r, "output name too long: %s/%s", dir, base);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0)
			return log_error_errno(-errno, "cannot create a file in %s: %m", dir);
		/* A cleaner that locked it first unlinks it: take another name. */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		close(fd);
	}
	return log_error_errno(-EAGAIN, "cannot create a file in %s that stays: %m", dir);
}

int output_write(const char *output, const void *data, size_t len, mode_t mode, bool *ret_renamed)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	int fd, dfd, r;

	*ret_renamed = false;
	r = output_split(output, dir, &base);
	if (r < 0)
		return r;
	fd = output_create_temp(dir, base, tmp);
	if (fd < 0)
		return fd;
	/* fchmod ignores the umask: the mode is what --mode asked for (0600 by default). */
	if (fchmod(fd, mode) < 0) {
		r = log_error_errno(-errno, "cannot set the mode of %s: %m", tmp);
		goto fail;
	}
	r = fdio_write_all(fd, data, len);
	if (r < 0) {
		log_error_errno(r, "cannot write %s: %m", tmp);
		goto fail;
	}
	/* The image must be whole on disk before its name points at it. */
	if (fsync(fd) < 0) {
		r = log_error_errno(-errno, "cannot write %s: %m", tmp);
		goto fail;
	}
	/* Checked again: the output may have been replaced while the image was built. */
	r = output_check_node(output);
	if (r < 0)
		goto fail;
	/* Last moment to stop with nothing changed; from the rename on, the run completes. */
	r = util_interrupted();
	if (r < 0)
		goto fail;
	if (rename(tmp, output) < 0) {
		r = log_error_errno(-errno, "cannot rename %s to %s: %m", tmp, output);
		goto fail;
	}
	*ret_renamed = true;
	/* Its data was synced above; the lock only had to last until the rename. */
	(void)close(fd);
	/* The new name must be on disk too, or a crash can bring the old image back. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		r = log_error_errno(
		    -errno,
		    "%s is in place, but syncing its directory %s failed: %m; run 'sync' before relying on it after a power loss",
		    output, dir);
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	close(dfd);
	return 0;
fail:
	close(fd);
	(void)unlink(tmp);
	return r;
}
