// SPDX-License-Identifier: MIT
/* Kernel modules through libkmod: by name, by alias (coldplug, uevents, filesystems). */
#include "modules.h"

#include "cmdline.h"
#include "layout.h"
#include "log.h"
#include "macro.h"
#include "modalias.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A modalias is one sysfs attribute; the kernel caps those at one page. */
#define MODALIAS_MAX 4096
#define MODULE_NAME_MAX 256

/*
 * Aliases already looked up and loaded, newest kept over the oldest: devices of one kind share
 * one (128 SCSI disks, 128 uevents of "scsi:t-0x00"), and loading is the same the second time.
 */
#define ALIASES_DONE_MAX 32
#define ALIAS_DONE_LEN 160

/* Unclaimed hardware we remember for the report; more than this is summarised as a count. */
#define UNCLAIMED_MAX 32
#define UNCLAIMED_ALIAS_MAX 160

static struct kmod_ctx *kmod;
/* The module index that made modules_init() give up, for the fatal report; empty if none. */
static char index_broken[PATH_MAX];
static const char *index_broken_why = "";
static char unclaimed[UNCLAIMED_MAX][UNCLAIMED_ALIAS_MAX];
static unsigned n_unclaimed, n_unclaimed_dropped;
static struct {
	char alias[ALIAS_DONE_LEN];
	int claimed;
} aliases_done[ALIASES_DONE_MAX];
static unsigned aliases_done_next;

/* Buses whose devices may hold or lead to the root; others (CPU, ACPI, input) are noise. */
static const char *const storage_buses[] = {
    "pci:", "usb:", "virtio:", "scsi:", "mmc:", "sdio:", "vmbus:", "xen:", "ccw:"};

/*
 * PCI classes that never lead to a disk (PCI Code and ID Assignment spec): display, multimedia,
 * memory, bridges, communication, system peripherals, input, docking, processors, SMBus.
 */
static const char *const pci_classes_not_storage[] = {"bc03", "bc04", "bc05", "bc06", "bc07",
						      "bc08", "bc09", "bc0A", "bc0B", "bc0Csc05"};

static void remember_unclaimed(const char *alias)
{
	bool storage_bus = false;

	for (size_t i = 0; i < ARRAY_SIZE(storage_buses); i++)
		if (strncmp(alias, storage_buses[i], strlen(storage_buses[i])) == 0)
			storage_bus = true;
	if (!storage_bus)
		return;
	if (strncmp(alias, "pci:", 4) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(pci_classes_not_storage); i++)
			if (strstr(alias, pci_classes_not_storage[i]))
				return;
	for (unsigned i = 0; i < n_unclaimed; i++)
		if (strncmp(unclaimed[i], alias, UNCLAIMED_ALIAS_MAX - 1) == 0)
			return;
	if (n_unclaimed < UNCLAIMED_MAX)
		snprintf(unclaimed[n_unclaimed++], UNCLAIMED_ALIAS_MAX, "%s", alias);
	else
		n_unclaimed_dropped++;
}

/* What an alias is, for the reader of the report: the ids that matter for the root. */
static const char *describe_alias(const char *alias)
{
	if (strncmp(alias, "pci:", 4) == 0 && strstr(alias, "bc01"))
		return " (PCI storage controller)";
	if (strncmp(alias, "virtio:d00000002v", 17) == 0)
		return " (virtio block device: needs virtio_blk)";
	if (strncmp(alias, "virtio:d00000008v", 17) == 0)
		return " (virtio SCSI host: needs virtio_scsi)";
	if (strncmp(alias, "usb:", 4) == 0 && strstr(alias, "ic08"))
		return " (USB mass storage: needs usb_storage or uas)";
	if (strncmp(alias, "scsi:t-0x00", 11) == 0)
		return " (SCSI disk: needs sd_mod)";
	return "";
}

void modules_report_unclaimed(void)
{
	if (index_broken[0])
		log_error(
		    "no driver could be loaded: the module index %s %s; regenerate the image with mkinitramfs",
		    index_broken, index_broken_why);
	if (n_unclaimed == 0)
		return;
	log_error("hardware that no module in this image claims:");
	for (unsigned i = 0; i < n_unclaimed; i++)
		log_error("  %s%s", unclaimed[i], describe_alias(unclaimed[i]));
	if (n_unclaimed_dropped)
		log_error("  (and %u more)", n_unclaimed_dropped);
	log_error(
	    "if the root is behind one of these, add its driver to the image (mkinitramfs -m NAME; `modprobe -R ALIAS` on a running system names it)");
}

static void kmod_log(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	(void)data;
	(void)file;
	(void)line;
	(void)fn;
	/* libkmod's priorities are syslog's, as are ours; its lines end in '\n' already. */
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), format, args);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_msg(priority <= LOG_LEVEL_ERR ? LOG_LEVEL_WARNING : (enum log_level)priority,
		"libkmod: %s", msg);
}

/* Where the blacklist from the command line goes, as modprobe.d syntax for libkmod to read. */
#define CMDLINE_CONF_DIR LAYOUT_RUN_DIR "/modprobe.d"
#define CMDLINE_CONF CMDLINE_CONF_DIR "/cmdline.conf"

/*
 * Writes "blacklist NAME" lines for libkmod's own parser; a folder of our own under /run keeps
 * them out of the real system's modprobe.d.
 */
static int write_blacklist(const char *list)
{
	FILE *f;

	if (!list[0])
		return 0;
	(void)mkdir(LAYOUT_RUN_DIR, 0755);
	(void)mkdir(CMDLINE_CONF_DIR, 0755);
	f = fopen(CMDLINE_CONF, "we");
	if (!f)
		return log_warning_errno(
		    -errno,
		    "cannot write %s (%m), the blacklist on the command line is not applied",
		    CMDLINE_CONF);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		/* One name a line: a newline inside one would add a command (install ...). */
		if (len && cmdline_module_name_valid(p, len))
			fprintf(f, "blacklist %.*s\n", (int)len, p);
		else if (len)
			log_warning("\"%.*s\" in the blacklist is not a module name, ignoring it",
				    (int)len, p);
		p += len + (p[len] == ',');
	}
	if (fclose(f) != 0)
		return log_warning_errno(-EIO, "writing %s failed, ignoring", CMDLINE_CONF);
	return 0;
}

/*
 * The binary index format depmod writes and libkmod reads (kmod's libkmod-index.c): a header
 * (magic, version, root node offset), then a trie whose nodes each come after their children.
 */
#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 0x0002u
#define INDEX_HEADER_SIZE 12
#define INDEX_NODE_PREFIX 0x80000000u
#define INDEX_NODE_VALUES 0x40000000u
#define INDEX_NODE_CHILDS 0x20000000u
#define INDEX_NODE_MASK 0x0FFFFFFFu
/* libkmod keeps a node's children in an array of INDEX_CHILDMAX (128): one per ASCII byte. */
#define INDEX_CHILDMAX 128
/* A key (a module name, an alias) is at most a modalias long, and each trie level eats a byte. */
#define INDEX_DEPTH_MAX MODALIAS_MAX

/* The indexes kmod_load_resources() maps (kmod 30's index_files[]). */
static const char *const index_names[] = {"modules.dep", "modules.alias", "modules.symbols",
					  "modules.builtin.alias", "modules.builtin"};

struct index_map {
	const unsigned char *data;
	size_t size;
	size_t budget; /* nodes left to visit: a tree has fewer nodes than bytes */
};

static uint32_t index_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Skips a NUL-terminated string at *pos; -EBADMSG if it runs past the end. */
static int index_skip_string(const struct index_map *m, size_t *pos)
{
	const unsigned char *nul;

	if (*pos >= m->size)
		return -EBADMSG;
	nul = memchr(m->data + *pos, '\0', m->size - *pos);
	if (!nul)
		return -EBADMSG;
	*pos = (size_t)(nul - m->data) + 1;
	return 0;
}

/*
 * Checks that the node at offset node and everything below it lies inside the file, the way
 * libkmod will read it: libkmod reads the mapping without bounds, so a cut-short index makes
 * it read past its end (garbage, or SIGSEGV: a kernel panic in PID 1).
 */
static int index_check_node(struct index_map *m, uint32_t node, unsigned depth)
{
	size_t pos = node & INDEX_NODE_MASK, children = 0;
	unsigned first = 0, last = 0;
	int r;

	if (depth > INDEX_DEPTH_MAX || m->budget == 0)
		return -ELOOP;
	m->budget--;
	if (pos < INDEX_HEADER_SIZE || pos >= m->size)
		return -EBADMSG;
	if (node & INDEX_NODE_PREFIX) {
		r = index_skip_string(m, &pos);
		if (r < 0)
			return r;
	}
	if (node & INDEX_NODE_CHILDS) {
		if (m->size - pos < 2)
			return -EBADMSG;
		first = m->data[pos];
		last = m->data[pos + 1];
		pos += 2;
		if (first > last || last >= INDEX_CHILDMAX ||
		    (m->size - pos) / 4 < (size_t)(last - first + 1))
			return -EBADMSG;
		children = pos;
		pos += 4 * (size_t)(last - first + 1);
	}
	if (node & INDEX_NODE_VALUES) {
		uint32_t count;

		if (m->size - pos < 4)
			return -EBADMSG;
		count = index_u32(m->data + pos);
		pos += 4;
		/* Each value is a 4-byte priority and a string of at least its NUL. */
		if (count > (m->size - pos) / 5)
			return -EBADMSG;
		for (uint32_t i = 0; i < count; i++) {
			if (m->size - pos < 4)
				return -EBADMSG;
			pos += 4;
			r = index_skip_string(m, &pos);
			if (r < 0)
				return r;
		}
	}
	for (unsigned i = 0; children && i <= last - first; i++) {
		uint32_t child = index_u32(m->data + children + 4 * i);

		if ((child & INDEX_NODE_MASK) == 0)
			continue;
		/* depmod writes children first: a child at or after its parent is damage. */
		if ((child & INDEX_NODE_MASK) >= (node & INDEX_NODE_MASK))
			return -EBADMSG;
		r = index_check_node(m, child, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Checks one index file of the image before libkmod maps it. Returns 0 when it is whole (or
 * absent while the image has no module folder at all), else -errno with *ret_why saying what.
 */
static int index_check(const char *path, bool required, const char **ret_why)
{
	struct index_map m = {0};
	struct stat st;
	void *map;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT && !required)
			return 0;
		*ret_why = r == -ENOENT ? "is missing" : "cannot be read";
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < INDEX_HEADER_SIZE) {
		close(fd);
		*ret_why = "is damaged (shorter than its header)";
		return -EBADMSG;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	r = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (r < 0) {
		*ret_why = "cannot be read";
		return r;
	}
	m.data = map;
	m.size = (size_t)st.st_size;
	m.budget = m.size;
	if (index_u32(m.data) != INDEX_MAGIC ||
	    index_u32(m.data + 4) >> 16 != INDEX_VERSION_MAJOR) {
		*ret_why = "is damaged (not a kmod index of version 2)";
		r = -EBADMSG;
	} else {
		r = index_check_node(&m, index_u32(m.data + 8), 0);
		if (r < 0)
			*ret_why = "is damaged (cut short, or a node points outside it)";
	}
	munmap(map, m.size);
	return r;
}

/*
 * Checks every index libkmod will map. modules.dep.bin must be there when the image has a
 * module folder (mkinitramfs always writes it); the others only need to be whole.
 */
static int indexes_check(const char *dir)
{
	bool have_dir = access(dir, F_OK) == 0;

	for (size_t i = 0; i < ARRAY_SIZE(index_names); i++) {
		const char *why = "";
		int r;

		snprintf(index_broken, sizeof(index_broken), "%s/%s.bin", dir, index_names[i]);
		r = index_check(index_broken, have_dir && i == 0, &why);
		if (r < 0) {
			index_broken_why = why;
			return log_error_errno(
			    r,
			    "module index %s %s: the image is incomplete or damaged (\"Initramfs unpacking failed\" above?), so no module can be looked up; regenerate the image with mkinitramfs",
			    index_broken, why);
		}
	}
	index_broken[0] = '\0';
	return 0;
}

int modules_init(const char *blacklist)
{
	/* libkmod's default folders, after ours. */
	static const char *const config_paths[] = {CMDLINE_CONF_DIR, LAYOUT_MODPROBE_D_ETC,
						   "/run/modprobe.d", LAYOUT_MODPROBE_D_LIB, NULL};
	int r;

	(void)write_blacklist(blacklist);
	/* NULL: /lib/modules/$(uname -r) of the image. */
	kmod = kmod_new(NULL, config_paths);
	if (!kmod)
		return log_error_errno(-ENOMEM,
				       "cannot create the libkmod context, no module will load");
	kmod_set_log_fn(kmod, kmod_log, NULL);
	kmod_set_log_priority(kmod, log_get_max_level() >= LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG
									   : LOG_LEVEL_ERR);
	/* libkmod trusts the indexes; a damaged one must never reach it. */
	r = indexes_check(kmod_get_dirname(kmod));
	if (r < 0) {
		kmod_unref(kmod);
		kmod = NULL;
		return r;
	}
	r = kmod_load_resources(kmod);
	if (r < 0)
		log_warning_errno(
		    r,
		    "cannot load the module indexes of the image (%m); module lookups will be slow or fail: rebuild the image with mkinitramfs");
	return 0;
}

/*
 * An "install" command from modprobe.d would need a shell the image may not have (libkmod
 * runs it with system()); insert the module itself, with its configured options, instead.
 */
static int insert_instead(struct kmod_module *mod, const char *cmdline, void *data)
{
	int r;

	(void)data;
	log_notice("module %s has an install command (\"%s\"); loading the module itself instead",
		   kmod_module_get_name(mod), cmdline);
	r = kmod_module_insert_module(mod, 0, kmod_module_get_options(mod));
	return r == -EEXIST ? 0 : r;
}

/*
 * What a failed insertion says about the image: a cut-short initramfs ("Initramfs unpacking
 * failed") leaves the module it stopped in still open for writing by the kernel's unpacker
 * (finit_module gives ETXTBSY), and the modules after it missing though the index lists them.
 */
static const char *damage_hint(struct kmod_module *mod, int r)
{
	const char *path = kmod_module_get_path(mod);

	if (r == -ETXTBSY)
		return " (the kernel stopped unpacking the initramfs inside this module's file, see "
		       "\"Initramfs unpacking failed\" above: regenerate the image)";
	if (path && access(path, F_OK) < 0)
		return " (its file is missing from the image although the index lists it: the "
		       "image is incomplete, regenerate it)";
	return "";
}

/* Inserts every module in a lookup result; returns how many there were, or -errno. */
static int insert_list(struct kmod_list *list, const char *what, unsigned flags, bool quiet)
{
	struct kmod_list *it;
	int count = 0, r;

	kmod_list_foreach (it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		const char *name = kmod_module_get_name(mod);

		count++;
		/*
		 * Not KMOD_PROBE_IGNORE_COMMAND: in kmod 30 that also drops the softdeps (btrfs
		 * needs its checksum modules). install commands go to insert_instead().
		 */
		/*
		 * Synchronous probing (no async_probe): drivers then name disks in bus order, so
		 * root=/dev/vda2 or /dev/sda1 means the same disk from boot to boot.
		 */
		r = kmod_module_probe_insert_module(mod, flags, NULL, insert_instead, NULL, NULL);
		if (r > 0)
			log_debug("module %s (for %s) is blacklisted, skipped", name, what);
		else if (r == 0)
			log_debug("module %s loaded (for %s)", name, what);
		else if (quiet && (r == -ENODEV || r == -ENOENT) && !damage_hint(mod, r)[0])
			/* e.g. a CPU-specific crc32c that does not fit this CPU: normal */
			log_debug("module %s (for %s) declined: %s", name, what, strerror(-r));
		else
			log_warning_errno(r, "loading module %s (for %s) failed: %m%s, ignoring",
					  name, what, damage_hint(mod, r));
		kmod_module_unref(mod);
	}
	return count;
}

/*
 * Looks a name or alias up and loads what it finds. Returns how many modules claim it, or
 * -errno when the lookup itself failed.
 */
static int load_lookup(const char *name, unsigned flags, bool quiet)
{
	struct kmod_list *list = NULL;
	int r;

	if (!kmod)
		return -ENOSYS;
	r = kmod_module_new_from_lookup(kmod, name, &list);
	if (r < 0)
		return log_warning_errno(r, "looking up module %s failed: %m", name);
	if (!list)
		return 0;
	r = insert_list(list, name, flags, quiet);
	kmod_module_unref_list(list);
	return r;
}

int modules_load_name(const char *name)
{
	/* A module asked for by name is loaded even if blacklisted, as modprobe NAME does. */
	int r = load_lookup(name, 0, false);

	if (r == 0)
		return log_error_errno(
		    -ENOENT, "module %s is not in this image: add it with mkinitramfs -m %s", name,
		    name);
	return r < 0 ? r : 0;
}

int modules_load_alias(const char *alias)
{
	size_t len = strlen(alias);
	int r;

	for (unsigned i = 0; len < ALIAS_DONE_LEN && i < ALIASES_DONE_MAX; i++)
		if (strcmp(aliases_done[i].alias, alias) == 0)
			return aliases_done[i].claimed;
	r = load_lookup(alias, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, true);
	if (r == 0)
		remember_unclaimed(alias);
	if (r >= 0 && len < ALIAS_DONE_LEN) {
		memcpy(aliases_done[aliases_done_next].alias, alias, len + 1);
		aliases_done[aliases_done_next].claimed = r;
		aliases_done_next = (aliases_done_next + 1) % ALIASES_DONE_MAX;
	}
	return r;
}

void modules_load_names(const char *list)
{
	char name[MODULE_NAME_MAX];

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			(void)modules_load_name(name);
		}
		p += len + (p[len] == ',');
	}
}

void modules_load_listed(void)
{
	char line[MODULE_NAME_MAX];
	FILE *f = fopen(LAYOUT_MODULES_LOAD, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			(void)modules_load_name(line);
	}
	fclose(f);
}

/*
 * Reads dirfd/modalias and loads what claims it; silently nothing if the device has none, or
 * when quick_only and the device is not quick storage.
 */
static void coldplug_one(int dirfd, bool quick_only)
{
	char alias[MODALIAS_MAX];
	int fd = openat(dirfd, "modalias", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, alias, sizeof(alias) - 1);
	close(fd);
	if (n <= 0)
		return;
	alias[n] = '\0';
	alias[strcspn(alias, "\n")] = '\0';
	if (alias[0] && (!quick_only || modalias_quick_storage(alias)))
		(void)modules_load_alias(alias);
}

/*
 * Every device the kernel knows is linked from /sys/bus/BUS/devices/: a few hundred entries,
 * where walking /sys/devices opens thousands of attribute folders. A device that already has
 * a driver (built in, or loaded for an earlier alias) needs nothing.
 */
static void coldplug_walk(bool quick_only)
{
	DIR *buses = opendir("/sys/bus");
	struct dirent *bus;

	if (!buses) {
		log_warning_errno(-errno, "cannot open /sys/bus (%m), no coldplug");
		return;
	}
	while ((bus = readdir(buses))) {
		char path[sizeof("/sys/bus//devices") + NAME_MAX];
		struct dirent *de;
		DIR *devs;

		if (bus->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/%s/devices", bus->d_name);
		devs = opendir(path);
		if (!devs)
			continue;
		while ((de = readdir(devs))) {
			int fd;

			if (de->d_name[0] == '.')
				continue;
			fd = openat(dirfd(devs), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (faccessat(fd, "driver", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
				coldplug_one(fd, quick_only);
			close(fd);
		}
		closedir(devs);
	}
	closedir(buses);
}

void modules_coldplug(void)
{
	static bool done;

	/* Once is enough: what appears later comes as uevents. */
	if (done || !kmod)
		return;
	done = true;
	log_info("coldplug: loading drivers for the devices present");
	coldplug_walk(false);
}

void modules_coldplug_quick(void)
{
	if (!kmod)
		return;
	log_info("coldplug: loading drivers for virtio and NVMe storage first");
	/* Twice: virtio_pci's probe adds the virtio devices, a SCSI host's its disks. */
	coldplug_walk(true);
	coldplug_walk(true);
}

int modules_modprobe_main(int argc, char *argv[])
{
	bool quiet = false, blacklist = false;
	int i, failed = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (strcmp(argv[i], "-b") == 0 || strcmp(argv[i], "--use-blacklist") == 0)
			blacklist = true;
		/* Other options (-v, -s) change nothing we do. */
	}
	/* The kernel runs us with -q for every request_module(); misses are routine then. */
	log_set_max_level(quiet ? LOG_LEVEL_ERR : LOG_LEVEL_INFO);
	log_open();
	if (modules_init("") < 0)
		return 1;
	for (; i < argc; i++) {
		int r = load_lookup(argv[i], blacklist ? KMOD_PROBE_APPLY_BLACKLIST : 0, quiet);

		if (r <= 0) {
			if (!quiet)
				log_error("modprobe: module %s not found in this initramfs",
					  argv[i]);
			failed = 1;
		}
	}
	kmod_unref(kmod);
	kmod = NULL;
	return failed;
}
