// SPDX-License-Identifier: MIT
/* Before the switch: the little world systemd-shutdown returns to, copied into /run/initramfs. */
#include "shutdown.h"

#include "fdio.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Links followed while copying one listed path: Linux's own limit (include/linux/namei.h). */
#define SHUTDOWN_LINKS_MAX 40
/* Longest line of SHUTDOWN_LIST: a path. */
#define SHUTDOWN_LINE_MAX PATH_MAX
/* Copy buffer; the files are programs and libraries of a few hundred KiB. */
#define SHUTDOWN_COPY_CHUNK 65536

/* Mount points systemd-shutdown's switch_root() needs in the new root, and where it puts the old.
 */
static const char *const shutdown_dirs[] = {"dev", "proc", "sys", "run", "oldroot", "tmp"};

struct copy_stats {
	unsigned files;
	long long bytes; /* tmpfs blocks actually used */
	unsigned failed;
};

enum shutdown_action shutdown_parse_action(const char *verb)
{
	static const struct {
		const char *verb;
		enum shutdown_action action;
	} verbs[] = {
	    {"reboot", SHUTDOWN_REBOOT}, {"poweroff", SHUTDOWN_POWEROFF}, {"halt", SHUTDOWN_HALT},
	    {"kexec", SHUTDOWN_KEXEC},	 {"exit", SHUTDOWN_POWEROFF},
	};

	if (!verb)
		return SHUTDOWN_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verb, verbs[i].verb) == 0)
			return verbs[i].action;
	return SHUTDOWN_UNKNOWN;
}

const char *shutdown_action_name(enum shutdown_action action)
{
	switch (action) {
	case SHUTDOWN_REBOOT:
		return "reboot";
	case SHUTDOWN_POWEROFF:
		return "poweroff";
	case SHUTDOWN_HALT:
		return "halt";
	case SHUTDOWN_KEXEC:
		return "kexec";
	case SHUTDOWN_UNKNOWN:
		break;
	}
	return "reboot (unknown request)";
}

bool shutdown_path_under(const char *path, const char *top)
{
	size_t len = strlen(top);

	if (strncmp(path, top, len) != 0)
		return false;
	return path[len] == '\0' || path[len] == '/' || (len > 0 && top[len - 1] == '/');
}

size_t shutdown_unescape(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* Copies the regular file src to dst (absent), with mode; counts what it costs. */
static int copy_file(const char *src, const char *dst, mode_t mode, struct copy_stats *st)
{
	static char buf[SHUTDOWN_COPY_CHUNK];
	struct stat sb;
	int in, out, r = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		r = errno == EEXIST ? 0 : -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		r = fdio_write_all(out, buf, (size_t)n);
		if (r < 0)
			break;
	}
	if (r == 0 && fstat(out, &sb) == 0) {
		st->files++;
		st->bytes += (long long)sb.st_blocks * 512;
	}
	close(out);
	close(in);
	if (r < 0)
		(void)unlink(dst);
	return r;
}

/* Drops the last component of path (absolute, normalized): "/a/b" -> "/a", "/a" -> "". */
static void drop_last(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash)
		*slash = '\0';
}

/*
 * Copies path (absolute, in the initramfs) to the same path under SHUTDOWN_DIR, component by
 * component: directories are made, each symbolic link met is made as it is and its target
 * copied in turn, so the dynamic loader finds libraries by the names it asks for.
 */
static int copy_path(const char *path, int links, struct copy_stats *st)
{
	char cur[PATH_MAX] = "", dst[PATH_MAX + sizeof(SHUTDOWN_DIR)], target[PATH_MAX];
	char next[PATH_MAX];
	const char *p = path;
	struct stat sb;

	if (links > SHUTDOWN_LINKS_MAX)
		return -ELOOP;
	while (*p) {
		size_t len;
		ssize_t n;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			drop_last(cur);
			p += len;
			continue;
		}
		if (strlen(cur) + 1 + len >= sizeof(cur))
			return -ENAMETOOLONG;
		snprintf(cur + strlen(cur), sizeof(cur) - strlen(cur), "/%.*s", (int)len, p);
		p += len;
		if (lstat(cur, &sb) < 0)
			return -errno;
		snprintf(dst, sizeof(dst), "%s%s", SHUTDOWN_DIR, cur);
		if (S_ISDIR(sb.st_mode)) {
			if (mkdir(dst, sb.st_mode & 07777) < 0 && errno != EEXIST)
				return -errno;
			continue;
		}
		if (S_ISREG(sb.st_mode)) {
			if (*p && strspn(p, "/") != strlen(p))
				return -ENOTDIR;
			return copy_file(cur, dst, sb.st_mode, st);
		}
		if (!S_ISLNK(sb.st_mode))
			return -EINVAL;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlink(target, dst) < 0 && errno != EEXIST)
			return -errno;
		drop_last(cur);
		if (snprintf(next, sizeof(next), "%s%s%s%s", target[0] == '/' ? "" : cur,
			     target[0] == '/' ? "" : "/", target, p) >= (int)sizeof(next))
			return -ENAMETOOLONG;
		return copy_path(next, links + 1, st);
	}
	return 0;
}

/* Copies every path SHUTDOWN_LIST names; "#" lines are comments. */
static void copy_listed(FILE *list, struct copy_stats *st)
{
	char line[SHUTDOWN_LINE_MAX];

	while (fgets(line, sizeof(line), list)) {
		size_t len = strcspn(line, "\n");
		int r;

		line[len] = '\0';
		if (line[0] != '/')
			continue;
		r = copy_path(line, 0, st);
		if (r < 0) {
			st->failed++;
			log_warning_errno(r, "shutdown: cannot copy %s to %s: %m", line,
					  SHUTDOWN_DIR);
		}
	}
}

long long shutdown_prepare(const struct boot_params *params)
{
	struct copy_stats st = {0};
	char path[PATH_MAX];
	FILE *list;
	int r;

	list = fopen(SHUTDOWN_LIST, "re");
	if (!list)
		return 0;
	if (!params->shutdown) {
		fclose(list);
		log_info(
		    "baton.shutdown=0: %s/%s not prepared, systemd will power off without returning to the initramfs",
		    SHUTDOWN_DIR, SHUTDOWN_PROGRAM);
		return 0;
	}
	if (mkdir(SHUTDOWN_DIR, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		fclose(list);
		return log_warning_errno(
		    r, "shutdown: cannot create %s: %m; no return to the initramfs at shutdown",
		    SHUTDOWN_DIR);
	}
	for (size_t i = 0; i < ARRAY_SIZE(shutdown_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", SHUTDOWN_DIR, shutdown_dirs[i]);
		(void)mkdir(path, 0755);
	}
	copy_listed(list, &st);
	fclose(list);
	/* The program last, under a temporary name: systemd only runs a complete world. */
	snprintf(path, sizeof(path), "%s/%s.tmp", SHUTDOWN_DIR, SHUTDOWN_PROGRAM);
	(void)unlink(path);
	r = copy_file("/init", path, 0755, &st);
	if (r >= 0 && rename(path, SHUTDOWN_DIR "/" SHUTDOWN_PROGRAM) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(path);
		return log_warning_errno(
		    r,
		    "shutdown: cannot copy /init to %s/%s: %m; no return to the initramfs at shutdown",
		    SHUTDOWN_DIR, SHUTDOWN_PROGRAM);
	}
	log_info("shutdown: %u file%s (%lld KiB of RAM) in %s for the return at shutdown%s",
		 st.files, st.files == 1 ? "" : "s", st.bytes / 1024, SHUTDOWN_DIR,
		 st.failed ? ", some listed files missing (see above)" : "");
	return st.bytes;
}
