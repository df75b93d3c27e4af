// SPDX-License-Identifier: MIT
/* libFuzzer target for softdep_merge(): any text merges into sound lines, and merging is stable. */
#include "fuzz.h"
#include "softdep.h"

#include <errno.h>
#include <string.h>

/* Word separators of modprobe.d(5) lines (SOFTDEP_SPACE in softdep.c). */
#define FUZZ_SPACE " \t\r\v\f"

/* Every line of merged text is a comment or "softdep NAME" with pre: or post: names. */
static void check_lines(const char *text)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');

		FUZZ_CHECK(nl != NULL); /* every line ends with a newline */
		if (line[0] != '#') {
			size_t name = strcspn(line + 8, FUZZ_SPACE "\n");

			FUZZ_CHECK(strncmp(line, "softdep ", 8) == 0);
			FUZZ_CHECK(name > 0);
			FUZZ_CHECK(memchr(line + 8, '-', name) == NULL); /* stored with '_' */
			FUZZ_CHECK(line[8 + name] == ' '); /* at least one pre: or post: list */
		}
		line = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *merged = NULL, *again = NULL;
	int r;

	r = softdep_merge((const char *)data, size, &merged);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r < 0) {
		FUZZ_CHECK(merged == NULL);
		return 0;
	}
	FUZZ_CHECK(merged != NULL);
	check_lines(merged);

	/* The merged file is what libkmod reads in the image: merging it again changes nothing. */
	r = softdep_merge(merged, strlen(merged), &again);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(strcmp(merged, again) == 0);
	free(again);
	free(merged);
	return 0;
}
