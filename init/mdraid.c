// SPDX-License-Identifier: MIT
/* md RAID through mdadm: members handed over as they appear, degraded arrays started late. */
#include "log.h"
#include "run.h"
#include "stacks_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One mdadm run: assembling reads a superblock; a degraded start may resync a little first. */
#define MDRAID_TIMEOUT_SEC 60
/* Slots listed in one warning: md's own limit is far higher, real arrays are small. */
#define MDRAID_SLOTS_MAX 64
/* Room for the list of present or missing members in one warning. */
#define MDRAID_LIST_MAX 512

int mdraid_add(const struct device_info *dev)
{
	char path[sizeof("/dev/") + DEVICE_NAME_MAX];
	const char *argv[] = {"mdadm", "--incremental", path, NULL};

	snprintf(path, sizeof(path), "/dev/%s", dev->name);
	/* No --run: an array missing members waits for them (rd.retry=). */
	return run_tool(argv, NULL, 0, MDRAID_TIMEOUT_SEC);
}

/* Reads /sys/block/NAME/md/ATTR into buf without its newline; 0 or -errno. */
static int md_attr(const char *name, const char *attr, char *buf, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%.64s/md/%.32s", name, attr);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* An array mdadm --incremental holds, not started: "inactive" with members attached. */
static bool md_waiting(const char *name)
{
	char state[32];
	struct dirent *de;
	bool members = false;
	char path[128];
	DIR *dir;

	if (md_attr(name, "array_state", state, sizeof(state)) < 0 || strcmp(state, "inactive"))
		return false;
	snprintf(path, sizeof(path), "/sys/block/%.64s/md", name);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir)))
		members = members || strncmp(de->d_name, "dev-", 4) == 0;
	closedir(dir);
	return members;
}

unsigned mdraid_incomplete(char names[][DEVICE_NAME_MAX], unsigned max)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *de;
	unsigned n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "md", 2) != 0 || strlen(de->d_name) >= DEVICE_NAME_MAX ||
		    !md_waiting(de->d_name))
			continue;
		if (n < max)
			strcpy(names[n], de->d_name);
		n++;
	}
	closedir(dir);
	return n;
}

/* Appends text to a list being built in buf, with ", " between entries. */
static void list_add(char *buf, const char *text)
{
	size_t len = strlen(buf);

	snprintf(buf + len, MDRAID_LIST_MAX - len, "%s%s", len ? ", " : "", text);
}

/*
 * After the start: md/rdN links to dev-MEMBER for each slot in use (Documentation/admin-guide/
 * md.rst); a slot with no link is a member that never came.
 */
static void md_describe(const char *name, char *present, char *missing)
{
	char buf[32], link[128], target[128], entry[160];
	int disks;

	present[0] = missing[0] = '\0';
	if (md_attr(name, "raid_disks", buf, sizeof(buf)) < 0)
		return;
	disks = atoi(buf);
	for (int slot = 0; slot < disks && slot < MDRAID_SLOTS_MAX; slot++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/sys/block/%.64s/md/rd%d", name, slot);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0) {
			snprintf(entry, sizeof(entry), "slot %d of %d", slot, disks);
			list_add(missing, entry);
			continue;
		}
		target[n] = '\0';
		snprintf(entry, sizeof(entry), "/dev/%s in slot %d",
			 strncmp(target, "dev-", 4) == 0 ? target + 4 : target, slot);
		list_add(present, entry);
	}
}

int mdraid_start_degraded(unsigned waited_sec)
{
	char names[MDRAID_SLOTS_MAX][DEVICE_NAME_MAX];
	char present[MDRAID_LIST_MAX], missing[MDRAID_LIST_MAX], level[32];
	unsigned n = mdraid_incomplete(names, MDRAID_SLOTS_MAX);
	int started = 0;

	for (unsigned i = 0; i < n && i < MDRAID_SLOTS_MAX; i++) {
		char path[sizeof("/dev/") + DEVICE_NAME_MAX];
		const char *argv[] = {"mdadm", "--run", path, NULL};
		int r;

		snprintf(path, sizeof(path), "/dev/%.63s", names[i]);
		r = run_tool(argv, NULL, 0, MDRAID_TIMEOUT_SEC);
		if (r != 0) {
			log_error(
			    "md array %s is missing members and could not be started degraded after rd.retry=%u s (mdadm --run: status %d); the members that came are attached to it",
			    path, waited_sec, r);
			continue;
		}
		started++;
		md_describe(names[i], present, missing);
		if (md_attr(names[i], "level", level, sizeof(level)) < 0)
			snprintf(level, sizeof(level), "md");
		log_warning(
		    "md array %s (%s) started DEGRADED after waiting rd.retry=%u s for its members: missing %s; present %s. Replace the missing disk and re-add it with mdadm --add",
		    path, level, waited_sec, missing[0] ? missing : "(none)",
		    present[0] ? present : "(none)");
	}
	return started;
}
