// SPDX-License-Identifier: MIT
/* Tests of hooks_run(): lexical order, environment, results handed back, failures, time limit. */
#include "hooks.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char base[64], dir[128], result[128], trace[128], logged[128];
static int saved_stderr = -1;
static struct boot_params params;

static void put_hook(const char *stage, const char *name, const char *body)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, stage);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, stage, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	CHECK(chmod(path, 0755) == 0);
}

static void setup(void)
{
	strcpy(base, "/tmp/baton-hooks-XXXXXX");
	CHECK(mkdtemp(base) != NULL);
	snprintf(dir, sizeof(dir), "%s/hooks", base);
	snprintf(result, sizeof(result), "%s/result", base);
	snprintf(trace, sizeof(trace), "%s/trace", base);
	snprintf(logged, sizeof(logged), "%s/logged", base);
	CHECK(mkdir(dir, 0755) == 0);
	hooks_set_paths(dir, result);
	cmdline_free(&params);
	CHECK_INT(cmdline_parse("", 0, &params), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	CHECK(system(cmd) == 0);
}

static void read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void read_trace(char *buf, size_t size)
{
	read_file(trace, buf, size);
}

/* Without /dev/kmsg the log goes to stderr: catch it in a file while hooks run. */
static void capture_log(void)
{
	int fd = open(logged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	CHECK(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	CHECK(saved_stderr >= 0 && dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	close(fd);
}

static void restore_log(void)
{
	fflush(stderr);
	(void)dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
}

/* Lines of the captured log that contain needle. */
static unsigned count_logged(const char *needle)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = fopen(logged, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

/* Lines of the captured log that are exactly text. */
static unsigned count_logged_exactly(const char *text)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = fopen(logged, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		n += strcmp(line, text) == 0;
	}
	fclose(f);
	return n;
}

static double seconds_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static void test_order_and_environment(void)
{
	char body[512], got[1024];

	setup();
	CHECK(!hooks_exist(STAGE_PREMOUNT));
	/* Lexical order in the C locale: "10-a" < "20-b" < "3-c"; dot files are skipped. */
	snprintf(body, sizeof(body),
		 "echo \"$(basename \"$0\") $BATON_STAGE $BATON_ROOT "
		 "$BATON_ROOT_DEVICE $PATH\" >> %s",
		 trace);
	put_hook("premount", "20-b", body);
	put_hook("premount", "3-c", body);
	put_hook("premount", "10-a", body);
	put_hook("premount", ".hidden", body);
	CHECK(hooks_exist(STAGE_PREMOUNT));
	CHECK_INT(hooks_run(STAGE_PREMOUNT, &params, "/dev/vda2"), 0);
	read_trace(got, sizeof(got));
	CHECK_STR(got, "10-a premount /sysroot /dev/vda2 /usr/sbin:/usr/bin:/sbin:/bin\n"
		       "20-b premount /sysroot /dev/vda2 /usr/sbin:/usr/bin:/sbin:/bin\n"
		       "3-c premount /sysroot /dev/vda2 /usr/sbin:/usr/bin:/sbin:/bin\n");
	/* Other stages are untouched. */
	CHECK_INT(hooks_run(STAGE_MOUNT, &params, NULL), 0);
	teardown();
}

static void test_clean_environment(void)
{
	char body[256], got[1024];

	setup();
	setenv("BATON_LEAK", "1", 1);
	snprintf(body, sizeof(body), "env | sort | cut -d= -f1 > %s", trace);
	put_hook("early", "10-env", body);
	CHECK_INT(hooks_run(STAGE_EARLY, &params, NULL), 0);
	read_trace(got, sizeof(got));
	/* The shell adds PWD (and SHLVL, _ in some shells); nothing of ours leaks. */
	CHECK(strstr(got, "BATON_LEAK") == NULL);
	CHECK(strstr(got, "BATON_RESULT\n") != NULL);
	CHECK(strstr(got, "BATON_STAGE\n") != NULL);
	unsetenv("BATON_LEAK");
	teardown();
}

static void test_failures_and_results(void)
{
	char body[256];

	setup();
	put_hook("device", "10-fails", "echo about to fail; exit 3");
	snprintf(body, sizeof(body), "echo root=/dev/mapper/vg-root > \"$BATON_RESULT\"");
	put_hook("device", "20-hands-back", body);
	put_hook("device", "30-not-executable", "exit 0");
	snprintf(body, sizeof(body), "%s/device/30-not-executable", dir);
	CHECK(chmod(body, 0644) == 0);
	/* One failure counted; the non-executable one is skipped, not failed. */
	CHECK_INT(hooks_run(STAGE_DEVICE, &params, NULL), 1);
	CHECK_STR(hooks_result_root(), "/dev/mapper/vg-root");
	CHECK(access(result, F_OK) != 0);
	teardown();
}

/* The result file's folder need not exist beforehand: in the image /run/baton does not. */
static void test_result_folder_made(void)
{
	char where[192];

	setup();
	snprintf(where, sizeof(where), "%s/baton/hook-result", base);
	hooks_set_paths(dir, where);
	put_hook("device", "10-hands-back", "echo root=LABEL=fresh > \"$BATON_RESULT\"");
	CHECK_INT(hooks_run(STAGE_DEVICE, &params, NULL), 0);
	CHECK_STR(hooks_result_root(), "LABEL=fresh");
	teardown();
}

static void test_time_limit(void)
{
	struct timespec a, b;
	double took;

	setup();
	params.hook_timeout_sec = 1;
	/* The hook and the child it starts are both stopped: the whole process group. */
	put_hook("mount", "10-hangs", "sleep 30 & sleep 30");
	put_hook("mount", "20-ignores-term", "trap '' TERM; sleep 30");
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_INT(hooks_run(STAGE_MOUNT, &params, NULL), 2);
	clock_gettime(CLOCK_MONOTONIC, &b);
	took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	/* 1 s each, plus the SIGKILL grace for the one ignoring SIGTERM: well under 30 s. */
	CHECK(took > 1.9 && took < 10);
	teardown();
}

/*
 * A hook that prints without pause is stopped at its limit all the same, and only the first lines
 * of its flood are logged: the reading never starves the clock, and the logging (slow on a serial
 * console) is bounded. timeout(1) ends the flood after 20 s should the limit not hold.
 */
static void test_flood_time_limit(void)
{
	struct timespec a;
	double took;

	setup();
	params.hook_timeout_sec = 1;
	/* 11-byte lines: reads of 512 bytes end inside lines, which must not cut them. */
	put_hook("early", "10-floods", "exec timeout 20 yes 'flood line'");
	capture_log();
	clock_gettime(CLOCK_MONOTONIC, &a);
	(void)hooks_run(STAGE_EARLY, &params, NULL);
	took = seconds_since(&a);
	restore_log();
	fprintf(stderr, "  flood: stopped after %.1f s, %u lines logged\n", took,
		count_logged("hook early/10-floods: "));
	CHECK(took < 5);
	CHECK(count_logged("still running after 1 s") == 1);
	/* Whole lines, not pieces cut where a read ended: exactly the first 100. */
	CHECK_INT(count_logged("hook early/10-floods: flood"), 100);
	CHECK_INT(count_logged_exactly("baton: hook early/10-floods: flood line"), 100);
	CHECK(count_logged("lines of output not logged") == 1);
	teardown();
}

/*
 * A process a hook leaves running keeps a working stdout after the hook returns: its late output
 * is logged, and it does not die of SIGPIPE on its first write.
 */
static void test_daemon_keeps_output(void)
{
	char body[512], got[64] = "";
	struct timespec a;
	double took;
	int err;
	pid_t r;

	setup();
	snprintf(body, sizeof(body), "(sleep 2; echo late; echo alive > %s) &\necho started",
		 trace);
	put_hook("early", "10-daemon", body);
	capture_log();
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_INT(hooks_run(STAGE_EARLY, &params, NULL), 0);
	took = seconds_since(&a);
	/* The hook returned at once; its child writes two seconds later. */
	for (int i = 0; i < 200 && access(trace, F_OK) != 0; i++)
		usleep(50 * 1000);
	/* Whatever reads the output on the hook's behalf ends once the child is gone. */
	do {
		r = waitpid(-1, NULL, WNOHANG);
		if (r == 0)
			usleep(50 * 1000);
	} while (r >= 0 && seconds_since(&a) < 15);
	err = errno;
	restore_log();
	CHECK(took < 2);
	read_trace(got, sizeof(got));
	CHECK_STR(got, "alive\n");
	CHECK(r < 0 && err == ECHILD);
	CHECK(count_logged("hook early/10-daemon: started") == 1);
	CHECK(count_logged("hook early/10-daemon: late") == 1);
	teardown();
}

const struct unit_case hooks_cases[] = {
    {"order_and_environment", test_order_and_environment},
    {"clean_environment", test_clean_environment},
    {"failures_and_results", test_failures_and_results},
    {"result_folder_made", test_result_folder_made},
    {"time_limit", test_time_limit},
    {"flood_time_limit", test_flood_time_limit},
    {"daemon_keeps_output", test_daemon_keeps_output},
    {NULL, NULL},
};
