// SPDX-License-Identifier: MIT
/* libFuzzer target for cmdline_parse(): it never reads past len, and what it fills is sound. */
#include "cmdline.h"
#include "fuzz.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static bool contains(const uint8_t *data, size_t size, const char *s)
{
	return memmem(data, size, s, strlen(s)) != NULL;
}

/* Every field is a C string inside its room and no longer than the line it came from. */
static size_t check_string(const char *field, size_t room, size_t size)
{
	size_t n;

	FUZZ_CHECK(field != NULL);
	n = strnlen(field, room);
	FUZZ_CHECK(n < room);
	FUZZ_CHECK(n <= size);
	return n;
}

/* A single-valued key keeps its value as written: a contiguous piece of the line. */
static void check_copied(const char *field, size_t room, const uint8_t *data, size_t size)
{
	size_t n = check_string(field, room, size);

	FUZZ_CHECK(n == 0 || memmem(data, size, field, n) != NULL);
}

/* A blacklist holds module names only: it becomes lines of a modprobe.d file. */
static void check_module_list(const char *list, size_t room, size_t size)
{
	check_string(list, room, size);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		FUZZ_CHECK(cmdline_module_name_valid(p, len));
		p += len + (p[len] == ',');
	}
}

/*
 * The words recorded as invalid fit their room, hold no control character (they go into one
 * log line), and each is a key's, which the warning can explain.
 */
static void check_invalid(const struct boot_params *p, size_t room)
{
	char why[CMDLINE_EXPLAIN_MAX];
	size_t used = 0;

	for (unsigned i = 0; i < p->invalid_count; i++) {
		const char *word = p->invalid + used;
		size_t n = strnlen(word, room - used);

		FUZZ_CHECK(n < room - used);
		for (size_t j = 0; j < n; j++)
			FUZZ_CHECK((unsigned char)word[j] >= 0x20 && word[j] != 0x7f);
		FUZZ_CHECK(cmdline_key_find(word, strcspn(word, "=")) != NULL);
		FUZZ_CHECK(cmdline_invalid_explain(p, word, why, sizeof(why)) == 0);
		FUZZ_CHECK(strnlen(why, sizeof(why)) < sizeof(why));
		used += n + 1;
	}
}

static void check_params(const struct boot_params *p, const uint8_t *data, size_t size)
{
	size_t room = p->value_size;

	FUZZ_CHECK(room >= size + 1 && room >= CMDLINE_VALUE_ROOM);
	check_copied(p->root, room, data, size);
	check_copied(p->rootfstype, room, data, size);
	check_copied(p->rootflags, room, data, size);
	check_copied(p->init, room, data, size);
	check_copied(p->resume, room, data, size);
	check_copied(p->usr, room, data, size);
	check_copied(p->usrfstype, room, data, size);
	check_copied(p->usrflags, room, data, size);
	check_string(p->load_modules, room, size);
	check_module_list(p->blacklist, room, size);
	check_invalid(p, room);

	FUZZ_CHECK(p->wait == CMDLINE_WAIT_DEADLINE || p->wait == CMDLINE_WAIT_FOREVER);
	FUZZ_CHECK(p->verbosity == CMDLINE_VERBOSITY_DEFAULT ||
		   p->verbosity == CMDLINE_VERBOSITY_QUIET ||
		   p->verbosity == CMDLINE_VERBOSITY_DEBUG);
	FUZZ_CHECK(p->log_level == -1 || (p->log_level >= 3 && p->log_level <= 7));
	FUZZ_CHECK(p->break_at == STAGE_NONE || (p->break_at >= 0 && p->break_at < STAGE_COUNT));
	FUZZ_CHECK(stage_name(p->break_at) != NULL);
	FUZZ_CHECK(
	    p->emergency == CMDLINE_EMERGENCY_DEFAULT || p->emergency == CMDLINE_EMERGENCY_REBOOT ||
	    p->emergency == CMDLINE_EMERGENCY_HALT || p->emergency == CMDLINE_EMERGENCY_SHELL);
	/* A zero hook time limit would kill every hook at once. */
	FUZZ_CHECK(p->hook_timeout_sec > 0 && p->hook_timeout_sec <= INT_MAX);
	/* Waiting forever has no deadline to report, and a deadline is never 0 (forever). */
	FUZZ_CHECK((p->wait == CMDLINE_WAIT_FOREVER) == (p->timeout_sec == 0));
	/* The resume= wait always has one. */
	FUZZ_CHECK(cmdline_resume_timeout(p) > 0 && cmdline_resume_timeout(p) <= INT_MAX);
	/* Seconds come from non-negative ints; a wrapped negative would be huge. */
	FUZZ_CHECK(p->timeout_sec <= INT_MAX);
	FUZZ_CHECK(p->rootdelay_sec <= INT_MAX);

	/* Keys that are not on the line leave their defaults. */
	/* rd.timeout=0 waits forever as dracut does. */
	if (!contains(data, size, "rootwait") && !contains(data, size, "rd.timeout"))
		FUZZ_CHECK(p->wait == CMDLINE_WAIT_DEADLINE);
	if (!contains(data, size, "rootwait") && !contains(data, size, "rd.timeout"))
		FUZZ_CHECK(p->timeout_sec == CMDLINE_DEFAULT_TIMEOUT_SEC);
	if (!contains(data, size, "rw"))
		FUZZ_CHECK(!p->read_write);
	if (!contains(data, size, "panic"))
		FUZZ_CHECK(p->panic_sec == 0);
	if (!contains(data, size, "rootdelay"))
		FUZZ_CHECK(p->rootdelay_sec == 0);
	if (!contains(data, size, "noresume"))
		FUZZ_CHECK(!p->noresume);
	if (!contains(data, size, "quiet") && !contains(data, size, "rd.debug"))
		FUZZ_CHECK(p->verbosity == CMDLINE_VERBOSITY_DEFAULT);
	if (!contains(data, size, "root="))
		FUZZ_CHECK(p->root[0] == '\0');
	if (!contains(data, size, "baton.log"))
		FUZZ_CHECK(p->log_level == -1);
	if (!contains(data, size, "break"))
		FUZZ_CHECK(p->break_at == STAGE_NONE);
	if (!contains(data, size, "rd.shell"))
		FUZZ_CHECK(p->shell_allowed);
	if (!contains(data, size, "rd.emergency"))
		FUZZ_CHECK(p->emergency == CMDLINE_EMERGENCY_DEFAULT);
	if (!contains(data, size, "baton.hook_timeout"))
		FUZZ_CHECK(p->hook_timeout_sec == CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC);
}

/* Two parses of the same line give the same fields (the parser is pure). */
static void check_same(const struct boot_params *a, const struct boot_params *b)
{
	FUZZ_CHECK(a->value_size == b->value_size);
	FUZZ_CHECK(strcmp(a->root, b->root) == 0);
	FUZZ_CHECK(strcmp(a->rootfstype, b->rootfstype) == 0);
	FUZZ_CHECK(strcmp(a->rootflags, b->rootflags) == 0);
	FUZZ_CHECK(strcmp(a->init, b->init) == 0);
	FUZZ_CHECK(strcmp(a->resume, b->resume) == 0);
	FUZZ_CHECK(strcmp(a->usr, b->usr) == 0);
	FUZZ_CHECK(strcmp(a->usrfstype, b->usrfstype) == 0);
	FUZZ_CHECK(strcmp(a->usrflags, b->usrflags) == 0);
	FUZZ_CHECK(strcmp(a->load_modules, b->load_modules) == 0);
	FUZZ_CHECK(strcmp(a->blacklist, b->blacklist) == 0);
	FUZZ_CHECK(a->invalid_count == b->invalid_count);
	FUZZ_CHECK(memcmp(a->invalid, b->invalid, a->value_size) == 0);
	FUZZ_CHECK(a->rd_timeout_sec == b->rd_timeout_sec && a->rootwait_sec == b->rootwait_sec);
	FUZZ_CHECK(a->read_write == b->read_write && a->wait == b->wait &&
		   a->timeout_sec == b->timeout_sec && a->rootdelay_sec == b->rootdelay_sec &&
		   a->panic_sec == b->panic_sec && a->noresume == b->noresume &&
		   a->verbosity == b->verbosity && a->log_level == b->log_level &&
		   a->break_at == b->break_at && a->shell_allowed == b->shell_allowed &&
		   a->emergency == b->emergency && a->hook_timeout_sec == b->hook_timeout_sec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* On the heap, so that a write past the struct is an ASan report. */
	struct boot_params *p = malloc(sizeof(*p)), *again = malloc(sizeof(*again));
	int r, r2;

	FUZZ_CHECK(p && again);
	memset(p, FUZZ_POISON, sizeof(*p));
	/* data holds exactly size bytes and no NUL after them: ASan catches a read past len. */
	r = cmdline_parse((const char *)data, size, p);
	/* Any length parses: there is no -E2BIG any more; -ENOMEM only without memory. */
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	/* A value that did not parse is one the warning can name. */
	FUZZ_CHECK((r == -EINVAL) == (p->invalid_count > 0));
	/* -EINVAL still fills *ret, so both results must be sound. */
	check_params(p, data, size);
	memset(again, 0x5a, sizeof(*again));
	r2 = cmdline_parse((const char *)data, size, again);
	FUZZ_CHECK(r2 == r);
	check_same(p, again);
	cmdline_free(again);
	cmdline_free(p);
	FUZZ_CHECK(p->root == NULL && p->strings == NULL);
	free(again);
	free(p);
	return 0;
}
