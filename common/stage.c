// SPDX-License-Identifier: MIT
/* The boot stages at which the init runs hooks: the folders of the image and rd.break= names. */
#include "stage.h"

#include <string.h>

#include "macro.h"

static const char *const stage_names[STAGE_COUNT] = {
    [STAGE_EARLY] = "early", [STAGE_PREMOUNT] = "premount",	[STAGE_DEVICE] = "device",
    [STAGE_MOUNT] = "mount", [STAGE_PRE_SWITCH] = "pre-switch", [STAGE_FAILURE] = "failure",
};

/* dracut's rd.break= and initramfs-tools' break= names for the same moments. */
static const struct {
	const char *name;
	enum boot_stage stage;
} stage_aliases[] = {
    {"cmdline", STAGE_EARLY},	  {"top", STAGE_EARLY},		{"modules", STAGE_EARLY},
    {"pre-udev", STAGE_EARLY},	  {"pre-trigger", STAGE_EARLY}, {"pre-mount", STAGE_PREMOUNT},
    {"initqueue", STAGE_DEVICE},  {"mountroot", STAGE_MOUNT},	{"pre-pivot", STAGE_PRE_SWITCH},
    {"bottom", STAGE_PRE_SWITCH}, {"init", STAGE_PRE_SWITCH},	{"cleanup", STAGE_PRE_SWITCH},
};

const char *stage_name(enum boot_stage stage)
{
	return stage >= 0 && stage < STAGE_COUNT ? stage_names[stage] : "none";
}

static bool name_is(const char *name, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(name, s, len) == 0;
}

enum boot_stage stage_from_name(const char *name, size_t len, bool aliases)
{
	for (int i = 0; i < STAGE_COUNT; i++)
		if (name_is(name, len, stage_names[i]))
			return (enum boot_stage)i;
	for (size_t i = 0; aliases && i < ARRAY_SIZE(stage_aliases); i++)
		if (name_is(name, len, stage_aliases[i].name))
			return stage_aliases[i].stage;
	return STAGE_NONE;
}
