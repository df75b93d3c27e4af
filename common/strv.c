// SPDX-License-Identifier: MIT
/* A growable vector of malloc()ed strings: lists of names, paths and words, in either program. */
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* First capacity of a vector; it doubles from there. */
#define STRV_INITIAL_CAP 16

int strv_take(struct strv *s, char *str)
{
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : STRV_INITIAL_CAP;
		char **v = reallocarray(s->v, cap, sizeof(*v));

		if (!v) {
			free(str);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->count++] = str;
	return 0;
}

int strv_pushn(struct strv *s, const char *str, size_t len)
{
	char *copy = strndup(str, len);

	return copy ? strv_take(s, copy) : -ENOMEM;
}

int strv_push(struct strv *s, const char *str)
{
	return strv_pushn(s, str, strlen(str));
}

bool strv_hasn(const struct strv *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->count; i++)
		if (strlen(s->v[i]) == len && memcmp(s->v[i], str, len) == 0)
			return true;
	return false;
}

bool strv_has(const struct strv *s, const char *str)
{
	return strv_hasn(s, str, strlen(str));
}

int strv_addn(struct strv *s, const char *str, size_t len)
{
	int r;

	if (strv_hasn(s, str, len))
		return 0;
	r = strv_pushn(s, str, len);
	return r < 0 ? r : 1;
}

int strv_add(struct strv *s, const char *str)
{
	return strv_addn(s, str, strlen(str));
}

int strv_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void strv_sort(struct strv *s)
{
	if (s->count)
		qsort(s->v, s->count, sizeof(*s->v), strv_cmp);
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct strv){0};
}
