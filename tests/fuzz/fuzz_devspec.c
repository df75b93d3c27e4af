// SPDX-License-Identifier: MIT
/* libFuzzer target for devspec_parse(): any string gives a sound struct or an error, untouched. */
#include "devspec.h"
#include "fuzz.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/*
 * A tag value must be all of what the user wrote, less quotes and \xNN escapes: a value cut
 * short (a decoded NUL, say) would name a different device. Not checked for PARTUUID, whose
 * value also loses a /PARTNROFF= suffix.
 */
static void check_tag_length(const struct devspec *d, const char *spec, size_t n)
{
	const char *tag = devspec_tag_name(d->kind);
	size_t tlen = strlen(tag), min;
	const char *raw, *p;
	unsigned escapes = 0;

	if (strncmp(spec, tag, tlen) == 0 && spec[tlen] == '=') {
		raw = spec + tlen + 1;
		/* No decoding in the NAME= form: the value is a piece of the spec. */
		FUZZ_CHECK(strstr(raw, d->value) != NULL);
	} else {
		FUZZ_CHECK(strncmp(spec, "/dev/disk/by-", 13) == 0);
		raw = spec + 13;
		FUZZ_CHECK(strncasecmp(raw, tag, tlen) == 0 && raw[tlen] == '/');
		raw += tlen + 1;
		for (p = raw; (p = strstr(p, "\\x")) != NULL; p += 2)
			escapes++;
	}
	if (d->kind == DEVSPEC_PARTUUID)
		return;
	min = strlen(raw) > 2 + 3 * escapes ? strlen(raw) - 2 - 3 * escapes : 0;
	FUZZ_CHECK(n >= min);
}

static void check_spec(const struct devspec *d, const char *spec)
{
	size_t n = strnlen(d->value, DEVSPEC_VALUE_MAX);

	FUZZ_CHECK(n < DEVSPEC_VALUE_MAX);
	FUZZ_CHECK(n > 0);

	switch (d->kind) {
	case DEVSPEC_PATH:
		FUZZ_CHECK(strcmp(d->value, spec) == 0);
		FUZZ_CHECK(d->value[0] == '/');
		break;
	case DEVSPEC_DEVNUM:
		FUZZ_CHECK(strcmp(d->value, spec) == 0);
		/* dev_t: 12 bits of major, 20 of minor (MINORBITS in linux/kdev_t.h). */
		FUZZ_CHECK(d->major < 4096);
		FUZZ_CHECK(d->minor < (1U << 20));
		break;
	case DEVSPEC_UUID:
	case DEVSPEC_LABEL:
	case DEVSPEC_PARTUUID:
	case DEVSPEC_PARTLABEL:
		FUZZ_CHECK(devspec_tag_name(d->kind) != NULL);
		/* Decoding and quote removal only shorten. */
		FUZZ_CHECK(n < strlen(spec));
		check_tag_length(d, spec, n);
		break;
	default:
		FUZZ_CHECK(!"kind out of range");
	}
	if (d->kind != DEVSPEC_DEVNUM)
		FUZZ_CHECK(d->major == 0 && d->minor == 0);
	if (d->kind == DEVSPEC_PATH || d->kind == DEVSPEC_DEVNUM)
		FUZZ_CHECK(devspec_tag_name(d->kind) == NULL);
	if (d->kind == DEVSPEC_PARTUUID)
		FUZZ_CHECK(d->partnroff >= -255 && d->partnroff <= 255);
	else
		FUZZ_CHECK(d->partnroff == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parser takes a C string: an exact-size copy, so ASan sees a read past its NUL. */
	char *spec = malloc(size + 1);
	struct devspec *d = malloc(sizeof(*d)), *again = malloc(sizeof(*again));
	int r, r2;

	FUZZ_CHECK(spec && d && again);
	memcpy(spec, data, size);
	spec[size] = '\0';
	memset(d, FUZZ_POISON, sizeof(*d));

	r = devspec_parse(spec, d);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
	if (r < 0) {
		/* Outputs are untouched on failure (STYLE.md, the ret_* habit). */
		for (size_t i = 0; i < sizeof(*d); i++)
			FUZZ_CHECK(((const unsigned char *)d)[i] == FUZZ_POISON);
	} else {
		check_spec(d, spec);
		/* Pure: the same string gives the same bytes (it builds the result zeroed). */
		memset(again, 0x5a, sizeof(*again));
		r2 = devspec_parse(spec, again);
		FUZZ_CHECK(r2 == r);
		FUZZ_CHECK(memcmp(d, again, sizeof(*d)) == 0);
	}
	free(again);
	free(d);
	free(spec);
	return 0;
}
