// SPDX-License-Identifier: MIT
/* The pure part of verity.c: partition UUIDs from a root hash, options to veritysetup words. */
#include "verity.h"

#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Shortest root hash systemd derives partition UUIDs from: 128 bits (both halves the same). */
#define VERITY_HASH_HEX_MIN 32

/* The options systemd-veritysetup takes (crypttab(5)), as veritysetup(8) spells them. */
static const struct {
	const char *name;
	const char *arg; /* veritysetup's option; NULL: handled apart */
	bool value;	 /* name=VALUE */
} verity_options[] = {
    {"ignore-corruption", "--ignore-corruption", false},
    {"restart-on-corruption", "--restart-on-corruption", false},
    {"panic-on-corruption", "--panic-on-corruption", false},
    {"ignore-zero-blocks", "--ignore-zero-blocks", false},
    {"check-at-most-once", "--check-at-most-once", false},
    {"format", "--format", true},
    {"data-block-size", "--data-block-size", true},
    {"hash-block-size", "--hash-block-size", true},
    {"data-blocks", "--data-blocks", true},
    {"hash-offset", "--hash-offset", true},
    {"salt", "--salt", true},
    {"uuid", "--uuid", true},
    {"hash", "--hash", true},
    {"fec-device", "--fec-device", true},
    {"fec-offset", "--fec-offset", true},
    {"fec-roots", "--fec-roots", true},
    {"root-hash-signature", "--root-hash-signature", true},
    {"superblock", NULL, true},
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 32 hex digits as a lower-case UUID 8-4-4-4-12. */
static void format_uuid(const char *hex, char out[37])
{
	size_t o = 0;

	for (size_t i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = (char)tolower((unsigned char)hex[i]);
	}
	out[o] = '\0';
}

int verity_derive_partuuids(const char *hash, char data[37], char hash_part[37])
{
	size_t len = strlen(hash);

	if (len < VERITY_HASH_HEX_MIN || len > VERITY_HASH_HEX_MAX || len % 2)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (hexval(hash[i]) < 0)
			return -EINVAL;
	/* systemd-veritysetup-generator: the first 128 bits name data, the last 128 the hash. */
	format_uuid(hash, data);
	format_uuid(hash + len - 32, hash_part);
	return 0;
}

/* Is s one of systemd's parse_boolean() false words? */
static bool is_false(const char *s, size_t len)
{
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};

	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0)
			return true;
	return false;
}

int verity_options_to_args(const char *options, const char **argv, size_t argv_max, char *buf,
			   size_t size, char *bad, size_t bad_size)
{
	size_t n = 0, used = 0;

	for (const char *o = options; *o;) {
		size_t len = strcspn(o, ","), nlen = strcspn(o, ",=");
		const char *val = o + nlen + 1;
		size_t vlen = nlen < len ? len - nlen - 1 : 0;
		size_t i, k = ARRAY_SIZE(verity_options);
		int w;

		for (i = 0; i < k; i++)
			if (strlen(verity_options[i].name) == nlen &&
			    memcmp(verity_options[i].name, o, nlen) == 0 &&
			    verity_options[i].value == (nlen < len))
				break;
		if (len && i == k) {
			snprintf(bad, bad_size, "%.*s", (int)len, o);
			return -EINVAL;
		}
		if (len && !verity_options[i].arg) {
			/* superblock=no: the parameters come from the other options. */
			if (is_false(val, vlen))
				w = snprintf(buf + used, size - used, "--no-superblock");
			else
				w = 0;
		} else if (len && verity_options[i].value) {
			w = snprintf(buf + used, size - used, "%s=%.*s", verity_options[i].arg,
				     (int)vlen, val);
		} else if (len) {
			w = snprintf(buf + used, size - used, "%s", verity_options[i].arg);
		} else {
			w = 0;
		}
		if (w < 0 || (size_t)w >= size - used || n + 1 >= argv_max)
			return -E2BIG;
		if (w > 0) {
			argv[n++] = buf + used;
			used += (size_t)w + 1;
		}
		o += len + (o[len] == ',');
	}
	argv[n] = NULL;
	return (int)n;
}
