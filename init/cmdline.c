// SPDX-License-Identifier: MIT
/* The kernel command line as baton understands it: a pure parser into struct boot_params. */
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

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

/*
 * Copies a value. It always fits: a value is part of the line, and each string has room for
 * the whole line.
 */
static void copy_value(char *dst, const struct cmdline_word *w)
{
	size_t n = w->val ? w->val_len : 0;

	if (n)
		memcpy(dst, w->val, n);
	dst[n] = '\0';
}

/*
 * Appends a comma list value to dst. It always fits: the values appended come from distinct
 * words of the line, and each comma takes the place of the blank before a word.
 */
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

/* Appends a value to a blank-separated list: it fits for the reason append_list() gives. */
static void append_word(char *dst, const struct cmdline_word *w)
{
	size_t n = strlen(dst);

	if (!w->val || w->val_len == 0)
		return;
	if (n)
		dst[n++] = ' ';
	memcpy(dst + n, w->val, w->val_len);
	dst[n + w->val_len] = '\0';
}

bool cmdline_module_name_valid(const char *name, size_t len)
{
	if (len == 0 || len >= CMDLINE_MODULE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

/*
 * Appends the module names of a comma list value to dst. A name that is not one (a blank, a
 * newline, a quote) is left out: the blacklist becomes lines of a modprobe.d file, where a
 * newline would start a command of its own. Returns -EINVAL when one was left out.
 */
static int append_module_names(char *dst, const struct cmdline_word *w)
{
	size_t n = strlen(dst), pos = 0;
	int r = 0;

	while (w->val && pos < w->val_len) {
		const char *name = w->val + pos;
		const char *comma = memchr(name, ',', w->val_len - pos);
		size_t len = comma ? (size_t)(comma - name) : w->val_len - pos;

		pos += len + 1;
		if (len == 0)
			continue;
		if (!cmdline_module_name_valid(name, len)) {
			r = -EINVAL;
			continue;
		}
		if (n)
			dst[n++] = ',';
		memcpy(dst + n, name, len);
		n += len;
		dst[n] = '\0';
	}
	return r;
}

static bool value_is(const struct cmdline_word *w, const char *val)
{
	return w->val && w->val_len == strlen(val) && memcmp(w->val, val, w->val_len) == 0;
}

/* A stage by our name or a dracut/initramfs-tools alias; bare for a bare key. */
static int parse_stage(const struct cmdline_word *w, int bare, int *ret)
{
	enum boot_stage stage;

	if (!w->val) {
		*ret = bare;
		return 0;
	}
	stage = stage_from_name(w->val, w->val_len, true);
	if (stage == STAGE_NONE)
		return -EINVAL;
	*ret = (int)stage;
	return 0;
}

/* The value of a digit in base 2..16, or 16 for anything else. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return 16;
}

/*
 * The kernel's base 0 (lib/kstrtox.c, _parse_integer_fixup_radix()): "0x" and a hex digit
 * make hexadecimal, a leading 0 octal, else decimal. Returns the position of the first digit.
 */
static size_t fixup_radix(const char *s, size_t n, unsigned *ret_base)
{
	if (n >= 1 && s[0] == '0') {
		if (n >= 3 && tolower((unsigned char)s[1]) == 'x' && digit_value(s[2]) < 16) {
			*ret_base = 16;
			return 2;
		}
		*ret_base = 8;
		return 0;
	}
	*ret_base = 10;
	return 0;
}

/*
 * Reads the digits at s as unsigned, stopping at the first byte that is not a digit of the
 * base, as the kernel's _parse_integer() does. Returns how many bytes were digits; *overflow
 * is set when the value passed UINT_MAX (the result is then meaningless).
 */
static size_t parse_digits(const char *s, size_t n, unsigned base, unsigned *ret, bool *overflow)
{
	unsigned long long v = 0;
	size_t i;

	*overflow = false;
	for (i = 0; i < n; i++) {
		unsigned d = digit_value(s[i]);

		if (d >= base)
			break;
		v = v * base + d;
		if (v > UINT_MAX) {
			*overflow = true;
			v = UINT_MAX;
		}
	}
	*ret = (unsigned)v;
	return i;
}

/*
 * A number as the kernel's kstrtoint(s, 0, &v) reads it (lib/kstrtox.c), which is how
 * panic= and rootwait= are read: an optional sign ("+" or "-"), digits in base 0, an optional
 * trailing newline, nothing else; no blanks, so " -5" is not a number.
 */
static int parse_kernel_int(const struct cmdline_word *w, int *ret)
{
	const char *s = w->val;
	size_t n = w->val ? w->val_len : 0, pos = 0, digits;
	bool negative = false, overflow;
	unsigned base, v;

	if (!s)
		return -EINVAL;
	if (n && (s[0] == '-' || s[0] == '+')) {
		negative = s[0] == '-';
		pos = 1;
	}
	pos += fixup_radix(s + pos, n - pos, &base);
	digits = parse_digits(s + pos, n - pos, base, &v, &overflow);
	if (digits == 0 || overflow)
		return -EINVAL;
	pos += digits;
	if (pos < n && s[pos] == '\n')
		pos++;
	if (pos != n)
		return -EINVAL;
	if (negative ? v > (unsigned)INT_MAX + 1 : v > INT_MAX)
		return -EINVAL;
	if (!negative)
		*ret = (int)v;
	else
		*ret = v == (unsigned)INT_MAX + 1 ? INT_MIN : -(int)v;
	return 0;
}

/* A kstrtoint() number that is not negative: our own keys (rd.timeout=, baton.*). */
static int parse_seconds(const struct cmdline_word *w, unsigned *ret)
{
	int v;

	if (parse_kernel_int(w, &v) < 0 || v < 0)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/*
 * rootdelay= as the kernel's root_delay_setup() reads it (init/do_mounts.c): simple_strtoul()
 * with base 0, the leading digits and nothing more, so "5s" is 5 and "-5" or " 5" is 0.
 * Returns -EINVAL when anything but digits was there, for the warning; *ret is set anyway.
 */
static int parse_rootdelay(const struct cmdline_word *w, unsigned *ret)
{
	size_t n = w->val ? w->val_len : 0, pos, digits;
	bool overflow;
	unsigned base, v;
	bool too_big;

	/* A bare "rootdelay" is not the kernel's parameter (it reaches the init as a word). */
	if (!w->val)
		return -EINVAL;
	pos = fixup_radix(w->val, n, &base);
	digits = parse_digits(w->val + pos, n - pos, base, &v, &overflow);
	/* A delay past INT_MAX seconds (68 years) is a typo: no delay. */
	too_big = overflow || v > INT_MAX;
	*ret = too_big ? 0 : v;
	return n > 0 && pos + digits == n && !too_big ? 0 : -EINVAL;
}

bool cmdline_kind_is_string(enum cmdline_kind kind)
{
	return kind == CMDLINE_STRING || kind == CMDLINE_LIST || kind == CMDLINE_MODULES ||
	       kind == CMDLINE_WORDS;
}

char *cmdline_key_string(const struct boot_params *params, const struct cmdline_key *key)
{
	char *s;

	memcpy(&s, (const char *)params + key->offset, sizeof(s));
	return s;
}

/* store_int() writes a bool or an int-sized field: enums must be ints. */
_Static_assert(sizeof(enum boot_stage) == sizeof(int), "enum boot_stage");
_Static_assert(sizeof(enum cmdline_emergency) == sizeof(int), "enum cmdline_emergency");
_Static_assert(sizeof(enum cmdline_verbosity) == sizeof(int), "enum cmdline_verbosity");

/* The fields behind the other kinds are bools or int-sized (ints, unsigneds, enums). */
int cmdline_key_int(const struct boot_params *params, const struct cmdline_key *key)
{
	const char *src = (const char *)params + key->offset;
	bool b;
	int v;

	if (key->size == sizeof(bool)) {
		memcpy(&b, src, sizeof(b));
		return b;
	}
	memcpy(&v, src, sizeof(v));
	return v;
}

static void store_int(struct boot_params *p, const struct cmdline_key *k, int v)
{
	char *dst = (char *)p + k->offset;
	bool b = v != 0;

	if (k->size == sizeof(bool))
		memcpy(dst, &b, sizeof(b));
	else
		memcpy(dst, &v, sizeof(v));
}

/* Reads a number by its key's rule into *v; *v is left alone when nothing is to be stored. */
static int parse_number(const struct cmdline_key *k, const struct cmdline_word *w, int *v)
{
	unsigned u;
	int n, r;

	switch (k->rule) {
	case CMDLINE_RULE_INT:
		return parse_kernel_int(w, v);
	case CMDLINE_RULE_SECONDS:
	case CMDLINE_RULE_POSITIVE:
		if (parse_seconds(w, &u) < 0 || (k->rule == CMDLINE_RULE_POSITIVE && u == 0))
			return -EINVAL;
		*v = (int)u;
		return 0;
	case CMDLINE_RULE_ROOTDELAY:
		r = parse_rootdelay(w, &u);
		if (w->val)
			*v = (int)u;
		return r;
	case CMDLINE_RULE_ROOTWAIT:
		if (!w->val) {
			*v = CMDLINE_ROOTWAIT_FOREVER;
			return 0;
		}
		if (parse_kernel_int(w, &n) < 0 || n < 0) {
			*v = CMDLINE_ROOTWAIT_FOREVER;
			return -EINVAL;
		}
		if (n > INT_MAX / 1000)
			*v = CMDLINE_ROOTWAIT_FOREVER;
		else
			*v = n == 0 ? CMDLINE_ROOTWAIT_NONE : n;
		return 0;
	}
	return -EINVAL;
}

static int parse_choice(const struct cmdline_key *k, const struct cmdline_word *w, int *v)
{
	if (!w->val) {
		if (!k->bare_ok)
			return -EINVAL;
		*v = k->value;
		return 0;
	}
	for (const struct cmdline_choice *c = k->choices; c->name; c++)
		if (value_is(w, c->name)) {
			*v = c->value;
			return 0;
		}
	return -EINVAL;
}

/* Applies one word to its key's destination. Returns -EINVAL when its value did not parse. */
static int parse_key(const struct cmdline_key *k, const struct cmdline_word *w,
		     struct boot_params *p)
{
	int v = cmdline_kind_is_string(k->kind) ? 0 : cmdline_key_int(p, k), r = 0;

	switch (k->kind) {
	case CMDLINE_STRING:
		if (w->val)
			copy_value(cmdline_key_string(p, k), w);
		return 0;
	case CMDLINE_LIST:
		append_list(cmdline_key_string(p, k), w);
		return 0;
	case CMDLINE_WORDS:
		append_word(cmdline_key_string(p, k), w);
		return 0;
	case CMDLINE_MODULES:
		return append_module_names(cmdline_key_string(p, k), w);
	case CMDLINE_FLAG:
		if (w->val)
			return 0;
		v = k->value;
		break;
	case CMDLINE_NUMBER:
		r = parse_number(k, w, &v);
		break;
	case CMDLINE_ENUM:
		r = parse_choice(k, w, &v);
		break;
	case CMDLINE_STAGE:
		r = parse_stage(w, k->value, &v);
		break;
	}
	store_int(p, k, v);
	return r;
}

/*
 * Adds a word to p->invalid as "name=value". It always fits: each word recorded is a distinct
 * word of the line, no longer than written, and its NUL takes the place of the blank after it.
 */
static void record_invalid(struct boot_params *p, const char *end, const struct cmdline_word *w)
{
	char *dst = (char *)end;
	size_t n = 0;

	memcpy(dst, w->key, w->key_len);
	n = w->key_len;
	if (w->val) {
		dst[n++] = '=';
		memcpy(dst + n, w->val, w->val_len);
		n += w->val_len;
	}
	/* The warning is one line of the log: no newline or escape from the line in it. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
	dst[n] = '\0';
	p->invalid_count++;
}

/* The string fields, in the order their room is laid out in params->strings. */
static char **string_field(struct boot_params *p, size_t i)
{
	char **const fields[] = {
	    &p->root,
	    &p->rootfstype,
	    &p->rootflags,
	    &p->init,
	    &p->resume,
	    &p->usr,
	    &p->usrfstype,
	    &p->usrflags,
	    &p->load_modules,
	    &p->blacklist,
	    &p->invalid,
	    &p->roothash,
	    &p->verity_root_data,
	    &p->verity_root_hash,
	    &p->verity_root_options,
	    &p->usrhash,
	    &p->verity_usr_data,
	    &p->verity_usr_hash,
	    &p->verity_usr_options,
	    &p->rootrw,
	    &p->rootrwfstype,
	    &p->rootrwoptions,
	    &p->md_uuids,
	    &p->lvm_vgs,
	    &p->lvm_lvs,
	    &p->luks_uuids,
	    &p->luks_names,
	    &p->luks_keys,
	    &p->luks_options,
	    &p->cryptdevice,
	    &p->cryptkey,
	};

	return i < ARRAY_SIZE(fields) ? fields[i] : NULL;
}

/* Lays out the string fields (all "") and stores every key's default. */
static int params_init(struct boot_params *p, size_t len)
{
	size_t n_strings = 0;

	while (string_field(p, n_strings))
		n_strings++;
	p->value_size = len < CMDLINE_VALUE_ROOM ? CMDLINE_VALUE_ROOM : len + 1;
	if (p->value_size > SIZE_MAX / n_strings)
		return -ENOMEM;
	p->strings = calloc(n_strings, p->value_size);
	if (!p->strings)
		return -ENOMEM;
	for (size_t i = 0; i < n_strings; i++)
		*string_field(p, i) = p->strings + i * p->value_size;
	for (size_t i = 0; i < cmdline_keys_count; i++)
		if (!cmdline_kind_is_string(cmdline_keys[i].kind))
			store_int(p, &cmdline_keys[i], cmdline_keys[i].dflt);
	return 0;
}

int cmdline_parse(const char *buf, size_t len, struct boot_params *ret)
{
	struct boot_params p = {0};
	char *invalid_end;
	size_t pos = 0;
	int r;

	r = params_init(&p, len);
	if (r < 0)
		return r;
	invalid_end = p.invalid;
	for (;;) {
		const struct cmdline_key *k;
		struct cmdline_word w;

		while (pos < len && (isspace((unsigned char)buf[pos]) || buf[pos] == '\0'))
			pos++;
		if (pos >= len)
			break;
		pos = next_word(buf, len, pos, &w);
		/* "--" ends the kernel's and our parameters: the rest belongs to the real init. */
		if (key_is(&w, "--") && !w.val)
			break;
		/* Unknown keys are the kernel's, a module's or the real init's. */
		k = cmdline_key_find(w.key, w.key_len);
		if (k && parse_key(k, &w, &p) < 0) {
			record_invalid(&p, invalid_end, &w);
			invalid_end += strlen(invalid_end) + 1;
			r = -EINVAL;
		}
	}

	if (p.rootwait_sec == CMDLINE_ROOTWAIT_FOREVER ||
	    (p.rootwait_sec == CMDLINE_ROOTWAIT_NONE && p.rd_timeout_sec == 0)) {
		p.wait = CMDLINE_WAIT_FOREVER;
		p.timeout_sec = 0;
	} else {
		p.wait = CMDLINE_WAIT_DEADLINE;
		p.timeout_sec = (unsigned)(p.rootwait_sec > 0 ? p.rootwait_sec : p.rd_timeout_sec);
	}
	*ret = p;
	return r;
}

void cmdline_free(struct boot_params *params)
{
	free(params->strings);
	params->strings = NULL;
	for (size_t i = 0; string_field(params, i); i++)
		*string_field(params, i) = NULL;
}

unsigned cmdline_resume_timeout(const struct boot_params *params)
{
	if (params->wait == CMDLINE_WAIT_FOREVER || params->timeout_sec == 0)
		return CMDLINE_DEFAULT_TIMEOUT_SEC;
	return params->timeout_sec;
}
