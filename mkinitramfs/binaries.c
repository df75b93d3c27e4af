// SPDX-License-Identifier: MIT
/* Adds programs from the base directory with every shared library they need (not with ldd). */
#include "binaries.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "util.h"

/* Where a bare program name is looked for, in this order (the init's PATH for hooks). */
static const char *const binaries_path[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

/* The dynamic loader's configuration, and how deep its "include" lines may nest. */
#define BINARIES_LD_SO_CONF "/etc/ld.so.conf"
#define BINARIES_CONF_DEPTH 8

/* Longest "#!" line the kernel reads (BINPRM_BUF_SIZE, include/uapi/linux/binfmts.h). */
#define BINARIES_SHEBANG_MAX 256

/* Nesting of libraries needing libraries; real chains are under ten deep. */
#define BINARIES_DEPTH_MAX 64

struct binaries {
	struct tree *t;
	struct strv conf_dirs; /* from ld.so.conf, in order */
	struct strv done;      /* canonical paths already examined */
	struct strv interps;   /* "#!" interpreters, ... */
	struct strv scripts;   /* ... and the script that named each */
	size_t files;
};

static int binaries_parse_conf(struct binaries *b, const char *path, int depth);

/* An "include" line: a glob pattern, relative ones from /etc (as ldconfig reads them). */
static int binaries_conf_include(struct binaries *b, const char *pattern, int depth)
{
	char full[PATH_MAX];
	size_t skip = strlen(b->t->basedir);
	glob_t g;
	int r = 0;

	r = util_pathf(full, "%s%s%s", b->t->basedir, pattern[0] == '/' ? "" : "/etc/", pattern);
	if (r < 0)
		return r;
	if (glob(full, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
		r = binaries_parse_conf(b, g.gl_pathv[i] + skip, depth + 1);
	globfree(&g);
	return r;
}

/* Reads one ld.so.conf file (path inside the base directory); a missing one is no error. */
static int binaries_parse_conf(struct binaries *b, const char *path, int depth)
{
	char real[PATH_MAX], host[PATH_MAX];
	unsigned char *data;
	char *line, *save = NULL;
	size_t len;
	int r;

	if (depth > BINARIES_CONF_DEPTH)
		return 0;
	if (tree_resolve(b->t, path, real) < 0 || tree_host_path(b->t, real, host) < 0)
		return 0;
	r = util_read_file(host, &data, &len);
	if (r < 0)
		return 0;
	for (line = strtok_r((char *)data, "\n", &save); line && r >= 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *word, *wsave = NULL;

		if (hash)
			*hash = '\0';
		word = strtok_r(line, " \t", &wsave);
		if (!word)
			continue;
		if (strcmp(word, "include") == 0) {
			while (r >= 0 && (word = strtok_r(NULL, " \t", &wsave)))
				r = binaries_conf_include(b, word, depth);
			continue;
		}
		if (strcmp(word, "hwcap") == 0)
			continue;
		/* Folders, possibly several on a line, separated as ldconfig accepts. */
		for (; word && r >= 0; word = strtok_r(NULL, " \t", &wsave)) {
			char *dsave = NULL;

			for (char *d = strtok_r(word, ":,=", &dsave); d && r >= 0;
			     d = strtok_r(NULL, ":,=", &dsave))
				if (d[0] == '/')
					r = strv_add(&b->conf_dirs, d);
		}
	}
	free(data);
	return r < 0 ? r : 0;
}

int binaries_new(struct tree *t, struct binaries **ret)
{
	struct binaries *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return log_error_errno(-ENOMEM, "out of memory");
	b->t = t;
	r = binaries_parse_conf(b, BINARIES_LD_SO_CONF, 0);
	if (r < 0) {
		binaries_free(b);
		return log_error_errno(r, "cannot read %s%s: %m", t->basedir, BINARIES_LD_SO_CONF);
	}
	for (size_t i = 0; i < b->conf_dirs.count; i++)
		log_debug("library folder from ld.so.conf: %s", b->conf_dirs.v[i]);
	*ret = b;
	return 0;
}

void binaries_free(struct binaries *b)
{
	if (!b)
		return;
	strv_free(&b->conf_dirs);
	strv_free(&b->done);
	strv_free(&b->interps);
	strv_free(&b->scripts);
	free(b);
}

size_t binaries_count(const struct binaries *b)
{
	return b->files;
}

/* Is the file at path (in the base directory) an ELF object of this class and machine? */
static bool binaries_compatible(const struct binaries *b, const char *path,
				const struct elfinfo *info)
{
	char real[PATH_MAX], host[PATH_MAX];
	unsigned char head[sizeof(Elf64_Ehdr)];
	struct stat st;
	ssize_t n;
	int fd;

	if (tree_resolve(b->t, path, real) < 0 || tree_host_path(b->t, real, host) < 0)
		return false;
	fd = open(host, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof(head)) : -1;
	close(fd);
	if (n < (ssize_t)sizeof(Elf32_Ehdr) || !elfinfo_is_elf(head, (size_t)n) ||
	    head[EI_CLASS] != info->elf_class)
		return false;
	/* e_machine sits at offset 18 in both classes, in the file's byte order. */
	uint16_t machine = head[EI_DATA] == ELFDATA2MSB ? (uint16_t)(head[18] << 8 | head[19])
							: (uint16_t)(head[19] << 8 | head[18]);

	return machine == info->machine;
}

/*
 * Looks name up in a colon-separated list of folders, $ORIGIN standing for origin. Returns 1
 * with the path in ret if found, 0 if not; tried gets the folders for an error message.
 */
static int binaries_search(const struct binaries *b, const char *list, const char *origin,
			   const char *name, const struct elfinfo *info, char *ret, char *tried,
			   size_t tried_size)
{
	char *copy, *dir, *save = NULL;
	int found = 0;

	if (!list)
		return 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char expanded[PATH_MAX], path[PATH_MAX];
		const char *rest = NULL;
		size_t used = strlen(tried);

		if (strncmp(dir, "$ORIGIN", 7) == 0)
			rest = dir + 7;
		else if (strncmp(dir, "${ORIGIN}", 9) == 0)
			rest = dir + 9;
		if (rest && util_pathf(expanded, "%s%s", origin, rest) < 0)
			continue;
		if (!rest && util_pathf(expanded, "%s", dir) < 0)
			continue;
		if (strchr(expanded, '$') || expanded[0] != '/') {
			/* $LIB, $PLATFORM and relative folders depend on the running system. */
			log_debug("  library folder %s skipped (not a plain absolute path)", dir);
			continue;
		}
		snprintf(tried + used, tried_size - used, "%s%s", used ? ", " : "", expanded);
		if (util_pathf(path, "%s/%s", expanded, name) < 0)
			continue;
		if (binaries_compatible(b, path, info)) {
			memcpy(ret, path, PATH_MAX);
			found = 1;
		}
	}
	free(copy);
	return found;
}

/* Finds a DT_NEEDED library as the dynamic loader would, for the object at path. */
static int binaries_find_lib(const struct binaries *b, const char *name, const char *path,
			     const struct elfinfo *info, const char *exe_rpath, char *ret)
{
	char origin[PATH_MAX], defaults[PATH_MAX], tried[4 * PATH_MAX] = "";
	const char *triplet = elfinfo_multiarch(info->elf_class, info->machine);
	int r;

	memcpy(origin, path, PATH_MAX);
	*strrchr(origin, '/') = '\0';
	/* DT_RPATH counts only when there is no DT_RUNPATH (ld.so(8)); the program's applies too.
	 */
	if (!info->runpath) {
		r = binaries_search(b, info->rpath, origin, name, info, ret, tried, sizeof(tried));
		if (r == 0)
			r = binaries_search(b, exe_rpath, origin, name, info, ret, tried,
					    sizeof(tried));
		if (r != 0)
			return r < 0 ? r : 0;
	}
	r = binaries_search(b, info->runpath, origin, name, info, ret, tried, sizeof(tried));
	if (r != 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < b->conf_dirs.count; i++) {
		r = binaries_search(b, b->conf_dirs.v[i], origin, name, info, ret, tried,
				    sizeof(tried));
		if (r != 0)
			return r < 0 ? r : 0;
	}
	/* Debian's trusted folders: multiarch first, then the classic ones. */
	if (triplet)
		snprintf(defaults, sizeof(defaults), "/lib/%s:/usr/lib/%s:", triplet, triplet);
	else
		defaults[0] = '\0';
	strncat(defaults,
		info->elf_class == ELFCLASS64 ? "/lib64:/usr/lib64:/lib:/usr/lib"
					      : "/lib32:/usr/lib32:/lib:/usr/lib",
		sizeof(defaults) - strlen(defaults) - 1);
	r = binaries_search(b, defaults, origin, name, info, ret, tried, sizeof(tried));
	if (r != 0)
		return r < 0 ? r : 0;
	log_error(
	    "library %s, needed by %s, not found in %s (looked in %s); install the package that ships it",
	    name, path, b->t->shown_basedir, tried);
	return -ENOENT;
}

/* The "#!" interpreter of a script, if data starts with one. */
static bool binaries_shebang(const unsigned char *data, size_t len, char *ret)
{
	size_t n = 0;

	if (len < 3 || data[0] != '#' || data[1] != '!')
		return false;
	data += 2;
	len -= 2;
	while (len && (*data == ' ' || *data == '\t')) {
		data++;
		len--;
	}
	while (n < len && n < BINARIES_SHEBANG_MAX && data[n] != ' ' && data[n] != '\t' &&
	       data[n] != '\n' && data[n] != '\0')
		n++;
	if (n == 0 || data[0] != '/')
		return false;
	memcpy(ret, data, n);
	ret[n] = '\0';
	return true;
}

static int binaries_add_file(struct binaries *b, const char *path, const char *why,
			     const char *exe_rpath, int depth);

/* Adds the interpreter and libraries of the ELF object at path (canonical real). */
static int binaries_add_elf(struct binaries *b, const char *path, const struct elfinfo *info,
			    const char *exe_rpath, int depth)
{
	char why[PATH_MAX + 32], lib[PATH_MAX];
	int r;

	if (info->interp) {
		snprintf(why, sizeof(why), "the interpreter of %s", path);
		r = binaries_add_file(b, info->interp, why, NULL, depth + 1);
		if (r < 0)
			return r;
	}
	snprintf(why, sizeof(why), "a library of %s", path);
	for (size_t i = 0; i < info->needed.count; i++) {
		const char *name = info->needed.v[i];

		if (strchr(name, '/')) {
			r = util_pathf(lib, "%s", name);
		} else {
			r = binaries_find_lib(b, name, path, info, exe_rpath, lib);
		}
		if (r >= 0)
			r = binaries_add_file(b, lib, why, exe_rpath, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int binaries_add_file(struct binaries *b, const char *path, const char *why,
			     const char *exe_rpath, int depth)
{
	char real[PATH_MAX], host[PATH_MAX], interp[BINARIES_SHEBANG_MAX + 1];
	struct elfinfo info = {0};
	unsigned char *data;
	size_t len;
	int r;

	if (depth > BINARIES_DEPTH_MAX)
		return log_error_errno(-ELOOP, "%s: libraries nested too deeply", path);
	r = tree_import(b->t, path, real);
	if (r == -ENOENT || r == -ENOTDIR) {
		log_error("%s (%s) not found in %s", path, why, b->t->shown_basedir);
		return -ENOENT;
	}
	if (r == -EEXIST)
		return log_error_errno(
		    r,
		    "cannot add %s (%s): the image already has something else at that path or on the way to it",
		    path, why);
	if (r < 0)
		return log_error_errno(r, "cannot add %s%s (%s): %m", b->t->basedir, path, why);
	r = strv_add(&b->done, real);
	if (r <= 0)
		return r < 0 ? log_error_errno(r, "out of memory") : 0;
	r = tree_host_path(b->t, real, host);
	if (r >= 0)
		r = util_read_file(host, &data, &len);
	if (r == -EISDIR) {
		log_error("%s (%s) is a directory, not a program", path, why);
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", host);
	b->files++;
	if (strcmp(real, path) == 0)
		log_debug("  %s (%s)", path, why);
	else
		log_debug("  %s -> %s (%s)", path, real, why);

	if (binaries_shebang(data, len, interp)) {
		free(data);
		r = strv_push(&b->interps, interp);
		if (r >= 0)
			r = strv_push(&b->scripts, real);
		if (r < 0)
			return log_error_errno(r, "out of memory");
		return 0;
	}
	if (!elfinfo_is_elf(data, len)) {
		free(data);
		return 0;
	}
	r = elfinfo_parse(data, len, &info);
	free(data);
	if (r == -ENOEXEC) {
		log_warning(
		    "%s (%s) is not an ELF file the generator can read; its libraries are not added, ignoring",
		    host, why);
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", host);
	/* A program's own DT_RPATH also applies to the libraries it loads (ld.so(8)). */
	if (!exe_rpath && info.interp && !info.runpath)
		exe_rpath = info.rpath;
	r = binaries_add_elf(b, real, &info, exe_rpath, depth);
	elfinfo_free(&info);
	return r;
}

int binaries_add(struct binaries *b, const char *path, const char *why)
{
	char found[PATH_MAX];

	if (!path[0])
		return log_error_errno(-EINVAL, "empty program name (%s)", why);
	if (strchr(path, '/')) {
		if (path[0] != '/') {
			log_error(
			    "%s (%s): give an absolute path, or a bare name to look up in /usr/sbin, /usr/bin, /sbin and /bin",
			    path, why);
			return -EINVAL;
		}
		return binaries_add_file(b, path, why, NULL, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(binaries_path); i++) {
		char real[PATH_MAX], host[PATH_MAX];
		struct stat st;

		if (util_pathf(found, "%s/%s", binaries_path[i], path) < 0)
			continue;
		if (tree_resolve(b->t, found, real) < 0 || tree_host_path(b->t, real, host) < 0 ||
		    stat(host, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		return binaries_add_file(b, found, why, NULL, 0);
	}
	log_error(
	    "program %s (%s) not found in %s: looked in /usr/sbin, /usr/bin, /sbin and /bin there; install its package or give its path",
	    path, why, b->t->shown_basedir);
	return -ENOENT;
}

int binaries_add_interpreters(struct binaries *b)
{
	/* Adding an interpreter may add scripts (env's target is not followed): by index. */
	for (size_t i = 0; i < b->interps.count; i++) {
		char why[PATH_MAX + 32];
		int r;

		if (tree_exists(b->t, b->interps.v[i]))
			continue;
		snprintf(why, sizeof(why), "the interpreter of %s", b->scripts.v[i]);
		r = binaries_add_file(b, b->interps.v[i], why, NULL, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int binaries_add_needs(struct binaries *b, const void *data, size_t len, const char *name)
{
	char interp[BINARIES_SHEBANG_MAX + 1];
	struct elfinfo info = {0};
	int r;

	if (binaries_shebang(data, len, interp)) {
		r = strv_push(&b->interps, interp);
		if (r >= 0)
			r = strv_push(&b->scripts, name);
		if (r < 0)
			return log_error_errno(r, "out of memory");
		return 0;
	}
	if (!elfinfo_is_elf(data, len))
		return 0;
	r = elfinfo_parse(data, len, &info);
	if (r == -ENOEXEC) {
		log_warning(
		    "%s is not an ELF file the generator can read; its libraries are not added, ignoring",
		    name);
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", name);
	r = binaries_add_elf(b, name, &info, !info.runpath ? info.rpath : NULL, 0);
	elfinfo_free(&info);
	return r;
}
