// SPDX-License-Identifier: MIT
/* common/strv.c: the string vector both programs' lists are made of. */
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strv.h"
#include "unit.h"

static void push_copies_and_grows(void)
{
	struct strv s = {0};
	char word[16];

	for (int i = 0; i < 100; i++) {
		snprintf(word, sizeof(word), "w%02d", i);
		CHECK_INT(strv_push(&s, word), 0);
	}
	word[0] = 'x'; /* the vector holds copies */
	CHECK_INT(s.count, 100);
	CHECK(s.cap >= s.count);
	CHECK_STR(s.v[0], "w00");
	CHECK_STR(s.v[99], "w99");
	strv_free(&s);
	CHECK(s.v == NULL && s.count == 0 && s.cap == 0);
	strv_free(&s); /* an empty vector frees too */
}

static void pushn_takes_a_prefix(void)
{
	struct strv s = {0};

	CHECK_INT(strv_pushn(&s, "ext4,xfs", 4), 0);
	CHECK_INT(strv_pushn(&s, "", 0), 0);
	CHECK_INT(s.count, 2);
	CHECK_STR(s.v[0], "ext4");
	CHECK_STR(s.v[1], "");
	strv_free(&s);
}

static void take_owns_the_string(void)
{
	struct strv s = {0};
	char *own = strdup("libc.so.6");

	CHECK(own != NULL);
	CHECK_INT(strv_take(&s, own), 0);
	CHECK(s.v[0] == own);
	strv_free(&s); /* ASan reports a leak or a double free if ownership is wrong */
}

static void has_compares_whole_strings(void)
{
	struct strv s = {0};

	CHECK_INT(strv_push(&s, "abc"), 0);
	CHECK_INT(strv_push(&s, "a"), 0);
	CHECK(strv_has(&s, "abc"));
	CHECK(strv_has(&s, "a"));
	CHECK(!strv_has(&s, "ab"));
	CHECK(!strv_has(&s, "abcd"));
	CHECK(strv_hasn(&s, "abcdef", 3));
	CHECK(!strv_hasn(&s, "abcdef", 2));
	/* Bytes past a NUL inside the length never match a shorter string. */
	CHECK(!strv_hasn(&s, "a\0c", 3));
	strv_free(&s);
	CHECK(!strv_has(&s, "a"));
}

static void add_keeps_one_of_each(void)
{
	struct strv s = {0};

	CHECK_INT(strv_add(&s, "ext4"), 1);
	CHECK_INT(strv_add(&s, "ext4"), 0);
	CHECK_INT(strv_addn(&s, "ext4,xfs", 4), 0);
	CHECK_INT(strv_addn(&s, "xfs,ext4", 3), 1);
	CHECK_INT(s.count, 2);
	CHECK_STR(s.v[1], "xfs");
	strv_free(&s);
}

static void sort_is_bytewise(void)
{
	const char *in[] = {"b", "B", "a-1", "a_1", "", "a"};
	const char *want[] = {"", "B", "a", "a-1", "a_1", "b"};
	struct strv s = {0};

	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_INT(strv_push(&s, in[i]), 0);
	strv_sort(&s);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		CHECK_STR(s.v[i], want[i]);
	strv_free(&s);
}

const struct unit_case strv_cases[] = {
    {"push_copies_and_grows", push_copies_and_grows},
    {"pushn_takes_a_prefix", pushn_takes_a_prefix},
    {"take_owns_the_string", take_owns_the_string},
    {"has_compares_whole_strings", has_compares_whole_strings},
    {"add_keeps_one_of_each", add_keeps_one_of_each},
    {"sort_is_bytewise", sort_is_bytewise},
    {NULL, NULL},
};
