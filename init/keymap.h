/* SPDX-License-Identifier: MIT */
/* Loads the installed system's console keymap and font before the first passphrase prompt. */
#pragma once

#include <limits.h>
#include <stddef.h>

/* How long loadkeys or setfont may take; both answer in milliseconds. */
#define KEYMAP_TOOL_TIMEOUT_SEC 10

/* What LAYOUT_CONSOLE_CONF names; "" for none. */
struct keymap_conf {
	char keymap[PATH_MAX];
	char font[PATH_MAX];
};

/*
 * Parses LAYOUT_CONSOLE_CONF's text ("keymap PATH" and "font PATH" lines, PATH absolute; other
 * lines ignored). Pure. Returns the number of entries found, or -EINVAL for a relative or
 * overlong path (ret untouched then).
 */
int keymap_conf_parse(const char *buf, size_t len, struct keymap_conf *ret);

/*
 * Once per boot, before the first passphrase prompt: loads the image's keymap (loadkeys) and
 * font (setfont, on each VT console of /sys/class/tty/console/active), as the image's
 * LAYOUT_CONSOLE_CONF names them. Logs what it loaded; a failure is a warning naming the file,
 * and the prompt goes on with the kernel's keymap. An image without the file costs one
 * failed open.
 */
void keymap_load_once(void);
