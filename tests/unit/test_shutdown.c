// SPDX-License-Identifier: MIT
/* Tests of the shutdown return's pure parts: systemd's verbs, /oldroot paths, mountinfo escapes. */
#include "shutdown.h"
#include "unit.h"

static void verbs(void)
{
	static const struct {
		const char *verb;
		enum shutdown_action want;
	} t[] = {
	    {"reboot", SHUTDOWN_REBOOT},     {"poweroff", SHUTDOWN_POWEROFF},
	    {"halt", SHUTDOWN_HALT},	     {"kexec", SHUTDOWN_KEXEC},
	    {"exit", SHUTDOWN_POWEROFF},     {NULL, SHUTDOWN_UNKNOWN},
	    {"", SHUTDOWN_UNKNOWN},	     {"Reboot", SHUTDOWN_UNKNOWN},
	    {"reboot ", SHUTDOWN_UNKNOWN},   {"--log-level", SHUTDOWN_UNKNOWN},
	    {"poweroffx", SHUTDOWN_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_INT(shutdown_parse_action(t[i].verb), t[i].want);
	CHECK_STR(shutdown_action_name(SHUTDOWN_POWEROFF), "poweroff");
	CHECK_STR(shutdown_action_name(SHUTDOWN_KEXEC), "kexec");
	CHECK_STR(shutdown_action_name(SHUTDOWN_UNKNOWN), "reboot (unknown request)");
}

static void under(void)
{
	CHECK(shutdown_path_under("/oldroot", "/oldroot"));
	CHECK(shutdown_path_under("/oldroot/usr", "/oldroot"));
	CHECK(shutdown_path_under("/oldroot/usr/local", "/oldroot"));
	CHECK(!shutdown_path_under("/oldrootfs", "/oldroot"));
	CHECK(!shutdown_path_under("/old", "/oldroot"));
	CHECK(!shutdown_path_under("/", "/oldroot"));
	CHECK(!shutdown_path_under("/proc", "/oldroot"));
	CHECK(shutdown_path_under("/anything", "/"));
}

static void unescape(void)
{
	char a[] = "/oldroot/my\\040disk", b[] = "/tab\\011x\\134y", c[] = "/no\\08escape\\",
	     d[] = "/nl\\012", e[] = "/high\\477";

	CHECK_INT(shutdown_unescape(a), 16);
	CHECK_STR(a, "/oldroot/my disk");
	shutdown_unescape(b);
	CHECK_STR(b, "/tab\tx\\y");
	/* Not three octal digits: kept as written. */
	shutdown_unescape(c);
	CHECK_STR(c, "/no\\08escape\\");
	shutdown_unescape(d);
	CHECK_STR(d, "/nl\n");
	/* Above \377 is no byte: kept. */
	shutdown_unescape(e);
	CHECK_STR(e, "/high\\477");
}

const struct unit_case shutdown_cases[] = {
    {"verbs", verbs},
    {"path_under", under},
    {"unescape", unescape},
    {NULL, NULL},
};
