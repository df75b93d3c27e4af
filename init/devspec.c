// SPDX-License-Identifier: MIT
/* Block device specifications as users write them in root= and friends: a pure parser. */
#include "devspec.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static const struct {
	const char *prefix; /* NAME= form */
	const char *by_dir; /* /dev/disk/by-X/ form */
	enum devspec_kind kind;
} tag_forms[] = {
    {"UUID=", "/dev/disk/by-uuid/", DEVSPEC_UUID},
    {"LABEL=", "/dev/disk/by-label/", DEVSPEC_LABEL},
    {"PARTUUID=", "/dev/disk/by-partuuid/", DEVSPEC_PARTUUID},
    {"PARTLABEL=", "/dev/disk/by-partlabel/", DEVSPEC_PARTLABEL},
};

const char *devspec_tag_name(enum devspec_kind kind)
{
	switch (kind) {
	case DEVSPEC_UUID:
		return "UUID";
	case DEVSPEC_LABEL:
		return "LABEL";
	case DEVSPEC_PARTUUID:
		return "PARTUUID";
	case DEVSPEC_PARTLABEL:
		return "PARTLABEL";
	default:
		return NULL;
	}
}

enum devspec_probe devspec_probe_needed(enum devspec_kind kind)
{
	switch (kind) {
	case DEVSPEC_UUID:
	case DEVSPEC_LABEL:
		return DEVSPEC_PROBE_SUPERBLOCK;
	case DEVSPEC_PARTUUID:
	case DEVSPEC_PARTLABEL:
		return DEVSPEC_PROBE_PARTITION;
	default:
		return DEVSPEC_PROBE_NONE;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Copies a tag value; udev's by-* link names encode unsafe bytes as \xNN, so decode them. */
static int copy_tag(char *dst, const char *src, bool decode)
{
	size_t n = 0;

	while (*src) {
		char c = *src++;

		if (decode && c == '\\' && src[0] == 'x' && hexval(src[1]) >= 0 &&
		    hexval(src[2]) >= 0) {
			c = (char)(hexval(src[1]) << 4 | hexval(src[2]));
			src += 3;
			/* No tag holds a NUL; "\x00" would silently cut the value short. */
			if (c == '\0')
				return -EINVAL;
		}
		if (n + 1 >= DEVSPEC_VALUE_MAX)
			return -ENAMETOOLONG;
		dst[n++] = c;
	}
	dst[n] = '\0';
	return n ? 0 : -EINVAL;
}

static bool parse_uint(const char *s, size_t len, int base, unsigned long max, unsigned long *ret)
{
	char tmp[24];
	char *end;

	if (len == 0 || len >= sizeof(tmp))
		return false;
	/* Digits only: strtoul would also take a sign, spaces or a second "0x". */
	for (size_t i = 0; i < len; i++)
		if (base == 16 ? !isxdigit((unsigned char)s[i]) : !isdigit((unsigned char)s[i]))
			return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	*ret = strtoul(tmp, &end, base);
	return !errno && !*end && *ret <= max;
}

/* "MAJ:MIN" in decimal; the kernel's old_decode_dev hex form "0xMMmm" or "MMmm" (init/do_mounts.c).
 */
static int parse_devnum(const char *spec, struct devspec *ret)
{
	const char *colon = strchr(spec, ':');
	unsigned long maj, min, dev;
	const char *hex = spec;

	if (colon) {
		/* Largest major and minor the kernel's dev_t holds (MINORBITS 20 in
		 * linux/kdev_t.h). */
		if (!parse_uint(spec, (size_t)(colon - spec), 10, 4095, &maj) ||
		    !parse_uint(colon + 1, strlen(colon + 1), 10, (1UL << 20) - 1, &min))
			return -EINVAL;
		ret->major = (unsigned)maj;
		ret->minor = (unsigned)min;
		return maj || min ? 0 : -EINVAL;
	}
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	if (!parse_uint(hex, strlen(hex), 16, 0xffffffffUL, &dev))
		return -EINVAL;
	/* new_decode_dev() in linux/kdev_t.h: the kernel reads root=MMmm through it. */
	ret->major = (unsigned)((dev & 0xfff00) >> 8);
	ret->minor = (unsigned)((dev & 0xff) | ((dev >> 12) & 0xfff00));
	/* Device 0:0 is "no device" to the kernel. */
	return dev ? 0 : -EINVAL;
}

/* "PARTUUID=xxx/PARTNROFF=N" (init/do_mounts.c): the partition N after the one with that UUID. */
static int split_partnroff(struct devspec *ret)
{
	char *slash = strchr(ret->value, '/');
	unsigned long off;
	const char *num;
	bool negative;

	if (!slash)
		return 0;
	if (strncmp(slash, "/PARTNROFF=", 11) != 0)
		return -EINVAL;
	num = slash + 11;
	negative = num[0] == '-';
	if (negative)
		num++;
	/* Partition numbers fit in the kernel's DISK_MAX_PARTS (256). */
	if (!parse_uint(num, strlen(num), 10, 255, &off))
		return -EINVAL;
	ret->partnroff = negative ? -(int)off : (int)off;
	*slash = '\0';
	return ret->value[0] ? 0 : -EINVAL;
}

int devspec_parse(const char *spec, struct devspec *ret)
{
	struct devspec d = {0};
	int r;

	if (!spec || !spec[0])
		return -EINVAL;

	for (size_t i = 0; i < ARRAY_SIZE(tag_forms); i++) {
		size_t plen = strlen(tag_forms[i].prefix);
		size_t dlen = strlen(tag_forms[i].by_dir);
		const char *val = NULL;
		bool decode = false;

		if (strncmp(spec, tag_forms[i].prefix, plen) == 0) {
			val = spec + plen;
		} else if (strncmp(spec, tag_forms[i].by_dir, dlen) == 0) {
			val = spec + dlen;
			decode = true;
		}
		if (!val)
			continue;
		d.kind = tag_forms[i].kind;
		/* Values may carry their own quotes: root=LABEL="my root". */
		if (val[0] == '"' && strlen(val) >= 2 && val[strlen(val) - 1] == '"') {
			char tmp[DEVSPEC_VALUE_MAX];
			size_t n = strlen(val) - 2;

			if (n >= sizeof(tmp))
				return -ENAMETOOLONG;
			memcpy(tmp, val + 1, n);
			tmp[n] = '\0';
			r = copy_tag(d.value, tmp, decode);
		} else {
			r = copy_tag(d.value, val, decode);
		}
		if (r < 0)
			return r;
		/* Only the PARTUUID= form has a suffix; udev's link names cannot hold a '/'. */
		if (d.kind == DEVSPEC_PARTUUID && !decode) {
			r = split_partnroff(&d);
			if (r < 0)
				return r;
		}
		*ret = d;
		return 0;
	}

	if (spec[0] == '/') {
		if (strlen(spec) >= DEVSPEC_VALUE_MAX)
			return -ENAMETOOLONG;
		d.kind = DEVSPEC_PATH;
		strcpy(d.value, spec);
		*ret = d;
		return 0;
	}

	d.kind = DEVSPEC_DEVNUM;
	r = parse_devnum(spec, &d);
	if (r < 0)
		return r;
	if (strlen(spec) >= DEVSPEC_VALUE_MAX)
		return -ENAMETOOLONG;
	strcpy(d.value, spec);
	*ret = d;
	return 0;
}
