/* SPDX-License-Identifier: MIT */
/* A minimal table-driven test harness: each suite is an array of named cases. */
#pragma once

#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*run)(void);
};

/* Set by CHECK* when a case fails; reset by the runner before each case. */
extern int unit_case_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_case_failed = 1;                                                      \
		}                                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                                       \
	do {                                                                                       \
		long long got_ = (long long)(got), want_ = (long long)(want);                      \
		if (got_ != want_) {                                                               \
			fprintf(stderr, "  %s:%d: %s is %lld, expected %lld\n", __FILE__,          \
				__LINE__, #got, got_, want_);                                      \
			unit_case_failed = 1;                                                      \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *got_ = (got), *want_ = (want);                                         \
		if ((got_ == NULL) != (want_ == NULL) || (got_ && strcmp(got_, want_) != 0)) {     \
			fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,      \
				__LINE__, #got, got_ ? got_ : "(null)", want_ ? want_ : "(null)"); \
			unit_case_failed = 1;                                                      \
		}                                                                                  \
	} while (0)

/* Every suite ends with a { NULL, NULL } sentinel. */
extern const struct unit_case cmdline_cases[];
extern const struct unit_case devspec_cases[];
extern const struct unit_case cpio_cases[];
extern const struct unit_case inroot_cases[];
extern const struct unit_case switchroot_cases[];
extern const struct unit_case hooks_cases[];
extern const struct unit_case verity_cases[];
extern const struct unit_case compress_cases[];
extern const struct unit_case run_cases[];
extern const struct unit_case shutdown_cases[];
extern const struct unit_case strv_cases[];
extern const struct unit_case stage_cases[];
extern const struct unit_case elfinterp_cases[];
extern const struct unit_case monotime_cases[];
extern const struct unit_case fdio_cases[];
extern const struct unit_case luksconf_cases[];
extern const struct unit_case keymap_cases[];
extern const struct unit_case modalias_cases[];
