// SPDX-License-Identifier: MIT
/* --plymouth: Debian's plymouth, its configured theme and plugins, for the stock plymouth hook. */
#include "plymouth.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "macro.h"
#include "util.h"

/* Where Debian's plymouth package puts things (dpkg -L plymouth). */
static const char *const plymouth_daemons[] = {"/usr/sbin/plymouthd", "/sbin/plymouthd"};
static const char *const plymouth_clients[] = {"/usr/bin/plymouth", "/bin/plymouth"};
static const char *const plymouth_escrows[] = {"/usr/libexec/plymouth/plymouthd-fd-escrow",
					       "/usr/lib/plymouth/plymouthd-fd-escrow"};
static const char *const plymouth_plugin_globs[] = {"/usr/lib/*/plymouth/details.so",
						    "/usr/lib64/plymouth/details.so",
						    "/usr/lib/plymouth/details.so"};

#define PLYMOUTH_CONF "/etc/plymouth/plymouthd.conf"
#define PLYMOUTH_DEFAULTS "/usr/share/plymouth/plymouthd.defaults"
#define PLYMOUTH_THEMES "/usr/share/plymouth/themes"

/* Plugins that draw on a text console and need no renderer (initramfs-tools' hook agrees). */
static const char *const plymouth_text_modules[] = {"text", "details", "tribar"};

/* Plugins always added: plymouthd falls back to them when a theme cannot start. */
static const char *const plymouth_base_plugins[] = {"text", "details"};

/* Renderers a graphical theme draws through. */
static const char *const plymouth_renderers[] = {"drm", "frame-buffer"};

/* Files added when the base directory has them: plymouth shows PRETTY_NAME from os-release. */
static const char *const plymouth_optional_files[] = {PLYMOUTH_CONF, PLYMOUTH_DEFAULTS,
						      "/etc/os-release"};

/*
 * plymouthd looks the root account up (Debian bug #691598); an image without /etc/passwd
 * gets this minimal one, read through nss "files".
 */
#define PLYMOUTH_PASSWD "root:x:0:0:root:/root:/bin/sh\n"
#define PLYMOUTH_NSSWITCH "passwd: files\ngroup: files\n"

/* Is there a regular file at path in the base directory? */
static bool plymouth_has(const struct tree *t, const char *path)
{
	char real[PATH_MAX], host[PATH_MAX];
	struct stat st;

	return tree_resolve(t, path, real) >= 0 && tree_host_path(t, real, host) >= 0 &&
	       stat(host, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *plymouth_first(const struct tree *t, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (plymouth_has(t, paths[i]))
			return paths[i];
	return NULL;
}

/*
 * Reads KEY= in [SECTION] of an ini-style file of the base directory into ret. Returns 1 if
 * found, 0 if not (or no file).
 */
static int plymouth_ini(const struct tree *t, const char *path, const char *section,
			const char *key, char *ret, size_t size)
{
	char real[PATH_MAX], host[PATH_MAX];
	unsigned char *data;
	char *line, *save = NULL;
	bool in = false;
	size_t len, klen = strlen(key);
	int found = 0;

	if (tree_resolve(t, path, real) < 0 || tree_host_path(t, real, host) < 0 ||
	    util_read_file(host, &data, &len) < 0)
		return 0;
	for (line = strtok_r((char *)data, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (line[0] == '[') {
			size_t n = strlen(section);

			in = strncmp(line + 1, section, n) == 0 && line[n + 1] == ']';
			continue;
		}
		if (!in || strncmp(line, key, klen) != 0)
			continue;
		line += klen;
		line += strspn(line, " \t");
		if (*line != '=')
			continue;
		line++;
		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (line[0] && strlen(line) < size) {
			snprintf(ret, size, "%s", line);
			found = 1;
		}
	}
	free(data);
	return found;
}

/* Reads the theme's plugin and image folder; 0 if the theme and its plugin are installed. */
static int plymouth_theme(const struct tree *t, struct plymouth_plan *p)
{
	char file[PATH_MAX], section[PLYMOUTH_NAME_MAX], plugin[PATH_MAX];

	if (strchr(p->theme, '/') || p->theme[0] == '.' ||
	    util_pathf(file, "%s/%s/%s.plymouth", PLYMOUTH_THEMES, p->theme, p->theme) < 0)
		return -EINVAL;
	if (!plymouth_ini(t, file, "Plymouth Theme", "ModuleName", p->module, sizeof(p->module)))
		return -ENOENT;
	if (strchr(p->module, '/') ||
	    util_pathf(plugin, "%s/%s.so", p->plugin_dir, p->module) < 0 ||
	    !plymouth_has(t, plugin))
		return -ENOENT;
	snprintf(section, sizeof(section), "%s", p->module);
	/* two-step and script themes name a folder of images. */
	if (!plymouth_ini(t, file, section, "ImageDir", p->image_dir, sizeof(p->image_dir)) ||
	    p->image_dir[0] != '/')
		p->image_dir[0] = '\0';
	p->graphical = true;
	for (size_t i = 0; i < ARRAY_SIZE(plymouth_text_modules); i++)
		if (strcmp(p->module, plymouth_text_modules[i]) == 0)
			p->graphical = false;
	return 0;
}

int plymouth_plan(const struct tree *t, struct plymouth_plan *ret)
{
	struct plymouth_plan p = {0};
	const char *daemon, *client;
	char pattern[PATH_MAX], where[PATH_MAX];
	int r;

	daemon = plymouth_first(t, plymouth_daemons, ARRAY_SIZE(plymouth_daemons));
	client = plymouth_first(t, plymouth_clients, ARRAY_SIZE(plymouth_clients));
	if (!daemon || !client) {
		log_error(
		    "--plymouth: %s has no %s; install Debian's plymouth there (apt-get install plymouth plymouth-themes)",
		    t->shown_basedir, daemon ? "/usr/bin/plymouth" : "/usr/sbin/plymouthd");
		return -ENOENT;
	}
	snprintf(p.plymouthd, sizeof(p.plymouthd), "%s", daemon);
	snprintf(p.plymouth, sizeof(p.plymouth), "%s", client);

	for (size_t i = 0; i < ARRAY_SIZE(plymouth_plugin_globs) && !p.plugin_dir[0]; i++) {
		glob_t g;

		if (util_pathf(pattern, "%s%s", t->basedir, plymouth_plugin_globs[i]) < 0 ||
		    glob(pattern, 0, NULL, &g) != 0)
			continue;
		snprintf(p.plugin_dir, sizeof(p.plugin_dir), "%s",
			 g.gl_pathv[0] + strlen(t->basedir));
		*strrchr(p.plugin_dir, '/') = '\0';
		globfree(&g);
	}
	if (!p.plugin_dir[0]) {
		log_error(
		    "--plymouth: no plymouth plugins (details.so) in %s/usr/lib/*/plymouth; reinstall plymouth there",
		    t->basedir);
		return -ENOENT;
	}

	snprintf(where, sizeof(where), "%s", PLYMOUTH_CONF);
	if (!plymouth_ini(t, PLYMOUTH_CONF, "Daemon", "Theme", p.theme, sizeof(p.theme))) {
		snprintf(where, sizeof(where), "%s", PLYMOUTH_DEFAULTS);
		if (!plymouth_ini(t, PLYMOUTH_DEFAULTS, "Daemon", "Theme", p.theme,
				  sizeof(p.theme))) {
			snprintf(where, sizeof(where), "no Theme= set");
			snprintf(p.theme, sizeof(p.theme), "%s", PLYMOUTH_FALLBACK_THEME);
		}
	}
	r = plymouth_theme(t, &p);
	if (r < 0) {
		log_warning(
		    "plymouth theme '%s' (%s) is not installed in %s or its plugin is missing; using '%s' (plymouth-set-default-theme picks another, plymouth-themes has more)",
		    p.theme, where, t->shown_basedir, PLYMOUTH_FALLBACK_THEME);
		snprintf(p.theme, sizeof(p.theme), "%s", PLYMOUTH_FALLBACK_THEME);
		p.image_dir[0] = '\0';
		r = plymouth_theme(t, &p);
		if (r < 0) {
			log_error(
			    "--plymouth: the '%s' theme is not installed in %s either (%s/%s); reinstall plymouth there",
			    PLYMOUTH_FALLBACK_THEME, t->shown_basedir, PLYMOUTH_THEMES,
			    PLYMOUTH_FALLBACK_THEME);
			return -ENOENT;
		}
	}
	log_debug("plymouth: theme %s (%s), plugin %s/%s.so%s", p.theme, where, p.plugin_dir,
		  p.module,
		  p.graphical ? ", graphical: with the DRM and frame-buffer renderers" : "");
	*ret = p;
	return 0;
}

static int plymouth_add_plugin(struct binaries *b, const struct plymouth_plan *p, const char *sub,
			       const char *name)
{
	char path[PATH_MAX];
	int r;

	r = util_pathf(path, "%s/%s%s.so", p->plugin_dir, sub, name);
	if (r < 0)
		return log_error_errno(r, "plugin path too long: %s", name);
	return binaries_add(b, path, "--plymouth");
}

/* Is there a folder at path in the base directory? */
static bool plymouth_has_dir(const struct tree *t, const char *path)
{
	char real[PATH_MAX], host[PATH_MAX];

	return tree_resolve(t, path, real) >= 0 && tree_host_path(t, real, host) >= 0 &&
	       util_is_dir(host);
}

static int plymouth_import(struct tree *t, const char *path)
{
	int r = tree_import_all(t, path);

	if (r < 0)
		return log_error_errno(r, "--plymouth: cannot add %s from %s: %m", path,
				       t->shown_basedir);
	return 0;
}

int plymouth_add(struct tree *t, struct binaries *b, const struct plymouth_plan *p)
{
	char path[PATH_MAX];
	const char *escrow;
	int r;

	r = binaries_add(b, p->plymouthd, "--plymouth");
	if (r >= 0)
		r = binaries_add(b, p->plymouth, "--plymouth");
	if (r < 0)
		return r;
	escrow = plymouth_first(t, plymouth_escrows, ARRAY_SIZE(plymouth_escrows));
	if (escrow) {
		r = binaries_add(b, escrow, "--plymouth");
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(plymouth_base_plugins); i++) {
		r = util_pathf(path, "%s/%s.so", p->plugin_dir, plymouth_base_plugins[i]);
		if (r >= 0 && plymouth_has(t, path))
			r = plymouth_add_plugin(b, p, "", plymouth_base_plugins[i]);
		if (r < 0)
			return r;
	}
	r = plymouth_add_plugin(b, p, "", p->module);
	if (r < 0)
		return r;
	if (p->graphical) {
		for (size_t i = 0; i < ARRAY_SIZE(plymouth_renderers); i++) {
			r = util_pathf(path, "%s/renderers/%s.so", p->plugin_dir,
				       plymouth_renderers[i]);
			if (r >= 0 && plymouth_has(t, path))
				r = plymouth_add_plugin(b, p, "renderers/", plymouth_renderers[i]);
			if (r < 0)
				return r;
		}
	}

	/* The theme, and the text-mode themes plymouthd falls back to. */
	for (size_t i = 0; i < 1 + ARRAY_SIZE(plymouth_base_plugins); i++) {
		const char *theme = i == 0 ? p->theme : plymouth_base_plugins[i - 1];

		r = util_pathf(path, "%s/%s", PLYMOUTH_THEMES, theme);
		if (r < 0)
			return r;
		if (i > 0 && (strcmp(theme, p->theme) == 0 || !plymouth_has_dir(t, path)))
			continue;
		r = plymouth_import(t, path);
		if (r < 0)
			return r;
	}
	if (p->image_dir[0]) {
		r = plymouth_import(t, p->image_dir);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(plymouth_optional_files); i++) {
		if (!plymouth_has(t, plymouth_optional_files[i]))
			continue;
		r = plymouth_import(t, plymouth_optional_files[i]);
		if (r < 0)
			return r;
	}
	r = tree_add_data(t, "etc/passwd", 0644, PLYMOUTH_PASSWD, strlen(PLYMOUTH_PASSWD));
	if (r < 0 && r != -EEXIST)
		return log_error_errno(r, "cannot add /etc/passwd: %m");
	r = tree_add_data(t, "etc/nsswitch.conf", 0644, PLYMOUTH_NSSWITCH,
			  strlen(PLYMOUTH_NSSWITCH));
	if (r < 0 && r != -EEXIST)
		return log_error_errno(r, "cannot add /etc/nsswitch.conf: %m");
	return 0;
}
