// SPDX-License-Identifier: MIT
/* The hand-off: validate the new root and its init, move the API mounts, switch, exec. */
#include "switchroot.h"

#include "inroot.h"
#include "layout.h"
#include "log.h"
#include "macro.h"
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

/* What statx(2) is asked for: STATX_BASIC_STATS (linux/stat.h) and the mount id. */
#define KSTATX_REQUEST (0x07ffU | SWITCHROOT_STATX_MNT_ID)
/* open_tree(2) and move_mount(2) flags (linux/mount.h, which clashes with sys/mount.h). */
#define KOPEN_TREE_CLONE 1U
#define KMOVE_MOUNT_F_EMPTY_PATH 0x4U

/* The kernel's own fallbacks when init= fails (init/main.c kernel_init()). */
static const char *const fallback_inits[] = {"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"};
/* API filesystems the real init expects already mounted; moved with what is nested below. */
static const char *const api_mounts[] = {LAYOUT_DEV, LAYOUT_PROC, LAYOUT_SYS, LAYOUT_RUN};

static int kstatx(int dirfd, const char *path, int flags, struct switchroot_statx *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (syscall(SYS_statx, dirfd, path, flags, KSTATX_REQUEST, ret) < 0)
		return -errno;
	return 0;
}

static bool same_dev(const struct switchroot_statx *a, const struct switchroot_statx *b)
{
	return a->stx_dev_major == b->stx_dev_major && a->stx_dev_minor == b->stx_dev_minor;
}

/* Both results carry a mount id (Linux >= 5.8 fills it and says so in stx_mask). */
static bool both_have_mnt_id(const struct switchroot_statx *a, const struct switchroot_statx *b)
{
	return a->stx_mask & b->stx_mask & SWITCHROOT_STATX_MNT_ID;
}

bool switchroot_may_remove(const struct switchroot_statx *top, const struct switchroot_statx *entry)
{
	if (!(top->stx_mask & SWITCHROOT_STATX_TYPE) || !(entry->stx_mask & SWITCHROOT_STATX_TYPE))
		return false;
	if (!same_dev(top, entry))
		return false;
	if (both_have_mnt_id(top, entry) && top->stx_mnt_id != entry->stx_mnt_id)
		return false;
	if ((entry->stx_attributes_mask & SWITCHROOT_ATTR_MOUNT_ROOT) &&
	    (entry->stx_attributes & SWITCHROOT_ATTR_MOUNT_ROOT))
		return false;
	return true;
}

/*
 * Is the directory fd the root of a mount? statx says so since Linux 5.8; before, a mount
 * root's ".." is on another mount or device (a bind mount of the same filesystem is missed).
 */
static bool is_mount_root(int fd)
{
	struct switchroot_statx sx, parent;

	if (kstatx(fd, "", AT_EMPTY_PATH, &sx) < 0)
		return false;
	if (sx.stx_attributes_mask & SWITCHROOT_ATTR_MOUNT_ROOT)
		return sx.stx_attributes & SWITCHROOT_ATTR_MOUNT_ROOT;
	if (kstatx(fd, "..", 0, &parent) < 0)
		return false;
	return !same_dev(&sx, &parent) ||
	       (both_have_mnt_id(&sx, &parent) && sx.stx_mnt_id != parent.stx_mnt_id);
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
			log_error(
			    "init=%s cannot run from the new root: %s; trying the kernel's fallbacks (/sbin/init, /etc/init, /bin/init, /bin/sh)",
			    requested, why);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fallback_inits); i++) {
		if (inroot_check_executable(rootfd, fallback_inits[i], why, sizeof(why)) == 0) {
			if (requested[0])
				log_notice("using %s as the init instead", fallback_inits[i]);
			return snprintf(ret, size, "%s", fallback_inits[i]) < (int)size
				   ? 0
				   : -ENAMETOOLONG;
		}
		log_debug("%s in the new root: %s", fallback_inits[i], why);
	}
	return log_error_errno(
	    -ENOENT,
	    "no init can run from the new root: tried %s%s/sbin/init, /etc/init, /bin/init and /bin/sh; install one, or give init= the path of the init inside the root filesystem",
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
	if (fd == -EIO)
		return log_error_errno(
		    fd,
		    "the new root cannot be read (looking up %s: %m): its disk failed or was removed after the mount",
		    name);
	if (fd != -ENOENT)
		return log_error_errno(fd, "%s in the new root is unusable as a mount point: %m",
				       name);
	if (mkdirat(rootfd, name + 1, 0755) < 0)
		return log_error_errno(
		    -errno,
		    "%s is missing in the new root and cannot be created (%m): create it in the root filesystem",
		    name);
	return 0;
}

int switchroot_validate(const char *new_root, const char *requested_init,
			struct switchroot_plan *ret)
{
	struct switchroot_plan plan = {.new_root_fd = -1, .old_root_fd = -1};
	struct switchroot_statx root_sx, new_sx;
	struct statfs sfs;
	int r;

	for (size_t i = 0; i < SWITCHROOT_API_MOUNTS; i++)
		plan.api_fd[i] = -1;
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
	/* The mount ids only where the kernel fills them: before 5.8 both read 0. */
	if (!is_mount_root(plan.new_root_fd) || same_dev(&new_sx, &root_sx) ||
	    (both_have_mnt_id(&new_sx, &root_sx) && new_sx.stx_mnt_id == root_sx.stx_mnt_id)) {
		r = log_error_errno(
		    -EINVAL, "%s is not a mounted filesystem of its own, refusing to switch to it",
		    new_root);
		goto fail;
	}

	/* Freeing the old root is only ever done on a RAM filesystem, and only as PID 1. */
	plan.free_initramfs =
	    getpid() == 1 && fstatfs(plan.old_root_fd, &sfs) == 0 &&
	    ((unsigned long)sfs.f_type == RAMFS_MAGIC || (unsigned long)sfs.f_type == TMPFS_MAGIC);
	if (!plan.free_initramfs)
		log_notice("/ is not the initramfs (or we are not PID 1): it will not be freed");

	for (size_t i = 0; i < ARRAY_SIZE(api_mounts); i++)
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
 * Empties the directory dirfd, on the mount whose root statx gave top, without crossing into
 * other filesystems or mounts and without following symlinks. Errors are skipped: whatever
 * cannot be removed, or cannot be shown to be on that mount, stays, harmlessly.
 */
static void remove_children(int dirfd, const struct switchroot_statx *top, unsigned depth)
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
		struct switchroot_statx sx;
		bool is_dir;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* A mount point, another filesystem, or unknown: never descend, never remove. */
		if (kstatx(dirfd, de->d_name, AT_SYMLINK_NOFOLLOW, &sx) < 0 ||
		    !switchroot_may_remove(top, &sx))
			continue;
		is_dir = S_ISDIR(sx.stx_mode);
		if (is_dir) {
			int sub;

			if (depth >= depth_max)
				continue;
			sub = openat(dirfd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			/* What was opened, again: a mount could have appeared since the statx. */
			if (kstatx(sub, "", AT_EMPTY_PATH, &sx) < 0 ||
			    !switchroot_may_remove(top, &sx)) {
				close(sub);
				continue;
			}
			remove_children(sub, top, depth + 1);
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
		struct sched_param rt = {.sched_priority = 1};
		struct switchroot_statx top;
		char c;

		close(p[1]);
		/*
		 * Woken when exec closes the pipe, the child preempts the new init and frees the
		 * initramfs before the init's first instruction, so the memory is back when it
		 * looks (as with tools that delete before exec). musl's sched_setscheduler() is a
		 * stub returning ENOSYS, hence the raw call. Failing it only makes freeing later.
		 */
		(void)syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &rt);
		if (read(p[0], &c, 1) == 0 && kstatx(old_root_fd, "", AT_EMPTY_PATH, &top) == 0)
			remove_children(dup(old_root_fd), &top, 0);
		_exit(0);
	}
	close(p[0]);
	return p[1];
}

/*
 * Moves one API mount into the new root unless it is there already; records it in plan. The
 * target is resolved inside the new root (an absolute symlink there, /run -> /var/run, points
 * into the new root, not into the initramfs) and named to mount(2) as "." after fchdir to it.
 * The mount is kept open, so it can be moved back however it was reached.
 */
static int move_one(struct switchroot_plan *plan, size_t i)
{
	const char *src = api_mounts[i];
	int src_fd, target, r = 0;

	if (plan->moved[i])
		return 0;
	src_fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src_fd < 0)
		return 0;
	if (!is_mount_root(src_fd)) {
		close(src_fd);
		return 0;
	}
	target = inroot_open(plan->new_root_fd, src, O_PATH | O_DIRECTORY);
	if (target < 0) {
		close(src_fd);
		return log_error_errno(
		    target,
		    "%s cannot be resolved inside the new root (%m): make it a directory there, or a symlink to one",
		    src);
	}
	if (is_mount_root(target)) {
		/* The new root mounted its own already (util-linux does the same). */
		log_debug("%s is already mounted in the new root, detaching ours", src);
		(void)umount2(src, MNT_DETACH);
	} else if (fchdir(target) < 0 || mount(src, ".", NULL, MS_MOVE, NULL) < 0) {
		r = log_error_errno(-errno, "moving %s into the new root failed: %m", src);
	} else {
		plan->moved[i] = true;
		plan->api_fd[i] = src_fd;
		src_fd = -1;
	}
	(void)!chdir("/");
	close(target);
	if (src_fd >= 0)
		close(src_fd);
	return r;
}

/*
 * Puts the moved API mounts back where they were in the initramfs, which must be our root
 * again: the source is "." after fchdir to the mount kept open (whatever path now leads to
 * it), the target our own /dev, /proc, /sys, /run. What cannot come back is logged.
 */
static void undo_moves(struct switchroot_plan *plan)
{
	for (size_t i = SWITCHROOT_API_MOUNTS; i-- > 0;) {
		if (!plan->moved[i])
			continue;
		if (fchdir(plan->api_fd[i]) == 0 &&
		    mount(".", api_mounts[i], NULL, MS_MOVE, NULL) == 0) {
			plan->moved[i] = false;
			close(plan->api_fd[i]);
			plan->api_fd[i] = -1;
		} else {
			log_error_errno(-errno, "moving %s back into the initramfs failed: %m",
					api_mounts[i]);
		}
	}
	(void)!chdir("/");
}

/*
 * Mounts afresh, as at start, each API filesystem the initramfs lacks after undo_moves(): ours
 * was detached because the new root had its own, or it could not move back. Returns how many
 * are still missing.
 */
static unsigned mount_missing_api(void)
{
	unsigned missing = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mount_api_table); i++) {
		const struct mount_api_fs *api = &mount_api_table[i];
		int fd = open(api->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
		bool mounted = fd >= 0 && is_mount_root(fd);

		if (fd >= 0)
			close(fd);
		if (mounted)
			continue;
		(void)mkdir(api->target, 0755);
		if (mount(api->type, api->target, api->type, api->flags, api->options) == 0) {
			log_notice(
			    "%s was not there to move back into the initramfs: mounted a new %s on it",
			    api->target, api->type);
		} else {
			log_error_errno(-errno, "mounting %s on %s for the rescue path failed: %m",
					api->type, api->target);
			missing++;
		}
	}
	return missing;
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
	struct sigaction sa = {.sa_handler = SIG_DFL};
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

/*
 * Makes the initramfs our root again after exec failed. On the MS_MOVE path it is still
 * attached, under the new root. pivot_root detached it, and a detached mount can take no
 * mounts: back_fd is a copy of it made before the detach (open_tree), attached now on top of
 * the new root's / so the API filesystems can move back into it. Returns 0 or -errno.
 */
static int return_to_initramfs(struct switchroot_plan *plan, int back_fd)
{
	int root_fd = plan->old_root_fd;

	if (back_fd >= 0 &&
	    syscall(SYS_move_mount, back_fd, "", AT_FDCWD, "/", KMOVE_MOUNT_F_EMPTY_PATH) == 0)
		root_fd = back_fd;
	else if (back_fd >= 0)
		log_error_errno(
		    -errno,
		    "cannot attach the initramfs again after pivot_root (%m): the rescue path runs without /dev, /proc, /sys and /run");
	if (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return log_error_errno(-errno, "cannot return into the initramfs: %m");
	return 0;
}

/*
 * The point of no return and every way back from it, in one function so each undo is read
 * with the step it undoes (~80 lines, on purpose).
 */
int switchroot_execute(struct switchroot_plan *plan, char *const argv[], char *const envp[])
{
	int free_fd = -1, back_fd = -1, r;
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
		/* Copied while attached: a detached mount can be neither copied nor mounted. */
		back_fd = (int)syscall(SYS_open_tree, plan->old_root_fd, "",
				       KOPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
		if (back_fd < 0)
			log_warning_errno(
			    -errno,
			    "cannot keep a copy of the initramfs mount (%m): should exec fail, the rescue path has no /dev, /proc, /sys or /run, ignoring");
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
			log_warning_errno(
			    free_fd,
			    "cannot start freeing the initramfs (%m), its memory stays in use, ignoring");
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
	/*
	 * Back into the intact initramfs, where the rescue shell (if any) lives, with its API
	 * filesystems: the failure hooks and the shell need /dev, /proc, /sys and /run.
	 */
	if (return_to_initramfs(plan, back_fd) == 0) {
		undo_moves(plan);
		if (mount_missing_api() == 0)
			log_info("back in the initramfs, with /dev, /proc, /sys and /run");
	}
	if (back_fd >= 0)
		close(back_fd);
	/* The failure path logs more than the kernel's default rate limit allows. */
	log_lift_ratelimit();
	return r;
undo:
	undo_moves(plan);
	(void)mount_missing_api();
	return r;
}
