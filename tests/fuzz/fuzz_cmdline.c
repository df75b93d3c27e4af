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

/* Every field is a C string inside its buffer and no longer than the line it came from. */
static size_t check_string(const char *field, size_t size)
{
	size_t n = strnlen(field, CMDLINE_MAX);

	FUZZ_CHECK(n < CMDLINE_MAX);
	FUZZ_CHECK(n <= size);
	return n;
}

/* A single-valued key keeps its value as written: a contiguous piece of the line. */
static void check_copied(const char *field, const uint8_t *data, size_t size)
{
	size_t n = check_string(field, size);

	FUZZ_CHECK(n == 0 || memmem(data, size, field, n) != NULL);
}

static void check_params(const struct boot_params *p, const uint8_t *data, size_t size)
{
	check_copied(p->root, data, size);
	check_copied(p->rootfstype, data, size);
	check_copied(p->rootflags, data, size);
	check_copied(p->init, data, size);
	check_copied(p->resume, data, size);
	check_copied(p->usr, data, size);
	check_copied(p->usrfstype, data, size);
	check_copied(p->usrflags, data, size);
	check_string(p->load_modules, size);
	check_string(p->blacklist, size);

	FUZZ_CHECK(p->wait == CMDLINE_WAIT_DEADLINE || p->wait == CMDLINE_WAIT_FOREVER);
	FUZZ_CHECK(p->verbosity == CMDLINE_VERBOSITY_DEFAULT ||
		   p->verbosity == CMDLINE_VERBOSITY_QUIET ||
		   p->verbosity == CMDLINE_VERBOSITY_DEBUG);
	FUZZ_CHECK(p->log_level == -1 || (p->log_level >= 3 && p->log_level <= 7));
	FUZZ_CHECK(p->break_at == STAGE_NONE || (p->break_at >= 0 && p->break_at < STAGE_COUNT));
	FUZZ_CHECK(cmdline_stage_name(p->break_at) != NULL);
	FUZZ_CHECK(
	    p->emergency == CMDLINE_EMERGENCY_DEFAULT || p->emergency == CMDLINE_EMERGENCY_REBOOT ||
	    p->emergency == CMDLINE_EMERGENCY_HALT || p->emergency == CMDLINE_EMERGENCY_SHELL);
	/* A zero hook time limit would kill every hook at once. */
	FUZZ_CHECK(p->hook_timeout_sec > 0 && p->hook_timeout_sec <= INT_MAX);
	/* Waiting forever has no deadline to report. */
	if (p->wait == CMDLINE_WAIT_FOREVER)
		FUZZ_CHECK(p->timeout_sec == 0);
	/* Seconds come from non-negative ints; a wrapped negative would be huge. */
	FUZZ_CHECK(p->timeout_sec <= INT_MAX);
	FUZZ_CHECK(p->rootdelay_sec <= INT_MAX);

	/* Keys that are not on the line leave their defaults. */
	if (!contains(data, size, "rootwait"))
		FUZZ_CHECK(p->wait == CMDLINE_WAIT_DEADLINE);
	if (!contains(data, size, "rootwait") && !contains(data, size, "rd.timeout"))
		FUZZ_CHECK(p->timeout_sec == CMDLINE_DEFAULT_TIMEOUT_SEC);
	if (!contains(data, size, "rw"))
		FUZZ_CHECK(!p->read_write);
	if (!contains(data, size, "panic"))
		FUZZ_CHECK(p->panic_sec == 0);
	if (!contains(data, size, "rootdelay"))
		FUZZ_CHECK(p->rootdelay_sec == 0);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* On the heap, so that a write past the struct is an ASan report. */
	struct boot_params *p = malloc(sizeof(*p)), *again = malloc(sizeof(*again));
	int r, r2;

	FUZZ_CHECK(p && again);
	memset(p, FUZZ_POISON, sizeof(*p));
	/* data holds exactly size bytes and no NUL after them: ASan catches a read past len. */
	r = cmdline_parse((const char *)data, size, p);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -E2BIG);
	FUZZ_CHECK((r == -E2BIG) == (size > CMDLINE_MAX));

	if (r == -E2BIG) {
		/* Documented: *ret is untouched. */
		for (size_t i = 0; i < sizeof(*p); i++)
			FUZZ_CHECK(((const unsigned char *)p)[i] == FUZZ_POISON);
	} else {
		/* -EINVAL still fills *ret, so both results must be sound. */
		check_params(p, data, size);
		/* Pure: the same line gives the same bytes, padding included (it memsets first). */
		memset(again, 0x5a, sizeof(*again));
		r2 = cmdline_parse((const char *)data, size, again);
		FUZZ_CHECK(r2 == r);
		FUZZ_CHECK(memcmp(p, again, sizeof(*p)) == 0);
	}
	free(again);
	free(p);
	return 0;
}
