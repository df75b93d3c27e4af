// SPDX-License-Identifier: MIT
/* Which LUKS devices to unlock and how: the command line dialects and crypttab, parsed purely. */
#include "luksconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Copies len bytes of src into a field of size bytes; -EINVAL when it does not fit. */
static int copy_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/*
 * A LUKS UUID as the command line writes it: hex digits and dashes, optionally after
 * "luks-" (systemd-cryptsetup-generator(8) and dracut accept both). Tells "UUID=options" from
 * "header=/x" in rd.luks.options= and rd.luks.key=.
 */
static bool uuid_like(const char *s, size_t len)
{
	if (len > 5 && strncasecmp(s, "luks-", 5) == 0) {
		s += 5;
		len -= 5;
	}
	if (len < 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

static size_t skip_luks_prefix(const char *s, size_t len)
{
	return len > 5 && strncasecmp(s, "luks-", 5) == 0 ? 5 : 0;
}

struct luksconf_volume *luksconf_find_uuid(struct luksconf *c, const char *uuid)
{
	for (unsigned i = 0; i < c->count; i++)
		if (c->vol[i].uuid[0] && strcasecmp(c->vol[i].uuid, uuid) == 0)
			return &c->vol[i];
	return NULL;
}

static void volume_init(struct luksconf_volume *v, enum luksconf_source source)
{
	memset(v, 0, sizeof(*v));
	v->source = source;
	v->keyfile_offset = -1;
	v->keyfile_size = -1;
	v->token_timeout = -1;
}

/* A new volume, or NULL (counted in c->ignored) when the table is full. */
static struct luksconf_volume *volume_add(struct luksconf *c, enum luksconf_source source)
{
	if (c->count >= LUKSCONF_VOLUMES_MAX) {
		c->ignored++;
		return NULL;
	}
	volume_init(&c->vol[c->count], source);
	return &c->vol[c->count++];
}

/* The volume of this UUID (len bytes, "luks-" prefix allowed), made if new; NULL if full. */
static struct luksconf_volume *volume_for_uuid(struct luksconf *c, const char *s, size_t len,
					       enum luksconf_source source)
{
	char uuid[LUKSCONF_UUID_MAX];
	struct luksconf_volume *v;
	size_t skip = skip_luks_prefix(s, len);

	if (copy_field(uuid, sizeof(uuid), s + skip, len - skip) < 0)
		return NULL;
	v = luksconf_find_uuid(c, uuid);
	if (v)
		return v;
	v = volume_add(c, source);
	if (v)
		strcpy(v->uuid, uuid);
	return v;
}

/* A number of bytes for keyfile-offset= and keyfile-size=. */
static int parse_size(const char *s, size_t len, long long *ret)
{
	char buf[24], *end;
	long long v;

	if (len == 0 || copy_field(buf, sizeof(buf), s, len) < 0 || !isdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* One option of a comma list; name=value options are split at the first '='. */
static int apply_option(const char *opt, size_t len, struct luksconf_volume *v)
{
	const char *eq = memchr(opt, '=', len);
	size_t nlen = eq ? (size_t)(eq - opt) : len;
	const char *val = eq ? eq + 1 : NULL;
	size_t vlen = eq ? len - nlen - 1 : 0;
	long long n;

#define IS(s) (nlen == strlen(s) && memcmp(opt, s, nlen) == 0)
	if (IS("discard") || IS("allow-discards")) {
		v->discard = true;
	} else if (IS("readonly") || IS("read-only")) {
		v->readonly = true;
	} else if (IS("header") && val) {
		return copy_field(v->header, sizeof(v->header), val, vlen);
	} else if (IS("keyfile-offset") && val) {
		return parse_size(val, vlen, &v->keyfile_offset);
	} else if (IS("keyfile-size") && val) {
		return parse_size(val, vlen, &v->keyfile_size);
	} else if (IS("tries") && val) {
		if (parse_size(val, vlen, &n) < 0 || n > 100)
			return -EINVAL;
		/* crypttab(5): tries=0 means try forever; baton's prompt always ends. */
		v->tries = n == 0 ? 100 : (unsigned)n;
	} else if (IS("tpm2-device") && val) {
		/* systemd-cryptsetup's "auto" or a device node; crypttab(5). */
		if (vlen == 0 || (!(vlen == 4 && memcmp(val, "auto", 4) == 0) && val[0] != '/'))
			return -EINVAL;
		return copy_field(v->tpm2_device, sizeof(v->tpm2_device), val, vlen);
	} else if (IS("token-timeout") && val) {
		/* Seconds, bare or with systemd's "s" suffix; 0 means do not wait for a TPM. */
		if (vlen > 1 && val[vlen - 1] == 's')
			vlen--;
		if (parse_size(val, vlen, &n) < 0 || n > 3600)
			return -EINVAL;
		v->token_timeout = (int)n;
	}
	/* Others (luks, noauto, nofail, initramfs, x-initrd.attach, ...) change nothing here. */
#undef IS
	return 0;
}

int luksconf_options(const char *opts, size_t len, struct luksconf_volume *v)
{
	int r = 0;

	for (size_t pos = 0; pos < len;) {
		const char *comma = memchr(opts + pos, ',', len - pos);
		size_t n = comma ? (size_t)(comma - (opts + pos)) : len - pos;

		if (n && apply_option(opts + pos, n, v) < 0)
			r = -EINVAL;
		pos += n + 1;
	}
	return r;
}

/* "PATH[:DEVICE[:LUKSDEV]]": a keyfile, the device holding it, dracut's LUKS device. */
static int parse_key(const char *s, size_t len, struct luksconf_volume *v, const char **luksdev,
		     size_t *luksdev_len)
{
	const char *c1 = memchr(s, ':', len), *c2;
	size_t plen = c1 ? (size_t)(c1 - s) : len;

	*luksdev = NULL;
	*luksdev_len = 0;
	if (plen == 0 || copy_field(v->keyfile, sizeof(v->keyfile), s, plen) < 0)
		return -EINVAL;
	if (!c1)
		return 0;
	c1++;
	c2 = memchr(c1, ':', len - (size_t)(c1 - s));
	if (c2) {
		*luksdev = c2 + 1;
		*luksdev_len = len - (size_t)(c2 + 1 - s);
	}
	return copy_field(v->keydev, sizeof(v->keydev), c1,
			  c2 ? (size_t)(c2 - c1) : len - (size_t)(c1 - s));
}

/* Calls fn for each blank-separated word of a CMDLINE_WORDS value. */
#define FOR_EACH_WORD(list, w, n)                                                                  \
	for (const char *w = (list); *w; w += (n), w += strspn(w, " "))                            \
		if (((n) = strcspn(w, " ")) > 0)

static int cmdline_uuids(struct luksconf *c, const char *list)
{
	size_t n;
	int r = 0;

	FOR_EACH_WORD(list, w, n)
	{
		struct luksconf_volume *v = volume_for_uuid(c, w, n, LUKSCONF_CMDLINE);

		if (!v)
			r = -EINVAL;
		else
			v->named = true;
	}
	return r;
}

static int cmdline_names(struct luksconf *c, const char *list)
{
	size_t n;
	int r = 0;

	FOR_EACH_WORD(list, w, n)
	{
		const char *eq = memchr(w, '=', n);
		struct luksconf_volume *v;

		v = eq ? volume_for_uuid(c, w, (size_t)(eq - w), LUKSCONF_CMDLINE) : NULL;
		if (!v ||
		    copy_field(v->name, sizeof(v->name), eq + 1, n - (size_t)(eq + 1 - w)) < 0 ||
		    !v->name[0] || strchr(v->name, '/')) {
			r = -EINVAL;
			continue;
		}
		v->named = true;
	}
	return r;
}

/* rd.luks.key= and rd.luks.options=: "UUID=VALUE" for one device, else VALUE for any. */
static struct luksconf_volume *target_of(struct luksconf *c, const char **w, size_t *n)
{
	const char *eq = memchr(*w, '=', *n);
	struct luksconf_volume *v;

	if (!eq || !uuid_like(*w, (size_t)(eq - *w)))
		return &c->any;
	v = volume_for_uuid(c, *w, (size_t)(eq - *w), LUKSCONF_CMDLINE);
	*n -= (size_t)(eq + 1 - *w);
	*w = eq + 1;
	return v;
}

static int cmdline_keys_and_options(struct luksconf *c, const char *keys, const char *options)
{
	size_t n, dlen;
	const char *dev;
	int r = 0;

	FOR_EACH_WORD(keys, w0, n)
	{
		const char *w = w0;
		size_t len = n;
		struct luksconf_volume *v = target_of(c, &w, &len);

		if (!v || parse_key(w, len, v, &dev, &dlen) < 0) {
			r = -EINVAL;
			continue;
		}
		/* dracut's third field names the LUKS device: that volume gets the key. */
		if (dev && dlen && v == &c->any) {
			struct luksconf_volume *t = NULL;

			if (dlen > 5 && strncmp(dev, "UUID=", 5) == 0)
				t = volume_for_uuid(c, dev + 5, dlen - 5, LUKSCONF_CMDLINE);
			else if (uuid_like(dev, dlen))
				t = volume_for_uuid(c, dev, dlen, LUKSCONF_CMDLINE);
			if (!t) {
				r = -EINVAL;
				continue;
			}
			strcpy(t->keyfile, v->keyfile);
			strcpy(t->keydev, v->keydev);
			v->keyfile[0] = v->keydev[0] = '\0';
		}
	}
	FOR_EACH_WORD(options, w0, n)
	{
		const char *w = w0;
		size_t len = n;
		struct luksconf_volume *v = target_of(c, &w, &len);

		if (!v || luksconf_options(w, len, v) < 0)
			r = -EINVAL;
	}
	return r;
}

/* cryptdevice=DEVICE:NAME[:OPTIONS] and cryptkey= (mkinitcpio's encrypt hook). */
static int cmdline_cryptdevice(struct luksconf *c, const char *dev, const char *key)
{
	const char *c1 = strchr(dev, ':'), *c2;
	struct luksconf_volume *v;
	int r = 0;

	if (!dev[0])
		return 0;
	if (!c1 || c1 == dev)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (strncmp(dev, "UUID=", 5) == 0)
		v = volume_for_uuid(c, dev + 5, (size_t)(c1 - dev) - 5, LUKSCONF_CRYPTDEVICE);
	else if ((v = volume_add(c, LUKSCONF_CRYPTDEVICE)))
		r = copy_field(v->device, sizeof(v->device), dev, (size_t)(c1 - dev));
	if (!v || r < 0)
		return -EINVAL;
	v->source = LUKSCONF_CRYPTDEVICE;
	v->named = true;
	if (copy_field(v->name, sizeof(v->name), c1 + 1,
		       c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)) < 0 ||
	    !v->name[0] || strchr(v->name, '/'))
		return -EINVAL;
	if (c2)
		r = luksconf_options(c2 + 1, strlen(c2 + 1), v);
	if (!key[0])
		return r;
	if (strncmp(key, "rootfs:", 7) == 0)
		return copy_field(v->keyfile, sizeof(v->keyfile), key + 7, strlen(key + 7)) < 0
			   ? -EINVAL
			   : r;
	/* DEVICE:FSTYPE:PATH; mkinitcpio's DEVICE:OFFSET:SIZE raw keys are not supported. */
	c1 = strchr(key, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || isdigit((unsigned char)c1[1]) ||
	    copy_field(v->keydev, sizeof(v->keydev), key, (size_t)(c1 - key)) < 0 ||
	    copy_field(v->keydev_fstype, sizeof(v->keydev_fstype), c1 + 1, (size_t)(c2 - c1 - 1)) <
		0 ||
	    copy_field(v->keyfile, sizeof(v->keyfile), c2 + 1, strlen(c2 + 1)) < 0)
		return -EINVAL;
	return r;
}

int luksconf_from_cmdline(const struct boot_params *p, struct luksconf *ret)
{
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	volume_init(&ret->any, LUKSCONF_AUTO);
	ret->enabled = p->luks;
	if (cmdline_uuids(ret, p->luks_uuids) < 0)
		r = -EINVAL;
	if (cmdline_names(ret, p->luks_names) < 0)
		r = -EINVAL;
	if (cmdline_cryptdevice(ret, p->cryptdevice, p->cryptkey) < 0)
		r = -EINVAL;
	if (cmdline_keys_and_options(ret, p->luks_keys, p->luks_options) < 0)
		r = -EINVAL;
	for (unsigned i = 0; i < ret->count; i++)
		ret->restricted |= ret->vol[i].named;
	return r;
}

/* The next blank-separated field of a crypttab line, or NULL. */
static const char *next_field(const char **pos, const char *end, size_t *len)
{
	const char *s = *pos;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return NULL;
	*len = 0;
	while (s + *len < end && s[*len] != ' ' && s[*len] != '\t')
		(*len)++;
	*pos = s + *len;
	return s;
}

/* One crypttab line (no newline): 1 used, 0 ignored or empty, -EINVAL. */
static int crypttab_line(struct luksconf *c, const char *s, const char *end)
{
	const char *f[4] = {NULL};
	size_t n[4] = {0};
	struct luksconf_volume tmp, *v;
	const char *dev, *luksdev;
	size_t dlen, ldlen;
	unsigned k = 0;

	while (k < 4 && (f[k] = next_field(&s, end, &n[k])))
		k++;
	if (k == 0 || f[0][0] == '#')
		return 0;
	if (k < 2)
		return -EINVAL;
	volume_init(&tmp, LUKSCONF_CRYPTTAB);
	tmp.named = true;
	if (copy_field(tmp.name, sizeof(tmp.name), f[0], n[0]) < 0 || strchr(tmp.name, '/'))
		return -EINVAL;
	dev = f[1];
	dlen = n[1];
	if (dlen > 5 && strncmp(dev, "UUID=", 5) == 0) {
		if (copy_field(tmp.uuid, sizeof(tmp.uuid), dev + 5, dlen - 5) < 0)
			return -EINVAL;
	} else if (copy_field(tmp.device, sizeof(tmp.device), dev, dlen) < 0) {
		return -EINVAL;
	}
	if (k > 2 && !(n[2] == 4 && memcmp(f[2], "none", 4) == 0) &&
	    !(n[2] == 1 && f[2][0] == '-') && parse_key(f[2], n[2], &tmp, &luksdev, &ldlen) < 0)
		return -EINVAL;
	if (k > 3 && luksconf_options(f[3], n[3], &tmp) < 0)
		return -EINVAL;
	v = tmp.uuid[0] ? luksconf_find_uuid(c, tmp.uuid) : NULL;
	if (c->restricted && (!v || !v->named)) {
		c->ignored++;
		return 0;
	}
	if (v) {
		/* The command line's choices win; crypttab fills in what it left open. */
		if (!v->name[0])
			strcpy(v->name, tmp.name);
		if (!v->keyfile[0]) {
			strcpy(v->keyfile, tmp.keyfile);
			strcpy(v->keydev, tmp.keydev);
		}
		if (!v->header[0])
			strcpy(v->header, tmp.header);
		v->discard |= tmp.discard;
		v->readonly |= tmp.readonly;
		v->tries = v->tries ? v->tries : tmp.tries;
		if (v->keyfile_offset < 0)
			v->keyfile_offset = tmp.keyfile_offset;
		if (v->keyfile_size < 0)
			v->keyfile_size = tmp.keyfile_size;
		if (!v->tpm2_device[0])
			strcpy(v->tpm2_device, tmp.tpm2_device);
		if (v->token_timeout < 0)
			v->token_timeout = tmp.token_timeout;
		v->named = true;
		return 1;
	}
	v = volume_add(c, LUKSCONF_CRYPTTAB);
	if (!v)
		return 0;
	*v = tmp;
	return 1;
}

int luksconf_add_crypttab(struct luksconf *c, const char *text, size_t len)
{
	const char *end = text + len;
	int used = 0, r = 0;

	for (const char *s = text; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		int k = crypttab_line(c, s, eol);

		if (k < 0)
			r = k;
		else
			used += k;
		s = eol + 1;
	}
	return r < 0 ? r : used;
}

void luksconf_mapper_name(const struct luksconf_volume *v, const char *uuid, char *buf, size_t size)
{
	if (v && v->name[0])
		snprintf(buf, size, "%s", v->name);
	else
		snprintf(buf, size, "luks-%s", uuid);
}
