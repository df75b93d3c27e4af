// SPDX-License-Identifier: MIT
/* Hooks: executables in /lib/baton/hooks/STAGE/ run in lexical order at each boot stage. */
#include "hooks.h"

#include "log.h"
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

static char result_root[HOOKS_RESULT_MAX];
/* Where hooks and their result file are; only the unit tests point them elsewhere. */
static const char *hooks_dir = HOOKS_DIR;
static const char *result_path = HOOKS_RESULT;

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

	snprintf(dir, sizeof(dir), "%s/%s", hooks_dir, cmdline_stage_name(stage));
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Logs complete lines from buf; keeps a partial last line unless flush. Returns bytes kept. */
static size_t log_lines(const char *who, char *buf, size_t len, bool flush)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		log_info("%s: %.*s", who, (int)(i - start), buf + start);
		start = i + 1;
	}
	if (start < len && (flush || len == HOOK_LINE_MAX)) {
		log_info("%s: %.*s", who, (int)(len - start), buf + start);
		start = len;
	}
	memmove(buf, buf + start, len - start);
	return len - start;
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

/* Runs one hook to its end or its time limit; returns its exit status (or 128+signal). */
static int run_one(const char *path, const char *who, enum boot_stage stage,
		   const struct boot_params *params, const char *root_device)
{
	char env_stage[64], env_device[PATH_MAX + 32], env_result[PATH_MAX + 16];
	char *const envp[] = { env_stage, "BATON_ROOT=" MOUNT_NEW_ROOT, env_device, env_result,
			       "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char *const argv[] = { (char *)path, NULL };
	long long deadline = now_ms() + (long long)params->hook_timeout_sec * 1000;
	char buf[HOOK_LINE_MAX];
	size_t kept = 0;
	bool killed = false;
	int p[2], status = 0;
	pid_t pid;

	snprintf(env_stage, sizeof(env_stage), "BATON_STAGE=%s", cmdline_stage_name(stage));
	snprintf(env_device, sizeof(env_device), "BATON_ROOT_DEVICE=%s",
		 root_device ? root_device : "");
	snprintf(env_result, sizeof(env_result), "BATON_RESULT=%s", result_path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "%s: cannot create a pipe: %m", who);
	(void)unlink(result_path);

	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return log_error_errno(-errno, "%s: cannot fork: %m", who);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* Its own process group, so a time-out stops everything it started. */
		(void)setpgid(0, 0);
		/* After /dev moved (pre-switch) there is no /dev/null: no stdin at all then. */
		if (null >= 0)
			(void)dup2(null, STDIN_FILENO);
		else
			close(STDIN_FILENO);
		(void)dup2(p[1], STDOUT_FILENO);
		(void)dup2(p[1], STDERR_FILENO);
		execve(path, argv, envp);
		_exit(127);
	}
	close(p[1]);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);

	/*
	 * Wait for the hook itself, not for end-of-file: a daemon it starts (plymouthd) may keep
	 * the pipe open for the rest of the boot.
	 */
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		pid_t r;
		ssize_t n;

		(void)poll(&pfd, 1, HOOK_POLL_MS);
		while ((n = read(p[0], buf + kept, sizeof(buf) - kept)) > 0)
			kept = log_lines(who, buf, kept + (size_t)n, false);
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (now_ms() >= deadline) {
			if (!killed) {
				log_error("%s: still running after %u s (baton.hook_timeout=), "
					  "stopping it", who, params->hook_timeout_sec);
				(void)kill(-pid, SIGTERM);
				killed = true;
				deadline = now_ms() + HOOK_KILL_GRACE_MS;
			} else {
				(void)kill(-pid, SIGKILL);
				(void)waitpid(pid, &status, 0);
				break;
			}
		}
	}
	while (kept < sizeof(buf)) {
		ssize_t n = read(p[0], buf + kept, sizeof(buf) - kept);

		if (n <= 0)
			break;
		kept += (size_t)n;
		kept = log_lines(who, buf, kept, false);
	}
	(void)log_lines(who, buf, kept, true);
	close(p[0]);
	read_result(who);

	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int hooks_run(enum boot_stage stage, const struct boot_params *params, const char *root_device)
{
	static char names[HOOKS_PER_STAGE_MAX][HOOK_NAME_MAX];
	const char *stage_name = cmdline_stage_name(stage);
	/* "/lib/baton/hooks/pre-switch/NAME" and "hook pre-switch/NAME". */
	char dir[PATH_MAX - HOOK_NAME_MAX - 1], path[PATH_MAX];
	char who[HOOK_NAME_MAX + 32], why[64];
	unsigned n;
	int failed = 0;

	if (params->break_at == stage) {
		snprintf(why, sizeof(why), "rd.break=%s", stage_name);
		(void)shell_run(params, why);
	}
	snprintf(dir, sizeof(dir), "%s/%s", hooks_dir, stage_name);
	n = list_hooks(dir, names);
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		long long start;
		int status;

		/* Bounded by HOOK_NAME_MAX already; the precision tells the compiler so. */
		snprintf(path, sizeof(path), "%s/%.*s", dir, HOOK_NAME_MAX - 1, names[i]);
		snprintf(who, sizeof(who), "hook %.16s/%.*s", stage_name, HOOK_NAME_MAX - 1,
			 names[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
			log_warning("%s: not an executable file, skipped", who);
			continue;
		}
		start = now_ms();
		status = run_one(path, who, stage, params, root_device);
		if (status == 0) {
			log_info("%s: done in %lld ms", who, now_ms() - start);
		} else {
			log_warning("%s: failed with status %d after %lld ms, continuing", who, status,
				    now_ms() - start);
			failed++;
		}
	}
	return failed;
}
