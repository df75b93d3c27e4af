/* SPDX-License-Identifier: MIT */
/* The installed system's console keymap and font, for the passphrase prompt (kbd's tools). */
#pragma once

#include "options.h"
#include "tree.h"

/* The keymap folders kbd's loadkeys searches (Debian's kbd, Fedora's and Arch's). */
#define KEYMAP_DIRS "/usr/share/keymaps", "/usr/lib/kbd/keymaps", "/usr/share/kbd/keymaps"

/* The console font folders kbd's setfont and console-setup's setupcon search. */
#define KEYMAP_FONT_DIRS                                                                           \
	"/usr/share/consolefonts", "/etc/console-setup", "/usr/lib/kbd/consolefonts",              \
	    "/usr/share/kbd/consolefonts"

/* Deepest chain of "include" lines followed in a keymap (kbd's own keymaps nest about 3). */
#define KEYMAP_INCLUDE_DEPTH 8

/*
 * Decides the keymap and console font the image carries, into o->keymap_file and
 * o->font_file (paths in the tree, "" for none): --keymap/--font when given, else the tree's
 * console-setup (etc/default/keyboard: the keymap setupcon cached in etc/console-setup, the
 * font etc/default/console-setup names) or systemd's etc/vconsole.conf (KEYMAP=, FONT=).
 * Only for images that may ask for a passphrase (the LUKS stack or plymouth in the image),
 * unless forced; nothing with --no-keymap. Pushes loadkeys and setfont onto o->binaries.
 * A configured keymap or font that cannot be found, or kbd missing, is a warning; a forced
 * one an error.
 */
int keymap_plan(const struct tree *t, struct options *o);

/*
 * Adds the keymap (with the files it includes) and the font uncompressed at their paths in
 * the tree (kbd would need a gzip program to read them compressed), and LAYOUT_CONSOLE_CONF
 * naming them for the init. Does nothing when both are "".
 */
int keymap_add(struct tree *t, const char *keymap_file, const char *font_file);
