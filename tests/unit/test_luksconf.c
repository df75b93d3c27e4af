// SPDX-License-Identifier: MIT
/* luksconf: every LUKS dialect of the command line and crypttab, and what each must give. */
#include "luksconf.h"
#include "unit.h"

#include <errno.h>

#define U1 "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"
#define U2 "11112222-3333-4444-5555-666677778888"

static struct boot_params params;
static struct luksconf conf;

/* Parses a command line into conf; returns luksconf_from_cmdline()'s result. */
static int load(const char *line)
{
	cmdline_free(&params);
	if (cmdline_parse(line, strlen(line), &params) < 0)
		return -100;
	return luksconf_from_cmdline(&params, &conf);
}

static void defaults(void)
{
	CHECK_INT(load("root=UUID=x"), 0);
	CHECK(conf.enabled);
	CHECK(!conf.restricted);
	CHECK_INT(conf.count, 0);
	CHECK_INT(conf.any.keyfile_offset, -1);
	CHECK_INT(load("rd.luks=0"), 0);
	CHECK(!conf.enabled);
	CHECK_INT(load("luks=no"), 0);
	CHECK(!conf.enabled);
	CHECK(params.luks_crypttab);
	CHECK_INT(load("rd.luks.crypttab=0"), 0);
	CHECK(!params.luks_crypttab);
}

static void uuids_and_names(void)
{
	char name[LUKSCONF_NAME_MAX];

	CHECK_INT(load("rd.luks.uuid=luks-" U1 " luks.uuid=" U2), 0);
	CHECK(conf.restricted);
	CHECK_INT(conf.count, 2);
	CHECK_STR(conf.vol[0].uuid, U1);
	CHECK_STR(conf.vol[1].uuid, U2);
	CHECK(conf.vol[0].named && conf.vol[1].named);
	luksconf_mapper_name(&conf.vol[0], conf.vol[0].uuid, name, sizeof(name));
	CHECK_STR(name, "luks-" U1);
	/* A name for a UUID already listed is the same volume. */
	CHECK_INT(load("rd.luks.uuid=" U1 " rd.luks.name=" U1 "=cryptroot"), 0);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].name, "cryptroot");
	CHECK(luksconf_find_uuid(&conf, "0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9") == &conf.vol[0]);
	CHECK_INT(load("rd.luks.name=" U1 "=a/b"), -EINVAL);
	CHECK_INT(load("rd.luks.name=" U1), -EINVAL);
	CHECK_INT(load("rd.luks.name=" U1 "="), -EINVAL);
}

static void keys(void)
{
	/* systemd: PATH[:DEVICE] for every device, UUID=PATH[:DEVICE] for one. */
	CHECK_INT(load("rd.luks.key=/etc/k.key:LABEL=KEYS"), 0);
	CHECK_STR(conf.any.keyfile, "/etc/k.key");
	CHECK_STR(conf.any.keydev, "LABEL=KEYS");
	CHECK(!conf.restricted);
	CHECK_INT(load("luks.key=" U1 "=/k:UUID=1234-ABCD"), 0);
	CHECK_INT(conf.count, 1);
	CHECK(!conf.vol[0].named);
	CHECK(!conf.restricted);
	CHECK_STR(conf.vol[0].keyfile, "/k");
	CHECK_STR(conf.vol[0].keydev, "UUID=1234-ABCD");
	CHECK_STR(conf.any.keyfile, "");
	/* dracut: keypath:keydev:luksdev. */
	CHECK_INT(load("rd.luks.key=/k:LABEL=S:UUID=" U2), 0);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].uuid, U2);
	CHECK_STR(conf.vol[0].keyfile, "/k");
	CHECK_STR(conf.vol[0].keydev, "LABEL=S");
	CHECK_STR(conf.any.keyfile, "");
	CHECK_INT(load("rd.luks.key=:LABEL=S"), -EINVAL);
}

static void options(void)
{
	CHECK_INT(load("rd.luks.options=discard,tries=5 rd.luks.options=" U1 "=header=/h.img,"
		       "keyfile-offset=16,keyfile-size=32,read-only,luks,x-initrd.attach"),
		  0);
	CHECK(conf.any.discard);
	CHECK_INT(conf.any.tries, 5);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].header, "/h.img");
	CHECK_INT(conf.vol[0].keyfile_offset, 16);
	CHECK_INT(conf.vol[0].keyfile_size, 32);
	CHECK(conf.vol[0].readonly);
	CHECK(!conf.vol[0].discard);
	CHECK_INT(load("rd.luks.options=tries=x"), -EINVAL);
	CHECK_INT(load("rd.luks.options=keyfile-size=-1"), -EINVAL);
	CHECK_INT(load("rd.luks.options=tries=0"), 0);
	CHECK(conf.any.tries > 3);
	/* systemd's TPM2 options: not given, "auto", a device node, a wait in seconds. */
	CHECK_STR(conf.any.tpm2_device, "");
	CHECK_INT(conf.any.token_timeout, -1);
	CHECK_INT(load("rd.luks.options=tpm2-device=auto,token-timeout=20s"), 0);
	CHECK_STR(conf.any.tpm2_device, "auto");
	CHECK_INT(conf.any.token_timeout, 20);
	CHECK_INT(load("rd.luks.options=" U1 "=tpm2-device=/dev/tpmrm1,token-timeout=0"), 0);
	CHECK_STR(conf.vol[0].tpm2_device, "/dev/tpmrm1");
	CHECK_INT(conf.vol[0].token_timeout, 0);
	CHECK_INT(load("rd.luks.options=tpm2-device=tpmrm0"), -EINVAL);
	CHECK_INT(load("rd.luks.options=tpm2-device="), -EINVAL);
	CHECK_INT(load("rd.luks.options=token-timeout=5min"), -EINVAL);
	CHECK_INT(load("rd.luks.options=token-timeout=s"), -EINVAL);
}

static void cryptdevice(void)
{
	CHECK_INT(load("cryptdevice=UUID=" U1 ":cryptroot:allow-discards"), 0);
	CHECK(conf.restricted);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].uuid, U1);
	CHECK_STR(conf.vol[0].name, "cryptroot");
	CHECK(conf.vol[0].discard);
	CHECK_INT(conf.vol[0].source, LUKSCONF_CRYPTDEVICE);
	CHECK_INT(load("cryptdevice=/dev/sda2:root cryptkey=rootfs:/etc/root.key"), 0);
	CHECK_STR(conf.vol[0].device, "/dev/sda2");
	CHECK_STR(conf.vol[0].uuid, "");
	CHECK_STR(conf.vol[0].keyfile, "/etc/root.key");
	CHECK_STR(conf.vol[0].keydev, "");
	CHECK_INT(load("cryptdevice=LABEL=c:root cryptkey=LABEL=usb:vfat:/keys/root.bin"), 0);
	CHECK_STR(conf.vol[0].device, "LABEL=c");
	CHECK_STR(conf.vol[0].keydev, "LABEL=usb");
	CHECK_STR(conf.vol[0].keydev_fstype, "vfat");
	CHECK_STR(conf.vol[0].keyfile, "/keys/root.bin");
	CHECK_INT(load("cryptdevice=/dev/sda2"), -EINVAL);
	CHECK_INT(load("cryptdevice=/dev/sda2:"), -EINVAL);
	CHECK_INT(load("cryptdevice=/dev/sda2:r cryptkey=/dev/sdb:0:64"), -EINVAL);
}

static void crypttab(void)
{
	static const char tab[] = "# name device keyfile options\n"
				  "\n"
				  "cryptroot UUID=" U1 " none luks,discard,tpm2-device=auto\n"
				  "  swap\t/dev/vdc  /etc/keys/swap.key:LABEL=K  keyfile-size=64\n"
				  "data UUID=" U2 " -\n";

	CHECK_INT(load("root=/dev/mapper/cryptroot"), 0);
	CHECK_INT(luksconf_add_crypttab(&conf, tab, sizeof(tab) - 1), 3);
	CHECK_INT(conf.count, 3);
	CHECK_STR(conf.vol[0].name, "cryptroot");
	CHECK_STR(conf.vol[0].uuid, U1);
	CHECK(conf.vol[0].discard);
	CHECK_STR(conf.vol[0].tpm2_device, "auto");
	CHECK_STR(conf.vol[0].keyfile, "");
	CHECK_STR(conf.vol[1].device, "/dev/vdc");
	CHECK_STR(conf.vol[1].keyfile, "/etc/keys/swap.key");
	CHECK_STR(conf.vol[1].keydev, "LABEL=K");
	CHECK_INT(conf.vol[1].keyfile_size, 64);
	CHECK_STR(conf.vol[2].keyfile, "");
	/* A restricting command line: only the UUIDs it names, with crypttab's settings. */
	CHECK_INT(load("rd.luks.uuid=" U1), 0);
	CHECK_INT(luksconf_add_crypttab(&conf, tab, sizeof(tab) - 1), 1);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].name, "cryptroot");
	CHECK_INT(conf.ignored, 2);
	/* The command line's name wins over crypttab's. */
	CHECK_INT(load("rd.luks.name=" U1 "=mine"), 0);
	CHECK_INT(luksconf_add_crypttab(&conf, tab, sizeof(tab) - 1), 1);
	CHECK_STR(conf.vol[0].name, "mine");
	CHECK(conf.vol[0].discard);
	CHECK_STR(conf.vol[0].tpm2_device, "auto");
	/* A line with one field, a bad option: left out, the rest used. */
	CHECK_INT(load(""), 0);
	static const char bad[] = "lonely\nok /dev/vdb none tries=x\ngood /dev/vdd\n";

	CHECK_INT(luksconf_add_crypttab(&conf, bad, sizeof(bad) - 1), -EINVAL);
	CHECK_INT(conf.count, 1);
	CHECK_STR(conf.vol[0].name, "good");
}

static void limits(void)
{
	char line[LUKSCONF_VOLUMES_MAX * 64 + 128];
	size_t n = 0;

	for (int i = 0; i <= LUKSCONF_VOLUMES_MAX; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      "rd.luks.uuid=%08x-0000-4000-8000-000000000000 ", i);
	CHECK_INT(load(line), -EINVAL);
	CHECK_INT(conf.count, LUKSCONF_VOLUMES_MAX);
	CHECK_INT(conf.ignored, 1);
}

const struct unit_case luksconf_cases[] = {
    {"defaults", defaults},
    {"uuids_and_names", uuids_and_names},
    {"keys", keys},
    {"options", options},
    {"cryptdevice", cryptdevice},
    {"crypttab", crypttab},
    {"limits", limits},
    {NULL, NULL},
};
