// SPDX-License-Identifier: MIT
/* Path resolution inside another root: symlinks (absolute, relative, chained) cannot escape it. */
#include "inroot.h"

#include "elfinterp.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* binfmt_script reads at most BINPRM_BUF_SIZE (256) bytes of a "#!" line (fs/binfmt_script.c). */
#define SHEBANG_MAX 256
/* PT_INTERP names a path; PATH_MAX bounds it, as fs/binfmt_elf.c does. */
#define INTERP_MAX 4096

int inroot_open(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    /* /proc magic links would point outside the root. */
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static int check_exists(int rootfd, const char *path, const char *role, char *why, size_t size)
{
	struct stat st;
	int fd = inroot_open(rootfd, path, O_PATH);

	if (fd < 0) {
		snprintf(why, size, "its %s %s is missing in the new root (%s)", role, path,
			 strerror(-fd));
		return fd;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, size, "its %s %s is not a regular file", role, path);
		return -ENOEXEC;
	}
	close(fd);
	return 0;
}

/* elfinterp's reader for a file descriptor: the whole range, or -ENOEXEC when the file is shorter.
 */
static int read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (off > INT64_MAX)
		return -ENOEXEC;
	n = pread(*(const int *)ctx, buf, len, (off_t)off);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* "#!" interpreters may be scripts themselves, up to binfmt's BINPRM_MAX_RECURSION (4). */
#define SCRIPT_NESTING_MAX 4

static int check_executable(int rootfd, const char *path, char *why, size_t why_size,
			    unsigned nesting)
{
	char head[SHEBANG_MAX];
	char interp[INTERP_MAX];
	struct statvfs sv;
	struct stat st;
	ssize_t n;
	int fd, r;

	fd = inroot_open(rootfd, path, O_RDONLY);
	if (fd < 0) {
		snprintf(why, why_size, "%s", strerror(-fd));
		return fd;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot stat it: %s", strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EACCES;
		snprintf(why, why_size, "it is %s, not a regular file",
			 S_ISDIR(st.st_mode) ? "a directory" : "a special file");
		goto out;
	}
	if (!(st.st_mode & 0111)) {
		r = -EACCES;
		snprintf(why, why_size, "it has no execute permission (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_NOEXEC)) {
		r = -EACCES;
		snprintf(why, why_size, "its filesystem is mounted noexec");
		goto out;
	}

	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot read it: %s", strerror(-r));
		goto out;
	}
	head[n] = '\0';
	if (n >= 4 && memcmp(head, ELFMAG, SELFMAG) == 0) {
		r = elfinterp_find(read_at, &fd, interp, sizeof(interp));
		if (r < 0) {
			snprintf(why, why_size, "it is a damaged ELF file");
			goto out;
		}
		r = interp[0] ? check_exists(rootfd, interp, "ELF interpreter", why, why_size) : 0;
	} else if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char *p = head + 2;

		p += strspn(p, " \t");
		p[strcspn(p, " \t\n")] = '\0';
		if (!p[0]) {
			r = -ENOEXEC;
			snprintf(why, why_size, "its \"#!\" line names no interpreter");
			goto out;
		}
		if (nesting >= SCRIPT_NESTING_MAX) {
			r = -ELOOP;
			snprintf(why, why_size, "its \"#!\" interpreters nest too deep");
			goto out;
		}
		r = check_executable(rootfd, p, why, why_size, nesting + 1);
		if (r < 0) {
			char inner[256];

			snprintf(inner, sizeof(inner), "%s", why);
			snprintf(why, why_size, "its interpreter %s cannot run: %s", p, inner);
		}
	} else {
		r = -ENOEXEC;
		snprintf(why, why_size, "it is neither an ELF binary nor a \"#!\" script");
	}
out:
	close(fd);
	return r;
}

int inroot_check_executable(int rootfd, const char *path, char *why, size_t why_size)
{
	return check_executable(rootfd, path, why, why_size, 0);
}
