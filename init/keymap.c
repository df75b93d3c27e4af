// SPDX-License-Identifier: MIT
/* Loads the installed system's console keymap and font before the first passphrase prompt. */
#include "keymap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "prompt.h"
#include "run.h"

/* Virtual terminals at once: MAX_NR_CONSOLES of the kernel (include/uapi/linux/vt.h). */
#define KEYMAP_VTS_MAX 63

/* Copies the rest of a "KEY PATH" line into ret (PATH_MAX bytes); -EINVAL when not absolute. */
static int keymap_value(const char *v, size_t n, char *ret)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n == 0 || v[0] != '/' || n >= PATH_MAX || memchr(v, '\0', n))
		return -EINVAL;
	memcpy(ret, v, n);
	ret[n] = '\0';
	return 0;
}

int keymap_conf_parse(const char *buf, size_t len, struct keymap_conf *ret)
{
	struct keymap_conf c;
	int found = 0;

	c.keymap[0] = c.font[0] = '\0';

	for (size_t at = 0; at < len;) {
		const char *line = buf + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		char *dest = NULL;
		size_t k = 0;

		at += n + 1;
		if (n > 7 && strncmp(line, "keymap", 6) == 0 && (line[6] == ' ' || line[6] == '\t'))
			dest = c.keymap, k = 6;
		else if (n > 5 && strncmp(line, "font", 4) == 0 &&
			 (line[4] == ' ' || line[4] == '\t'))
			dest = c.font, k = 4;
		if (!dest)
			continue;
		if (keymap_value(line + k, n - k, dest) < 0)
			return -EINVAL;
		found++;
	}
	*ret = c;
	return found;
}

/* Is the console name a virtual terminal (tty0, the current one, or tty1..tty63)? */
static bool keymap_is_vt(const char *name)
{
	int n = 0;

	if (strncmp(name, "tty", 3) != 0 || !name[3])
		return false;
	for (const char *p = name + 3; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (*p - '0');
		if (n > KEYMAP_VTS_MAX)
			return false;
	}
	return true;
}

/* The VT consoles of the active list, as "/dev/ttyN" strings in vts; returns how many. */
static int keymap_vt_consoles(char vts[][16], int max)
{
	char list[256];
	int fd, n = 0;
	ssize_t len;

	fd = open(PROMPT_CONSOLES_ACTIVE, O_RDONLY | O_CLOEXEC);
	len = fd >= 0 ? read(fd, list, sizeof(list) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return 0;
	list[len] = '\0';
	for (char *save = NULL, *name = strtok_r(list, " \n", &save); name && n < max;
	     name = strtok_r(NULL, " \n", &save))
		if (keymap_is_vt(name))
			snprintf(vts[n++], sizeof(vts[0]), "/dev/%s", name);
	return n;
}

static void keymap_load(const struct keymap_conf *c)
{
	char vts[8][16];
	int n = keymap_vt_consoles(vts, 8), r;

	if (c->keymap[0]) {
		/* One keymap serves every VT: through the first VT console, else the current VT. */
		const char *tty = n > 0 ? vts[0] : "/dev/tty0";
		const char *argv[] = {"loadkeys", "-C", tty, c->keymap, NULL};

		r = run_tool(argv, NULL, 0, KEYMAP_TOOL_TIMEOUT_SEC);
		if (r == 0)
			log_info("loaded the console keymap %s (loadkeys on %s)", c->keymap, tty);
		else
			log_warning(
			    "cannot load the console keymap %s (loadkeys on %s: %s %d); the passphrase is read with the kernel's US keymap",
			    c->keymap, tty, r < 0 ? "error" : "exit status", r);
	}
	if (c->font[0] && n == 0)
		log_info("console font %s not loaded: no virtual terminal among the consoles (%s)",
			 c->font, PROMPT_CONSOLES_ACTIVE);
	for (int i = 0; c->font[0] && i < n; i++) {
		const char *argv[] = {"setfont", "-C", vts[i], c->font, NULL};

		r = run_tool(argv, NULL, 0, KEYMAP_TOOL_TIMEOUT_SEC);
		if (r == 0)
			log_info("loaded the console font %s on %s", c->font, vts[i]);
		else
			log_warning(
			    "cannot load the console font %s on %s (setfont: %s %d), ignoring",
			    c->font, vts[i], r < 0 ? "error" : "exit status", r);
	}
}

void keymap_load_once(void)
{
	static bool done;
	struct keymap_conf c;
	char buf[2 * PATH_MAX + 32];
	ssize_t len;
	int fd;

	if (done)
		return;
	done = true;
	fd = open(LAYOUT_CONSOLE_CONF, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("no %s: the console keeps the kernel's keymap and font",
			  LAYOUT_CONSOLE_CONF);
		return;
	}
	len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len < 0 || keymap_conf_parse(buf, (size_t)len, &c) < 0) {
		log_warning("cannot read %s (rebuild the image), keeping the kernel's keymap",
			    LAYOUT_CONSOLE_CONF);
		return;
	}
	keymap_load(&c);
}
