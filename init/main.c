// SPDX-License-Identifier: MIT
/* baton: PID 1 of the initramfs. This file is the boot sequence and nothing else. */
#include "cmdline.h"
#include "devices.h"
#include "devspec.h"
#include "fatal.h"
#include "hooks.h"
#include "layout.h"
#include "log.h"
#include "monotime.h"
#include "modules.h"
#include "mount.h"
#include "overlay.h"
#include "pstore.h"
#include "procs.h"
#include "resume.h"
#include "shared_root.h"
#include "shutdown.h"
#include "stacks.h"
#include "switchroot.h"
#include "verity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel passes at most MAX_INIT_ARGS (32) words and MAX_INIT_ENVS (32) variables. */
#define INIT_ARGS_MAX 64

extern char **environ;

/* A root= handed back by a hook is written over params.root in place. */
_Static_assert(HOOKS_RESULT_MAX <= CMDLINE_VALUE_ROOM, "a hook's root= must fit params.root");

static struct boot_params params;
static struct devspec root_spec;
static const struct device_info *root_dev;
static struct shared_root shared_root;			    /* a virtiofs or 9p root: fstype set */
static char root_device[sizeof("/dev/") + DEVICE_NAME_MAX]; /* for hooks: BATON_ROOT_DEVICE */
/* What the kernel gave /init, handed unchanged to the real init. */
static char *init_argv[INIT_ARGS_MAX + 2];
static char **init_envp;

/* The kernel starts init with fds 0-2 on /dev/console, or closed if it could not open it. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		nfd = open(LAYOUT_CONSOLE, O_RDWR | O_NOCTTY);
		if (nfd < 0)
			nfd = open("/dev/null", O_RDWR | O_NOCTTY);
		if (nfd >= 0 && nfd != fd) {
			(void)dup2(nfd, fd);
			close(nfd);
		}
	}
}

/* Keeps argv and envp for the real init, then gives library code a clean environment. */
static void save_init_arguments(int argc, char *argv[], char *envp[])
{
	static char *clean_env[] = {"PATH=" LAYOUT_PATH, NULL};
	int n = 0;

	init_argv[n++] = NULL; /* the init's path, filled in once it is chosen */
	for (int i = 1; i < argc && n < INIT_ARGS_MAX + 1; i++)
		init_argv[n++] = argv[i];
	init_argv[n] = NULL;
	init_envp = envp;
	/* libmount and libblkid read LIBMOUNT_* / BLKID_* variables; the kernel sets k=v words. */
	environ = clean_env;
}

/* Most of a bad word shown in its warning: with the reason, well inside one kmsg record. */
#define WARN_WORD_MAX 256

/* Names each word of the command line whose value did not parse, and what is used instead. */
static void warn_invalid(void)
{
	const char *word = params.invalid;
	char why[CMDLINE_EXPLAIN_MAX];

	for (unsigned i = 0; i < params.invalid_count; i++, word += strlen(word) + 1) {
		size_t len = strlen(word);

		if (cmdline_invalid_explain(&params, word, why, sizeof(why)) < 0)
			continue;
		log_warning("%.*s%s: %s", (int)(len < WARN_WORD_MAX ? len : WARN_WORD_MAX), word,
			    len > WARN_WORD_MAX ? "..." : "", why);
	}
}

/* First size of the buffer /proc/cmdline is read into; it doubles until the whole line fits. */
#define CMDLINE_READ_CHUNK 4096

/*
 * Reads /proc/cmdline whole, whatever its length: x86's limit is 2048 bytes, other
 * architectures allow more, and bootconfig adds its "kernel" keys beyond it. What it cannot
 * read fails the boot with the command line unknown.
 */
static void read_cmdline(void)
{
	size_t size = CMDLINE_READ_CHUNK, n = 0;
	char *buf = malloc(size), *bigger;
	ssize_t got;
	int fd, r;

	if (!buf)
		fatal(NULL, modules_coldplug, "no memory to read /proc/cmdline");
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal(NULL, modules_coldplug,
		      "cannot open /proc/cmdline (%m): is proc mounted on /proc?");
	for (;;) {
		if (n == size) {
			bigger = size <= SIZE_MAX / 2 ? realloc(buf, size * 2) : NULL;
			if (!bigger)
				fatal(NULL, modules_coldplug,
				      "no memory to read /proc/cmdline past %zu bytes", n);
			buf = bigger;
			size *= 2;
		}
		got = read(fd, buf + n, size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			fatal(NULL, modules_coldplug, "reading /proc/cmdline failed: %m");
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	r = cmdline_parse(buf, n, &params);
	free(buf);
	if (r == -ENOMEM)
		fatal(NULL, modules_coldplug, "no memory to parse the %zu bytes of /proc/cmdline",
		      n);
	if (r < 0)
		warn_invalid();
	if (params.log_level >= 0)
		log_set_max_level((enum log_level)params.log_level);
	else if (params.verbosity == CMDLINE_VERBOSITY_DEBUG)
		log_set_max_level(LOG_LEVEL_DEBUG);
}

/* A hook (LVM, LUKS, RAID) may hand back the device that now holds the root. */
static bool take_root_from_hooks(struct devspec *spec, char *text, size_t size)
{
	const char *root = hooks_result_root();

	if (!root[0] || strcmp(root, text) == 0)
		return false;
	if (devspec_parse(root, spec) < 0) {
		log_error(
		    "a hook handed back root=%s, which is not a device form baton understands, ignoring it",
		    root);
		return false;
	}
	log_info("the root is now %s (from a hook)", root);
	snprintf(text, size, "%s", root);
	return true;
}

/* Runs the device hooks while waiting for the root, like initramfs-tools' local-block. */
static bool device_hooks(struct devspec *spec, char *text, size_t size)
{
	/* Unlocked LUKS devices and assembled arrays appear as new devices: look again at once. */
	bool activated = stacks_wait_hook(spec, text, size);

	if (!hooks_exist(STAGE_DEVICE))
		return activated;
	(void)hooks_run(STAGE_DEVICE, &params, text);
	return take_root_from_hooks(spec, text, size) || activated;
}

/* resume= is optional: a device that never shows up only costs the wait. */
static void resume_if_asked(void)
{
	const struct device_info *dev;
	struct devspec spec;

	if (!params.resume[0])
		return;
	/*
	 * The kernel clears its own noresume when /sys/power/resume is written (kernel/power/
	 * hibernate.c, resume_store()): an image left from before would be restored over
	 * filesystems changed since, so nothing is written at all.
	 */
	if (params.noresume) {
		log_info(
		    "resume skipped: noresume is on the kernel command line, resume=%s is not handed to the kernel",
		    params.resume);
		return;
	}
	if (devspec_parse(params.resume, &spec) < 0) {
		log_warning("resume=%s is not a device form baton understands, not resuming",
			    params.resume);
		return;
	}
	modules_coldplug();
	/* Bounded even with rootwait: a missing swap must not hold the boot forever. */
	if (devices_wait_for(&spec, params.resume, params.value_size, "resume device",
			     cmdline_resume_timeout(&params), stacks_wait_hook, &dev) < 0) {
		log_warning("resume device %s did not appear, booting without resuming",
			    params.resume);
		return;
	}
	(void)resume_from(dev);
}

static void parse_root(void)
{
	int r;

	verity_default_root(&params);
	r = shared_root_parse(&params, &shared_root);
	if (r < 0)
		fatal(
		    &params, modules_coldplug,
		    "the share tag in root=%s is empty or longer than %d bytes: use root=virtiofs:TAG or rootfstype=virtiofs|9p root=TAG",
		    params.root, SHARED_ROOT_TAG_MAX - 1);
	if (r > 0)
		return;
	if (!params.root[0])
		fatal(
		    &params, modules_coldplug,
		    "no root= on the kernel command line: add root=UUID=..., root=LABEL=... or root=/dev/NAME to the boot loader entry");
	if (devspec_parse(params.root, &root_spec) < 0)
		fatal(
		    &params, modules_coldplug,
		    "root=%s is not a form baton understands: use /dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL=, MAJOR:MINOR or /dev/disk/by-*/NAME",
		    params.root);
}

/*
 * An image made for this machine (mkinitramfs -m) usually has the root in place as soon as
 * the modules it names are loaded; then coldplug can wait until something else needs it
 * (resume=, a separate /usr, the failure path). Not with hooks that may need other devices
 * first (RAID, LVM, LUKS), nor with rootdelay=, nor before an rd.break= shell, whose user
 * may type on a USB keyboard.
 */
static bool coldplug_can_wait(void)
{
	return !shared_root.fstype && !params.roothash[0] && !hooks_exist(STAGE_PREMOUNT) &&
	       !hooks_exist(STAGE_DEVICE) && !params.rootdelay_sec && params.break_at == STAGE_NONE;
}

static bool root_already_present(void)
{
	if (!coldplug_can_wait() || access(LAYOUT_MODULES_LOAD, F_OK) < 0)
		return false;
	return devices_find_now(&root_spec) != NULL;
}

/*
 * A generic image has no list of modules: it loads the drivers of virtio and NVMe storage
 * first, and when that brings the root, the rest (AHCI's link probing, USB) waits as in a
 * host-only image. A root elsewhere, or one that needs a prompt, gets the whole coldplug first.
 */
static bool root_present_after_quick_coldplug(void)
{
	if (!coldplug_can_wait())
		return false;
	modules_coldplug_quick();
	return devices_find_now(&root_spec) != NULL;
}

/* After "fatal: root device ... did not appear": what was seen, then drivers for the rescue. */
static void report_missing_root(void)
{
	devices_report(&root_spec);
	stacks_report(&params);
	modules_report_unclaimed();
	modules_coldplug();
}

static void find_root(void)
{
	int r;

	/* A share is mounted by its tag; shared_root_mount() waits for its virtio device. */
	if (shared_root.fstype) {
		snprintf(root_device, sizeof(root_device), "%s", shared_root.tag);
		return;
	}
	if (verity_open_root(&params) < 0)
		fatal(&params, modules_coldplug,
		      "the dm-verity root could not be opened: not mounting an unverified root");
	(void)take_root_from_hooks(&root_spec, params.root, params.value_size);
	if (params.rootdelay_sec) {
		log_info("rootdelay=%u: sleeping before looking for the root",
			 params.rootdelay_sec);
		monotime_sleep_ms((long long)params.rootdelay_sec * 1000);
	}
	log_info("waiting for root device %s%s", params.root,
		 params.wait == CMDLINE_WAIT_FOREVER ? " (rootwait)" : "");
	r = devices_wait_for(&root_spec, params.root, params.value_size, "root device",
			     params.wait == CMDLINE_WAIT_FOREVER ? 0 : params.timeout_sec,
			     device_hooks, &root_dev);
	if (r < 0)
		fatal(
		    &params, report_missing_root,
		    "root device %s did not appear within %u s: check root= for a typo (the devices seen are listed below), make sure the image has the disk's driver (mkinitramfs -m), or add rootwait for a slow disk",
		    params.root, params.timeout_sec);
	stacks_prepare_root(&params, &root_spec, root_dev);
	snprintf(root_device, sizeof(root_device), "/dev/%s", root_dev->name);
}

static void mount_root_and_usr(void)
{
	struct mount_usr usr;
	int r;

	if (shared_root.fstype) {
		if (shared_root_mount(&params, &shared_root) < 0)
			fatal(&params, modules_coldplug, "the %s share \"%s\" could not be mounted",
			      shared_root.fstype, shared_root.tag);
	} else if (mount_root(&params, root_dev) < 0) {
		fatal(&params, modules_coldplug,
		      "the root filesystem on /dev/%s could not be mounted", root_dev->name);
	}
	/* A read-only share gets a writable / over it, as virtme-ng gives one. */
	if (overlay_apply(&params, shared_root.fstype && !params.read_write) < 0)
		fatal(&params, modules_coldplug,
		      "the overlay or volatile root the command line asks for could not be set up");
	if (verity_open_usr(&params) < 0)
		fatal(&params, modules_coldplug,
		      "the dm-verity /usr could not be opened: not mounting an unverified /usr");
	r = mount_usr_find(&params, &usr);
	if (r > 0) {
		/* Its disk may need a driver the root did not. */
		modules_coldplug();
		r = mount_usr(&params, &usr);
	}
	if (r < 0)
		fatal(&params, modules_coldplug,
		      "/usr could not be mounted; the real init needs it in place");
}

static _Noreturn void switch_to_new_root(void)
{
	struct switchroot_plan plan;

	if (switchroot_validate(MOUNT_NEW_ROOT, params.init, &plan) < 0)
		fatal(&params, modules_coldplug,
		      "not switching to the new root; the initramfs is intact");
	/* Validated, /run still ours: systemd-shutdown returns to what is copied here. */
	(void)shutdown_prepare(&params);
	/* /dev first, so helpers told to move (plymouth) find it populated in the new root. */
	if (switchroot_move_api(&plan, "/dev") < 0)
		fatal(&params, modules_coldplug,
		      "not switching to the new root; the initramfs is intact");
	(void)hooks_run(STAGE_PRE_SWITCH, &params, root_device);
	(void)procs_stop_initramfs();
	init_argv[0] = plan.init;
	(void)switchroot_execute(&plan, init_argv, init_envp);
	fatal(&params, modules_coldplug,
	      "the switch to the new root failed; back in the initramfs");
}

int main(int argc, char *argv[], char *envp[])
{
	const char *base = strrchr(argv[0], '/');

	/* LAYOUT_MODPROBE in the image links here, for the kernel's request_module(). */
	if (strcmp(base ? base + 1 : argv[0], LAYOUT_MODPROBE_NAME) == 0)
		return modules_modprobe_main(argc, argv);
	/* /run/initramfs/shutdown is a copy of this init, run by systemd-shutdown at the end. */
	if (strcmp(base ? base + 1 : argv[0], SHUTDOWN_PROGRAM) == 0)
		return shutdown_main(argc, argv);
	if (getpid() != 1) {
		fprintf(stderr, "baton: this is the initramfs init and must run as PID 1\n");
		return 1;
	}
	ensure_std_fds();
	save_init_arguments(argc, argv, envp);
	(void)mount_api_filesystems();
	ensure_std_fds();
	log_open();
	log_lift_ratelimit();
	read_cmdline();
	stacks_set_params(&params);
	log_info("started, root=%s", params.root[0] ? params.root : "(none)");
	(void)hooks_run(STAGE_EARLY, &params, NULL);

	(void)devices_listen();
	parse_root();
	if (modules_init(params.blacklist) == 0) {
		modules_load_listed();
		modules_load_names(params.load_modules);
		if (root_already_present() || root_present_after_quick_coldplug())
			log_info("root device %s is present; coldplug deferred", params.root);
		else
			modules_coldplug();
	}
	(void)hooks_run(STAGE_PREMOUNT, &params, NULL);
	find_root();
	resume_if_asked();
	mount_root_and_usr();
	(void)hooks_run(STAGE_MOUNT, &params, root_device);
	(void)pstore_collect();
	switch_to_new_root();
}
