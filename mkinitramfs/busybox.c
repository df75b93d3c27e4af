// SPDX-License-Identifier: MIT
/* --shell: busybox from the base directory as /bin/sh and the rescue shell's tools. */
#include "busybox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "log.h"
#include "macro.h"
#include "util.h"

/*
 * Applets not linked: linuxrc and init are for systems where busybox is PID 1 (here the init
 * is), and a /sbin/init in the image would only mislead a rescue shell's user.
 */
static const char *const busybox_skipped[] = {"linuxrc", "sbin/init"};

int busybox_check(const struct tree *t)
{
	char real[PATH_MAX], host[PATH_MAX];
	struct stat st;

	if (tree_resolve(t, BUSYBOX_PATH, real) < 0 || tree_host_path(t, real, host) < 0 ||
	    stat(host, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_error(
		    "--shell needs busybox, and %s has no %s: install Debian's busybox-static there (apt-get install busybox-static)",
		    t->shown_basedir, BUSYBOX_PATH);
		return -ENOENT;
	}
	return 0;
}

int busybox_add(struct tree *t, struct binaries *b)
{
	(void)t;
	return binaries_add(b, BUSYBOX_PATH, "--shell");
}

int busybox_add_applets(struct tree *t, size_t *ret_links)
{
	char real[PATH_MAX], host[PATH_MAX];
	char *argv[] = {host, (char *)"--list-full", NULL};
	char *out = NULL, *line, *save = NULL;
	size_t len, links = 0, kept = 0;
	int r, status;

	r = tree_resolve(t, BUSYBOX_PATH, real);
	if (r >= 0)
		r = tree_host_path(t, real, host);
	if (r < 0)
		return log_error_errno(r, "cannot find %s in %s: %m", BUSYBOX_PATH,
				       t->shown_basedir);
	/* busybox-static runs anywhere of its architecture, so also from another tree. */
	r = util_run_capture(argv, &out, &len, &status);
	if (r < 0)
		return log_error_errno(r, "cannot run %s --list-full: %m", host);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0) {
		log_error(
		    "'%s --list-full' failed or listed nothing; is it busybox for this machine's architecture?",
		    host);
		free(out);
		return -EPROTO;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool skip = false;

		while (*line == '/')
			line++;
		if (!*line)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(busybox_skipped); i++)
			skip = skip || strcmp(line, busybox_skipped[i]) == 0;
		if (skip)
			continue;
		if (tree_exists(t, line)) {
			log_debug("  /%s: already in the image, not linked to busybox", line);
			kept++;
			continue;
		}
		r = tree_add_symlink(t, line, BUSYBOX_PATH);
		if (r < 0) {
			log_error_errno(r, "cannot add /%s -> %s: %m", line, BUSYBOX_PATH);
			break;
		}
		links++;
	}
	free(out);
	if (r < 0)
		return r;
	log_debug("busybox: %zu applet links, %zu applets left to programs already in the image",
		  links, kept);
	*ret_links = links;
	return 0;
}
