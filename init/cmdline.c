// SPDX-License-Identifier: MIT
/* The kernel command line as baton understands it: a pure parser into struct boot_params. */
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_names[STAGE_COUNT] = {
	[STAGE_EARLY] = "early",	   [STAGE_PREMOUNT] = "premount",
	[STAGE_DEVICE] = "device",	   [STAGE_MOUNT] = "mount",
	[STAGE_PRE_SWITCH] = "pre-switch", [STAGE_FAILURE] = "failure",
};

/* dracut's rd.break= and initramfs-tools' break= names for the same moments. */
static const struct {
	const char *name;
	enum boot_stage stage;
} stage_aliases[] = {
	{ "cmdline", STAGE_EARLY },	  { "top", STAGE_EARLY },	   { "modules", STAGE_EARLY },
	{ "pre-udev", STAGE_EARLY },	  { "pre-trigger", STAGE_EARLY },  { "pre-mount", STAGE_PREMOUNT },
	{ "initqueue", STAGE_DEVICE },	  { "mountroot", STAGE_MOUNT },	   { "pre-pivot", STAGE_PRE_SWITCH },
	{ "bottom", STAGE_PRE_SWITCH },	  { "init", STAGE_PRE_SWITCH },	   { "cleanup", STAGE_PRE_SWITCH },
};

static const char *const level_names[] = { [3] = "err", [4] = "warning", [5] = "notice",
					   [6] = "info", [7] = "debug" };

const char *cmdline_stage_name(enum boot_stage stage)
{
	return stage >= 0 && stage < STAGE_COUNT ? stage_names[stage] : "none";
}

/* One word of the command line, split at its first '=' with the kernel's quote rules applied. */
struct cmdline_word {
	const char *key;
	size_t key_len;
	const char *val; /* NULL for a bare word */
	size_t val_len;
};

/*
 * Mirrors next_arg() in lib/cmdline.c: a word ends at unquoted whitespace; a leading quote on
 * the word or on its value, and the matching trailing quote, are not part of the result.
 * Returns the position after the word.
 */
static size_t next_word(const char *buf, size_t len, size_t pos, struct cmdline_word *w)
{
	bool in_quote = false, quoted = false;
	size_t start, end, equals = 0;
	bool has_equals = false;

	if (buf[pos] == '"') {
		pos++;
		in_quote = quoted = true;
	}
	start = pos;
	for (end = pos; end < len; end++) {
		/* A NUL ends a word too: a copy of /proc/cmdline may carry one. */
		if (buf[end] == '\0' || (isspace((unsigned char)buf[end]) && !in_quote))
			break;
		if (!has_equals && buf[end] == '=') {
			has_equals = true;
			equals = end;
		}
		if (buf[end] == '"')
			in_quote = !in_quote;
	}

	w->key = buf + start;
	if (!has_equals) {
		w->key_len = end - start;
		if (quoted && w->key_len > 0 && buf[end - 1] == '"')
			w->key_len--;
		w->val = NULL;
		w->val_len = 0;
	} else {
		size_t vstart = equals + 1, vend = end;

		w->key_len = equals - start;
		if (vstart < end && buf[vstart] == '"') {
			vstart++;
			if (vend > vstart && buf[vend - 1] == '"')
				vend--;
		} else if (quoted && vend > vstart && buf[vend - 1] == '"') {
			vend--;
		}
		w->val = buf + vstart;
		w->val_len = vend - vstart;
	}
	return end;
}

static bool key_is(const struct cmdline_word *w, const char *key)
{
	return w->key_len == strlen(key) && memcmp(w->key, key, w->key_len) == 0;
}

/* Copies a value; it always fits because the whole line is at most CMDLINE_MAX bytes. */
static void copy_value(char *dst, const struct cmdline_word *w)
{
	size_t n = w->val ? w->val_len : 0;

	if (n)
		memcpy(dst, w->val, n);
	dst[n] = '\0';
}

/* Appends a comma list value to dst; the sum cannot exceed the line, so it always fits. */
static void append_list(char *dst, const struct cmdline_word *w)
{
	size_t n = strlen(dst);

	if (!w->val || w->val_len == 0)
		return;
	if (n)
		dst[n++] = ',';
	memcpy(dst + n, w->val, w->val_len);
	dst[n + w->val_len] = '\0';
}

static bool value_is(const struct cmdline_word *w, const char *val)
{
	return w->val && w->val_len == strlen(val) && memcmp(w->val, val, w->val_len) == 0;
}

/* A stage by our name or a dracut/initramfs-tools alias; dflt for a bare key. */
static int parse_stage(const struct cmdline_word *w, enum boot_stage dflt, enum boot_stage *ret)
{
	if (!w->val) {
		*ret = dflt;
		return 0;
	}
	for (int i = 0; i < STAGE_COUNT; i++)
		if (value_is(w, stage_names[i])) {
			*ret = (enum boot_stage)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(stage_aliases) / sizeof(stage_aliases[0]); i++)
		if (value_is(w, stage_aliases[i].name)) {
			*ret = stage_aliases[i].stage;
			return 0;
		}
	return -EINVAL;
}

/* A non-negative decimal that fits an int; the kernel's own parsers reject trailing junk too. */
static int parse_number(const struct cmdline_word *w, bool allow_negative, int *ret)
{
	char tmp[24];
	char *end;
	long v;

	if (!w->val || w->val_len == 0 || w->val_len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, w->val, w->val_len);
	tmp[w->val_len] = '\0';
	if (!allow_negative && tmp[0] == '-')
		return -EINVAL;
	errno = 0;
	v = strtol(tmp, &end, 10);
	if (errno || *end || end == tmp || v > INT_MAX || v < INT_MIN)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

static int parse_word(const struct cmdline_word *w, struct boot_params *p, unsigned *rd_timeout,
		      int *rootwait_sec)
{
	int n;

	if (key_is(w, "root") && w->val) {
		copy_value(p->root, w);
	} else if (key_is(w, "rootfstype") && w->val) {
		copy_value(p->rootfstype, w);
	} else if (key_is(w, "rootflags") && w->val) {
		copy_value(p->rootflags, w);
	} else if (key_is(w, "init") && w->val) {
		copy_value(p->init, w);
	} else if (key_is(w, "mount.usr") && w->val) {
		copy_value(p->usr, w);
	} else if (key_is(w, "mount.usrfstype") && w->val) {
		copy_value(p->usrfstype, w);
	} else if (key_is(w, "mount.usrflags") && w->val) {
		copy_value(p->usrflags, w);
	} else if (key_is(w, "resume") && w->val) {
		copy_value(p->resume, w);
	} else if (key_is(w, "rd.driver.pre") || key_is(w, "rd.modules-load") ||
		   key_is(w, "modules_load") || key_is(w, "modules-load")) {
		append_list(p->load_modules, w);
	} else if (key_is(w, "rd.driver.blacklist") || key_is(w, "modprobe.blacklist")) {
		append_list(p->blacklist, w);
	} else if (key_is(w, "ro") && !w->val) {
		p->read_write = false;
	} else if (key_is(w, "rw") && !w->val) {
		p->read_write = true;
	} else if (key_is(w, "rootwait")) {
		/* Linux 6.3 added rootwait=SEC: wait at most SEC seconds. */
		if (!w->val) {
			*rootwait_sec = 0;
			return 0;
		}
		/* An invalid value waits forever, as the kernel's rootwait_timeout_setup() does. */
		if (parse_number(w, false, &n) < 0) {
			*rootwait_sec = 0;
			return -EINVAL;
		}
		*rootwait_sec = n;
	} else if (key_is(w, "rootdelay")) {
		if (parse_number(w, false, &n) < 0)
			return -EINVAL;
		p->rootdelay_sec = (unsigned)n;
	} else if (key_is(w, "rd.timeout")) {
		if (parse_number(w, false, &n) < 0)
			return -EINVAL;
		*rd_timeout = (unsigned)n;
	} else if (key_is(w, "panic")) {
		if (parse_number(w, true, &n) < 0)
			return -EINVAL;
		p->panic_sec = n;
	} else if (key_is(w, "rd.break")) {
		/* dracut: a bare rd.break stops just before the switch. */
		return parse_stage(w, STAGE_PRE_SWITCH, &p->break_at);
	} else if (key_is(w, "break")) {
		/* initramfs-tools: a bare break stops before mounting. */
		return parse_stage(w, STAGE_PREMOUNT, &p->break_at);
	} else if (key_is(w, "rd.shell")) {
		if (!w->val || value_is(w, "1") || value_is(w, "yes"))
			p->shell_allowed = true;
		else if (value_is(w, "0") || value_is(w, "no"))
			p->shell_allowed = false;
		else
			return -EINVAL;
	} else if (key_is(w, "rd.emergency")) {
		if (value_is(w, "reboot"))
			p->emergency = CMDLINE_EMERGENCY_REBOOT;
		else if (value_is(w, "halt") || value_is(w, "poweroff"))
			p->emergency = CMDLINE_EMERGENCY_HALT;
		else if (value_is(w, "shell"))
			p->emergency = CMDLINE_EMERGENCY_SHELL;
		else
			return -EINVAL;
	} else if (key_is(w, "baton.hook_timeout")) {
		if (parse_number(w, false, &n) < 0 || n == 0)
			return -EINVAL;
		p->hook_timeout_sec = (unsigned)n;
	} else if (key_is(w, "baton.log")) {
		for (int i = 3; i <= 7; i++)
			if (value_is(w, level_names[i])) {
				p->log_level = i;
				return 0;
			}
		return -EINVAL;
	} else if (key_is(w, "quiet") && !w->val) {
		p->verbosity = CMDLINE_VERBOSITY_QUIET;
	} else if (key_is(w, "rd.debug") && !w->val) {
		p->verbosity = CMDLINE_VERBOSITY_DEBUG;
	}
	return 0;
}

int cmdline_parse(const char *buf, size_t len, struct boot_params *ret)
{
	unsigned rd_timeout = CMDLINE_DEFAULT_TIMEOUT_SEC;
	int rootwait_sec = -1; /* -1: no rootwait; 0: forever; >0: that many seconds */
	int r = 0;
	size_t pos = 0;

	if (len > CMDLINE_MAX)
		return -E2BIG;

	memset(ret, 0, sizeof(*ret));
	ret->wait = CMDLINE_WAIT_DEADLINE;
	ret->log_level = -1;
	ret->break_at = STAGE_NONE;
	ret->shell_allowed = true;
	ret->hook_timeout_sec = CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC;

	for (;;) {
		struct cmdline_word w;

		while (pos < len && (isspace((unsigned char)buf[pos]) || buf[pos] == '\0'))
			pos++;
		if (pos >= len)
			break;
		pos = next_word(buf, len, pos, &w);
		/* "--" ends the kernel's and our parameters: the rest belongs to the real init. */
		if (key_is(&w, "--") && !w.val)
			break;
		if (parse_word(&w, ret, &rd_timeout, &rootwait_sec) < 0)
			r = -EINVAL;
	}

	if (rootwait_sec == 0) {
		ret->wait = CMDLINE_WAIT_FOREVER;
		ret->timeout_sec = 0;
	} else if (rootwait_sec > 0) {
		ret->timeout_sec = (unsigned)rootwait_sec;
	} else {
		ret->timeout_sec = rd_timeout;
	}
	return r;
}
