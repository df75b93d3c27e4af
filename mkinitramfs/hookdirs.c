// SPDX-License-Identifier: MIT
/* --hook: hook folders (STAGE/NN-name executables, "binaries" and "files" lists) into the image. */
#include "hookdirs.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "stage.h"
#include "strv.h"
#include "util.h"

/* The optional lists of a hook folder. */
#define HOOKDIRS_BINARIES "binaries"
#define HOOKDIRS_FILES "files"

/* Hooks in one stage folder; far more than any real folder holds. */
#define HOOKDIRS_PER_STAGE_MAX 1024

/* Longest "#!" line the kernel reads (BINPRM_BUF_SIZE, include/uapi/linux/binfmts.h). */
#define HOOKDIRS_SHEBANG_MAX 256

/* A stage folder is named as the init names the stage (stage.h); rd.break= aliases are not. */
static bool hookdirs_is_stage(const char *name)
{
	return stage_from_name(name, strlen(name), false) != STAGE_NONE;
}

/* "early, premount, ... and failure", for messages. */
static void hookdirs_stage_list(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int s = 0; s < STAGE_COUNT && n < size; s++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
				      s == 0		     ? ""
				      : s == STAGE_COUNT - 1 ? " and "
							     : ", ",
				      stage_name((enum boot_stage)s));
}

/* The file names of a stage folder, sorted bytewise as the init runs them; dotfiles skipped. */
static int hookdirs_list(const char *dir, struct strv *ret)
{
	struct strv v = {0};
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (v.count == HOOKDIRS_PER_STAGE_MAX) {
			r = -E2BIG;
			break;
		}
		r = strv_push(&v, de->d_name);
		if (r < 0)
			break;
	}
	closedir(d);
	if (r < 0) {
		strv_free(&v);
		return r;
	}
	strv_sort(&v);
	*ret = v;
	return 0;
}

/* Can the kernel execute the file: an ELF program or a "#!" script? */
static bool hookdirs_runnable(const char *path)
{
	unsigned char head[4];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return (n >= 2 && head[0] == '#' && head[1] == '!') ||
	       (n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F');
}

/* Checks one stage folder: executable regular files only. Returns the number of hooks. */
static int hookdirs_check_stage(const char *dir, const char *stage)
{
	char path[PATH_MAX];
	struct strv names;
	int r;

	r = util_pathf(path, "%s/%s", dir, stage);
	if (r < 0)
		return log_error_errno(r, "path too long: %s/%s", dir, stage);
	r = hookdirs_list(path, &names);
	if (r < 0)
		return log_error_errno(r, "cannot read hook folder %s: %m", path);
	for (size_t i = 0; i < names.count && r >= 0; i++) {
		char file[PATH_MAX];
		struct stat st;

		r = util_pathf(file, "%s/%s", path, names.v[i]);
		if (r < 0) {
			log_error_errno(r, "path too long: %s/%s", path, names.v[i]);
		} else if (stat(file, &st) < 0) {
			r = log_error_errno(-errno, "hook %s: %m", file);
		} else if (!S_ISREG(st.st_mode)) {
			log_error(
			    "hook %s is not a regular file: a stage folder holds only hook programs",
			    file);
			r = -EINVAL;
		} else if (!(st.st_mode & S_IXUSR)) {
			log_error(
			    "hook %s is not executable: chmod +x it (the init runs every file of %s/%s/ as a program)",
			    file, LAYOUT_HOOKS_DIR, stage);
			r = -EACCES;
		} else if (!hookdirs_runnable(file)) {
			log_error(
			    "hook %s is neither an ELF program nor a script starting with '#!': the kernel cannot run it (add '#!/bin/sh' as its first line)",
			    file);
			r = -ENOEXEC;
		}
	}
	if (r >= 0)
		r = (int)names.count;
	strv_free(&names);
	return r;
}

static int hookdirs_check(const char *dir)
{
	struct dirent *de;
	size_t hooks = 0;
	bool lists = false;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return log_error_errno(-errno, "cannot read hook folder %s: %m", dir);
	while ((de = readdir(d)) && r >= 0) {
		char path[PATH_MAX];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = util_pathf(path, "%s/%s", dir, de->d_name);
		if (r < 0) {
			log_error_errno(r, "path too long: %s/%s", dir, de->d_name);
			break;
		}
		if (stat(path, &st) < 0) {
			r = log_error_errno(-errno, "cannot read %s: %m", path);
			break;
		}
		if (hookdirs_is_stage(de->d_name)) {
			if (!S_ISDIR(st.st_mode)) {
				log_error("%s must be a folder of hook programs", path);
				r = -ENOTDIR;
				break;
			}
			r = hookdirs_check_stage(dir, de->d_name);
			if (r > 0)
				hooks += (size_t)r;
		} else if (strcmp(de->d_name, HOOKDIRS_BINARIES) == 0 ||
			   strcmp(de->d_name, HOOKDIRS_FILES) == 0) {
			if (!S_ISREG(st.st_mode)) {
				log_error("%s must be a file, one path per line", path);
				r = -EINVAL;
				break;
			}
			lists = true;
		} else if (S_ISDIR(st.st_mode)) {
			char stages[128];

			hookdirs_stage_list(stages, sizeof(stages));
			log_error("unknown stage folder '%s' in hook folder %s: the stages are %s",
				  de->d_name, dir, stages);
			r = -EINVAL;
		} else if (strncmp(de->d_name, "README", 6) != 0 && de->d_name[0] != '.') {
			log_warning("%s is not a stage folder nor a '%s' or '%s' list, ignoring",
				    path, HOOKDIRS_BINARIES, HOOKDIRS_FILES);
		}
	}
	closedir(d);
	if (r < 0)
		return r;
	if (!hooks && !lists)
		log_warning(
		    "hook folder %s holds no hooks (STAGE/NAME files) and no lists, ignoring", dir);
	return 0;
}

/* The folder holding this program, from /proc/self/exe. */
static int hookdirs_exe_dir(char *ret)
{
	ssize_t n = readlink("/proc/self/exe", ret, PATH_MAX - 1);
	char *slash;

	if (n < 0)
		return -errno;
	ret[n] = '\0';
	slash = strrchr(ret, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	return 0;
}

int hookdirs_find(const char *arg, char *ret)
{
	char exe[PATH_MAX], tried[3][PATH_MAX];
	size_t n = 0;

	if (!arg[0])
		return log_error_errno(-EINVAL, "--hook: empty folder name");
	if (strchr(arg, '/')) {
		if (!util_is_dir(arg)) {
			log_error(
			    "--hook %s: no such folder (a name without '/' means a stock hook of baton)",
			    arg);
			return -ENOENT;
		}
		if (!realpath(arg, ret))
			return log_error_errno(-errno, "--hook %s: %m", arg);
		return hookdirs_check(ret);
	}
	if (arg[0] == '.') {
		log_error("--hook '%s': not a hook name; give a folder path with a '/' (./%s)", arg,
			  arg);
		return -EINVAL;
	}
	if (hookdirs_exe_dir(exe) >= 0) {
		if (util_pathf(tried[n], "%s/../hooks/%s", exe, arg) >= 0)
			n++;
		if (util_pathf(tried[n], "%s/../share/baton/hooks/%s", exe, arg) >= 0)
			n++;
	}
	if (util_pathf(tried[n], "%s/%s", HOOKDIRS_INSTALLED_DIR, arg) >= 0)
		n++;
	for (size_t i = 0; i < n; i++) {
		if (!util_is_dir(tried[i]))
			continue;
		if (!realpath(tried[i], ret))
			memcpy(ret, tried[i], PATH_MAX);
		log_debug("hook %s: %s", arg, ret);
		return hookdirs_check(ret);
	}
	log_error(
	    "--hook %s: no stock hook of that name (looked for %s%s%s%s%s); give a folder path with a '/' for your own",
	    arg, n > 0 ? tried[0] : "", n > 1 ? ", " : "", n > 1 ? tried[1] : "", n > 2 ? ", " : "",
	    n > 2 ? tried[2] : "");
	return -ENOENT;
}

/* The "#!" interpreter of the file at path, if it is a script. */
static bool hookdirs_interpreter(const char *path, char *ret, size_t size)
{
	char buf[HOOKDIRS_SHEBANG_MAX + 1];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return false;
	snprintf(ret, size, "%.*s", (int)strcspn(buf + 2 + strspn(buf + 2, " \t"), " \t\n"),
		 buf + 2 + strspn(buf + 2, " \t"));
	return ret[0] != '\0';
}

bool hookdirs_need_shell(const char *dir)
{
	for (int s = 0; s < STAGE_COUNT; s++) {
		char path[PATH_MAX];
		struct strv names;
		bool need = false;

		if (util_pathf(path, "%s/%s", dir, stage_name((enum boot_stage)s)) < 0 ||
		    hookdirs_list(path, &names) < 0)
			continue;
		for (size_t i = 0; i < names.count && !need; i++) {
			char file[PATH_MAX], interp[HOOKDIRS_SHEBANG_MAX + 1];

			need = util_pathf(file, "%s/%s", path, names.v[i]) >= 0 &&
			       hookdirs_interpreter(file, interp, sizeof(interp)) &&
			       strcmp(interp, LAYOUT_SHELL) == 0;
		}
		strv_free(&names);
		if (need)
			return true;
	}
	return false;
}

/* Calls fn on every non-blank, non-comment line of the list file (words trimmed). */
static int hookdirs_each_line(const char *list, int (*fn)(void *ctx, const char *line, int lineno),
			      void *ctx)
{
	unsigned char *data;
	size_t len;
	char *line, *save = NULL;
	int lineno = 0, r;

	r = util_read_file(list, &data, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", list);
	/* strtok_r skips empty lines, so count them by hand. */
	for (char *p = (char *)data; p;) {
		char *nl = strchr(p, '\n');

		lineno++;
		if (nl)
			*nl = '\0';
		line = p + strspn(p, " \t");
		line[strcspn(line, "\r")] = '\0';
		for (size_t n = strlen(line); n && (line[n - 1] == ' ' || line[n - 1] == '\t'); n--)
			line[n - 1] = '\0';
		if (line[0] && line[0] != '#') {
			r = fn(ctx, line, lineno);
			if (r < 0)
				break;
		}
		p = nl ? nl + 1 : NULL;
	}
	(void)save;
	free(data);
	return r;
}

struct hookdirs_ctx {
	struct tree *t;
	struct binaries *b;
	const char *list; /* the list file, for messages */
};

static int hookdirs_binary_line(void *data, const char *line, int lineno)
{
	struct hookdirs_ctx *c = data;
	char why[PATH_MAX + 32];

	snprintf(why, sizeof(why), "%s, line %d", c->list, lineno);
	return binaries_add(c->b, line, why);
}

static int hookdirs_import(struct hookdirs_ctx *c, const char *path, int lineno)
{
	int r = tree_import_all(c->t, path);

	if (r == -ENOENT || r == -ENOTDIR) {
		log_error("%s, line %d: %s not found in %s", c->list, lineno, path,
			  c->t->shown_basedir);
		return -ENOENT;
	}
	if (r < 0)
		return log_error_errno(r, "%s, line %d: cannot add %s from %s: %m", c->list, lineno,
				       path, c->t->shown_basedir);
	log_debug("  %s (%s)", path, c->list);
	return 0;
}

static int hookdirs_file_line(void *data, const char *line, int lineno)
{
	struct hookdirs_ctx *c = data;
	char pattern[PATH_MAX];
	size_t skip = strlen(c->t->basedir);
	glob_t g;
	int r = 0;

	if (line[0] != '/') {
		log_error("%s, line %d: '%s' is not an absolute path", c->list, lineno, line);
		return -EINVAL;
	}
	if (!strpbrk(line, "*?["))
		return hookdirs_import(c, line, lineno);
	r = util_pathf(pattern, "%s%s", c->t->basedir, line);
	if (r < 0)
		return log_error_errno(r, "%s, line %d: path too long", c->list, lineno);
	if (glob(pattern, 0, NULL, &g) != 0) {
		log_error("%s, line %d: nothing in %s matches %s", c->list, lineno,
			  c->t->shown_basedir, line);
		return -ENOENT;
	}
	for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
		r = hookdirs_import(c, g.gl_pathv[i] + skip, lineno);
	globfree(&g);
	return r;
}

int hookdirs_add(struct tree *t, struct binaries *b, const char *dir, size_t *ret_hooks)
{
	char list[PATH_MAX];
	struct hookdirs_ctx c = {.t = t, .b = b, .list = list};
	size_t added = 0;
	int r;

	for (int s = 0; s < STAGE_COUNT; s++) {
		const char *sname = stage_name((enum boot_stage)s);
		char path[PATH_MAX];
		struct strv names;

		if (util_pathf(path, "%s/%s", dir, sname) < 0 || !util_is_dir(path))
			continue;
		r = hookdirs_list(path, &names);
		if (r < 0)
			return log_error_errno(r, "cannot read hook folder %s: %m", path);
		for (size_t i = 0; i < names.count && r >= 0; i++) {
			char file[PATH_MAX], image_path[PATH_MAX];
			unsigned char *data;
			size_t len;

			r = util_pathf(file, "%s/%s", path, names.v[i]);
			if (r >= 0)
				r = util_pathf(image_path, "%s/%s/%s", LAYOUT_HOOKS_DIR, sname,
					       names.v[i]);
			if (r < 0) {
				log_error_errno(r, "path too long: %s/%s", path, names.v[i]);
				break;
			}
			r = util_read_file(file, &data, &len);
			if (r < 0) {
				log_error_errno(r, "cannot read hook %s: %m", file);
				break;
			}
			r = tree_add_data(t, image_path, 0755, data, len);
			if (r == -EEXIST)
				log_error(
				    "hook %s: another hook folder already added %s; rename one of them",
				    file, image_path);
			else if (r < 0)
				log_error_errno(r, "cannot add %s: %m", image_path);
			if (r >= 0)
				r = binaries_add_needs(b, data, len, image_path);
			free(data);
			if (r >= 0) {
				added++;
				log_debug("  hook %s from %s", image_path, file);
			}
		}
		strv_free(&names);
		if (r < 0)
			return r;
	}

	r = util_pathf(list, "%s/%s", dir, HOOKDIRS_BINARIES);
	if (r >= 0)
		r = hookdirs_each_line(list, hookdirs_binary_line, &c);
	if (r < 0)
		return r;
	r = util_pathf(list, "%s/%s", dir, HOOKDIRS_FILES);
	if (r >= 0)
		r = hookdirs_each_line(list, hookdirs_file_line, &c);
	if (r < 0)
		return r;
	*ret_hooks = added;
	return 0;
}
