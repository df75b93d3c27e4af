// SPDX-License-Identifier: MIT
/* Block devices: discovery from sysfs and uevents, libblkid probing, matching a devspec. */
#include "devices.h"

#include "log.h"
#include "monotime.h"
#include "modules.h"
#include "probe.h"

#include <blkid/blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Block devices we track; the benchmark's largest case is 32 disks with partitions. */
#define DEVICES_MAX 512
/* One uevent datagram: the kernel's UEVENT_BUFFER_SIZE is 2048, plus the "action@devpath" head. */
#define UEVENT_MSG_MAX 8192
/* Coldplug can queue hundreds of events before we read one; room so none is dropped. */
#define UEVENT_RCVBUF (4 * 1024 * 1024)
/* How often a waiting boot says what it waits for. */
#define PROGRESS_INTERVAL_MS 5000
/* A hook that took this long (a prompt, a slow tool) is named with the time it took. */
#define HOOK_REPORT_MS 1000

static struct device_info devices[DEVICES_MAX];
static unsigned n_devices;
/*
 * Slots of devices the kernel removed (a "remove" uevent, or gone from sysfs): kept so pointers
 * handed out stay valid, skipped by every lookup, and reused when the name comes back (the
 * kernel gives the next disk the lowest free name: vda unplugged, the new disk is vda again),
 * which before was found under the old name and never probed.
 */
static bool gone[DEVICES_MAX];
/*
 * Devices added or changed since the start, for the device hooks: a reused slot is a new device
 * too, and so is one whose contents changed (an md array started, a dm table loaded).
 */
static unsigned n_added;
/*
 * Devices whose tags come from probe_path_quick() (no RAID probers, none that read far): tags
 * it found rule a device out for a root= tag, but are never enough to act on, and finding none
 * rules nothing out; probe_fully() replaces them before a lookup returns the device or anything
 * else reads them. A device not probed at all (!probed) is
 * probed when a lookup first needs its tags: see lookup().
 */
static bool quick_only[DEVICES_MAX];
static int uevent_fd = -1;

int devices_listen(void)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 1 /* kernel events */};
	int size = UEVENT_RCVBUF;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return log_warning_errno(
		    -errno,
		    "cannot open the uevent socket (%m), devices will be found by rescanning sysfs");
	/* RCVBUFFORCE ignores rmem_max; we are root. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int r = log_warning_errno(
		    -errno,
		    "cannot bind the uevent socket (%m), devices will be found by rescanning sysfs");
		close(fd);
		return r;
	}
	uevent_fd = fd;
	return 0;
}

/* The slot of a device present under that name, or -1. */
static int find_slot(const char *name)
{
	for (unsigned i = 0; i < n_devices; i++)
		if (!gone[i] && strcmp(devices[i].name, name) == 0)
			return (int)i;
	return -1;
}

static struct device_info *find_device(const char *name)
{
	int i = find_slot(name);

	return i < 0 ? NULL : &devices[i];
}

/* How many devices are present now. */
static unsigned count_present(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < n_devices; i++)
		n += !gone[i];
	return n;
}

/* The kernel removed a block device: forget its tags, so nothing matches or reports it. */
static void remove_device(const char *name)
{
	int i = find_slot(name);

	if (i < 0)
		return;
	gone[i] = true;
	log_info("block device /dev/%s was removed", name);
}

static void copy_tag(blkid_probe pr, const char *tag, char *dst)
{
	const char *val = NULL;

	dst[0] = '\0';
	if (blkid_probe_lookup_value(pr, tag, &val, NULL) == 0 && val)
		snprintf(dst, DEVICE_TAG_MAX, "%s", val);
}

/*
 * Fills in the tags of a device with libblkid. The filesystem superblock always (its type is
 * needed to mount), first without the RAID probers (quick) where only a candidate is needed;
 * the partition entry (PARTUUID, PARTLABEL) only when asked, since it means reading the whole
 * disk's partition table too: most root= forms never need it.
 */
static void probe_device(struct device_info *dev, bool partition_entry, bool quick)
{
	char path[sizeof("/dev/") + DEVICE_NAME_MAX];
	blkid_probe pr = NULL;
	int r;

	snprintf(path, sizeof(path), "/dev/%s", dev->name);
	if (!partition_entry)
		quick_only[dev - devices] = quick;
	r = quick && !partition_entry ? probe_path_quick(path, &pr)
				      : probe_path(path, partition_entry, &pr);
	if (!pr) {
		log_debug("cannot open %s for probing: %s", path, strerror(-r));
		return;
	}
	if (!partition_entry) {
		if (r == -2 && !quick)
			log_warning(
			    "%s carries signatures of more than one filesystem; libblkid will not guess which (wipefs can remove the stale one)",
			    path);
		copy_tag(pr, "TYPE", dev->type);
		copy_tag(pr, "UUID", dev->uuid);
		copy_tag(pr, "LABEL", dev->label);
		dev->probed = true;
		log_debug("probed %s (%u:%u)%s: TYPE=\"%s\" UUID=\"%s\" LABEL=\"%s\"", path,
			  dev->major, dev->minor, quick ? " without RAID probers" : "", dev->type,
			  dev->uuid, dev->label);
	} else {
		copy_tag(pr, "PART_ENTRY_UUID", dev->partuuid);
		copy_tag(pr, "PART_ENTRY_NAME", dev->partlabel);
		dev->parts_probed = true;
		log_debug("probed %s (%u:%u): PARTUUID=\"%s\" PARTLABEL=\"%s\"", path, dev->major,
			  dev->minor, dev->partuuid, dev->partlabel);
	}
	blkid_free_probe(pr);
}

/* Partition entries are read on first need; only partitions have one. */
static void need_partition_entry(struct device_info *dev)
{
	if (!dev->parts_probed && dev->partno > 0)
		probe_device(dev, true, false);
	dev->parts_probed = true;
}

/* The superblock tags a spec compares, read without the RAID probers on first need. */
static void need_superblock(struct device_info *dev)
{
	if (!dev->probed)
		probe_device(dev, false, true);
}

/* The full probe (RAID probers too) of a device not probed yet or seen by the quick one only. */
static void probe_fully(struct device_info *dev)
{
	if (dev->probed && !quick_only[dev - devices])
		return;
	dev->type[0] = dev->uuid[0] = dev->label[0] = '\0';
	probe_device(dev, false, false);
}

/* Every present device fully probed: for readers of all tags (stack hooks, the report). */
static void probe_all_fully(void)
{
	for (unsigned i = 0; i < n_devices; i++)
		if (!gone[i])
			probe_fully(&devices[i]);
}

/*
 * Records a block device once (from sysfs or a uevent). Nothing is read from it yet: a lookup
 * reads what its spec compares (devspec_probe_needed()) of the devices it looks at, in the
 * order they appeared, and stops at the first match; readers of every device probe them all.
 */
static struct device_info *add_device(const char *name)
{
	struct device_info *dev = find_device(name);
	char buf[64], link[256];
	unsigned maj, min, slot;
	ssize_t n;

	if (dev)
		return dev;
	if (strlen(name) >= DEVICE_NAME_MAX)
		return NULL;
	if (diskid_read_attr(name, "dev", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%u:%u", &maj, &min) != 2)
		return NULL;
	/*
	 * The slot of a removed device of the same name, else a new one: never another name's,
	 * which a caller may still hold (the root found, while resume= is waited for).
	 */
	for (slot = 0; slot < n_devices; slot++)
		if (gone[slot] && strcmp(devices[slot].name, name) == 0)
			break;
	if (slot == n_devices) {
		if (n_devices >= DEVICES_MAX) {
			log_warning("more than %d block devices, %s not considered", DEVICES_MAX,
				    name);
			return NULL;
		}
		n_devices++;
	}
	gone[slot] = false;
	n_added++;
	dev = &devices[slot];
	memset(dev, 0, sizeof(*dev));
	strcpy(dev->name, name);
	dev->major = maj;
	dev->minor = min;
	if (diskid_read_attr(name, "partition", buf, sizeof(buf)) > 0) {
		dev->partno = atoi(buf);
		/* /sys/class/block/vda2 -> ../../devices/.../block/vda/vda2: the disk is the
		 * parent. */
		snprintf(buf, sizeof(buf), "/sys/class/block/%s", name);
		n = readlink(buf, link, sizeof(link) - 1);
		if (n > 0) {
			char *slash;

			link[n] = '\0';
			slash = strrchr(link, '/');
			if (slash) {
				*slash = '\0';
				slash = strrchr(link, '/');
				slash = slash ? slash + 1 : link;
				if (strlen(slash) < sizeof(dev->disk))
					strcpy(dev->disk, slash);
			}
		}
	}
	quick_only[slot] = false;
	return dev;
}

/*
 * A "change" uevent: md and device-mapper devices appear empty and announce their contents
 * with one (an array started, a table loaded), so the superblock is read again when needed.
 */
static void reprobe_device(const char *name)
{
	struct device_info *dev = find_device(name);

	if (!dev) {
		(void)add_device(name);
		return;
	}
	dev->type[0] = dev->uuid[0] = dev->label[0] = '\0';
	dev->probed = false;
	quick_only[dev - devices] = false;
	n_added++;
}

static void scan_sysfs(void)
{
	DIR *dir = opendir("/sys/class/block");
	struct dirent *de;
	char path[sizeof("/sys/class/block/") + DEVICE_NAME_MAX];

	/* Removals whose uevent was lost (ENOBUFS) or never came (no uevent socket). */
	for (unsigned i = 0; i < n_devices; i++) {
		snprintf(path, sizeof(path), "/sys/class/block/%s", devices[i].name);
		if (!gone[i] && access(path, F_OK) < 0 && errno == ENOENT)
			remove_device(devices[i].name);
	}
	if (!dir) {
		log_warning_errno(-errno, "cannot list /sys/class/block: %m");
		return;
	}
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			(void)add_device(de->d_name);
	closedir(dir);
}

static bool tag_equal(enum devspec_kind kind, const char *want, const char *have)
{
	if (!have[0])
		return false;
	/* UUIDs are hex: users copy them in either case (FAT volume ids print upper case). */
	if (kind == DEVSPEC_UUID || kind == DEVSPEC_PARTUUID)
		return strcasecmp(want, have) == 0;
	return strcmp(want, have) == 0;
}

/* /dev/disk/by-id/X and by-path/X: udev's names, computed from sysfs since there is no udev. */
static bool persistent_name_matches(const char *path, struct device_info *dev)
{
	const char *rel = path + strlen("/dev/disk/");

	if (!dev->ids_done) {
		diskid_compute(dev->name, dev->disk, dev->partno, &dev->ids);
		dev->ids_done = true;
	}
	for (unsigned i = 0; i < dev->ids.count; i++)
		if (strcmp(rel, dev->ids.name[i]) == 0)
			return true;
	return false;
}

static bool device_matches(const struct devspec *spec, struct device_info *dev)
{
	struct stat st;

	/* Only what this spec compares: a PARTUUID= is found without a superblock read. */
	switch (devspec_probe_needed(spec->kind)) {
	case DEVSPEC_PROBE_SUPERBLOCK:
		need_superblock(dev);
		break;
	case DEVSPEC_PROBE_PARTITION:
		need_partition_entry(dev);
		break;
	case DEVSPEC_PROBE_NONE:
		break;
	}
	switch (spec->kind) {
	case DEVSPEC_PATH:
		if (strncmp(spec->value, "/dev/", 5) == 0 &&
		    strcmp(spec->value + 5, dev->name) == 0)
			return true;
		if (strncmp(spec->value, "/dev/disk/by-id/", 16) == 0 ||
		    strncmp(spec->value, "/dev/disk/by-path/", 18) == 0)
			return persistent_name_matches(spec->value, dev);
		/* Another name for the node (a symlink, /dev/root): compare device numbers. */
		return stat(spec->value, &st) == 0 && S_ISBLK(st.st_mode) &&
		       major(st.st_rdev) == dev->major && minor(st.st_rdev) == dev->minor;
	case DEVSPEC_DEVNUM:
		return spec->major == dev->major && spec->minor == dev->minor;
	case DEVSPEC_UUID:
		return tag_equal(spec->kind, spec->value, dev->uuid);
	case DEVSPEC_LABEL:
		return tag_equal(spec->kind, spec->value, dev->label);
	case DEVSPEC_PARTUUID:
		return tag_equal(spec->kind, spec->value, dev->partuuid);
	case DEVSPEC_PARTLABEL:
		return tag_equal(spec->kind, spec->value, dev->partlabel);
	}
	return false;
}

/*
 * One pass of lookup(). The first reads what the spec compares; the second (blanks) probes
 * fully the devices the quick probe found nothing on, and looks at those only.
 */
static const struct device_info *lookup_pass(const struct devspec *spec, bool blanks)
{
	for (unsigned i = 0; i < n_devices; i++) {
		struct device_info *dev = &devices[i];

		if (gone[i])
			continue;
		if (blanks) {
			if (!quick_only[i] || dev->type[0])
				continue;
			probe_fully(dev);
		}
		if (!device_matches(spec, dev))
			continue;
		/*
		 * A quick candidate may be a RAID member: only the full probe can tell. A device
		 * matched by name or number alone gets its type read here, to be mounted.
		 */
		if (quick_only[i] || !dev->probed) {
			probe_fully(dev);
			if (!device_matches(spec, dev))
				continue;
		}
		if (spec->partnroff == 0)
			return dev;
		/* PARTNROFF: the partition partnroff after this one, on the same disk. */
		for (unsigned j = 0; j < n_devices; j++)
			if (!gone[j] && devices[j].partno == dev->partno + spec->partnroff &&
			    dev->disk[0] && strcmp(devices[j].disk, dev->disk) == 0) {
				probe_fully(&devices[j]);
				return &devices[j];
			}
	}
	return NULL;
}

/*
 * The device the spec names among those seen so far, or NULL. Devices where the quick probe
 * found nothing are probed fully only when no other device matched: they may hold a type it
 * leaves out (LUKS, nilfs2), while a partitioned disk (nothing to find) costs no RAID reads
 * as long as the root is found elsewhere.
 */
static const struct device_info *lookup(const struct devspec *spec)
{
	const struct device_info *dev = lookup_pass(spec, false);

	if (dev || devspec_probe_needed(spec->kind) != DEVSPEC_PROBE_SUPERBLOCK)
		return dev;
	return lookup_pass(spec, true);
}

/* Handles one uevent datagram: "ACTION@DEVPATH\0KEY=VALUE\0...". */
static void handle_uevent(const char *buf, size_t len)
{
	const char *action = NULL, *subsystem = NULL, *devname = NULL, *modalias = NULL;

	for (size_t pos = 0; pos < len; pos += strlen(buf + pos) + 1) {
		const char *kv = buf + pos;

		if (strncmp(kv, "ACTION=", 7) == 0)
			action = kv + 7;
		else if (strncmp(kv, "SUBSYSTEM=", 10) == 0)
			subsystem = kv + 10;
		else if (strncmp(kv, "DEVNAME=", 8) == 0)
			devname = kv + 8;
		else if (strncmp(kv, "MODALIAS=", 9) == 0)
			modalias = kv + 9;
	}
	if (action && strcmp(action, "remove") == 0 && subsystem && devname &&
	    strcmp(subsystem, "block") == 0)
		remove_device(devname);
	if (action && strcmp(action, "change") == 0 && subsystem && devname &&
	    strcmp(subsystem, "block") == 0)
		reprobe_device(devname);
	if (!action || strcmp(action, "add") != 0)
		return;
	if (modalias)
		(void)modules_load_alias(modalias);
	if (subsystem && devname && strcmp(subsystem, "block") == 0)
		(void)add_device(devname);
}

/* Reads all queued uevents; returns -ENOBUFS if the kernel dropped some (then rescan sysfs). */
static int drain_uevents(void)
{
	char buf[UEVENT_MSG_MAX];
	int r = 0;

	for (;;) {
		ssize_t n = recv(uevent_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				r = -ENOBUFS;
				continue;
			}
			return r;
		}
		buf[n] = '\0';
		/* Only the kernel's own events: libudev's carry a "libudev" header, not "@". */
		if (n > 0 && memchr(buf, '@', strnlen(buf, (size_t)n)))
			handle_uevent(buf, (size_t)n);
	}
}

void devices_for_each(devices_visit visit, void *data)
{
	probe_all_fully();
	for (unsigned i = 0; i < n_devices; i++)
		if (!gone[i])
			visit(&devices[i], data);
}

const struct device_info *devices_find_now(const struct devspec *spec)
{
	if (uevent_fd >= 0)
		(void)drain_uevents();
	scan_sysfs();
	return lookup(spec);
}

/*
 * Runs the hook without letting it use up the wait: the time it spent (a passphrase prompt
 * waits for the user as long as the user takes) moves the deadline out by as much, and when it
 * made progress (an array assembled, a device unlocked, a volume group activated) the new
 * devices get the whole timeout again, since each layer of a stack (RAID 1, LUKS, LVM) may
 * need its own wait before the next appears.
 */
static bool run_hook(devices_wait_hook hook, struct devspec *spec, char *spec_text,
		     size_t spec_size, const char *role, long long *deadline, long long timeout_ms)
{
	long long before = monotime_ms(), now;
	bool progress = hook(spec, spec_text, spec_size);

	now = monotime_ms();
	if (*deadline < 0)
		return progress;
	*deadline += now - before;
	if (progress && *deadline < now + timeout_ms)
		*deadline = now + timeout_ms;
	if (now - before >= HOOK_REPORT_MS || progress)
		log_info(
		    "%s %s: %lld ms spent assembling or unlocking storage%s, giving up in %lld s",
		    role, spec_text, now - before,
		    progress ? ", which made progress: the wait starts again" : "",
		    (*deadline - now + 999) / 1000);
	return progress;
}

int devices_wait_for(struct devspec *spec, char *spec_text, size_t spec_size, const char *role,
		     unsigned timeout_sec, devices_wait_hook hook, const struct device_info **ret)
{
	long long start = monotime_ms();
	long long deadline = timeout_sec ? start + (long long)timeout_sec * 1000 : -1;
	long long next_progress = start + PROGRESS_INTERVAL_MS;
	unsigned hooked_devices = 0; /* n_added when the hook last ran */
	const struct device_info *dev;

	scan_sysfs();
	for (;;) {
		long long now, wait;
		struct pollfd pfd = {.fd = uevent_fd, .events = POLLIN};

		if (uevent_fd >= 0 && drain_uevents() == -ENOBUFS)
			scan_sysfs();
		dev = lookup(spec);
		if (!dev && hook && n_added != hooked_devices) {
			hooked_devices = n_added;
			if (run_hook(hook, spec, spec_text, spec_size, role, &deadline,
				     (long long)timeout_sec * 1000))
				continue;
		}
		if (dev) {
			log_info("%s %s is /dev/%s (%s), found after %lld ms", role, spec_text,
				 dev->name, dev->type[0] ? dev->type : "no filesystem recognised",
				 monotime_ms() - start);
			*ret = dev;
			return 0;
		}

		now = monotime_ms();
		if (deadline >= 0 && now >= deadline)
			return -ETIMEDOUT;
		if (now >= next_progress) {
			if (deadline >= 0)
				log_notice(
				    "still waiting for %s %s: %u block devices seen, giving up in %lld s",
				    role, spec_text, count_present(),
				    (deadline - now + 999) / 1000);
			else
				log_notice(
				    "still waiting for %s %s (rootwait: no deadline), %u block devices seen",
				    role, spec_text, count_present());
			next_progress = now + PROGRESS_INTERVAL_MS;
			/* Also on the progress tick: a hook may wait for something other than
			 * disks. */
			if (hook && run_hook(hook, spec, spec_text, spec_size, role, &deadline,
					     (long long)timeout_sec * 1000))
				continue;
		}
		wait = next_progress - now;
		if (deadline >= 0 && deadline - now < wait)
			wait = deadline - now;
		if (uevent_fd >= 0) {
			(void)poll(&pfd, 1, (int)wait);
		} else {
			/* No uevents: rescan sysfs a few times a second. */
			monotime_sleep_ms(200);
			scan_sysfs();
		}
	}
}

/* Characters that differ between two strings of the same length; SIZE_MAX if lengths differ. */
static size_t differences(const char *a, const char *b)
{
	size_t n = 0;

	if (strlen(a) != strlen(b))
		return (size_t)-1;
	for (; *a; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			n++;
	return n;
}

/* Points at a device whose tag is one or two typos from what root= asked for. */
static void report_near_miss(const struct devspec *spec)
{
	/* Two differing characters: a transposition or a mistyped pair, not another disk. */
	const size_t near = 2;

	for (unsigned i = 0; i < n_devices; i++) {
		const struct device_info *d = &devices[i];
		const char *have = NULL;

		if (gone[i])
			continue;
		switch (spec->kind) {
		case DEVSPEC_UUID:
			have = d->uuid;
			break;
		case DEVSPEC_LABEL:
			have = d->label;
			break;
		case DEVSPEC_PARTUUID:
			have = d->partuuid;
			break;
		case DEVSPEC_PARTLABEL:
			have = d->partlabel;
			break;
		default:
			return;
		}
		if (have[0] && differences(spec->value, have) <= near)
			log_error(
			    "hint: /dev/%s has %s=%s, close to the %s=%s asked for: a typo in root=?",
			    d->name, devspec_tag_name(spec->kind), have,
			    devspec_tag_name(spec->kind), spec->value);
	}
}

void devices_report(const struct devspec *spec)
{
	if (n_devices == 0) {
		log_error(
		    "no block devices appeared at all: the storage driver is missing from the image or the disk is not attached");
		return;
	}
	if (count_present() < n_devices)
		log_error("block devices that were removed since they appeared: %u",
			  n_devices - count_present());
	probe_all_fully();
	log_error("block devices seen (%u):", count_present());
	for (unsigned i = 0; i < n_devices; i++) {
		struct device_info *d = &devices[i];

		if (gone[i])
			continue;
		need_partition_entry(d);
		log_error(
		    "  /dev/%s %u:%u TYPE=\"%s\" UUID=\"%s\" LABEL=\"%s\" PARTUUID=\"%s\" PARTLABEL=\"%s\"",
		    d->name, d->major, d->minor, d->type, d->uuid, d->label, d->partuuid,
		    d->partlabel);
		for (unsigned j = 0; j < d->ids.count; j++)
			log_error("    /dev/disk/%s", d->ids.name[j]);
	}
	if (spec)
		report_near_miss(spec);
}
