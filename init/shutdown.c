// SPDX-License-Identifier: MIT
/* The shutdown program, run by systemd-shutdown in /run/initramfs to take the stack down. */
#include "shutdown.h"

#include "diskid.h"
#include "log.h"
#include "macro.h"
#include "monotime.h"
#include "procs.h"
#include "strv.h"
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/reboot.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Where systemd-shutdown's switch_root() put the old root (src/shutdown/shutdown.c). */
#define SHUTDOWN_OLDROOT "/oldroot"
/* Unmount passes: nested mounts free their parents one level a pass; real trees are shallower. */
#define SHUTDOWN_UMOUNT_PASSES 16
/* Rounds of LVM, dm-crypt, md: each round can free one more level of nesting (md->LUKS->LVM). */
#define SHUTDOWN_STACK_ROUNDS 4
/* A storage tool's limit: mdadm --wait-clean waits for a resync checkpoint; dracut gives 90 s. */
#define SHUTDOWN_TOOL_TIMEOUT_SEC 90
/* How long killed processes get to disappear. */
#define SHUTDOWN_KILL_WAIT_MS 3000
#define SHUTDOWN_POLL_MS 20
/* How long a busy file system under /oldroot gets to come free before it is detached lazily. */
#define SHUTDOWN_BUSY_WAIT_MS 5000
#define SHUTDOWN_BUSY_POLL_MS 100
/* systemd writes the argument of "reboot ARG" here (systemctl(1), reboot-util.c). */
#define SHUTDOWN_REBOOT_PARAM "/run/systemd/reboot-param"
#define SHUTDOWN_REBOOT_PARAM_MAX 256
/* Longest /proc/self/mountinfo line read; longer ones (huge option strings) are skipped. */
#define SHUTDOWN_MOUNTINFO_LINE 4096

/*
 * lvm with no udev: devices and links made by lvm itself, no waiting for udev's cookies, no
 * dmeventd (as part B's activation does at boot).
 */
#define SHUTDOWN_LVM_CONFIG                                                                        \
	"activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } devices { "                    \
	"obtain_device_list_from_udev = 0 }"

extern char **environ;

/*
 * One step, to kmsg and to the console: the kernel echoes a kmsg record on the console only
 * below its console_loglevel (the first number of /proc/sys/kernel/printk, often 4 on
 * installed systems), so what it would not show is written there directly.
 */
__attribute__((format(printf, 2, 3))) static void say(enum log_level level, const char *fmt, ...)
{
	char text[512], buf[16];
	int console_level = 7, fd;
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_msg(level, "shutdown: %s", text);
	fd = open("/proc/sys/kernel/printk", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			console_level = atoi(buf);
		}
		close(fd);
	}
	if ((int)level >= console_level)
		dprintf(STDERR_FILENO, "baton: shutdown: %s\n", text);
}

/* systemd-shutdown's switch_root() binds /dev /proc /sys /run in; mounts what is missing. */
static void mount_api(void)
{
	static const struct {
		const char *path, *type, *probe;
	} api[] = {
	    {"/proc", "proc", "/proc/self/mountinfo"},
	    {"/sys", "sysfs", "/sys/kernel"},
	    {"/dev", "devtmpfs", "/dev/null"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(api); i++) {
		if (access(api[i].probe, F_OK) == 0)
			continue;
		(void)mkdir(api[i].path, 0755);
		if (mount(api[i].type, api[i].path, api[i].type, MS_NOSUID | MS_NOEXEC, NULL) < 0)
			dprintf(STDERR_FILENO, "baton: shutdown: cannot mount %s on %s: %s\n",
				api[i].type, api[i].path, strerror(errno));
	}
}

/* What old_root_processes() does with each process it finds. */
enum old_root_scan {
	SCAN_COUNT, /* count them */
	SCAN_KILL,  /* SIGKILL them, each named in the log */
	SCAN_NAME,  /* name them, and those running from the initramfs: they outlived a wait */
};

/*
 * The processes whose root is not ours (the old root's, or none: exiting), kernel threads
 * left out. systemd-shutdown killed every process but those marked '@' (root storage daemons,
 * plymouthd); whatever still runs in the old root keeps it mounted. '@' processes that run
 * from the initramfs, as systemd asks them to, share our root and are spared.
 */
static unsigned old_root_processes(enum old_root_scan what)
{
	struct stat self, root;
	struct dirent *e;
	char path[64], comm[64];
	unsigned found = 0;
	DIR *d;

	if (stat("/", &self) < 0 || !(d = opendir("/proc")))
		return 0;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		bool in_old_root;
		ssize_t n;
		int fd;

		if (pid <= 1 || pid == getpid() || procs_is_kernel_thread(pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
		in_old_root = stat(path, &root) < 0 || root.st_dev != self.st_dev ||
			      root.st_ino != self.st_ino;
		if (in_old_root)
			found++;
		if (what == SCAN_COUNT || (!in_old_root && what != SCAN_NAME))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
		if (fd >= 0)
			close(fd);
		comm[n > 0 ? n - 1 : 0] = '\0';
		if (what == SCAN_NAME)
			say(LOG_LEVEL_WARNING, "process %d (%s) still runs %s", (int)pid, comm,
			    in_old_root ? "in the old root" : "from the initramfs");
		else if (kill(pid, SIGKILL) == 0)
			say(LOG_LEVEL_NOTICE,
			    "killing process %d (%s), still running in the old root", (int)pid,
			    comm);
	}
	closedir(d);
	return found;
}

/* We are PID 1: every orphan is ours to reap, and a zombie's entry would count as a process. */
static void reap_zombies(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Kills what still runs in the old root and waits until it is gone: counted anew each time
 * (not by the zombies reaped, which may be any orphan's), so the unmounts below do not race
 * a process that is still closing its files.
 */
static void kill_old_root_processes(void)
{
	long long deadline = monotime_ms() + SHUTDOWN_KILL_WAIT_MS;

	if (!old_root_processes(SCAN_KILL))
		return;
	for (;;) {
		reap_zombies();
		if (!old_root_processes(SCAN_COUNT))
			return;
		if (monotime_ms() >= deadline)
			break;
		monotime_sleep_ms(SHUTDOWN_POLL_MS);
	}
	(void)old_root_processes(SCAN_NAME);
}

/* The mount points at or under top, in /proc/self/mountinfo order (parents first). */
static int list_mounts(const char *top, struct strv *ret)
{
	char line[SHUTDOWN_MOUNTINFO_LINE], mp[SHUTDOWN_MOUNTINFO_LINE];
	FILE *f;

	strv_free(ret);
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": the fifth field. */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		shutdown_unescape(mp);
		if (shutdown_path_under(mp, top) && strv_push(ret, mp) < 0)
			break;
	}
	fclose(f);
	return 0;
}

/*
 * Unmounts what is mounted under /oldroot, children before parents, pass after pass while one
 * frees another. Returns how many went; left holds what is still mounted.
 */
static unsigned unmount_passes(struct strv *left)
{
	unsigned done = 0;
	bool progress = true;

	for (int pass = 0; pass < SHUTDOWN_UMOUNT_PASSES && progress; pass++) {
		if (list_mounts(SHUTDOWN_OLDROOT, left) < 0 || left->count == 0)
			break;
		progress = false;
		for (size_t i = left->count; i-- > 0;)
			if (umount2(left->v[i], 0) == 0) {
				log_info("shutdown: unmounted %s", left->v[i]);
				done++;
				progress = true;
			}
	}
	if (list_mounts(SHUTDOWN_OLDROOT, left) < 0)
		strv_free(left);
	return done;
}

/*
 * Unmounts everything under /oldroot. What is busy gets SHUTDOWN_BUSY_WAIT_MS to come free:
 * a file system can stay busy after the last process that used it is gone (seen on sid's 7.x
 * kernel when systemd-shutdown had to kill a udev worker: no process was left, yet the root
 * still refused to go read-only 180 ms later), and '@' daemons running from the initramfs,
 * which are spared, may still hold it. What stays busy is remounted read-only and detached (lazy),
 * so its data is on disk even if its device cannot be taken down. Nothing is ever deleted.
 */
static void unmount_old_root(void)
{
	struct strv mounts = {0};
	unsigned done = unmount_passes(&mounts);
	long long start = monotime_ms(), waited;

	if (mounts.count) {
		char more[32] = "";

		if (mounts.count > 1)
			snprintf(more, sizeof(more), " and %zu more", mounts.count - 1);
		say(LOG_LEVEL_NOTICE, "%s%s still busy; waiting up to %d ms for %s to come free",
		    mounts.v[mounts.count - 1], more, SHUTDOWN_BUSY_WAIT_MS,
		    mounts.count > 1 ? "them" : "it");
		while (mounts.count && monotime_ms() - start < SHUTDOWN_BUSY_WAIT_MS) {
			monotime_sleep_ms(SHUTDOWN_BUSY_POLL_MS);
			reap_zombies();
			done += unmount_passes(&mounts);
		}
		waited = monotime_ms() - start;
		if (!mounts.count)
			say(LOG_LEVEL_NOTICE, "the busy file systems came free after %lld ms",
			    waited);
		else
			(void)old_root_processes(SCAN_NAME);
	}
	for (size_t i = mounts.count; i-- > 0;) {
		int err;

		(void)umount2(mounts.v[i], 0);
		err = errno;
		if (mount(NULL, mounts.v[i], NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
			log_warning_errno(-errno, "shutdown: cannot remount %s read-only: %m",
					  mounts.v[i]);
		if (umount2(mounts.v[i], MNT_DETACH) == 0)
			say(LOG_LEVEL_WARNING,
			    "%s stayed busy (%s): remounted read-only and detached lazily",
			    mounts.v[i], strerror(err));
	}
	say(LOG_LEVEL_INFO, "unmounted %u file systems under %s%s", done, SHUTDOWN_OLDROOT,
	    mounts.count ? ", some only lazily (see above)" : "");
	strv_free(&mounts);
}

struct stack_count {
	unsigned lvm, crypt, other_dm, md;
};

/*
 * Counts the active stack devices: dm devices by the uuid prefix their tool gives them
 * ("LVM-", "CRYPT-"), md arrays by name. With names, logs each (for what is left at the end).
 */
static unsigned count_stack(struct stack_count *c, bool name_them)
{
	char uuid[256], name[256];
	struct dirent *e;
	DIR *d;

	*c = (struct stack_count){0};
	d = opendir("/sys/block");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "md", 2) == 0 && e->d_name[2] >= '0' &&
		    e->d_name[2] <= '9') {
			c->md++;
			if (name_them)
				say(LOG_LEVEL_WARNING, "md array /dev/%s is still active",
				    e->d_name);
			continue;
		}
		if (strncmp(e->d_name, "dm-", 3) != 0 ||
		    diskid_read_attr(e->d_name, "dm/uuid", uuid, sizeof(uuid)) < 0)
			continue;
		if (strncmp(uuid, "LVM-", 4) == 0)
			c->lvm++;
		else if (strncmp(uuid, "CRYPT-", 6) == 0)
			c->crypt++;
		else
			c->other_dm++;
		if (name_them && diskid_read_attr(e->d_name, "dm/name", name, sizeof(name)) >= 0)
			say(LOG_LEVEL_WARNING, "device-mapper device %s (/dev/%s) is still active",
			    name, e->d_name);
	}
	closedir(d);
	return c->lvm + c->crypt + c->other_dm + c->md;
}

/* Runs one storage tool; a missing one or a failure is logged, and the shutdown goes on. */
static void tool(const char *what, const char *const argv[])
{
	int r = run_tool(argv, NULL, 0, SHUTDOWN_TOOL_TIMEOUT_SEC);

	if (r == -ENOENT)
		say(LOG_LEVEL_WARNING, "%s: %s is not in %s (the image had no %s), skipping", what,
		    argv[0], SHUTDOWN_DIR, argv[0]);
	else if (r < 0)
		say(LOG_LEVEL_WARNING, "%s: cannot run %s: %s", what, argv[0], strerror(-r));
	else if (r != 0)
		say(LOG_LEVEL_WARNING, "%s: %s exited with status %d, going on", what, argv[0], r);
	else
		say(LOG_LEVEL_INFO, "%s: done", what);
}

/* cryptsetup close for every dm-crypt device, by its name. */
static void close_crypt(void)
{
	char uuid[256], name[256];
	struct dirent *e;
	DIR *d = opendir("/sys/block");

	if (!d)
		return;
	while ((e = readdir(d))) {
		char what[320];

		if (strncmp(e->d_name, "dm-", 3) != 0 ||
		    diskid_read_attr(e->d_name, "dm/uuid", uuid, sizeof(uuid)) < 0 ||
		    strncmp(uuid, "CRYPT-", 6) != 0 ||
		    diskid_read_attr(e->d_name, "dm/name", name, sizeof(name)) < 0)
			continue;
		snprintf(what, sizeof(what), "cryptsetup close %s", name);
		tool(what, (const char *const[]){"cryptsetup", "close", name, NULL});
	}
	closedir(d);
}

/*
 * Top to bottom, as many rounds as the nesting needs (LVM on LUKS on md, or LUKS on LVM):
 * LVM volume groups deactivated, dm-crypt devices closed, md arrays waited for until clean
 * and stopped (so their superblocks say clean and the next boot does not resync).
 */
static void stacks_down(void)
{
	struct stack_count c;
	unsigned left = count_stack(&c, false), before;

	if (!left) {
		say(LOG_LEVEL_INFO, "no LVM, dm-crypt or md device is active");
		return;
	}
	(void)mkdir("/run/lvm", 0700);
	(void)mkdir("/run/mdadm", 0755);
	(void)mkdir("/run/cryptsetup", 0700);
	for (int round = 0; round < SHUTDOWN_STACK_ROUNDS && left; round++) {
		before = left;
		if (c.lvm)
			tool("LVM volume groups deactivated (lvm vgchange -an)",
			     (const char *const[]){"lvm", "vgchange", "-an", "--config",
						   SHUTDOWN_LVM_CONFIG, NULL});
		if (c.crypt)
			close_crypt();
		if (count_stack(&c, false) && c.md) {
			tool("md arrays clean (mdadm -v --wait-clean --scan)",
			     (const char *const[]){"mdadm", "-v", "--wait-clean", "--scan", NULL});
			tool("md arrays stopped (mdadm -v --stop --scan)",
			     (const char *const[]){"mdadm", "-v", "--stop", "--scan", NULL});
		}
		left = count_stack(&c, false);
		if (left >= before)
			break;
	}
	if (count_stack(&c, true) == 0)
		say(LOG_LEVEL_INFO, "every LVM, dm-crypt and md device is down");
}

/* reboot(2) as asked; "reboot ARG" (systemctl reboot ARG) passes ARG to the firmware. */
static void finish(enum shutdown_action action)
{
	char param[SHUTDOWN_REBOOT_PARAM_MAX] = "";
	ssize_t n;
	int fd;

	switch (action) {
	case SHUTDOWN_POWEROFF:
		say(LOG_LEVEL_NOTICE, "powering off");
		(void)reboot(RB_POWER_OFF);
		break;
	case SHUTDOWN_HALT:
		say(LOG_LEVEL_NOTICE, "halting");
		(void)reboot(RB_HALT_SYSTEM);
		break;
	case SHUTDOWN_KEXEC:
		say(LOG_LEVEL_NOTICE, "rebooting into the kernel loaded for kexec");
		(void)reboot(LINUX_REBOOT_CMD_KEXEC);
		say(LOG_LEVEL_WARNING, "kexec failed (%s: was a kernel loaded?), rebooting instead",
		    strerror(errno));
		/* fall through */
	case SHUTDOWN_REBOOT:
	case SHUTDOWN_UNKNOWN:
		fd = open(SHUTDOWN_REBOOT_PARAM, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, param, sizeof(param) - 1);
			param[n > 0 ? n : 0] = '\0';
			param[strcspn(param, "\n")] = '\0';
			close(fd);
		}
		if (param[0]) {
			say(LOG_LEVEL_NOTICE, "rebooting with argument '%s'", param);
			(void)syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
				      LINUX_REBOOT_CMD_RESTART2, param);
		}
		say(LOG_LEVEL_NOTICE, "rebooting");
		(void)reboot(RB_AUTOBOOT);
		break;
	}
	say(LOG_LEVEL_ERR, "reboot(2) failed: %s; the system stays halted here", strerror(errno));
}

int shutdown_main(int argc, char *argv[])
{
	static char *clean_env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				    /* libdevmapper: no udev at this point, make no wait for it. */
				    "DM_DISABLE_UDEV=1", NULL};
	enum shutdown_action action = shutdown_parse_action(argc > 1 ? argv[1] : NULL);

	if (getpid() != 1) {
		fprintf(
		    stderr,
		    "baton: shutdown runs as PID 1 from systemd-shutdown only; refusing (nothing was changed)\n");
		return 1;
	}
	environ = clean_env;
	mount_api();
	log_open();
	log_lift_ratelimit();
	if (action == SHUTDOWN_UNKNOWN)
		say(LOG_LEVEL_WARNING,
		    "systemd-shutdown asked for '%s', which is not reboot, poweroff, halt or kexec: rebooting",
		    argc > 1 ? argv[1] : "(nothing)");
	say(LOG_LEVEL_INFO, "back in the initramfs for %s", shutdown_action_name(action));
	kill_old_root_processes();
	unmount_old_root();
	stacks_down();
	sync();
	say(LOG_LEVEL_INFO, "file systems synced");
	finish(action);
	/* PID 1 never exits: that would be a kernel panic instead of a halted machine. */
	for (;;)
		pause();
}
