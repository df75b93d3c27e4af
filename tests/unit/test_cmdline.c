// SPDX-License-Identifier: MIT
/* Table-driven tests of cmdline_parse(): each command line and the fields it must give. */
#include "cmdline.h"
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

static struct boot_params params;

static int parse(const char *line)
{
	return cmdline_parse(line, strlen(line), &params);
}

static void test_defaults(void)
{
	CHECK_INT(parse(""), 0);
	CHECK_STR(params.root, "");
	CHECK_INT(params.read_write, 0);
	CHECK_INT(params.wait, CMDLINE_WAIT_DEADLINE);
	CHECK_INT(params.timeout_sec, CMDLINE_DEFAULT_TIMEOUT_SEC);
	CHECK_INT(params.panic_sec, 0);
	CHECK_INT(params.verbosity, CMDLINE_VERBOSITY_DEFAULT);
}

static const struct {
	const char *line;
	const char *root, *rootfstype, *rootflags, *init;
} string_table[] = {
	{ "root=/dev/vda2", "/dev/vda2", "", "", "" },
	{ "BOOT_IMAGE=/vmlinuz root=UUID=1234-abcd ro quiet", "UUID=1234-abcd", "", "", "" },
	{ "root=\"LABEL=my root\" rootfstype=ext4", "LABEL=my root", "ext4", "", "" },
	{ "\"root=LABEL=my root\" init=/bin/x", "LABEL=my root", "", "", "/bin/x" },
	{ "root=/dev/a root=/dev/b", "/dev/b", "", "", "" },
	{ "rootflags=subvol=@,compress=zstd rootfstype=btrfs,ext4", "", "btrfs,ext4",
	  "subvol=@,compress=zstd", "" },
	{ "root= init=", "", "", "", "" },
	{ "  \t root=/dev/sda1\n", "/dev/sda1", "", "", "" },
	{ "root=/dev/sda1 -- root=/dev/evil init=/bad", "/dev/sda1", "", "", "" },
	{ "root=LABEL=\"a b\"", "LABEL=\"a b\"", "", "", "" },
	{ "rootwait root", "", "", "", "" },
	{ "root=\"unterminated value", "unterminated value", "", "", "" },
};

static void test_strings(void)
{
	for (size_t i = 0; i < sizeof(string_table) / sizeof(string_table[0]); i++) {
		CHECK_INT(parse(string_table[i].line), 0);
		CHECK_STR(params.root, string_table[i].root);
		CHECK_STR(params.rootfstype, string_table[i].rootfstype);
		CHECK_STR(params.rootflags, string_table[i].rootflags);
		CHECK_STR(params.init, string_table[i].init);
	}
}

static void test_ro_rw(void)
{
	CHECK_INT(parse("rw"), 0);
	CHECK_INT(params.read_write, 1);
	CHECK_INT(parse("rw ro"), 0);
	CHECK_INT(params.read_write, 0);
	CHECK_INT(parse("ro rw"), 0);
	CHECK_INT(params.read_write, 1);
	/* "rw=1" is not the rw flag. */
	CHECK_INT(parse("rw=1"), 0);
	CHECK_INT(params.read_write, 0);
}

static void test_waiting(void)
{
	CHECK_INT(parse("rootwait"), 0);
	CHECK_INT(params.wait, CMDLINE_WAIT_FOREVER);
	CHECK_INT(parse("rootwait=7"), 0);
	CHECK_INT(params.wait, CMDLINE_WAIT_DEADLINE);
	CHECK_INT(params.timeout_sec, 7);
	CHECK_INT(parse("rd.timeout=5"), 0);
	CHECK_INT(params.timeout_sec, 5);
	CHECK_INT(parse("rd.timeout=5 rootwait"), 0);
	CHECK_INT(params.wait, CMDLINE_WAIT_FOREVER);
	CHECK_INT(parse("rootwait=9 rd.timeout=5"), 0);
	CHECK_INT(params.timeout_sec, 9);
	CHECK_INT(parse("rootdelay=3"), 0);
	CHECK_INT(params.rootdelay_sec, 3);
	CHECK_INT(params.timeout_sec, CMDLINE_DEFAULT_TIMEOUT_SEC);
}

static void test_bad_numbers(void)
{
	CHECK_INT(parse("rd.timeout=abc root=/dev/x"), -EINVAL);
	CHECK_INT(params.timeout_sec, CMDLINE_DEFAULT_TIMEOUT_SEC);
	CHECK_STR(params.root, "/dev/x");
	CHECK_INT(parse("rootdelay=-1"), -EINVAL);
	CHECK_INT(params.rootdelay_sec, 0);
	/* The kernel waits forever on a rootwait= it cannot read. */
	CHECK_INT(parse("rootwait=5s"), -EINVAL);
	CHECK_INT(params.wait, CMDLINE_WAIT_FOREVER);
	CHECK_INT(parse("rd.timeout=99999999999999999999"), -EINVAL);
	CHECK_INT(parse("panic="), -EINVAL);
}

static void test_panic_and_verbosity(void)
{
	CHECK_INT(parse("panic=-1"), 0);
	CHECK_INT(params.panic_sec, -1);
	CHECK_INT(parse("panic=10 quiet"), 0);
	CHECK_INT(params.panic_sec, 10);
	CHECK_INT(params.verbosity, CMDLINE_VERBOSITY_QUIET);
	CHECK_INT(parse("quiet rd.debug"), 0);
	CHECK_INT(params.verbosity, CMDLINE_VERBOSITY_DEBUG);
}

static void test_lists(void)
{
	CHECK_INT(parse("rd.driver.pre=virtio_pci rd.modules-load=ext4,xfs modules_load=nvme"), 0);
	CHECK_STR(params.load_modules, "virtio_pci,ext4,xfs,nvme");
	CHECK_INT(parse("rd.driver.blacklist=nouveau modprobe.blacklist=floppy,pcspkr"), 0);
	CHECK_STR(params.blacklist, "nouveau,floppy,pcspkr");
	CHECK_INT(parse("rd.driver.pre= rd.driver.blacklist"), 0);
	CHECK_STR(params.load_modules, "");
	CHECK_STR(params.blacklist, "");
	CHECK_INT(parse("mount.usr=LABEL=usr mount.usrfstype=xfs mount.usrflags=noatime"), 0);
	CHECK_STR(params.usr, "LABEL=usr");
	CHECK_STR(params.usrfstype, "xfs");
	CHECK_STR(params.usrflags, "noatime");
	CHECK_INT(parse("resume=UUID=abcd resume=/dev/vdb1"), 0);
	CHECK_STR(params.resume, "/dev/vdb1");
}

static void test_stages_and_failure(void)
{
	CHECK_INT(parse(""), 0);
	CHECK_INT(params.break_at, STAGE_NONE);
	CHECK_INT(params.shell_allowed, 1);
	CHECK_INT(params.emergency, CMDLINE_EMERGENCY_DEFAULT);
	CHECK_INT(params.hook_timeout_sec, CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC);
	CHECK_INT(params.log_level, -1);
	CHECK_INT(parse("rd.break"), 0);
	CHECK_INT(params.break_at, STAGE_PRE_SWITCH);
	CHECK_INT(parse("break"), 0);
	CHECK_INT(params.break_at, STAGE_PREMOUNT);
	CHECK_INT(parse("rd.break=pre-mount"), 0);
	CHECK_INT(params.break_at, STAGE_PREMOUNT);
	CHECK_INT(parse("break=top"), 0);
	CHECK_INT(params.break_at, STAGE_EARLY);
	CHECK_INT(parse("rd.break=mount"), 0);
	CHECK_INT(params.break_at, STAGE_MOUNT);
	CHECK_INT(parse("rd.break=pre-switch"), 0);
	CHECK_INT(params.break_at, STAGE_PRE_SWITCH);
	CHECK_INT(parse("rd.break=nonsense"), -EINVAL);
	CHECK_INT(params.break_at, STAGE_NONE);
	CHECK_INT(parse("rd.shell=0 rd.emergency=halt"), 0);
	CHECK_INT(params.shell_allowed, 0);
	CHECK_INT(params.emergency, CMDLINE_EMERGENCY_HALT);
	CHECK_INT(parse("rd.shell=0 rd.shell rd.emergency=reboot"), 0);
	CHECK_INT(params.shell_allowed, 1);
	CHECK_INT(params.emergency, CMDLINE_EMERGENCY_REBOOT);
	CHECK_INT(parse("rd.emergency=explode"), -EINVAL);
	CHECK_INT(parse("baton.hook_timeout=5 baton.log=debug"), 0);
	CHECK_INT(params.hook_timeout_sec, 5);
	CHECK_INT(params.log_level, 7);
	CHECK_INT(parse("baton.hook_timeout=0"), -EINVAL);
	CHECK_INT(parse("baton.log=loud"), -EINVAL);
	CHECK_STR(cmdline_stage_name(STAGE_PRE_SWITCH), "pre-switch");
	CHECK_STR(cmdline_stage_name(STAGE_NONE), "none");
}

static void test_overlong(void)
{
	char *line = malloc(CMDLINE_MAX + 2);

	memset(line, 'a', CMDLINE_MAX + 1);
	memcpy(line, "root=", 5);
	line[CMDLINE_MAX + 1] = '\0';
	params.root[0] = 'x';
	params.root[1] = '\0';
	CHECK_INT(cmdline_parse(line, CMDLINE_MAX + 1, &params), -E2BIG);
	CHECK_STR(params.root, "x");
	/* Exactly at the limit: one value filling the whole line still fits. */
	CHECK_INT(cmdline_parse(line, CMDLINE_MAX, &params), 0);
	CHECK_INT(strlen(params.root), CMDLINE_MAX - 5);
	free(line);
}

static void test_not_terminated(void)
{
	/* The parser must respect len: the bytes after it are not part of the line. */
	CHECK_INT(cmdline_parse("root=/dev/vda1XXX", 14, &params), 0);
	CHECK_STR(params.root, "/dev/vda1");
	CHECK_INT(cmdline_parse("root=/dev/a\0root=/dev/b", 23, &params), 0);
	CHECK_STR(params.root, "/dev/b");
}

const struct unit_case cmdline_cases[] = {
	{ "defaults", test_defaults },
	{ "strings", test_strings },
	{ "ro_rw", test_ro_rw },
	{ "waiting", test_waiting },
	{ "bad_numbers", test_bad_numbers },
	{ "panic_and_verbosity", test_panic_and_verbosity },
	{ "lists", test_lists },
	{ "stages_and_failure", test_stages_and_failure },
	{ "overlong", test_overlong },
	{ "not_terminated", test_not_terminated },
	{ NULL, NULL },
};
