// SPDX-License-Identifier: MIT
/* Merges modules.softdep into one line per module, the only form libkmod 30 fully applies. */
#include "softdep.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

/* First capacity of the module table; it doubles from there. */
#define SOFTDEP_INITIAL_CAP 16

/* Word separators of modprobe.d(5) lines, as libkmod's parser splits them. */
#define SOFTDEP_SPACE " \t\r\v\f"

/* The comment that heads the merged file, so that a reader knows why it differs from depmod's. */
#define SOFTDEP_HEADER                                                                             \
	"# Soft dependencies extracted from modules themselves, one line per module: libkmod\n"    \
	"# applies only the first softdep line of a module (merged by baton's mkinitramfs).\n"

struct softdep_module {
	char *name;
	struct strv pre;
	struct strv post;
};

struct softdep_table {
	struct softdep_module *mods;
	size_t count;
	size_t cap;
};

static void softdep_table_free(struct softdep_table *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->mods[i].name);
		strv_free(&t->mods[i].pre);
		strv_free(&t->mods[i].post);
	}
	free(t->mods);
}

/* The entry of module name[0..len), created at the end of the table when new. */
static struct softdep_module *softdep_table_get(struct softdep_table *t, const char *name,
						size_t len)
{
	struct softdep_module *m;
	char *copy;

	copy = strndup(name, len);
	if (!copy)
		return NULL;
	/* libkmod compares names with '-' and '_' alike and stores them with '_'. */
	for (char *p = copy; *p; p++)
		if (*p == '-')
			*p = '_';
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->mods[i].name, copy) == 0) {
			free(copy);
			return &t->mods[i];
		}
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : SOFTDEP_INITIAL_CAP;
		struct softdep_module *mods = reallocarray(t->mods, cap, sizeof(*mods));

		if (!mods) {
			free(copy);
			return NULL;
		}
		t->mods = mods;
		t->cap = cap;
	}
	m = &t->mods[t->count++];
	*m = (struct softdep_module){.name = copy};
	return m;
}

/* Returns the next word of line[*pos..end) and its length, 0 at the end. */
static size_t softdep_word(const char *line, size_t end, size_t *pos, const char **ret_word)
{
	size_t start, n;

	while (*pos < end && strchr(SOFTDEP_SPACE, line[*pos]) && line[*pos])
		(*pos)++;
	start = *pos;
	while (*pos < end && line[*pos] && !strchr(SOFTDEP_SPACE, line[*pos]))
		(*pos)++;
	n = *pos - start;
	*ret_word = line + start;
	return n;
}

static bool softdep_is(const char *word, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(word, s, len) == 0;
}

/* Adds the names of one "softdep NAME ..." line, starting after "softdep". */
static int softdep_parse_line(struct softdep_table *t, const char *line, size_t end, size_t pos)
{
	struct strv *mode = NULL;
	struct softdep_module *m;
	const char *word;
	size_t len;
	int r;

	len = softdep_word(line, end, &pos, &word);
	if (!len)
		return -EINVAL;
	m = softdep_table_get(t, word, len);
	if (!m)
		return -ENOMEM;
	while ((len = softdep_word(line, end, &pos, &word))) {
		if (softdep_is(word, len, "pre:")) {
			mode = &m->pre;
		} else if (softdep_is(word, len, "post:")) {
			mode = &m->post;
		} else if (mode) {
			r = strv_addn(mode, word, len);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* A growable output string. */
struct softdep_out {
	char *s;
	size_t len;
	size_t cap;
	int err;
};

static void softdep_put(struct softdep_out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->err)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		char *p;

		while (o->len + n + 1 > cap)
			cap *= 2;
		p = realloc(o->s, cap);
		if (!p) {
			o->err = -ENOMEM;
			return;
		}
		o->s = p;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n + 1);
	o->len += n;
}

static void softdep_put_words(struct softdep_out *o, const char *label, const struct strv *w)
{
	if (!w->count)
		return;
	softdep_put(o, label);
	for (size_t i = 0; i < w->count; i++) {
		softdep_put(o, " ");
		softdep_put(o, w->v[i]);
	}
}

int softdep_merge(const char *text, size_t len, char **ret_text)
{
	struct softdep_table t = {0};
	struct softdep_out o = {0};
	size_t pos = 0;
	int r = 0;

	while (pos < len && r >= 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, p = pos;
		const char *word;
		size_t n = softdep_word(text, end, &p, &word);

		if (n && word[0] != '#' && softdep_is(word, n, "softdep"))
			r = softdep_parse_line(&t, text, end, p);
		pos = end + 1;
	}
	if (r < 0)
		goto out;
	softdep_put(&o, SOFTDEP_HEADER);
	for (size_t i = 0; i < t.count; i++) {
		const struct softdep_module *m = &t.mods[i];

		if (!m->pre.count && !m->post.count)
			continue;
		softdep_put(&o, "softdep ");
		softdep_put(&o, m->name);
		softdep_put_words(&o, " pre:", &m->pre);
		softdep_put_words(&o, " post:", &m->post);
		softdep_put(&o, "\n");
	}
	r = o.err;
	if (r < 0)
		goto out;
	*ret_text = o.s;
	o.s = NULL;
out:
	free(o.s);
	softdep_table_free(&t);
	return r;
}
