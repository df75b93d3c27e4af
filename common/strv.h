/* SPDX-License-Identifier: MIT */
/* A growable vector of malloc()ed strings: lists of names, paths and words, in either program. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Zero-initialized is empty; v[0..count) are the strings, cap the room in v. */
struct strv {
	char **v;
	size_t count;
	size_t cap;
};

/* Appends a copy of str. Returns 0 or -ENOMEM (then s is unchanged). */
int strv_push(struct strv *s, const char *str);

/* Appends a copy of str[0..len), which need not be NUL-terminated. 0 or -ENOMEM. */
int strv_pushn(struct strv *s, const char *str, size_t len);

/* Appends str itself (malloc()ed); s owns it from then on, and frees it when out of memory. */
int strv_take(struct strv *s, char *str);

/* Appends a copy of str unless it is there already: 1 when added, 0 when present, -ENOMEM. */
int strv_add(struct strv *s, const char *str);
int strv_addn(struct strv *s, const char *str, size_t len);

/* Is str[0..len) one of the strings? */
bool strv_hasn(const struct strv *s, const char *str, size_t len);
bool strv_has(const struct strv *s, const char *str);

/* Sorts bytewise, as the C locale and the init's hook order do. */
void strv_sort(struct strv *s);

/* qsort() and bsearch() comparison of two char * elements, bytewise. */
int strv_cmp(const void *x, const void *y);

/* Frees the strings and the array; s is empty afterwards. */
void strv_free(struct strv *s);
