// SPDX-License-Identifier: MIT
/* Runs every unit suite and ends with the "N passed, N failed" line CI reads. */
#include "unit.h"

#include "macro.h"

int unit_case_failed;

static const struct {
	const char *suite;
	const struct unit_case *cases;
} suites[] = {
    {"cmdline", cmdline_cases},
    {"devspec", devspec_cases},
    {"cpio", cpio_cases},
    {"inroot", inroot_cases},
    {"switchroot", switchroot_cases},
    {"hooks", hooks_cases},
    {"compress", compress_cases},
    {"run", run_cases},
    {"shutdown", shutdown_cases},
    {"strv", strv_cases},
    {"stage", stage_cases},
    {"elfinterp", elfinterp_cases},
    {"monotime", monotime_cases},
    {"fdio", fdio_cases},
    {"verity", verity_cases},
    {"luksconf", luksconf_cases},
    {"keymap", keymap_cases},
    {"modalias", modalias_cases},
};

int main(void)
{
	unsigned passed = 0, failed = 0;

	for (size_t s = 0; s < ARRAY_SIZE(suites); s++) {
		for (const struct unit_case *c = suites[s].cases; c->name; c++) {
			unit_case_failed = 0;
			c->run();
			printf("%s %s.%s\n", unit_case_failed ? "FAIL" : "ok  ", suites[s].suite,
			       c->name);
			if (unit_case_failed)
				failed++;
			else
				passed++;
		}
	}
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
