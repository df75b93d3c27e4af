// SPDX-License-Identifier: MIT
/* Table-driven tests of devspec_parse(): every root= form and what it must give. */
#include "devspec.h"
#include "macro.h"
#include "unit.h"

#include <errno.h>

static const struct {
	const char *spec;
	int result;
	enum devspec_kind kind;
	const char *value;
	unsigned major, minor;
	int partnroff;
} table[] = {
    {"/dev/vda2", 0, DEVSPEC_PATH, "/dev/vda2", 0, 0, 0},
    {"UUID=2f0b7d14-55e2-4c8b-9a8e-0123456789ab", 0, DEVSPEC_UUID,
     "2f0b7d14-55e2-4c8b-9a8e-0123456789ab", 0, 0, 0},
    {"LABEL=my root", 0, DEVSPEC_LABEL, "my root", 0, 0, 0},
    {"LABEL=\"quoted\"", 0, DEVSPEC_LABEL, "quoted", 0, 0, 0},
    {"PARTUUID=0badcafe-02", 0, DEVSPEC_PARTUUID, "0badcafe-02", 0, 0, 0},
    {"PARTUUID=0badcafe-01/PARTNROFF=1", 0, DEVSPEC_PARTUUID, "0badcafe-01", 0, 0, 1},
    {"PARTUUID=abc/PARTNROFF=-2", 0, DEVSPEC_PARTUUID, "abc", 0, 0, -2},
    {"PARTLABEL=root", 0, DEVSPEC_PARTLABEL, "root", 0, 0, 0},
    {"/dev/disk/by-uuid/1234-ABCD", 0, DEVSPEC_UUID, "1234-ABCD", 0, 0, 0},
    {"/dev/disk/by-label/my\\x20root", 0, DEVSPEC_LABEL, "my root", 0, 0, 0},
    {"/dev/disk/by-partuuid/aa-01", 0, DEVSPEC_PARTUUID, "aa-01", 0, 0, 0},
    {"/dev/disk/by-partlabel/esp", 0, DEVSPEC_PARTLABEL, "esp", 0, 0, 0},
    {"254:2", 0, DEVSPEC_DEVNUM, "254:2", 254, 2, 0},
    {"8:17", 0, DEVSPEC_DEVNUM, "8:17", 8, 17, 0},
    {"0x801", 0, DEVSPEC_DEVNUM, "0x801", 8, 1, 0},
    {"801", 0, DEVSPEC_DEVNUM, "801", 8, 1, 0},
    {"fe02", 0, DEVSPEC_DEVNUM, "fe02", 254, 2, 0},
    {"", -EINVAL, 0, NULL, 0, 0, 0},
    {"UUID=", -EINVAL, 0, NULL, 0, 0, 0},
    {"vda2", -EINVAL, 0, NULL, 0, 0, 0},
    {"8:", -EINVAL, 0, NULL, 0, 0, 0},
    {":1", -EINVAL, 0, NULL, 0, 0, 0},
    {"8:1x", -EINVAL, 0, NULL, 0, 0, 0},
    {"99999:1", -EINVAL, 0, NULL, 0, 0, 0},
    {"PARTUUID=abc/PARTNROFF=x", -EINVAL, 0, NULL, 0, 0, 0},
    {"PARTUUID=abc/FOO=1", -EINVAL, 0, NULL, 0, 0, 0},
    {"PARTUUID=/PARTNROFF=1", -EINVAL, 0, NULL, 0, 0, 0},
    {"/dev/disk/by-uuid/\\x00", -EINVAL, 0, NULL, 0, 0, 0},
    {"0x0x801", -EINVAL, 0, NULL, 0, 0, 0},
    {"0", -EINVAL, 0, NULL, 0, 0, 0},
    {"0:0", -EINVAL, 0, NULL, 0, 0, 0},
    {"+8:1", -EINVAL, 0, NULL, 0, 0, 0},
    {"/dev/disk/by-partuuid/ab\\x2fPARTNROFF=1", 0, DEVSPEC_PARTUUID, "ab/PARTNROFF=1", 0, 0, 0},
    {"/dev/disk/by-label/ab\\x00cd", -EINVAL, 0, NULL, 0, 0, 0},
};

static void test_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		struct devspec d = {.kind = DEVSPEC_PATH};
		int r = devspec_parse(table[i].spec, &d);

		if (r != table[i].result)
			fprintf(stderr, "  spec \"%s\"\n", table[i].spec);
		CHECK_INT(r, table[i].result);
		if (r < 0 || table[i].result < 0)
			continue;
		CHECK_INT(d.kind, table[i].kind);
		CHECK_STR(d.value, table[i].value);
		CHECK_INT(d.major, table[i].major);
		CHECK_INT(d.minor, table[i].minor);
		CHECK_INT(d.partnroff, table[i].partnroff);
	}
}

static void test_overlong(void)
{
	char spec[DEVSPEC_VALUE_MAX + 16];

	memcpy(spec, "LABEL=", 6);
	memset(spec + 6, 'x', sizeof(spec) - 7);
	spec[sizeof(spec) - 1] = '\0';
	struct devspec d;

	CHECK_INT(devspec_parse(spec, &d), -ENAMETOOLONG);
	spec[0] = '/';
	CHECK_INT(devspec_parse(spec, &d), -ENAMETOOLONG);
}

static void test_tag_names(void)
{
	CHECK_STR(devspec_tag_name(DEVSPEC_UUID), "UUID");
	CHECK_STR(devspec_tag_name(DEVSPEC_PARTLABEL), "PARTLABEL");
	CHECK(devspec_tag_name(DEVSPEC_PATH) == NULL);
}

/* What each root= form makes baton read of every disk it looks at before the one that matches. */
static void test_probe_needed(void)
{
	static const struct {
		const char *spec;
		enum devspec_probe want;
	} rows[] = {
	    {"UUID=0ba70900-be0c-4be0-8be0-000000000001", DEVSPEC_PROBE_SUPERBLOCK},
	    {"/dev/disk/by-uuid/0ba70900-be0c-4be0-8be0-000000000001", DEVSPEC_PROBE_SUPERBLOCK},
	    {"LABEL=root", DEVSPEC_PROBE_SUPERBLOCK},
	    {"PARTUUID=0ba70900-01", DEVSPEC_PROBE_PARTITION},
	    {"PARTUUID=0ba70900-01/PARTNROFF=1", DEVSPEC_PROBE_PARTITION},
	    {"PARTLABEL=root", DEVSPEC_PROBE_PARTITION},
	    {"/dev/disk/by-partlabel/root", DEVSPEC_PROBE_PARTITION},
	    {"/dev/sdb", DEVSPEC_PROBE_NONE},
	    {"/dev/disk/by-path/pci-0000:00:02.0-scsi-0:0:0:127", DEVSPEC_PROBE_NONE},
	    {"8:16", DEVSPEC_PROBE_NONE},
	    {"0811", DEVSPEC_PROBE_NONE},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct devspec d;

		CHECK_INT(devspec_parse(rows[i].spec, &d), 0);
		CHECK_INT(devspec_probe_needed(d.kind), rows[i].want);
	}
}

const struct unit_case devspec_cases[] = {
    {"probe_needed", test_probe_needed}, {"table", test_table}, {"overlong", test_overlong},
    {"tag_names", test_tag_names},	 {NULL, NULL},
};
