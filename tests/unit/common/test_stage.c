// SPDX-License-Identifier: MIT
/* common/stage.c: the stage names the image's hook folders and rd.break= share. */
#include <string.h>

#include "macro.h"
#include "stage.h"
#include "unit.h"

static enum boot_stage from(const char *name, bool aliases)
{
	return stage_from_name(name, strlen(name), aliases);
}

static void names_in_boot_order(void)
{
	const char *want[] = {"early", "premount", "device", "mount", "pre-switch", "failure"};

	CHECK_INT(STAGE_COUNT, ARRAY_SIZE(want));
	for (int s = 0; s < STAGE_COUNT; s++) {
		CHECK_STR(stage_name((enum boot_stage)s), want[s]);
		CHECK_INT(from(want[s], false), s);
		CHECK_INT(from(want[s], true), s);
	}
	CHECK_STR(stage_name(STAGE_NONE), "none");
	CHECK_STR(stage_name(STAGE_COUNT), "none");
}

/* dracut's and initramfs-tools' names count on the command line, never as hook folders. */
static void aliases_only_when_asked(void)
{
	CHECK_INT(from("pre-pivot", true), STAGE_PRE_SWITCH);
	CHECK_INT(from("pre-pivot", false), STAGE_NONE);
	CHECK_INT(from("initqueue", true), STAGE_DEVICE);
	CHECK_INT(from("pre-mount", true), STAGE_PREMOUNT);
	CHECK_INT(from("mountroot", true), STAGE_MOUNT);
	CHECK_INT(from("top", true), STAGE_EARLY);
	CHECK_INT(from("cleanup", true), STAGE_PRE_SWITCH);
}

static void lengths_are_exact(void)
{
	CHECK_INT(stage_from_name("mountroot", 5, false), STAGE_MOUNT);
	CHECK_INT(stage_from_name("mount", 4, true), STAGE_NONE);
	CHECK_INT(stage_from_name("", 0, true), STAGE_NONE);
	CHECK_INT(from("Early", true), STAGE_NONE);
	CHECK_INT(from("none", true), STAGE_NONE);
}

const struct unit_case stage_cases[] = {
    {"names_in_boot_order", names_in_boot_order},
    {"aliases_only_when_asked", aliases_only_when_asked},
    {"lengths_are_exact", lengths_are_exact},
    {NULL, NULL},
};
