// SPDX-License-Identifier: MIT
/* The hand-off: validate the new root and its init, move the API mounts, switch, exec. */
#include "switchroot.h"

#include "inroot.h"
#include "log.h"
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RAMFS_MAGIC 0x858458f6 /* linux/magic.h */
#define TMPFS_MAGIC 0x01021994

/* statx(2) as the kernel defines it (linux/stat.h); musl 1.2.3 has no wrapper or struct. */
struct kstatx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; } times[4];
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint64_t spare[13];
};
#define KSTATX_MNT_ID 0x1000U
#define KSTATX_ATTR_MOUNT_ROOT 0x2000U

/* The kernel's own fallbacks when init= fails (init/main.c kernel_init()). */
static const char *const fallback_inits[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
/* API filesystems the real init expects already mounted; moved with what is nested below. */
static const char *const api_mounts[] = { "/dev", "/proc", "/sys", "/run" };

static int kstatx(int dirfd, const char *path, int flags, struct kstatx *ret)
{
	if (syscall(SYS_statx, dirfd, path, flags, KSTATX_MNT_ID, ret) < 0)
		return -errno;
	return 0;
}

/* Is this directory the root of a mount? (statx knows since Linux 5.8; else compare with ..) */
static bool is_mount_root(int dirfd, const char *path)
{
	struct kstatx sx, parent;
	char up[PATH_MAX];

	if (kstatx(dirfd, path, AT_SYMLINK_NOFOLLOW, &sx) < 0)
		return false;
	if (sx.stx_attributes_mask & KSTATX_ATTR_MOUNT_ROOT)
		return sx.stx_attributes & KSTATX_ATTR_MOUNT_ROOT;
	snprintf(up, sizeof(up), "%s/..", path);
	if (kstatx(dirfd, up, 0, &parent) < 0)
		return false;
	return sx.stx_mnt_id != parent.stx_mnt_id || sx.stx_dev_major != parent.stx_dev_major ||
	       sx.stx_dev_minor != parent.stx_dev_minor;
}

static int pick_init(int rootfd, const char *requested, char *ret, size_t size)
{
	char why[512];

	if (requested[0]) {
		if (requested[0] != '/')
			log_error("init=%s is not an absolute path, ignoring it", requested);
		else if (inroot_check_executable(rootfd, requested, why, sizeof(why)) == 0)
			return snprintf(ret, size, "%s", requested) < (int)size ? 0 : -ENAMETOOLONG;
		else
			log_error("init=%s cannot run from the new root: %s; trying the kernel's "
				  "fallbacks (/sbin/init, /etc/init, /bin/init, /bin/sh)",
				  requested, why);
	}
	for (size_t i = 0; i < sizeof(fallback_inits) / sizeof(fallback_inits[0]); i++) {
		if (inroot_check_executable(rootfd, fallback_inits[i], why, sizeof(why)) == 0) {
			if (requested[0])
				log_notice("using %s as the init instead", fallback_inits[i]);
			return snprintf(ret, size, "%s", fallback_inits[i]) < (int)size ? 0 : -ENAMETOOLONG;
		}
		log_debug("%s in the new root: %s", fallback_inits[i], why);
	}
	return log_error_errno(-ENOENT, "no init can run from the new root: tried %s%s/sbin/init, "
					"/etc/init, /bin/init and /bin/sh; install one, or give "
					"init= the path of the init inside the root filesystem",
			       requested[0] ? requested : "", requested[0] ? ", " : "");
}

/* Makes sure NAME exists as a directory inside the new root (resolved there, created if not). */
static int ensure_dir(int rootfd, const char *name)
{
	int fd = inroot_open(rootfd, name, O_PATH | O_DIRECTORY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd != -ENOENT)
		return log_error_errno(fd, "%s in the new root is unusable as a mount point: %m", name);
	if (mkdirat(rootfd, name + 1, 0755) < 0)
		return log_error_errno(-errno, "%s is missing in the new root and cannot be created "
					       "(%m): create it in the root filesystem", name);
	return 0;
}

int switchroot_validate(const char *new_root, const char *requested_init,
			struct switchroot_plan *ret)
{
	struct switchroot_plan plan = { .new_root_fd = -1, .old_root_fd = -1 };
	struct kstatx root_sx, new_sx;
	struct statfs sfs;
	int r;

	plan.new_root_fd = open(new_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	plan.old_root_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (plan.new_root_fd < 0 || plan.old_root_fd < 0) {
		r = log_error_errno(-errno, "cannot open %s or /: %m", new_root);
		goto fail;
	}
	if ((r = kstatx(plan.old_root_fd, "", AT_EMPTY_PATH, &root_sx)) < 0 ||
	    (r = kstatx(plan.new_root_fd, "", AT_EMPTY_PATH, &new_sx)) < 0) {
		log_error_errno(r, "statx on / or %s failed: %m", new_root);
		goto fail;
	}
	if (!is_mount_root(AT_FDCWD, new_root) ||
	    (new_sx.stx_dev_major == root_sx.stx_dev_major &&
	     new_sx.stx_dev_minor == root_sx.stx_dev_minor) ||
	    new_sx.stx_mnt_id == root_sx.stx_mnt_id) {
		r = log_error_errno(-EINVAL, "%s is not a mounted filesystem of its own, refusing to "
					     "switch to it", new_root);
		goto fail;
	}

	/* Freeing the old root is only ever done on a RAM filesystem, and only as PID 1. */
	plan.free_initramfs = getpid() == 1 && fstatfs(plan.old_root_fd, &sfs) == 0 &&
			      ((unsigned long)sfs.f_type == RAMFS_MAGIC ||
			       (unsigned long)sfs.f_type == TMPFS_MAGIC);
	if (!plan.free_initramfs)
		log_notice("/ is not the initramfs (or we are not PID 1): it will not be freed");

	for (size_t i = 0; i < sizeof(api_mounts) / sizeof(api_mounts[0]); i++)
		if ((r = ensure_dir(plan.new_root_fd, api_mounts[i])) < 0 &&
		    (strcmp(api_mounts[i], "/dev") == 0 || strcmp(api_mounts[i], "/proc") == 0))
			goto fail;

	r = pick_init(plan.new_root_fd, requested_init, plan.init, sizeof(plan.init));
	if (r < 0)
		goto fail;

	*ret = plan;
	return 0;
fail:
	if (plan.new_root_fd >= 0)
		close(plan.new_root_fd);
	if (plan.old_root_fd >= 0)
		close(plan.old_root_fd);
	return r;
}

/*
 * Empties the directory dirfd without crossing into other filesystems or mounts and without
 * following symlinks. Errors are skipped: whatever cannot be removed stays, harmlessly.
 */
static void remove_children(int dirfd, uint64_t mnt_id, unsigned depth)
{
	/* Deeper than any initramfs tree; a bound so a hostile tree cannot exhaust fds. */
	const unsigned depth_max = 64;
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;

	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		struct kstatx sx;
		bool is_dir;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (kstatx(dirfd, de->d_name, AT_SYMLINK_NOFOLLOW, &sx) < 0)
			continue;
		is_dir = S_ISDIR(sx.stx_mode);
		if (is_dir) {
			int sub;

			/* A mount point or another filesystem: never descend, never remove. */
			if (sx.stx_mnt_id != mnt_id ||
			    ((sx.stx_attributes_mask & KSTATX_ATTR_MOUNT_ROOT) &&
			     (sx.stx_attributes & KSTATX_ATTR_MOUNT_ROOT)) ||
			    depth >= depth_max)
				continue;
			sub = openat(dirfd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			remove_children(sub, mnt_id, depth + 1);
		}
		(void)unlinkat(dirfd, de->d_name, is_dir ? AT_REMOVEDIR : 0);
	}
	closedir(dir);
}

/*
 * Forks the child that frees the initramfs once the real init is running: it waits on a pipe
 * whose write end closes on our successful exec (O_CLOEXEC) and deletes only then; a byte on
 * the pipe means exec failed and the initramfs must stay. Returns the write end, or -errno.
 */
static int start_deferred_free(int old_root_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		/* The lowest real-time priority: runnable = running, ahead of any normal task. */
		struct sched_param rt = { .sched_priority = 1 };
		struct kstatx sx;
		char c;

		close(p[1]);
		/*
		 * Woken when exec closes the pipe, the child preempts the new init and frees the
		 * initramfs before the init's first instruction, so the memory is back when it
		 * looks (as with tools that delete before exec). musl's sched_setscheduler() is a
		 * stub returning ENOSYS, hence the raw call. Failing it only makes freeing later.
		 */
		(void)syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &rt);
		if (read(p[0], &c, 1) == 0 &&
		    kstatx(old_root_fd, "", AT_EMPTY_PATH, &sx) == 0)
			remove_children(dup(old_root_fd), sx.stx_mnt_id, 0);
		_exit(0);
	}
	close(p[0]);
	return p[1];
}

/* Moves one API mount into the new root unless it is there already; records it in plan. */
static int move_one(struct switchroot_plan *plan, size_t i)
{
	const char *src = api_mounts[i];
	char target[PATH_MAX];

	if (plan->moved[i] || !is_mount_root(AT_FDCWD, src))
		return 0;
	snprintf(target, sizeof(target), "%s%s", MOUNT_NEW_ROOT, src);
	if (is_mount_root(AT_FDCWD, target)) {
		/* The new root mounted its own already (util-linux does the same). */
		log_debug("%s is already mounted in the new root, detaching ours", src);
		(void)umount2(src, MNT_DETACH);
		return 0;
	}
	if (mount(src, target, NULL, MS_MOVE, NULL) < 0)
		return log_error_errno(-errno, "moving %s to %s failed: %m", src, target);
	plan->moved[i] = true;
	return 0;
}

/* Puts moved API mounts back where they were, so the initramfs works as before. */
static void undo_moves(struct switchroot_plan *plan)
{
	char target[PATH_MAX];

	for (size_t i = SWITCHROOT_API_MOUNTS; i-- > 0;) {
		if (!plan->moved[i])
			continue;
		snprintf(target, sizeof(target), "%s%s", MOUNT_NEW_ROOT, api_mounts[i]);
		if (mount(target, api_mounts[i], NULL, MS_MOVE, NULL) == 0)
			plan->moved[i] = false;
		else
			log_error_errno(-errno, "moving %s back failed: %m", api_mounts[i]);
	}
}

/* MS_MOVE fails with EINVAL under a shared parent (rhbz#847418): make / private first. */
static int make_private(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_error_errno(-errno, "cannot make / private: %m");
	return 0;
}

int switchroot_move_api(struct switchroot_plan *plan, const char *path)
{
	int r = make_private();

	if (r < 0)
		return r;
	for (size_t i = 0; i < SWITCHROOT_API_MOUNTS; i++)
		if (strcmp(api_mounts[i], path) == 0)
			return move_one(plan, i);
	return -EINVAL;
}

/* Marks every fd above stderr close-on-exec: the real init starts with 0-2 only. */
static void cloexec_all_fds(void)
{
	/* close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11); else each fd in turn. */
	if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0)
		return;
	for (int fd = 3; fd < 1024; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t all;

	for (int sig = 1; sig < _NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
}

/* fds 0-2 from the new root's /dev/console: the kernel's ones pin the old root's node. */
static void reopen_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		(void)dup2(fd, i);
	if (fd > 2)
		close(fd);
}

int switchroot_execute(struct switchroot_plan *plan, char *const argv[], char *const envp[])
{
	int free_fd = -1, r;
	char byte = 1;

	r = make_private();
	for (size_t i = 0; r == 0 && i < SWITCHROOT_API_MOUNTS; i++)
		r = move_one(plan, i);
	if (r == 0 && fchdir(plan->new_root_fd) < 0)
		r = log_error_errno(-errno, "cannot enter the new root: %m");
	if (r < 0)
		goto undo;

	/* Linux >= 7.0 puts the initramfs on an empty nullfs, so pivot_root works. */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		(void)umount2(".", MNT_DETACH);
		log_info("switched root with pivot_root; the old initramfs is detached");
	} else if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
		r = log_error_errno(-errno, "moving the new root onto / failed: %m");
		goto undo;
	} else if (chroot(".") < 0) {
		r = log_error_errno(-errno, "chroot into the new root failed: %m");
		goto back;
	} else {
		log_info("switched root by moving it onto / (the kernel refuses pivot_root here)");
	}
	if (chdir("/") < 0)
		log_warning_errno(-errno, "cannot change to the new /: %m, ignoring");

	/*
	 * On the pivot path too: the old root is detached, but kdevtmpfs keeps its own copy of
	 * the boot mount table (devtmpfs_setup), which holds the initramfs mount alive; its
	 * memory comes back only when its files are deleted (seen in tests/qemu/64 on 7.2).
	 */
	if (plan->free_initramfs) {
		free_fd = start_deferred_free(plan->old_root_fd);
		if (free_fd < 0)
			log_warning_errno(free_fd, "cannot start freeing the initramfs (%m), its memory "
						   "stays in use, ignoring");
	}

	log_info("starting %s", plan->init);
	log_restore_ratelimit();
	reopen_console();
	reset_signals();
	cloexec_all_fds();
	execve(plan->init, argv, envp);
	r = -errno;

	/* Exec failed: tell the child to keep the initramfs, it is still whole. */
	if (free_fd >= 0) {
		(void)!write(free_fd, &byte, 1);
		close(free_fd);
	}
	log_error_errno(r, "executing %s failed: %m", plan->init);
back:
	/* Back into the intact initramfs, where the rescue shell (if any) lives. */
	if (fchdir(plan->old_root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		log_error_errno(-errno, "cannot return into the initramfs: %m");
	/* The failure path logs more than the kernel's default rate limit allows. */
	log_lift_ratelimit();
	return r;
undo:
	undo_moves(plan);
	return r;
}
