// SPDX-License-Identifier: MIT
/* File, directory and process helpers of the image generator; they return 0 or -errno. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"

/* The characters mkstemp() and mkdtemp() put in place of XXXXXX (POSIX: portable filename set). */
#define UTIL_TEMP_SUFFIX_LEN 6

/* Attempts at a fresh locked directory when another run's cleaner takes the new one first. */
#define UTIL_MKDTEMP_TRIES 16

/* Directory descriptors nftw() may hold open at once while removing a tree. */
#define UTIL_NFTW_FDS 32

extern char **environ;

int util_pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int util_read_file(const char *path, unsigned char **ret_data, size_t *ret_len)
{
	unsigned char *data = NULL;
	struct stat st;
	size_t len = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > UTIL_READ_MAX) {
		r = -EFBIG;
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		r = -ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break; /* shrank while we read: take what is there */
		len += (size_t)n;
	}
	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	data = NULL;
	r = 0;
out:
	free(data);
	close(fd);
	return r;
}

int util_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	r = fdio_write_all(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		(void)unlink(path);
	return r;
}

int util_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	int r;

	r = util_pathf(buf, "%s", path);
	if (r < 0)
		return r;
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		if (c == '\0')
			break;
		*p = c;
	}
	return util_is_dir(path) ? 0 : -ENOTDIR;
}

static int util_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

int util_rm_rf(const char *path)
{
	if (nftw(path, util_rm_one, UTIL_NFTW_FDS, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

int util_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int util_is_temp_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) != 0 || strlen(name + n) != UTIL_TEMP_SUFFIX_LEN)
		return 0;
	for (const char *p = name + n; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9'))
			return 0;
	return 1;
}

int util_mkdtemp_locked(char *tmpl, int *ret_lock_fd)
{
	char pattern[PATH_MAX], lock[PATH_MAX];
	int r;

	r = util_pathf(pattern, "%s", tmpl);
	if (r < 0)
		return r;
	for (int i = 0; i < UTIL_MKDTEMP_TRIES; i++) {
		struct stat st;
		int fd;

		memcpy(tmpl, pattern, strlen(pattern) + 1);
		if (!mkdtemp(tmpl))
			return -errno;
		r = util_pathf(lock, "%s/%s", tmpl, UTIL_LOCK_NAME);
		if (r < 0)
			return r;
		fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			r = -errno;
			if (r == -ENOENT)
				continue; /* removed under us: take another name */
			(void)rmdir(tmpl);
			return r;
		}
		/*
		 * Another run's util_clean_stale_dirs() may have locked the new file before us;
		 * it then removes the directory: leave it to that run and take another name.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0) {
			*ret_lock_fd = fd;
			return 0;
		}
		close(fd);
		r = -EAGAIN;
	}
	return r;
}

int util_clean_stale_dirs(const char *parent, const char *prefix)
{
	struct dirent *de;
	int removed = 0;
	DIR *d;

	d = opendir(parent);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char dir[PATH_MAX], lock[PATH_MAX];
		struct stat st;
		int fd;

		if (!util_is_temp_name(de->d_name, prefix) ||
		    util_pathf(dir, "%s/%s", parent, de->d_name) < 0 ||
		    util_pathf(lock, "%s/%s", dir, UTIL_LOCK_NAME) < 0)
			continue;
		if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		/* No lock file: not ours to judge (an older version's, or one being made). */
		fd = open(lock, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* The kernel drops a flock() when its holder dies: held means a live run. */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && util_rm_rf(dir) == 0)
			removed++;
		close(fd);
	}
	closedir(d);
	return removed;
}

int util_run(char *const argv[], int *ret_status)
{
	pid_t pid;
	int r, status;

	/* glibc's posix_spawn reports a failed exec as its return value. */
	r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	*ret_status = status;
	return 0;
}

int util_run_capture(char *const argv[], char **ret_out, size_t *ret_len, int *ret_status)
{
	posix_spawn_file_actions_t fa;
	char *out = NULL;
	size_t len = 0, cap = 0;
	int fds[2], r, status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	r = posix_spawn_file_actions_init(&fa);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	if (r == 0)
		r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (r != 0) {
		close(fds[0]);
		return -r;
	}
	r = 0;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *p;

			if (ncap > UTIL_READ_MAX) {
				r = -EFBIG;
				break;
			}
			p = realloc(out, ncap);
			if (!p) {
				r = -ENOMEM;
				break;
			}
			out = p;
			cap = ncap;
		}
		n = read(fds[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = r < 0 ? r : -errno;
			break;
		}
	}
	if (r < 0) {
		free(out);
		return r;
	}
	out[len] = '\0';
	*ret_out = out;
	*ret_len = len;
	*ret_status = status;
	return 0;
}

static volatile sig_atomic_t util_signal;

static void util_on_signal(int sig)
{
	util_signal = sig;
}

int util_catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = util_on_signal};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -errno;
	return 0;
}

int util_interrupted(void)
{
	return util_signal ? -EINTR : 0;
}

int util_caught_signal(void)
{
	return util_signal;
}

void util_reraise(void)
{
	int sig = util_signal;

	if (!sig)
		return;
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}
