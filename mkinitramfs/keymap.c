// SPDX-License-Identifier: MIT
/* The installed system's console keymap and font, for the passphrase prompt (kbd's tools). */
#include "keymap.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compress.h"
#include "layout.h"
#include "log.h"
#include "macro.h"
#include "stacks.h"
#include "util.h"

/* Debian's console-setup: the layout, and the charmap and font setupcon(1) uses. */
#define KEYMAP_DEBIAN_KEYBOARD "/etc/default/keyboard"
#define KEYMAP_DEBIAN_CONSOLE "/etc/default/console-setup"
/* What setupcon --save-only leaves: the compiled keymap and a copy of the font. */
#define KEYMAP_DEBIAN_CACHE "/etc/console-setup"
/* systemd's vconsole.conf(5). */
#define KEYMAP_VCONSOLE "/etc/vconsole.conf"
/* The longest value read from those files. */
#define KEYMAP_VALUE_MAX 256
/* Largest keymap or font file carried: kbd's biggest keymaps and fonts are far smaller. */
#define KEYMAP_FILE_MAX (4u << 20)

static const char *const keymap_dirs[] = {KEYMAP_DIRS};
static const char *const font_dirs[] = {KEYMAP_FONT_DIRS};
/*
 * Suffixes loadkeys and setfont try after a bare name, in their order; then the same with xz
 * and zstd, which kbd also reads (a tree whose keymaps were recompressed).
 */
static const char *const keymap_suffixes[] = {
    "",	       ".map",	   ".kmap",   ".map.gz", ".kmap.gz", ".inc",	  ".inc.gz",  ".gz",
    ".map.xz", ".kmap.xz", ".inc.xz", ".xz",	 ".map.zst", ".kmap.zst", ".inc.zst", ".zst"};
static const char *const font_suffixes[] = {
    "",	   ".psfu.gz", ".psf.gz", ".psfu",     ".psf",	   ".cp.gz", ".fnt.gz",
    ".gz", ".psfu.xz", ".psf.xz", ".psfu.zst", ".psf.zst", ".xz",    ".zst"};
/* Sub-folder levels searched below a keymap or font folder (i386/qwertz/de.kmap.gz). */
static const char *const keymap_levels[] = {"", "/*", "/*/*", "/*/*/*"};
/* Where kbd's programs are in the tree (Debian: /bin; merged /usr: /usr/bin). */
static const char *const kbd_dirs[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin"};

/* Is path a regular file in the tree? Its host path goes to host (may be NULL). */
static bool keymap_is_file(const struct tree *t, const char *path, char *host)
{
	char real[PATH_MAX], buf[PATH_MAX];
	struct stat st;

	if (tree_resolve(t, path, real) < 0 || tree_host_path(t, real, buf) < 0 ||
	    stat(buf, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (host)
		snprintf(host, PATH_MAX, "%s", buf);
	return true;
}

/*
 * Reads KEY=VALUE of a shell-style file of the tree (quotes removed) into ret. Returns 1 if
 * found with a value, 0 if not (or no file).
 */
static int keymap_shell_var(const struct tree *t, const char *path, const char *key, char *ret)
{
	char host[PATH_MAX];
	unsigned char *data;
	size_t len, klen = strlen(key);
	int found = 0;

	if (!keymap_is_file(t, path, host) || util_read_file(host, &data, &len) < 0)
		return 0;
	for (char *save = NULL, *line = strtok_r((char *)data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v;
		size_t n;

		line += strspn(line, " \t");
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		v = line + klen + 1;
		n = strcspn(v, "#\r");
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v++;
			n -= 2;
		}
		/* The last assignment wins, as in the shell. */
		found = n > 0 && n < KEYMAP_VALUE_MAX;
		if (found)
			snprintf(ret, KEYMAP_VALUE_MAX, "%.*s", (int)n, v);
	}
	free(data);
	return found;
}

/* The first sorted match of a pattern of tree paths into ret; 0 if found, -ENOENT if not. */
static int keymap_glob(const struct tree *t, const char *pattern, char *ret)
{
	char host[PATH_MAX];
	glob_t g;
	int r = -ENOENT;

	if (util_pathf(host, "%s%s", t->basedir, pattern) < 0 || glob(host, 0, NULL, &g) != 0)
		return -ENOENT;
	for (size_t i = 0; i < g.gl_pathc && r < 0; i++) {
		const char *p = g.gl_pathv[i] + strlen(t->basedir);

		if (keymap_is_file(t, p, NULL)) {
			snprintf(ret, PATH_MAX, "%s", p);
			r = 0;
		}
	}
	globfree(&g);
	return r;
}

/*
 * Finds name (a path, or a bare name as loadkeys and setfont take it) under dirs with the
 * suffixes they try, in sub-folders too (kbd keeps keymaps in i386/qwertz/ and the like).
 */
static int keymap_find(const struct tree *t, const char *name, const char *const *dirs,
		       size_t ndirs, const char *const *suffixes, size_t nsuffixes, char *ret)
{
	char path[PATH_MAX];

	if (name[0] == '/')
		return keymap_is_file(t, name, NULL) && snprintf(ret, PATH_MAX, "%s", name) > 0
			   ? 0
			   : -ENOENT;
	if (strstr(name, "..") || strpbrk(name, "*?["))
		return -EINVAL;
	/* Each folder, then one to three levels of sub-folders, as kbd's keymaps are laid out. */
	for (size_t d = 0; d < ndirs; d++)
		for (size_t depth = 0; depth < ARRAY_SIZE(keymap_levels); depth++)
			for (size_t s = 0; s < nsuffixes; s++) {
				if (depth > 0 && strchr(name, '/'))
					break;
				if (util_pathf(path, "%s%s/%s%s", dirs[d], keymap_levels[depth],
					       name, suffixes[s]) >= 0 &&
				    keymap_glob(t, path, ret) == 0)
					return 0;
			}
	return -ENOENT;
}

/* Debian: the keymap setupcon cached for the configured charmap, and the configured font. */
static void keymap_debian(const struct tree *t, char *keymap, char *font, const char **why)
{
	char charmap[KEYMAP_VALUE_MAX] = "", value[KEYMAP_VALUE_MAX], pattern[PATH_MAX];
	char face[KEYMAP_VALUE_MAX], size[KEYMAP_VALUE_MAX];

	*why = KEYMAP_DEBIAN_KEYBOARD;
	if (!keymap_shell_var(t, KEYMAP_DEBIAN_CONSOLE, "CHARMAP", charmap) ||
	    strcmp(charmap, "guess") == 0 || strchr(charmap, '/'))
		charmap[0] = '\0';
	snprintf(pattern, sizeof(pattern), "%s/cached_%s%s*.kmap.gz", KEYMAP_DEBIAN_CACHE, charmap,
		 charmap[0] ? "_" : "");
	if (keymap_glob(t, pattern, keymap) < 0)
		log_warning(
		    "%s is there but no keymap compiled from it (%s): run 'setupcon --save-only' in %s; the image keeps the kernel's US keymap",
		    KEYMAP_DEBIAN_KEYBOARD, pattern, t->shown_basedir);
	/* The font: FONT= (its first file), else setupcon's cached copy, else CODESET-FACESIZE. */
	if (keymap_shell_var(t, KEYMAP_DEBIAN_CONSOLE, "FONT", value)) {
		value[strcspn(value, " \t")] = '\0';
		if (keymap_find(t, value, font_dirs, ARRAY_SIZE(font_dirs), font_suffixes,
				ARRAY_SIZE(font_suffixes), font) < 0)
			log_warning("FONT=%s of %s is not installed in %s; no console font", value,
				    KEYMAP_DEBIAN_CONSOLE, t->shown_basedir);
		return;
	}
	if (keymap_glob(t, KEYMAP_DEBIAN_CACHE "/cached_*.psf*", font) == 0)
		return;
	if (!keymap_shell_var(t, KEYMAP_DEBIAN_CONSOLE, "CODESET", value) ||
	    strcmp(value, "guess") == 0 ||
	    !keymap_shell_var(t, KEYMAP_DEBIAN_CONSOLE, "FONTFACE", face) ||
	    strcmp(face, "guess") == 0)
		return;
	if (!keymap_shell_var(t, KEYMAP_DEBIAN_CONSOLE, "FONTSIZE", size) ||
	    strcmp(size, "guess") == 0)
		snprintf(size, sizeof(size), "16");
	/* setupcon's naming: 8x16 is "16", 16x8 is "16", 12x24 stays "24x12" (larger first). */
	if (strncmp(size, "8x", 2) == 0)
		memmove(size, size + 2, strlen(size + 2) + 1);
	else if (strlen(size) > 2 && strcmp(size + strlen(size) - 2, "x8") == 0)
		size[strlen(size) - 2] = '\0';
	snprintf(pattern, sizeof(pattern), "%s-%s%s.psf.gz", value, face, size);
	if (keymap_find(t, pattern, font_dirs, 1, font_suffixes, 1, font) < 0)
		log_warning("the console font %s/%s of %s is not installed in %s; no console font",
			    font_dirs[0], pattern, KEYMAP_DEBIAN_CONSOLE, t->shown_basedir);
}

/* systemd: KEYMAP= and FONT= of vconsole.conf, looked up as loadkeys and setfont do. */
static void keymap_vconsole(const struct tree *t, char *keymap, char *font, const char **why)
{
	char value[KEYMAP_VALUE_MAX];

	*why = KEYMAP_VCONSOLE;
	if (keymap_shell_var(t, KEYMAP_VCONSOLE, "KEYMAP", value) &&
	    keymap_find(t, value, keymap_dirs, ARRAY_SIZE(keymap_dirs), keymap_suffixes,
			ARRAY_SIZE(keymap_suffixes), keymap) < 0)
		log_warning(
		    "KEYMAP=%s of %s is not installed in %s (%s...); the image keeps the kernel's US keymap",
		    value, KEYMAP_VCONSOLE, t->shown_basedir, keymap_dirs[0]);
	if (keymap_shell_var(t, KEYMAP_VCONSOLE, "FONT", value) &&
	    keymap_find(t, value, font_dirs, ARRAY_SIZE(font_dirs), font_suffixes,
			ARRAY_SIZE(font_suffixes), font) < 0)
		log_warning("FONT=%s of %s is not installed in %s; no console font", value,
			    KEYMAP_VCONSOLE, t->shown_basedir);
}

/* Pushes kbd's program name onto o->binaries; -ENOENT when the tree lacks it. */
static int keymap_want_program(const struct tree *t, struct options *o, const char *name)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(kbd_dirs); i++) {
		if (util_pathf(path, "%s/%s", kbd_dirs[i], name) < 0 ||
		    !keymap_is_file(t, path, NULL))
			continue;
		for (size_t j = 0; j < o->binaries.count; j++)
			if (strcmp(o->binaries.v[j], path) == 0)
				return 0;
		return strv_push(&o->binaries, path) < 0 ? log_error_errno(-ENOMEM, "out of memory")
							 : 0;
	}
	return -ENOENT;
}

/* A forced file must exist; a configured one that is missing was warned about already. */
static int keymap_forced(const struct tree *t, const char *opt, const char *name,
			 const char *const *dirs, size_t ndirs, const char *const *suffixes,
			 size_t nsuffixes, char *ret)
{
	if (keymap_find(t, name, dirs, ndirs, suffixes, nsuffixes, ret) == 0)
		return 0;
	log_error("%s %s: no such file in %s (give a path in the tree, or a name found under %s)",
		  opt, name, t->shown_basedir, dirs[0]);
	return -ENOENT;
}

int keymap_plan(const struct tree *t, struct options *o)
{
	const char *why = NULL;
	int r;

	o->keymap_file[0] = o->font_file[0] = '\0';
	if (o->no_keymap)
		return 0;
	if (!o->keymap && !o->font && !(o->stacks & STACKS_LUKS) && !o->plymouth) {
		log_debug("no console keymap or font: the image asks for no passphrase");
		return 0;
	}
	if (o->keymap) {
		r = keymap_forced(t, "--keymap", o->keymap, keymap_dirs, ARRAY_SIZE(keymap_dirs),
				  keymap_suffixes, ARRAY_SIZE(keymap_suffixes), o->keymap_file);
		if (r < 0)
			return r;
	}
	if (o->font) {
		r = keymap_forced(t, "--font", o->font, font_dirs, ARRAY_SIZE(font_dirs),
				  font_suffixes, ARRAY_SIZE(font_suffixes), o->font_file);
		if (r < 0)
			return r;
	}
	if (!o->keymap && !o->font) {
		if (keymap_is_file(t, KEYMAP_DEBIAN_KEYBOARD, NULL))
			keymap_debian(t, o->keymap_file, o->font_file, &why);
		else if (keymap_is_file(t, KEYMAP_VCONSOLE, NULL))
			keymap_vconsole(t, o->keymap_file, o->font_file, &why);
	}
	if (o->keymap_file[0] && keymap_want_program(t, o, "loadkeys") < 0) {
		if (o->keymap)
			return log_error_errno(-ENOENT,
					       "--keymap: %s has no loadkeys; install kbd there",
					       t->shown_basedir);
		log_warning(
		    "%s names a keymap but %s has no loadkeys: install kbd there; the image keeps the kernel's US keymap",
		    why, t->shown_basedir);
		o->keymap_file[0] = '\0';
	}
	if (o->font_file[0] && keymap_want_program(t, o, "setfont") < 0) {
		if (o->font)
			return log_error_errno(-ENOENT,
					       "--font: %s has no setfont; install kbd there",
					       t->shown_basedir);
		log_warning("%s names a console font but %s has no setfont: install kbd there", why,
			    t->shown_basedir);
		o->font_file[0] = '\0';
	}
	if (o->keymap_file[0] || o->font_file[0])
		log_debug("console: keymap %s, font %s (%s)",
			  o->keymap_file[0] ? o->keymap_file : "none",
			  o->font_file[0] ? o->font_file : "none", why ? why : "--keymap/--font");
	return 0;
}

/*
 * Compression suffixes a keymap or font may carry: kbd reads them through gzip, bzip2, xz and
 * zstd programs it runs with popen(), none of which the image has, so the generator stores
 * them uncompressed (decompressed here with the libraries that unpack modules).
 */
static const char *const keymap_compressed[] = {".gz", ".xz", ".zst"};

/* path without a compression suffix: where the file goes in the image, uncompressed. */
static void keymap_image_path(const char *path, char *ret)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(keymap_compressed); i++) {
		size_t s = strlen(keymap_compressed[i]);

		if (n > s && strcmp(path + n - s, keymap_compressed[i]) == 0) {
			n -= s;
			break;
		}
	}
	snprintf(ret, PATH_MAX, "%.*s", (int)n, path);
}

/*
 * Reads a file of the tree, decompressed when it is gzip, xz or zstd (by its magic, whatever
 * its name); *ret_data has a spare byte after *ret_len for a terminating NUL.
 */
static int keymap_read(const struct tree *t, const char *path, unsigned char **ret_data,
		       size_t *ret_len)
{
	char host[PATH_MAX];
	unsigned char *data, *plain, *grown;
	size_t len, plain_len;
	int r;

	if (!keymap_is_file(t, path, host))
		return log_error_errno(-ENOENT, "%s is gone from %s", path, t->shown_basedir);
	r = util_read_file(host, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", host);
	if (compress_detect(data, len) == COMPRESS_NONE) {
		/* bzip2's "BZh" and a digit: kbd reads it, but no library here does. */
		if (len > 4 && memcmp(data, "BZh", 3) == 0 && data[3] >= '1' && data[3] <= '9') {
			free(data);
			return log_error_errno(
			    -ENOTSUP,
			    "%s is bzip2-compressed, which mkinitramfs cannot unpack: recompress it with gzip, xz or zstd, or name an uncompressed file",
			    host);
		}
		plain = data;
		plain_len = len;
	} else {
		r = compress_unpack(data, len, &plain, &plain_len);
		free(data);
		if (r < 0)
			return log_error_errno(r, "cannot uncompress %s (%s): %m", host,
					       r == -EBADMSG ? "corrupt or truncated"
							     : "unpacking");
	}
	if (plain_len >= KEYMAP_FILE_MAX) {
		free(plain);
		return log_error_errno(-EFBIG,
				       "%s is over %u bytes uncompressed: not a keymap or font",
				       host, KEYMAP_FILE_MAX);
	}
	grown = realloc(plain, plain_len + 1);
	if (!grown) {
		free(plain);
		return log_error_errno(-ENOMEM, "out of memory");
	}
	*ret_data = grown;
	*ret_len = plain_len;
	return 0;
}

/*
 * Finds the file of an `include "NAME"` line of the keymap at path, where loadkeys looks: the
 * including file's folder, ../include and ../../include beside it, then each keymap folder's
 * include/.
 */
static int keymap_include(const struct tree *t, const char *path, const char *name, char *ret)
{
	char dir[PATH_MAX], dirs[4][PATH_MAX];
	const char *const list[] = {dirs[0], dirs[1], dirs[2], dirs[3]};
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (util_pathf(dirs[0], "%s", dir) < 0 || util_pathf(dirs[1], "%s/../include", dir) < 0 ||
	    util_pathf(dirs[2], "%s/../../include", dir) < 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < ARRAY_SIZE(keymap_dirs); i++) {
		if (util_pathf(dirs[3], "%s/include", keymap_dirs[i]) < 0)
			return -ENAMETOOLONG;
		if (keymap_find(t, name, list, 4, keymap_suffixes, ARRAY_SIZE(keymap_suffixes),
				ret) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Adds a keymap file and, depth first, the files its include lines name. */
static int keymap_add_keymap(struct tree *t, const char *path, unsigned depth)
{
	char dest[PATH_MAX], inc[PATH_MAX];
	unsigned char *data;
	size_t len;
	int r;

	if (depth > KEYMAP_INCLUDE_DEPTH)
		return log_error_errno(-ELOOP, "keymap %s: includes nest deeper than %d", path,
				       KEYMAP_INCLUDE_DEPTH);
	r = keymap_read(t, path, &data, &len);
	if (r < 0)
		return r;
	keymap_image_path(path, dest);
	r = tree_add_data(t, LAYOUT_REL(dest), 0644, data, len);
	if (r == -EEXIST) {
		free(data);
		return 0; /* included twice */
	}
	if (r < 0) {
		free(data);
		return log_error_errno(r, "cannot add %s: %m", dest);
	}
	data[len] = '\0'; /* keymap_read keeps len below the buffer's size */
	for (char *save = NULL, *line = strtok_r((char *)data, "\n", &save); line && r >= 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name, *end;

		line += strspn(line, " \t");
		if (strncmp(line, "include", 7) != 0 || !(name = strchr(line, '"')) ||
		    !(end = strchr(name + 1, '"')))
			continue;
		*end = '\0';
		if (keymap_include(t, path, name + 1, inc) < 0) {
			log_warning(
			    "keymap %s includes \"%s\", which is not in %s; loadkeys will fail",
			    path, name + 1, t->shown_basedir);
			continue;
		}
		r = keymap_add_keymap(t, inc, depth + 1);
	}
	free(data);
	return r;
}

int keymap_add(struct tree *t, const char *keymap_file, const char *font_file)
{
	char conf[2 * PATH_MAX + 32], dest[PATH_MAX];
	unsigned char *data;
	size_t len, n = 0;
	int r;

	if (!keymap_file[0] && !font_file[0])
		return 0;
	if (keymap_file[0]) {
		r = keymap_add_keymap(t, keymap_file, 0);
		if (r < 0)
			return r;
		keymap_image_path(keymap_file, dest);
		n += (size_t)snprintf(conf + n, sizeof(conf) - n, "keymap %s\n", dest);
		log_debug("console keymap %s as %s", keymap_file, dest);
	}
	if (font_file[0]) {
		r = keymap_read(t, font_file, &data, &len);
		if (r < 0)
			return r;
		keymap_image_path(font_file, dest);
		r = tree_add_data(t, LAYOUT_REL(dest), 0644, data, len);
		free(data);
		if (r < 0 && r != -EEXIST)
			return log_error_errno(r, "cannot add %s: %m", dest);
		n += (size_t)snprintf(conf + n, sizeof(conf) - n, "font %s\n", dest);
		log_debug("console font %s as %s", font_file, dest);
	}
	r = tree_add_data(t, LAYOUT_REL(LAYOUT_CONSOLE_CONF), 0644, conf, n);
	if (r < 0)
		return log_error_errno(r, "cannot add %s: %m", LAYOUT_CONSOLE_CONF);
	return 0;
}
