// SPDX-License-Identifier: MIT
/* The keys of the kernel command line baton reads, as one table: names, kind, field, default. */
#include "cmdline.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"

/* clang-format off */
/* Laid out by hand down to "clang-format on": one row per key, the choices of a key together. */
static const struct cmdline_choice shell_choices[] = {
	{ "1", true }, { "yes", true }, { "0", false }, { "no", false }, { NULL, 0 },
};

static const struct cmdline_choice emergency_choices[] = {
	{ "reboot", CMDLINE_EMERGENCY_REBOOT }, { "halt", CMDLINE_EMERGENCY_HALT },
	{ "poweroff", CMDLINE_EMERGENCY_HALT }, { "shell", CMDLINE_EMERGENCY_SHELL },
	{ NULL, 0 },
};

/* baton.log=: syslog levels by name, as log.h numbers them. */
static const struct cmdline_choice level_choices[] = {
	{ "err", 3 }, { "warning", 4 }, { "notice", 5 }, { "info", 6 }, { "debug", 7 }, { NULL, 0 },
};

/* systemd.volatile=: systemd's volatile_mode_from_string() and its booleans. */
static const struct cmdline_choice volatile_choices[] = {
	{ "no", CMDLINE_VOLATILE_NO }, { "0", CMDLINE_VOLATILE_NO }, { "false", CMDLINE_VOLATILE_NO },
	{ "off", CMDLINE_VOLATILE_NO }, { "yes", CMDLINE_VOLATILE_YES },
	{ "1", CMDLINE_VOLATILE_YES }, { "true", CMDLINE_VOLATILE_YES },
	{ "on", CMDLINE_VOLATILE_YES }, { "state", CMDLINE_VOLATILE_STATE },
	{ "overlay", CMDLINE_VOLATILE_OVERLAY }, { NULL, 0 },
};

/* A key's destination: where in struct boot_params, and how wide. */
#define FIELD(f) \
	.offset = offsetof(struct boot_params, f), .size = sizeof(((struct boot_params *)0)->f)
#define KERNEL(n) { n, CMDLINE_KERNEL }
#define DRACUT(n) { n, CMDLINE_DRACUT }
#define SYSTEMD(n) { n, CMDLINE_SYSTEMD }
#define INITRAMFS_TOOLS(n) { n, CMDLINE_INITRAMFS_TOOLS }
#define BATON(n) { n, CMDLINE_BATON }
#define MKINITCPIO(n) { n, CMDLINE_MKINITCPIO }

/*
 * Every key baton reads, one row each: its names in every dialect, how its value is read,
 * where it goes, its default and what it means. The parser, the unit test that walks this
 * table and the docs check (tests/check-docs.sh, through tests/docs/cmdline_keys.c) all read it.
 * Adding a key is one row here plus its line in doc/baton.7 and in the README's table; a new
 * field of struct boot_params if it needs one (a string field also in string_field()).
 * A name belongs to one row only.
 */
const struct cmdline_key cmdline_keys[] = {
	{ .names = { KERNEL("root") }, .kind = CMDLINE_STRING, FIELD(root),
	  .meaning = "the root device: a path, a tag (UUID=, LABEL=, ...) or a device number" },
	{ .names = { KERNEL("rootfstype") }, .kind = CMDLINE_STRING, FIELD(rootfstype),
	  .meaning = "filesystem types to try for the root, comma separated" },
	{ .names = { KERNEL("rootflags") }, .kind = CMDLINE_STRING, FIELD(rootflags),
	  .meaning = "mount options for the root, parsed by libmount" },
	{ .names = { KERNEL("init") }, .kind = CMDLINE_STRING, FIELD(init),
	  .meaning = "the real init, resolved inside the new root" },
	{ .names = { KERNEL("resume") }, .kind = CMDLINE_STRING, FIELD(resume),
	  .meaning = "the device holding a hibernation image" },
	/* kernel/power/hibernate.c: noresume disables resume for the whole boot. */
	{ .names = { KERNEL("noresume") }, .kind = CMDLINE_FLAG, FIELD(noresume), .value = true,
	  .meaning = "never resume from hibernation" },
	{ .names = { SYSTEMD("mount.usr") }, .kind = CMDLINE_STRING, FIELD(usr),
	  .meaning = "a separate /usr device" },
	{ .names = { SYSTEMD("mount.usrfstype") }, .kind = CMDLINE_STRING, FIELD(usrfstype),
	  .meaning = "the filesystem type of the separate /usr" },
	{ .names = { SYSTEMD("mount.usrflags") }, .kind = CMDLINE_STRING, FIELD(usrflags),
	  .meaning = "mount options for the separate /usr" },
	/* systemd-modules-load.service(8) spells them with '_'; '-' works there too. */
	{ .names = { DRACUT("rd.driver.pre"), SYSTEMD("rd.modules-load"),
		     SYSTEMD("rd.modules_load"), SYSTEMD("modules_load"), SYSTEMD("modules-load") },
	  .kind = CMDLINE_LIST, FIELD(load_modules),
	  .meaning = "modules loaded first, by name, with their dependencies" },
	{ .names = { DRACUT("rd.driver.blacklist"), KERNEL("modprobe.blacklist") },
	  .kind = CMDLINE_MODULES, FIELD(blacklist),
	  .meaning = "modules never loaded for hardware or filesystem aliases" },
	{ .names = { KERNEL("ro") }, .kind = CMDLINE_FLAG, FIELD(read_write), .value = false,
	  .meaning = "mount the root read-only (the default)" },
	{ .names = { KERNEL("rw") }, .kind = CMDLINE_FLAG, FIELD(read_write), .value = true,
	  .meaning = "mount the root read-write" },
	/*
	 * Linux 6.3 added rootwait=SEC (init/do_mounts.c, rootwait_timeout_setup()): a value it
	 * cannot read, a negative one, or one whose milliseconds overflow an int waits forever;
	 * 0 does not wait at all, as without rootwait.
	 */
	{ .names = { KERNEL("rootwait") }, .kind = CMDLINE_NUMBER, FIELD(rootwait_sec),
	  .rule = CMDLINE_RULE_ROOTWAIT, .dflt = CMDLINE_ROOTWAIT_NONE,
	  .meaning = "wait for the root forever, or at most SEC seconds" },
	{ .names = { KERNEL("rootdelay") }, .kind = CMDLINE_NUMBER, FIELD(rootdelay_sec),
	  .rule = CMDLINE_RULE_ROOTDELAY, .meaning = "sleep before looking for the root" },
	/* dracut.cmdline(7): 0 waits forever. */
	{ .names = { DRACUT("rd.timeout") }, .kind = CMDLINE_NUMBER, FIELD(rd_timeout_sec),
	  .rule = CMDLINE_RULE_SECONDS, .dflt = CMDLINE_DEFAULT_TIMEOUT_SEC,
	  .meaning = "how long to wait for the root without rootwait; 0 waits forever" },
	/* kernel/panic.c: core_param(panic, ..., int), read by kstrtoint(). */
	{ .names = { KERNEL("panic") }, .kind = CMDLINE_NUMBER, FIELD(panic_sec),
	  .rule = CMDLINE_RULE_INT,
	  .meaning = "after a failure: reboot after SEC seconds, at once if negative, 0 halts" },
	/* dracut: a bare rd.break stops just before the switch. */
	{ .names = { DRACUT("rd.break") }, .kind = CMDLINE_STAGE, FIELD(break_at),
	  .bare_ok = true, .value = STAGE_PRE_SWITCH, .dflt = STAGE_NONE,
	  .meaning = "a shell before this stage's hooks" },
	/* initramfs-tools: a bare break stops before mounting. */
	{ .names = { INITRAMFS_TOOLS("break") }, .kind = CMDLINE_STAGE, FIELD(break_at),
	  .bare_ok = true, .value = STAGE_PREMOUNT, .dflt = STAGE_NONE,
	  .meaning = "a shell before this stage's hooks; bare: before mounting" },
	{ .names = { DRACUT("rd.shell") }, .kind = CMDLINE_ENUM, FIELD(shell_allowed),
	  .choices = shell_choices, .bare_ok = true, .value = true, .dflt = true,
	  .meaning = "allow (1, the default) or forbid (0) every shell" },
	{ .names = { DRACUT("rd.emergency") }, .kind = CMDLINE_ENUM, FIELD(emergency),
	  .choices = emergency_choices, .dflt = CMDLINE_EMERGENCY_DEFAULT,
	  .meaning = "what a failure does after its report: reboot, halt or shell" },
	{ .names = { BATON("baton.hook_timeout") }, .kind = CMDLINE_NUMBER,
	  FIELD(hook_timeout_sec), .rule = CMDLINE_RULE_POSITIVE,
	  .dflt = CMDLINE_DEFAULT_HOOK_TIMEOUT_SEC, .meaning = "how long one hook may run" },
	/* No dracut or systemd key turns the shutdown return off; theirs are always on. */
	{ .names = { BATON("baton.shutdown") }, .kind = CMDLINE_ENUM, FIELD(shutdown),
	  .choices = shell_choices, .bare_ok = true, .value = true, .dflt = true,
	  .meaning = "copy the shutdown return to /run/initramfs (1, the default) or not (0)" },
	{ .names = { BATON("baton.log") }, .kind = CMDLINE_ENUM, FIELD(log_level),
	  .choices = level_choices, .dflt = -1, .meaning = "baton's own log level, err to debug" },
	/* systemd-veritysetup-generator(8) */
	{ .names = { SYSTEMD("roothash") }, .kind = CMDLINE_STRING, FIELD(roothash),
	  .meaning = "the dm-verity root hash of the root; the root is then /dev/mapper/root" },
	{ .names = { SYSTEMD("systemd.verity_root_data") }, .kind = CMDLINE_STRING,
	  FIELD(verity_root_data),
	  .meaning = "the verity data device of the root; default: by PARTUUID from roothash=" },
	{ .names = { SYSTEMD("systemd.verity_root_hash") }, .kind = CMDLINE_STRING,
	  FIELD(verity_root_hash),
	  .meaning = "the verity hash device of the root; default: by PARTUUID from roothash=" },
	{ .names = { SYSTEMD("systemd.verity_root_options") }, .kind = CMDLINE_STRING,
	  FIELD(verity_root_options), .meaning = "veritysetup options for the root, comma separated" },
	{ .names = { SYSTEMD("usrhash") }, .kind = CMDLINE_STRING, FIELD(usrhash),
	  .meaning = "the dm-verity root hash of /usr, then mounted from /dev/mapper/usr" },
	{ .names = { SYSTEMD("systemd.verity_usr_data") }, .kind = CMDLINE_STRING,
	  FIELD(verity_usr_data), .meaning = "the verity data device of /usr" },
	{ .names = { SYSTEMD("systemd.verity_usr_hash") }, .kind = CMDLINE_STRING,
	  FIELD(verity_usr_hash), .meaning = "the verity hash device of /usr" },
	{ .names = { SYSTEMD("systemd.verity_usr_options") }, .kind = CMDLINE_STRING,
	  FIELD(verity_usr_options), .meaning = "veritysetup options for /usr, comma separated" },
	/* systemd(1): a bare systemd.volatile means yes. */
	{ .names = { SYSTEMD("systemd.volatile") }, .kind = CMDLINE_ENUM, FIELD(volatile_mode),
	  .choices = volatile_choices, .bare_ok = true, .value = CMDLINE_VOLATILE_YES,
	  .dflt = CMDLINE_VOLATILE_NO,
	  .meaning = "a volatile root: yes (tmpfs with /usr), state (tmpfs /var) or overlay" },
	{ .names = { BATON("rootrw") }, .kind = CMDLINE_STRING, FIELD(rootrw),
	  .meaning = "a device holding the overlay's persistent upper layer" },
	{ .names = { BATON("rootrwfstype") }, .kind = CMDLINE_STRING, FIELD(rootrwfstype),
	  .meaning = "the filesystem type of rootrw=" },
	{ .names = { BATON("rootrwoptions") }, .kind = CMDLINE_STRING, FIELD(rootrwoptions),
	  .meaning = "mount options for rootrw=" },
	{ .names = { KERNEL("quiet") }, .kind = CMDLINE_FLAG, FIELD(verbosity),
	  .value = CMDLINE_VERBOSITY_QUIET, .meaning = "less on the console" },
	{ .names = { DRACUT("rd.debug") }, .kind = CMDLINE_FLAG, FIELD(verbosity),
	  .value = CMDLINE_VERBOSITY_DEBUG, .meaning = "debug messages" },
	/* Storage stacks (stacks.c); dracut.cmdline(7) names, with its older rd_ spellings. */
	{ .names = { DRACUT("rd.md") }, .kind = CMDLINE_ENUM, FIELD(md), .choices = shell_choices,
	  .bare_ok = true, .value = true, .dflt = true,
	  .meaning = "assemble md RAID arrays (1, the default) or never (0)" },
	{ .names = { DRACUT("rd.md.uuid"), DRACUT("rd_MD_UUID") }, .kind = CMDLINE_LIST,
	  FIELD(md_uuids), .meaning = "assemble only the md arrays with these UUIDs; repeatable" },
	{ .names = { DRACUT("rd.lvm") }, .kind = CMDLINE_ENUM, FIELD(lvm), .choices = shell_choices,
	  .bare_ok = true, .value = true, .dflt = true,
	  .meaning = "activate LVM volume groups (1, the default) or never (0)" },
	{ .names = { DRACUT("rd.lvm.vg"), DRACUT("rd_LVM_VG") }, .kind = CMDLINE_LIST,
	  FIELD(lvm_vgs), .meaning = "activate only these volume groups; repeatable" },
	{ .names = { DRACUT("rd.lvm.lv"), DRACUT("rd_LVM_LV") }, .kind = CMDLINE_LIST,
	  FIELD(lvm_lvs), .meaning = "activate only these logical volumes, as VG/LV; repeatable" },
	{ .names = { DRACUT("rd.auto") }, .kind = CMDLINE_ENUM, FIELD(auto_assemble),
	  .choices = shell_choices, .bare_ok = true, .value = true, .dflt = -1,
	  .meaning = "assemble every array and volume group found, even when some are named" },
	{ .names = { DRACUT("rd.retry") }, .kind = CMDLINE_NUMBER, FIELD(retry_sec),
	  .rule = CMDLINE_RULE_SECONDS, .dflt = CMDLINE_DEFAULT_RETRY_SEC,
	  .meaning = "seconds an incomplete md array waits before it is started degraded" },
	/* systemd-cryptsetup-generator(8) and dracut.cmdline(7): LUKS, repeatable where a list. */
	{ .names = { DRACUT("rd.luks"), SYSTEMD("luks") }, .kind = CMDLINE_ENUM, FIELD(luks),
	  .choices = shell_choices, .dflt = true,
	  .meaning = "0 unlocks no LUKS device at all" },
	{ .names = { DRACUT("rd.luks.crypttab"), SYSTEMD("luks.crypttab") }, .kind = CMDLINE_ENUM,
	  FIELD(luks_crypttab), .choices = shell_choices, .dflt = true,
	  .meaning = "0 ignores the image's /etc/crypttab" },
	{ .names = { DRACUT("rd.luks.uuid"), SYSTEMD("luks.uuid") }, .kind = CMDLINE_WORDS,
	  FIELD(luks_uuids), .meaning = "unlock only the LUKS devices with these UUIDs" },
	{ .names = { SYSTEMD("rd.luks.name"), SYSTEMD("luks.name") }, .kind = CMDLINE_WORDS,
	  FIELD(luks_names), .meaning = "UUID=NAME: unlock that LUKS device as /dev/mapper/NAME" },
	{ .names = { DRACUT("rd.luks.key"), SYSTEMD("luks.key") }, .kind = CMDLINE_WORDS,
	  FIELD(luks_keys), .meaning = "[UUID=]PATH[:DEVICE]: a keyfile in the image or on a device" },
	{ .names = { SYSTEMD("rd.luks.options"), SYSTEMD("luks.options") }, .kind = CMDLINE_WORDS,
	  FIELD(luks_options), .meaning = "[UUID=]OPTIONS: crypttab options for one or every device" },
	{ .names = { MKINITCPIO("cryptdevice") }, .kind = CMDLINE_STRING, FIELD(cryptdevice),
	  .meaning = "DEVICE:NAME[:OPTIONS]: the LUKS device to unlock as NAME" },
	{ .names = { MKINITCPIO("cryptkey") }, .kind = CMDLINE_STRING, FIELD(cryptkey),
	  .meaning = "DEVICE:FSTYPE:PATH or rootfs:PATH: the keyfile for cryptdevice=" },
};

/* clang-format on */

const size_t cmdline_keys_count = ARRAY_SIZE(cmdline_keys);

const struct cmdline_key *cmdline_key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < cmdline_keys_count; i++)
		for (size_t j = 0; j < CMDLINE_NAMES_MAX && cmdline_keys[i].names[j].name; j++) {
			const char *n = cmdline_keys[i].names[j].name;

			if (strlen(n) == len && memcmp(n, name, len) == 0)
				return &cmdline_keys[i];
		}
	return NULL;
}

static const char *const rule_problems[] = {
    [CMDLINE_RULE_INT] = "not a number",
    [CMDLINE_RULE_SECONDS] = "not a number of seconds",
    [CMDLINE_RULE_POSITIVE] = "not a number of seconds above 0",
    [CMDLINE_RULE_ROOTDELAY] = "not a number",
    [CMDLINE_RULE_ROOTWAIT] = "not a number of seconds",
};

/* The name of a choice with this value, or NULL. */
static const char *choice_name(const struct cmdline_key *k, int v)
{
	for (const struct cmdline_choice *c = k->choices; c && c->name; c++)
		if (c->value == v)
			return c->name;
	return NULL;
}

int cmdline_invalid_explain(const struct boot_params *params, const char *word, char *buf,
			    size_t size)
{
	const struct cmdline_key *k = cmdline_key_find(word, strcspn(word, "="));
	int v;

	if (!k)
		return -ENOENT;
	v = cmdline_kind_is_string(k->kind) ? 0 : cmdline_key_int(params, k);
	switch (k->kind) {
	case CMDLINE_MODULES:
		snprintf(buf, size, "not a list of module names, leaving out what is not one");
		break;
	case CMDLINE_NUMBER:
		if (k->rule == CMDLINE_RULE_ROOTWAIT && v == CMDLINE_ROOTWAIT_FOREVER)
			snprintf(buf, size, "%s, waiting forever as the kernel does",
				 rule_problems[k->rule]);
		else
			snprintf(buf, size, "%s, using %s%d", rule_problems[k->rule],
				 v == k->dflt ? "the default " : "", v);
		break;
	case CMDLINE_ENUM:
		if (choice_name(k, v))
			snprintf(buf, size, "not one of its values, using %s%s",
				 v == k->dflt ? "the default " : "", choice_name(k, v));
		else
			snprintf(buf, size, "not one of its values, using the default");
		break;
	case CMDLINE_STAGE:
		if (v == STAGE_NONE)
			snprintf(buf, size, "not a stage, so no break");
		else
			snprintf(buf, size, "not a stage, breaking before %s", stage_name(v));
		break;
	case CMDLINE_STRING:
	case CMDLINE_LIST:
	case CMDLINE_WORDS:
	case CMDLINE_FLAG:
		/* Never invalid: any value is one. */
		snprintf(buf, size, "not valid");
		break;
	}
	return 0;
}
