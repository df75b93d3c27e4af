// SPDX-License-Identifier: MIT
/* Table-driven tests of cmdline_parse(): each command line and the fields it must give. */
#include "cmdline.h"
#include "macro.h"
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static struct boot_params params;

/* Parses len bytes into params, releasing what the previous parse allocated. */
static int parse_n(const char *buf, size_t len)
{
	cmdline_free(&params);
	return cmdline_parse(buf, len, &params);
}

static int parse(const char *line)
{
	return parse_n(line, strlen(line));
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
    {"root=/dev/vda2", "/dev/vda2", "", "", ""},
    {"BOOT_IMAGE=/vmlinuz root=UUID=1234-abcd ro quiet", "UUID=1234-abcd", "", "", ""},
    {"root=\"LABEL=my root\" rootfstype=ext4", "LABEL=my root", "ext4", "", ""},
    {"\"root=LABEL=my root\" init=/bin/x", "LABEL=my root", "", "", "/bin/x"},
    {"root=/dev/a root=/dev/b", "/dev/b", "", "", ""},
    {"rootflags=subvol=@,compress=zstd rootfstype=btrfs,ext4", "", "btrfs,ext4",
     "subvol=@,compress=zstd", ""},
    {"root= init=", "", "", "", ""},
    {"  \t root=/dev/sda1\n", "/dev/sda1", "", "", ""},
    {"root=/dev/sda1 -- root=/dev/evil init=/bad", "/dev/sda1", "", "", ""},
    {"root=LABEL=\"a b\"", "LABEL=\"a b\"", "", "", ""},
    {"rootwait root", "", "", "", ""},
    {"root=\"unterminated value", "unterminated value", "", "", ""},
};

static void test_strings(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(string_table); i++) {
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
	CHECK_STR(stage_name(STAGE_PRE_SWITCH), "pre-switch");
	CHECK_STR(stage_name(STAGE_NONE), "none");
}

/* The storage stack keys: dracut's names and old spellings, lists that add up, defaults. */
static void test_stacks(void)
{
	CHECK_INT(parse("root=UUID=x"), 0);
	CHECK_INT(params.md, 1);
	CHECK_INT(params.lvm, 1);
	CHECK_INT(params.auto_assemble, -1);
	CHECK_INT(params.retry_sec, CMDLINE_DEFAULT_RETRY_SEC);
	CHECK_STR(params.md_uuids, "");
	CHECK_INT(parse("rd.md=0 rd.lvm=0 rd.retry=5 rd.auto"), 0);
	CHECK_INT(params.md, 0);
	CHECK_INT(params.lvm, 0);
	CHECK_INT(params.retry_sec, 5);
	CHECK_INT(params.auto_assemble, 1);
	CHECK_INT(parse("rd.auto=0 rd.md.uuid=a:b rd_MD_UUID=c-d rd.md.uuid=e"), 0);
	CHECK_INT(params.auto_assemble, 0);
	CHECK_STR(params.md_uuids, "a:b,c-d,e");
	CHECK_INT(parse("rd.lvm.vg=vg0 rd_LVM_VG=vg1 rd.lvm.lv=vg0/root rd_LVM_LV=vg1/usr"), 0);
	CHECK_STR(params.lvm_vgs, "vg0,vg1");
	CHECK_STR(params.lvm_lvs, "vg0/root,vg1/usr");
	CHECK_INT(parse("rd.retry=soon"), -EINVAL);
	CHECK_INT(params.retry_sec, CMDLINE_DEFAULT_RETRY_SEC);
	CHECK_INT(parse("rd.md=maybe"), -EINVAL);
	CHECK_INT(params.md, 1);
}

/*
 * x86's COMMAND_LINE_SIZE is 2048, but other architectures allow more and bootconfig puts its
 * "kernel" keys in front of the boot loader's line: /proc/cmdline has no fixed limit.
 */
static void test_long_line(void)
{
	const size_t len = 3 * CMDLINE_X86_SIZE;
	char *line = malloc(len + 1);
	size_t pos = 0;

	/* Padding words, then root= and init= beyond byte 2048, then a value longer than 2048. */
	while (pos < 2 * CMDLINE_X86_SIZE) {
		memcpy(line + pos, "batonpad.x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ", 57);
		pos += 57;
	}
	pos += (size_t)sprintf(line + pos, "root=UUID=5151 rd.shell=0 panic=7 rootflags=");
	memset(line + pos, 'o', len - pos);
	line[len] = '\0';
	CHECK_INT(parse_n(line, len), 0);
	CHECK_STR(params.root, "UUID=5151");
	CHECK_INT(params.shell_allowed, 0);
	CHECK_INT(params.panic_sec, 7);
	CHECK_INT(strlen(params.rootflags), len - pos);
	CHECK(params.value_size >= len + 1);
	/* One value filling the whole line fits. */
	memcpy(line, "root=", 5);
	memset(line + 5, 'r', len - 5);
	CHECK_INT(parse_n(line, len), 0);
	CHECK_INT(strlen(params.root), len - 5);
	free(line);
	/* A short line still leaves room for a root= handed back by a hook. */
	CHECK_INT(parse("root=/dev/a"), 0);
	CHECK(params.value_size >= CMDLINE_VALUE_ROOM);
}

/* Numbers as the kernel reads them: kstrtoint(s, 0) for panic= and rootwait=. */
static void test_kernel_numbers(void)
{
	static const struct {
		const char *line;
		int r, panic_sec;
	} rows[] = {
	    {"panic=10", 0, 10},
	    {"panic=-1", 0, -1},
	    {"panic=+3", 0, 3},
	    {"panic=0x10", 0, 16},
	    {"panic=010", 0, 8},
	    {"panic=0", 0, 0},
	    {"panic=\" -5\"", -EINVAL, 0},
	    {"panic=\" 5\"", -EINVAL, 0},
	    {"panic=5s", -EINVAL, 0},
	    {"panic=08", -EINVAL, 0},
	    {"panic=0x", -EINVAL, 0},
	    {"panic=-+5", -EINVAL, 0},
	    {"panic=2147483648", -EINVAL, 0},
	    {"panic=-2147483648", 0, INT_MIN},
	    {"panic=7 panic=junk", -EINVAL, 7},
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_INT(parse(rows[i].line), rows[i].r);
		CHECK_INT(params.panic_sec, rows[i].panic_sec);
		if (unit_case_failed) {
			fprintf(stderr, "  (row \"%s\")\n", rows[i].line);
			return;
		}
	}
}

/* rootdelay= is simple_strtoul(s, NULL, 0) in the kernel: leading digits, nothing else. */
static void test_rootdelay(void)
{
	static const struct {
		const char *line;
		int r;
		unsigned delay;
	} rows[] = {
	    {"rootdelay=3", 0, 3},
	    {"rootdelay=0x10", 0, 16},
	    /* strtol() skipped the blank and the sign check missed it: 4294967291 s. */
	    {"rootdelay=\" -5\"", -EINVAL, 0},
	    {"rootdelay=-5", -EINVAL, 0},
	    {"rootdelay=\" 5\"", -EINVAL, 0},
	    {"rootdelay=5s", -EINVAL, 5},
	    {"rootdelay=", -EINVAL, 0},
	    {"rootdelay=99999999999", -EINVAL, 0},
	    {"rootdelay", -EINVAL, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_INT(parse(rows[i].line), rows[i].r);
		CHECK_INT(params.rootdelay_sec, rows[i].delay);
		if (unit_case_failed) {
			fprintf(stderr, "  (row \"%s\")\n", rows[i].line);
			return;
		}
	}
}

/* The kernel's rootwait_timeout_setup() and dracut's rd.timeout=, with what waits forever. */
static void test_wait_rows(void)
{
	static const struct {
		const char *line;
		int r;
		enum cmdline_wait wait;
		unsigned timeout_sec;
	} rows[] = {
	    {"rootwait", 0, CMDLINE_WAIT_FOREVER, 0},
	    {"rootwait=5", 0, CMDLINE_WAIT_DEADLINE, 5},
	    {"rootwait=0x3c", 0, CMDLINE_WAIT_DEADLINE, 60},
	    /* 0: the kernel does not wait (root_wait = 0), as without rootwait. */
	    {"rootwait=0", 0, CMDLINE_WAIT_DEADLINE, CMDLINE_DEFAULT_TIMEOUT_SEC},
	    {"rootwait=0 rd.timeout=4", 0, CMDLINE_WAIT_DEADLINE, 4},
	    {"rootwait rootwait=0", 0, CMDLINE_WAIT_DEADLINE, CMDLINE_DEFAULT_TIMEOUT_SEC},
	    {"rootwait=0 rootwait", 0, CMDLINE_WAIT_FOREVER, 0},
	    /* What the kernel cannot read, or negative, or too many milliseconds: forever. */
	    {"rootwait=-1", -EINVAL, CMDLINE_WAIT_FOREVER, 0},
	    {"rootwait=\" 5\"", -EINVAL, CMDLINE_WAIT_FOREVER, 0},
	    {"rootwait=2147484", 0, CMDLINE_WAIT_FOREVER, 0},
	    {"rootwait=2147483", 0, CMDLINE_WAIT_DEADLINE, 2147483},
	    /* dracut.cmdline(7): rd.timeout=0 waits forever; never a deadline of 0. */
	    {"rd.timeout=0", 0, CMDLINE_WAIT_FOREVER, 0},
	    {"rd.timeout=\" -5\"", -EINVAL, CMDLINE_WAIT_DEADLINE, CMDLINE_DEFAULT_TIMEOUT_SEC},
	    {"rd.timeout=7 rootwait=0", 0, CMDLINE_WAIT_DEADLINE, 7},
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_INT(parse(rows[i].line), rows[i].r);
		CHECK_INT(params.wait, rows[i].wait);
		CHECK_INT(params.timeout_sec, rows[i].timeout_sec);
		if (unit_case_failed) {
			fprintf(stderr, "  (row \"%s\")\n", rows[i].line);
			return;
		}
	}
}

/* The resume= wait always has a deadline, even when the root may be waited for forever. */
static void test_resume_timeout(void)
{
	CHECK_INT(parse("resume=/dev/vdb"), 0);
	CHECK_INT(cmdline_resume_timeout(&params), CMDLINE_DEFAULT_TIMEOUT_SEC);
	CHECK_INT(parse("resume=/dev/vdb rd.timeout=0"), 0);
	CHECK_INT(cmdline_resume_timeout(&params), CMDLINE_DEFAULT_TIMEOUT_SEC);
	CHECK_INT(parse("resume=/dev/vdb rootwait"), 0);
	CHECK_INT(cmdline_resume_timeout(&params), CMDLINE_DEFAULT_TIMEOUT_SEC);
	CHECK_INT(parse("resume=/dev/vdb rd.timeout=5"), 0);
	CHECK_INT(cmdline_resume_timeout(&params), 5);
}

/* Dialects: systemd's rd.modules_load=, the kernel's noresume. */
static void test_dialects(void)
{
	CHECK_INT(parse("rd.modules_load=dm_crypt,xfs modules_load=nvme"), 0);
	CHECK_STR(params.load_modules, "dm_crypt,xfs,nvme");
	CHECK_INT(parse("resume=/dev/vdb"), 0);
	CHECK_INT(params.noresume, 0);
	CHECK_INT(parse("resume=/dev/vdb noresume"), 0);
	CHECK_INT(params.noresume, 1);
	CHECK_STR(params.resume, "/dev/vdb");
	CHECK_INT(parse("noresume=1"), 0);
	CHECK_INT(params.noresume, 0);
}

/* The blacklist becomes a modprobe.d file: a newline in it must not start a line there. */
static void test_blacklist_names(void)
{
	CHECK_INT(parse("modprobe.blacklist=\"floppy\ninstall ext4 /bin/sh\",pcspkr"), -EINVAL);
	CHECK_STR(params.blacklist, "pcspkr");
	CHECK(strchr(params.blacklist, '\n') == NULL);
	CHECK_INT(parse("rd.driver.blacklist=\"nouveau\nblacklist x\""), -EINVAL);
	CHECK_STR(params.blacklist, "");
	CHECK_INT(parse("modprobe.blacklist=snd-pcsp,,floppy rd.driver.blacklist=\"a b\",c"),
		  -EINVAL);
	CHECK_STR(params.blacklist, "snd-pcsp,floppy,c");
	CHECK(cmdline_module_name_valid("virtio_blk", 10));
	CHECK(!cmdline_module_name_valid("virtio blk", 10));
	CHECK(!cmdline_module_name_valid("", 0));
	CHECK(!cmdline_module_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					 CMDLINE_MODULE_NAME_MAX));
}

/* One name=value or bare word through the parser; the row's field must hold want. */
static void check_key_int(const struct cmdline_key *k, const char *line, int want)
{
	CHECK_INT(parse(line), 0);
	CHECK_INT(cmdline_key_int(&params, k), want);
	if (unit_case_failed)
		fprintf(stderr, "  (line \"%s\")\n", line);
}

/* Another FLAG row with this one's field and a different value, so that its effect shows. */
static const char *other_flag(const struct cmdline_key *k)
{
	for (size_t i = 0; i < cmdline_keys_count; i++)
		if (cmdline_keys[i].kind == CMDLINE_FLAG && cmdline_keys[i].offset == k->offset &&
		    cmdline_keys[i].value != k->value)
			return cmdline_keys[i].names[0].name;
	return NULL;
}

/* Each name of a key, written as the key's kind is written, reaches the key's field. */
static void check_name(const struct cmdline_key *k, const char *name)
{
	char line[256];

	switch (k->kind) {
	case CMDLINE_STRING:
	case CMDLINE_LIST:
	case CMDLINE_WORDS:
	case CMDLINE_MODULES:
		snprintf(line, sizeof(line), "%s=virtio_blk", name);
		CHECK_INT(parse(line), 0);
		CHECK_STR(cmdline_key_string(&params, k), "virtio_blk");
		break;
	case CMDLINE_FLAG:
		snprintf(line, sizeof(line), "%s %s", other_flag(k) ? other_flag(k) : "", name);
		check_key_int(k, line, k->value);
		/* name=value is another word, not the flag. */
		snprintf(line, sizeof(line), "%s=1", name);
		check_key_int(k, line, k->dflt);
		break;
	case CMDLINE_NUMBER:
		snprintf(line, sizeof(line), "%s=0x7", name);
		check_key_int(k, line, 7);
		snprintf(line, sizeof(line), "%s=x", name);
		CHECK_INT(parse(line), -EINVAL);
		break;
	case CMDLINE_ENUM:
		for (const struct cmdline_choice *c = k->choices; c->name; c++) {
			snprintf(line, sizeof(line), "%s=%s", name, c->name);
			check_key_int(k, line, c->value);
		}
		if (k->bare_ok)
			check_key_int(k, name, k->value);
		else
			CHECK_INT(parse(name), -EINVAL);
		break;
	case CMDLINE_STAGE:
		for (int st = 0; st < STAGE_COUNT; st++) {
			snprintf(line, sizeof(line), "%s=%s", name, stage_name(st));
			check_key_int(k, line, st);
		}
		check_key_int(k, name, k->value);
		break;
	}
	if (unit_case_failed)
		fprintf(stderr, "  (key \"%s\")\n", name);
}

/* Walks cmdline_keys[]: every row is sound, has its default, and each of its names parses. */
static void test_every_key(void)
{
	CHECK(cmdline_keys_count > 0);
	for (size_t i = 0; i < cmdline_keys_count && !unit_case_failed; i++) {
		const struct cmdline_key *k = &cmdline_keys[i];

		CHECK(k->names[0].name != NULL && k->meaning != NULL && k->meaning[0] != '\0');
		CHECK(k->offset + k->size <= sizeof(struct boot_params));
		if (cmdline_kind_is_string(k->kind)) {
			CHECK_INT(k->size, sizeof(char *));
		} else {
			CHECK(k->size == sizeof(bool) || k->size == sizeof(int));
			check_key_int(k, "", k->dflt);
		}
		CHECK(k->kind != CMDLINE_ENUM || k->choices != NULL);
		for (size_t j = 0; j < CMDLINE_NAMES_MAX && k->names[j].name; j++) {
			/* A name belongs to one row. */
			CHECK(cmdline_key_find(k->names[j].name, strlen(k->names[j].name)) == k);
			check_name(k, k->names[j].name);
		}
	}
	CHECK(cmdline_key_find("module.param", 12) == NULL);
	CHECK(cmdline_key_find("roo", 3) == NULL);
}

/* Each word whose value did not parse is recorded, and the warning can name it. */
static void test_invalid_words(void)
{
	static const struct {
		const char *line;
		unsigned count;
		const char *first, *why;
	} rows[] = {
	    {"root=/dev/a", 0, "", NULL},
	    {"rootdelay=abc", 1, "rootdelay=abc", "not a number, using the default 0"},
	    {"rootdelay=5s", 1, "rootdelay=5s", "not a number, using 5"},
	    {"rootdelay", 1, "rootdelay", "not a number, using the default 0"},
	    {"panic=7 panic=junk", 1, "panic=junk", "not a number, using 7"},
	    {"rd.timeout=-5", 1, "rd.timeout=-5", "not a number of seconds, using the default 30"},
	    {"baton.hook_timeout=0", 1, "baton.hook_timeout=0",
	     "not a number of seconds above 0, using the default 60"},
	    {"rootwait=5s", 1, "rootwait=5s",
	     "not a number of seconds, waiting forever as the kernel does"},
	    {"rd.shell=maybe", 1, "rd.shell=maybe", "not one of its values, using the default 1"},
	    {"rd.emergency=explode", 1, "rd.emergency=explode",
	     "not one of its values, using the default"},
	    {"baton.log=loud baton.log=info", 1, "baton.log=loud",
	     "not one of its values, using info"},
	    {"rd.break=nonsense", 1, "rd.break=nonsense", "not a stage, so no break"},
	    {"break rd.break=x", 1, "rd.break=x", "not a stage, breaking before premount"},
	    {"modprobe.blacklist=\"a\nb\" x", 1, "modprobe.blacklist=a?b",
	     "not a list of module names, leaving out what is not one"},
	    {"\"panic=x\" rd.timeout=y", 2, "panic=x", "not a number, using the default 0"},
	};
	char why[CMDLINE_EXPLAIN_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_INT(parse(rows[i].line), rows[i].count ? -EINVAL : 0);
		CHECK_INT(params.invalid_count, rows[i].count);
		CHECK_STR(params.invalid, rows[i].first);
		if (rows[i].why) {
			CHECK_INT(
			    cmdline_invalid_explain(&params, params.invalid, why, sizeof(why)), 0);
			CHECK_STR(why, rows[i].why);
		}
		if (unit_case_failed) {
			fprintf(stderr, "  (row \"%s\")\n", rows[i].line);
			return;
		}
	}
	/* The second word follows the first's NUL. */
	CHECK_STR(params.invalid + strlen(params.invalid) + 1, "rd.timeout=y");
	CHECK_INT(cmdline_invalid_explain(&params, "nokey=1", why, sizeof(why)), -ENOENT);
}

/* Every word of a long line invalid: the record still fits in its room. */
static void test_invalid_room(void)
{
	const size_t len = 2 * CMDLINE_X86_SIZE;
	char *line = malloc(len + 1);
	size_t n = 0;

	for (size_t pos = 0; pos + 8 <= len; pos += 8, n++)
		memcpy(line + pos, "panic=x ", 8);
	/* The last word ends the line without a blank after it. */
	line[len - 1] = 'x';
	line[len] = '\0';
	CHECK_INT(parse_n(line, len), -EINVAL);
	CHECK_INT(params.invalid_count, n);
	free(line);
}

static void test_not_terminated(void)
{
	/* The parser must respect len: the bytes after it are not part of the line. */
	CHECK_INT(parse_n("root=/dev/vda1XXX", 14), 0);
	CHECK_STR(params.root, "/dev/vda1");
	CHECK_INT(parse_n("root=/dev/a\0root=/dev/b", 23), 0);
	CHECK_STR(params.root, "/dev/b");
}

static void test_free(void)
{
	CHECK_INT(parse("root=/dev/a"), 0);
	cmdline_free(&params);
	CHECK(params.root == NULL && params.blacklist == NULL && params.strings == NULL);
	/* Twice is harmless. */
	cmdline_free(&params);
}

const struct unit_case cmdline_cases[] = {
    {"defaults", test_defaults},
    {"stacks", test_stacks},
    {"strings", test_strings},
    {"ro_rw", test_ro_rw},
    {"waiting", test_waiting},
    {"bad_numbers", test_bad_numbers},
    {"panic_and_verbosity", test_panic_and_verbosity},
    {"lists", test_lists},
    {"stages_and_failure", test_stages_and_failure},
    {"long_line", test_long_line},
    {"kernel_numbers", test_kernel_numbers},
    {"rootdelay", test_rootdelay},
    {"wait_rows", test_wait_rows},
    {"resume_timeout", test_resume_timeout},
    {"dialects", test_dialects},
    {"blacklist_names", test_blacklist_names},
    {"not_terminated", test_not_terminated},
    {"free", test_free},
    {"every_key", test_every_key},
    {"invalid_words", test_invalid_words},
    {"invalid_room", test_invalid_room},
    {NULL, NULL},
};
