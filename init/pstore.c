// SPDX-License-Identifier: MIT
/* Keeps the earlier boot's records in the persistent store (pstore) for the real system. */
#include "pstore.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The names copied, for the one log line that says what was kept. */
#define PSTORE_NAMES_MAX 512

/* Copies one record; returns its size or -errno. */
static ssize_t copy_file(int dirfd, const char *name, int outdirfd)
{
	char buf[8192];
	ssize_t n, total = 0;
	int in, out, r = 0;

	in = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return -errno;
	out = openat(outdirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			r = -errno;
			break;
		}
		total += n;
		if (total > PSTORE_FILE_MAX) {
			r = -EFBIG;
			break;
		}
	}
	close(in);
	if (close(out) < 0 && r == 0)
		r = -errno;
	return r < 0 ? r : total;
}

int pstore_collect(void)
{
	char names[PSTORE_NAMES_MAX] = "";
	bool mounted = false;
	long long bytes = 0;
	int count = 0, r = 0, dfd, outfd = -1;
	struct dirent *e;
	DIR *d;

	/* Not mounted yet (systemd does it later); a kernel without pstore says ENODEV. */
	if (mount("pstore", PSTORE_DIR, "pstore", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
		mounted = true;
	else if (errno != EBUSY)
		return 0;
	d = opendir(PSTORE_DIR);
	if (!d) {
		r = log_warning_errno(-errno, "cannot read %s: %m, ignoring", PSTORE_DIR);
		goto out;
	}
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.' || e->d_type != DT_REG)
			continue;
		if (outfd < 0) {
			(void)mkdir("/run/baton", 0755);
			if (mkdir(PSTORE_COPY_DIR, 0700) < 0 && errno != EEXIST) {
				r = log_warning_errno(-errno, "cannot make %s: %m, ignoring",
						      PSTORE_COPY_DIR);
				break;
			}
			outfd = open(PSTORE_COPY_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (outfd < 0) {
				r = log_warning_errno(-errno, "cannot open %s: %m, ignoring",
						      PSTORE_COPY_DIR);
				break;
			}
		}
		n = copy_file(dfd, e->d_name, outfd);
		if (n < 0) {
			r = log_warning_errno((int)n, "cannot copy %s/%s to %s: %m, ignoring",
					      PSTORE_DIR, e->d_name, PSTORE_COPY_DIR);
			continue;
		}
		count++;
		bytes += n;
		if (strlen(names) + strlen(e->d_name) + 3 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 names[0] ? " " : "", e->d_name);
	}
	closedir(d);
	if (outfd >= 0)
		close(outfd);
	if (count)
		log_notice(
		    "pstore holds %d record%s from an earlier boot (%lld bytes), copied to %s: %s",
		    count, count == 1 ? "" : "s", bytes, PSTORE_COPY_DIR, names);
out:
	if (mounted)
		(void)umount(PSTORE_DIR);
	return r < 0 ? r : count;
}
