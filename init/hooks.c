// SPDX-License-Identifier: MIT
/* Hooks: executables in /lib/baton/hooks/STAGE/ run in lexical order at each boot stage. */
#include "hooks.h"

#include "log.h"
#include "monotime.h"
#include "mount.h"
#include "shell.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* Hooks one stage may have; far more than the stock ones (plymouth, fsck, lvm, luks). */
#define HOOKS_PER_STAGE_MAX 64
#define HOOK_NAME_MAX 128
/* One logged line of hook output; longer lines are logged in pieces. */
#define HOOK_LINE_MAX 512
/* After SIGTERM, how long a timed-out hook gets before SIGKILL. */
#define HOOK_KILL_GRACE_MS 1000
/* How often a running hook is checked for exit while its output is read. */
#define HOOK_POLL_MS 50
/*
 * Bytes read from a hook's output between two looks at its exit and its deadline: one default
 * pipe buffer (16 pages, pipe(7)), so a hook that never pauses cannot starve the clock.
 */
#define HOOK_READ_BURST (16 * 4096)
/*
 * Lines of one hook's output that are logged; the rest is counted and summarised. Each record
 * is printed on the console as it is written, and a real 115200-baud serial line carries about
 * 11 KB/s: 100 lines of 80 bytes take under a second there (100 of HOOK_LINE_MAX bytes about
 * 4.5 s), while a flood would be printed for as long as it lasts. Far more than hooks say.
 */
#define HOOK_LOG_LINES_MAX 100
/* Space kept for the result file before each hook: one page, far more than a few root= lines. */
#define HOOK_RESULT_RESERVE 4096
/* /dev/kmsg is character device 1:11 (Documentation/admin-guide/devices.txt). */
#define KMSG_MAJOR 1
#define KMSG_MINOR 11

/* A hook's output on its way to the log: a partial line, and what was logged or dropped. */
struct hook_output {
	const char *who;
	char buf[HOOK_LINE_MAX];
	size_t kept;
	unsigned lines;
	unsigned long long dropped_lines, dropped_bytes;
};

static char result_root[HOOKS_RESULT_MAX];
/* Where hooks and their result file are; only the unit tests point them elsewhere. */
static const char *hooks_dir = LAYOUT_HOOKS_DIR;
static const char *result_path = LAYOUT_HOOK_RESULT;

void hooks_set_paths(const char *dir, const char *result)
{
	hooks_dir = dir;
	result_path = result;
}

const char *hooks_result_root(void)
{
	return result_root;
}

bool hooks_exist(enum boot_stage stage)
{
	char dir[PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/%s", hooks_dir, stage_name(stage));
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Lists the stage's executables in lexical (C locale) order. */
static unsigned list_hooks(const char *dir, char names[][HOOK_NAME_MAX])
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) >= HOOK_NAME_MAX) {
			log_warning("hook %s/%s: name too long, skipped", dir, de->d_name);
			continue;
		}
		if (n == HOOKS_PER_STAGE_MAX) {
			log_warning("%s has more than %d hooks; the rest are skipped", dir,
				    HOOKS_PER_STAGE_MAX);
			break;
		}
		strcpy(names[n++], de->d_name);
	}
	closedir(d);
	qsort(names, n, HOOK_NAME_MAX, compare_names);
	return n;
}

/* Logs one line of output, or only counts it once the hook has said enough. */
static void output_line(struct hook_output *out, const char *text, size_t len)
{
	if (out->lines < HOOK_LOG_LINES_MAX) {
		log_info("%s: %.*s", out->who, (int)len, text);
		if (++out->lines == HOOK_LOG_LINES_MAX)
			log_warning(
			    "%s: %d lines of output logged; the rest is counted, not logged",
			    out->who, HOOK_LOG_LINES_MAX);
		return;
	}
	out->dropped_lines++;
	out->dropped_bytes += len + 1;
}

/* Logs the complete lines of out->buf; keeps a partial last line unless flush or full. */
static void output_lines(struct hook_output *out, bool flush)
{
	char *buf = out->buf;
	size_t start = 0, len = out->kept;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		output_line(out, buf + start, i - start);
		start = i + 1;
	}
	/* Only a line longer than the buffer is logged in pieces, or the last one at the end. */
	if (start < len && (flush || (start == 0 && len == sizeof(out->buf)))) {
		output_line(out, buf + start, len - start);
		start = len;
	}
	memmove(buf, buf + start, len - start);
	out->kept = len - start;
}

/* Flushes a partial line and says how much was not logged. */
static void output_end(struct hook_output *out)
{
	output_lines(out, true);
	if (out->dropped_lines)
		log_warning("%s: %llu more lines of output not logged (%llu bytes)", out->who,
			    out->dropped_lines, out->dropped_bytes);
	out->dropped_lines = out->dropped_bytes = 0;
}

enum read_state { OUTPUT_EMPTY, OUTPUT_MORE, OUTPUT_EOF };

/*
 * Reads at most HOOK_READ_BURST bytes of a non-blocking pipe into the log. Returns OUTPUT_EOF
 * when no writer is left (or the pipe failed), OUTPUT_EMPTY when it is drained for now, and
 * OUTPUT_MORE when the burst ran out first.
 */
static enum read_state output_read(struct hook_output *out, int fd)
{
	size_t total = 0;

	while (total < HOOK_READ_BURST) {
		ssize_t n = read(fd, out->buf + out->kept, sizeof(out->buf) - out->kept);

		if (n == 0)
			return OUTPUT_EOF;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? OUTPUT_EMPTY : OUTPUT_EOF;
		out->kept += (size_t)n;
		total += (size_t)n;
		output_lines(out, false);
	}
	return OUTPUT_MORE;
}

/* In the reader: closes every fd but the pipe, stdin/out/err and the log's /dev/kmsg. */
static void close_other_fds(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || fd <= STDERR_FILENO || fd == keep || fd == dirfd(d))
			continue;
		if (fstat((int)fd, &st) == 0 && S_ISCHR(st.st_mode) &&
		    st.st_rdev == makedev(KMSG_MAJOR, KMSG_MINOR))
			continue;
		close((int)fd);
	}
	closedir(d);
}

/*
 * The hook has returned but processes it started (a daemon) still hold its output open. Closing
 * the pipe would kill them with SIGPIPE at their next write, and PID 1 cannot keep reading it
 * past the exec of the real init (its fds close then). So a child of ours reads on until the
 * last writer closes the pipe, logging as before, then exits. Other designs fail: sending late
 * output straight to /dev/kmsg loses the hook's name, the rate limit and, after /dev moves, the
 * device; keeping the pipe in PID 1 blocks a daemon that writes 64 KiB between two stages.
 * The reader's argv[0] starts with '@' (it shows as "@init") so procs_stop_initramfs() spares
 * it like an '@' daemon: it ends by itself when its writers end, at the switch for the others.
 */
static void output_hand_over(struct hook_output *out, int fd)
{
	pid_t pid = fork();

	if (pid < 0) {
		/* They get SIGPIPE at their next write: the behaviour before readers. */
		log_warning("%s: cannot start a reader for its daemons (fork: %m), ignoring",
			    out->who);
		return;
	}
	if (pid > 0) {
		log_info("%s: processes it left hold its output; reader %d logs it", out->who,
			 (int)pid);
		return;
	}
	{
		struct sigaction sa = {.sa_handler = SIG_DFL};
		sigset_t none;

		for (int sig = 1; sig < NSIG; sig++)
			(void)sigaction(sig, &sa, NULL);
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
	}
	if (program_invocation_name && program_invocation_name[0])
		program_invocation_name[0] = '@';
	(void)prctl(PR_SET_NAME, "baton-hook-out");
	/* Its own group, so a later hook's time-out or a shell's job control never reaches it. */
	(void)setpgid(0, 0);
	close_other_fds(fd);
	(void)fcntl(fd, F_SETFL, 0);
	for (;;) {
		ssize_t n = read(fd, out->buf + out->kept, sizeof(out->buf) - out->kept);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out->kept += (size_t)n;
		output_lines(out, false);
	}
	output_end(out);
	_exit(0);
}

/*
 * The result file's folder (/run/baton) is made by nothing else unless the command line has a
 * blacklist (modules.c): without it a hook's "echo root=... > $BATON_RESULT" fails.
 */
static void make_result_dir(void)
{
	char parent[PATH_MAX];
	char *slash;

	if (snprintf(parent, sizeof(parent), "%s", result_path) >= (int)sizeof(parent))
		return;
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		log_warning("cannot create %s (%m): hooks cannot hand results back in %s, ignoring",
			    parent, result_path);
}

/*
 * Creates the (empty) result file with a page allocated to it, so that a hook can still hand
 * its result back when /run is full (a hook that filled it, or a daemon): the hook's "> FILE"
 * frees the page and its write takes it back, its ">> FILE" writes into it (tmpfs charges
 * fallocate()d pages to the filesystem, KEEP_SIZE leaves the file empty).
 */
static void reserve_result(void)
{
	int fd = open(result_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	(void)fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, HOOK_RESULT_RESERVE);
	close(fd);
}

/* Reads the result file a hook may have written: "root=SPEC" lines. */
static void read_result(const char *who)
{
	char line[HOOKS_RESULT_MAX + 8];
	FILE *f = fopen(result_path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "root=", 5) == 0 && line[5]) {
			if (strlen(line + 5) >= sizeof(result_root)) {
				log_warning("%s: root= handed back is too long, ignoring", who);
				continue;
			}
			strcpy(result_root, line + 5);
			log_info("%s: hands back root=%s", who, result_root);
		} else if (line[0]) {
			log_warning("%s: unknown result line \"%s\", ignoring", who, line);
		}
	}
	fclose(f);
	(void)unlink(result_path);
}

/* Starts path in its own process group, stdout and stderr on the pipe's write end. */
static pid_t start_hook(const char *path, char *const envp[], int out_fd)
{
	char *const argv[] = {(char *)path, NULL};
	pid_t pid = fork();
	int null;

	if (pid != 0)
		return pid < 0 ? -errno : pid;
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* Its own process group, so a time-out stops everything it started. */
	(void)setpgid(0, 0);
	/* After /dev moved (pre-switch) there is no /dev/null: no stdin at all then. */
	if (null >= 0)
		(void)dup2(null, STDIN_FILENO);
	else
		close(STDIN_FILENO);
	(void)dup2(out_fd, STDOUT_FILENO);
	(void)dup2(out_fd, STDERR_FILENO);
	execve(path, argv, envp);
	_exit(127);
}

/*
 * Logs the hook's output until it exits, stopping it at its deadline (SIGTERM to its group,
 * SIGKILL after a grace period, then giving up on it). Waits for the hook itself, not for
 * end-of-file: a daemon it starts (plymouthd) may keep the pipe open for the rest of the boot.
 * The reading is bounded per round, so the deadline holds however fast the hook writes.
 * Returns the state of the pipe; *ret_status is the hook's wait status.
 */
static enum read_state wait_hook(pid_t pid, struct hook_output *out, int fd, unsigned timeout_sec,
				 int *ret_status)
{
	long long deadline = monotime_ms() + (long long)timeout_sec * 1000;
	enum read_state state = OUTPUT_EMPTY;
	bool killed = false, sigkilled = false;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		/* At end-of-file poll() returns at once: then it only paces the loop. */
		if (state == OUTPUT_EMPTY)
			(void)poll(&pfd, 1, HOOK_POLL_MS);
		else if (state == OUTPUT_EOF)
			(void)poll(NULL, 0, HOOK_POLL_MS);
		if (state != OUTPUT_EOF)
			state = output_read(out, fd);
		if (waitpid(pid, ret_status, WNOHANG) == pid)
			return state;
		if (monotime_ms() < deadline)
			continue;
		if (!killed) {
			log_error("%s: still running after %u s (baton.hook_timeout=), stopping it",
				  out->who, timeout_sec);
			(void)kill(-pid, SIGTERM);
			killed = true;
		} else if (!sigkilled) {
			(void)kill(-pid, SIGKILL);
			sigkilled = true;
		} else {
			/* Asleep in the kernel (a dead disk or NFS): waiting could be forever. */
			log_error("%s: still there %d ms after SIGKILL, going on without it",
				  out->who, HOOK_KILL_GRACE_MS);
			*ret_status = SIGKILL;
			return state;
		}
		deadline = monotime_ms() + HOOK_KILL_GRACE_MS;
	}
}

/* Runs one hook to its end or its time limit; returns its exit status (or 128+signal). */
static int run_one(const char *path, const char *who, enum boot_stage stage,
		   const struct boot_params *params, const char *root_device)
{
	char env_stage[64], env_device[PATH_MAX + 32], env_result[PATH_MAX + 16];
	char *const envp[] = {env_stage,  "BATON_ROOT=" LAYOUT_NEW_ROOT, env_device,
			      env_result, "PATH=" LAYOUT_PATH,		 NULL};
	struct hook_output out = {.who = who};
	enum read_state state;
	int p[2], status = 0;
	pid_t pid;

	snprintf(env_stage, sizeof(env_stage), "BATON_STAGE=%s", stage_name(stage));
	snprintf(env_device, sizeof(env_device), "BATON_ROOT_DEVICE=%s",
		 root_device ? root_device : "");
	snprintf(env_result, sizeof(env_result), "BATON_RESULT=%s", result_path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "%s: cannot create a pipe: %m", who);
	reserve_result();

	pid = start_hook(path, envp, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return log_error_errno((int)pid, "%s: cannot fork: %m", who);
	}
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	state = wait_hook(pid, &out, p[0], params->hook_timeout_sec, &status);

	/* What the hook wrote last; one burst at most, a daemon may write on forever. */
	if (state != OUTPUT_EOF)
		state = output_read(&out, p[0]);
	if (state == OUTPUT_EOF)
		output_end(&out);
	else
		output_hand_over(&out, p[0]);
	close(p[0]);
	read_result(who);

	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int hooks_run(enum boot_stage stage, const struct boot_params *params, const char *root_device)
{
	static char names[HOOKS_PER_STAGE_MAX][HOOK_NAME_MAX];
	const char *sname = stage_name(stage);
	/* "/lib/baton/hooks/pre-switch/NAME" and "hook pre-switch/NAME". */
	char dir[PATH_MAX - HOOK_NAME_MAX - 1], path[PATH_MAX];
	char who[HOOK_NAME_MAX + 32], why[64];
	unsigned n;
	int failed = 0;

	if (params->break_at == stage) {
		snprintf(why, sizeof(why), "rd.break=%s", sname);
		(void)shell_run(params, why);
	}
	snprintf(dir, sizeof(dir), "%s/%s", hooks_dir, sname);
	n = list_hooks(dir, names);
	if (n)
		make_result_dir();
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		long long start;
		int status;

		/* Bounded by HOOK_NAME_MAX already; the precision tells the compiler so. */
		snprintf(path, sizeof(path), "%s/%.*s", dir, HOOK_NAME_MAX - 1, names[i]);
		snprintf(who, sizeof(who), "hook %.16s/%.*s", sname, HOOK_NAME_MAX - 1, names[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
			log_warning("%s: not an executable file, skipped", who);
			continue;
		}
		start = monotime_ms();
		status = run_one(path, who, stage, params, root_device);
		if (status == 0) {
			log_info("%s: done in %lld ms", who, monotime_ms() - start);
		} else {
			log_warning("%s: failed with status %d after %lld ms, continuing", who,
				    status, monotime_ms() - start);
			failed++;
		}
	}
	return failed;
}
