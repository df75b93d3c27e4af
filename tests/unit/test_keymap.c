// SPDX-License-Identifier: MIT
/* keymap: the image's console.conf as the generator writes it, and hostile variants. */
#include "keymap.h"
#include "unit.h"

#include <errno.h>

static struct keymap_conf conf;

static int parse(const char *text)
{
	return keymap_conf_parse(text, strlen(text), &conf);
}

static void both(void)
{
	CHECK_INT(parse("keymap /etc/console-setup/cached_UTF-8_del.kmap\n"
			"font /usr/share/consolefonts/Uni2-Fixed16.psf\n"),
		  2);
	CHECK_STR(conf.keymap, "/etc/console-setup/cached_UTF-8_del.kmap");
	CHECK_STR(conf.font, "/usr/share/consolefonts/Uni2-Fixed16.psf");
}

static void one_or_none(void)
{
	CHECK_INT(parse("font /f.psf"), 1); /* no final newline */
	CHECK_STR(conf.keymap, "");
	CHECK_STR(conf.font, "/f.psf");
	CHECK_INT(parse(""), 0);
	CHECK_STR(conf.font, "");
	/* Unknown lines and keys that only start like ours are skipped. */
	CHECK_INT(parse("# comment\nkeymaps /x\nfonts /y\nkeymap\t/k.map \r\n"), 1);
	CHECK_STR(conf.keymap, "/k.map");
	CHECK_STR(conf.font, "");
}

static void refused(void)
{
	CHECK_INT(parse("keymap /a.map\n"), 1);
	/* A relative or empty path, or a NUL inside: refused, the last result kept. */
	CHECK_INT(parse("keymap a.map\n"), -EINVAL);
	CHECK_INT(parse("keymap    \n"), -EINVAL);
	CHECK_STR(conf.keymap, "/a.map");
	CHECK_INT(keymap_conf_parse("font /a\0b\n", 9, &conf), -EINVAL);
}

static void too_long(void)
{
	static char text[PATH_MAX + 16];

	memcpy(text, "font /", 6);
	memset(text + 6, 'a', PATH_MAX - 1);
	CHECK_INT(keymap_conf_parse(text, 6 + PATH_MAX - 1, &conf), -EINVAL);
	CHECK_INT(keymap_conf_parse(text, 6 + PATH_MAX - 2, &conf), 1);
	CHECK_INT(strlen(conf.font), PATH_MAX - 1);
}

const struct unit_case keymap_cases[] = {
    {"both", both}, {"one_or_none", one_or_none}, {"refused", refused}, {"too_long", too_long},
    {NULL, NULL},
};
