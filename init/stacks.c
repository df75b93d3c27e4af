// SPDX-License-Identifier: MIT
/* The storage stacks (md RAID, LVM, btrfs across devices): what to assemble, and when. */
#include "stacks.h"

#include "log.h"
#include "luks.h"
#include "monotime.h"
#include "modules.h"
#include "stacks_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Devices handled once each (by number, type and UUID): as many as devices.c tracks. */
#define STACKS_SEEN_MAX 512
/* Devices named in the fatal report as skipped by rd.md=0 or rd.lvm=0. */
#define STACKS_SKIPPED_MAX 16
/* Incomplete arrays named in the fatal report. */
#define STACKS_REPORT_ARRAYS 16
/* How often a btrfs root missing members looks for them again. */
#define STACKS_BTRFS_POLL_MS 250

struct stacks_seen {
	unsigned major, minor;
	char type[DEVICE_TAG_MAX];
	char uuid[DEVICE_TAG_MAX];
};

static struct stacks_seen seen[STACKS_SEEN_MAX];
static unsigned n_seen;
static char skipped[STACKS_SKIPPED_MAX][DEVICE_NAME_MAX + DEVICE_TAG_MAX + 64];
static unsigned n_skipped;
static long long started_ms = -1;
static bool degraded_done;
static bool md_missing_told, lvm_missing_told;
static const struct boot_params *hook_params;

struct stacks_pass {
	const struct boot_params *p;
	bool lvm_new;
	bool activated;
};

/* The types stacks act on; others (filesystems, crypto_LUKS) are not remembered. */
static bool stacks_type(const char *type)
{
	return strcmp(type, "linux_raid_member") == 0 || strcmp(type, "LVM2_member") == 0 ||
	       strcmp(type, "btrfs") == 0;
}

/* True the first time a device shows this content; a re-probed device with new content is new. */
static bool first_time(const struct device_info *dev)
{
	struct stacks_seen *s;

	for (unsigned i = 0; i < n_seen; i++)
		if (seen[i].major == dev->major && seen[i].minor == dev->minor &&
		    strcmp(seen[i].type, dev->type) == 0 && strcmp(seen[i].uuid, dev->uuid) == 0)
			return false;
	if (n_seen >= STACKS_SEEN_MAX)
		return false;
	s = &seen[n_seen++];
	s->major = dev->major;
	s->minor = dev->minor;
	snprintf(s->type, sizeof(s->type), "%s", dev->type);
	snprintf(s->uuid, sizeof(s->uuid), "%s", dev->uuid);
	return true;
}

static void skip(const struct device_info *dev, const char *why)
{
	log_info("/dev/%s (%s) not assembled: %s", dev->name, dev->type, why);
	if (n_skipped < STACKS_SKIPPED_MAX)
		snprintf(skipped[n_skipped++], sizeof(skipped[0]), "/dev/%s (%s, %.48s)", dev->name,
			 dev->type, why);
}

/* UUIDs compared as hex digits only: libblkid writes md's with '-', mdadm with ':'. */
static bool uuid_same(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (;;) {
		while (i < alen && !isxdigit((unsigned char)a[i]))
			i++;
		while (*b && !isxdigit((unsigned char)*b))
			b++;
		if (i == alen || !*b)
			return i == alen && !*b;
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)*b))
			return false;
		i++;
		b++;
	}
}

/* Is uuid in the comma list? */
static bool listed(const char *list, const char *uuid)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len && uuid_same(p, len, uuid))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* Does the command line let baton assemble every md array and volume group it finds? */
static bool assemble_all(const struct boot_params *p, bool named)
{
	if (p->auto_assemble == 1)
		return true;
	return p->auto_assemble != 0 && !named;
}

static void visit_md(struct stacks_pass *pass, const struct device_info *dev)
{
	const struct boot_params *p = pass->p;
	int r;

	if (!p->md) {
		skip(dev, "rd.md=0");
		return;
	}
	if (!assemble_all(p, p->md_uuids[0]) && !listed(p->md_uuids, dev->uuid)) {
		skip(dev, p->md_uuids[0] ? "its array is not in rd.md.uuid=" : "rd.auto=0");
		return;
	}
	(void)modules_load_name("md_mod");
	r = mdraid_add(dev);
	if (r == -ENOENT && !md_missing_told) {
		md_missing_told = true;
		log_error(
		    "/dev/%s is an md RAID member but mdadm is not in the image: install mdadm in the tree and rebuild the image (mkinitramfs --stack md)",
		    dev->name);
	}
	if (r == 0)
		pass->activated = true;
}

static void visit(const struct device_info *dev, void *data)
{
	struct stacks_pass *pass = data;

	if (!dev->probed || !stacks_type(dev->type) || !first_time(dev))
		return;
	if (strcmp(dev->type, "linux_raid_member") == 0) {
		visit_md(pass, dev);
	} else if (strcmp(dev->type, "LVM2_member") == 0) {
		if (!pass->p->lvm)
			skip(dev, "rd.lvm=0");
		else
			pass->lvm_new = true;
	} else if (modules_load_name("btrfs") >= 0 && btrfs_register(dev) == 0) {
		log_debug("btrfs device /dev/%s (UUID %s) registered", dev->name, dev->uuid);
	}
}

/* Once: the directories mdadm and lvm keep their state in, and a config for mdadm. */
static void stacks_setup(void)
{
	static const char mdadm_conf[] =
	    "# Written by baton: the tree had no mdadm.conf. Every array, from any host.\n"
	    "AUTO +all\nHOMEHOST <ignore>\n";
	FILE *f;

	(void)mkdir("/run/mdadm", 0755);
	(void)mkdir("/run/lvm", 0700);
	(void)mkdir("/run/lock", 0755);
	(void)mkdir("/run/lock/lvm", 0700);
	if (access("/etc/mdadm/mdadm.conf", F_OK) == 0 || access("/etc/mdadm.conf", F_OK) == 0)
		return;
	/*
	 * mdadm's default treats arrays whose homehost is another machine's (the installer's) as
	 * foreign and names them host:name; an image with no configuration takes them all.
	 */
	(void)mkdir("/etc", 0755);
	(void)mkdir("/etc/mdadm", 0755);
	f = fopen("/etc/mdadm/mdadm.conf", "wxe");
	if (!f)
		return;
	(void)fputs(mdadm_conf, f);
	(void)fclose(f);
}

bool stacks_activate(const struct boot_params *p)
{
	struct stacks_pass pass = {.p = p};
	bool lvm_all;

	if (started_ms < 0) {
		started_ms = monotime_ms();
		stacks_setup();
	}
	devices_for_each(visit, &pass);
	if (pass.lvm_new) {
		lvm_all = assemble_all(p, p->lvm_vgs[0] || p->lvm_lvs[0]);
		if (!lvm_all && !p->lvm_vgs[0] && !p->lvm_lvs[0]) {
			log_info(
			    "LVM physical volumes found, none activated: rd.auto=0 and no rd.lvm.vg=/rd.lvm.lv=");
		} else {
			(void)modules_load_name("dm_mod");
			int r = lvm_activate(p, lvm_all);

			if (r == -ENOENT && !lvm_missing_told) {
				lvm_missing_told = true;
				log_error(
				    "LVM physical volumes are present but lvm is not in the image: install lvm2 in the tree and rebuild the image (mkinitramfs --stack lvm)");
			}
			pass.activated = pass.activated || r == 0;
		}
	}
	if (!degraded_done && p->md &&
	    monotime_ms() - started_ms >= (long long)p->retry_sec * 1000) {
		char names[1][DEVICE_NAME_MAX];

		if (mdraid_incomplete(names, 1) > 0) {
			degraded_done = true;
			pass.activated =
			    mdraid_start_degraded((unsigned)p->retry_sec) > 0 || pass.activated;
		}
	}
	return pass.activated;
}

void stacks_set_params(const struct boot_params *p)
{
	hook_params = p;
}

bool stacks_wait_hook(struct devspec *spec, char *spec_text, size_t spec_size)
{
	bool activated;

	(void)spec, (void)spec_text, (void)spec_size;
	if (!hook_params)
		return false;
	activated = stacks_activate(hook_params);
	return luks_activate(hook_params) || activated;
}

void stacks_prepare_root(const struct boot_params *p, const struct devspec *spec,
			 const struct device_info *root)
{
	long long deadline;

	if (strcmp(root->type, "btrfs") != 0)
		return;
	(void)modules_load_name("btrfs");
	(void)stacks_activate(p);
	if (btrfs_complete(root) != 0)
		return;
	deadline = monotime_ms() + (long long)p->retry_sec * 1000;
	log_notice(
	    "btrfs %s on /dev/%s: not all of its devices are present, waiting up to rd.retry=%d s for the others",
	    root->uuid, root->name, p->retry_sec);
	while (monotime_ms() < deadline) {
		monotime_sleep_ms(STACKS_BTRFS_POLL_MS);
		(void)devices_find_now(spec);
		(void)stacks_activate(p);
		if (btrfs_complete(root) != 0)
			return;
	}
	log_warning(
	    "btrfs %s: devices still missing after rd.retry=%d s; mounting with what is present (a RAID 1 with a member missing needs rootflags=degraded)",
	    root->uuid, p->retry_sec);
}

void stacks_report(const struct boot_params *p)
{
	char names[STACKS_REPORT_ARRAYS][DEVICE_NAME_MAX];
	unsigned n = mdraid_incomplete(names, STACKS_REPORT_ARRAYS);

	for (unsigned i = 0; i < n_skipped; i++)
		log_error("storage not assembled because of the command line: %s", skipped[i]);
	for (unsigned i = 0; i < n && i < STACKS_REPORT_ARRAYS; i++)
		log_error(
		    "md array /dev/%s is incomplete (members missing); it would have been started degraded after rd.retry=%d s, later than the root's deadline: add rootwait or a shorter rd.retry=",
		    names[i], p->retry_sec);
}
