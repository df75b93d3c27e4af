// SPDX-License-Identifier: MIT
/* Tests of run_tool(): exit status, input on stdin, output logged and bounded, time limit. */
#include "run.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char logged[64];
static int saved_stderr = -1;

/* Without /dev/kmsg the log goes to stderr: catch it in a file while the tool runs. */
static void catch_log(void)
{
	int fd;

	strcpy(logged, "/tmp/baton-run-XXXXXX");
	fd = mkstemp(logged);
	CHECK(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	CHECK(saved_stderr >= 0 && dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	close(fd);
}

/* Puts stderr back; returns what was logged (static buffer). */
static const char *release_log(void)
{
	static char text[16384];
	ssize_t n;
	int fd;

	fflush(stderr);
	(void)dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fd = open(logged, O_RDONLY);
	n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	text[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(logged);
	return text;
}

static void exit_status_returned(void)
{
	const char *argv[] = {"sh", "-c", "exit 3", NULL};

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), 3);
	release_log();
}

static void input_on_stdin_output_logged(void)
{
	const char *argv[] = {"sh", "-c", "read -r word; echo \"got $word\"; echo oops >&2", NULL};
	const char *text;

	catch_log();
	CHECK_INT(run_tool(argv, "secret\n", 7, 10), 0);
	text = release_log();
	CHECK(strstr(text, "sh: got secret") != NULL);
	CHECK(strstr(text, "sh: oops") != NULL);
}

static void no_input_reads_end_of_file(void)
{
	const char *argv[] = {"sh", "-c", "if read -r x; then exit 1; fi; exit 0", NULL};

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), 0);
	release_log();
}

/* The tool gets stdin, stdout and stderr, not a second /dev/null (lvm warns of leaked fds). */
static void no_descriptor_leaked(void)
{
	const char *argv[] = {"ls", "-l", "/proc/self/fd", NULL};
	const char *text, *p;
	int nulls = 0;

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), 0);
	text = release_log();
	for (p = text; (p = strstr(p, "-> /dev/null\n")); p++)
		nulls++;
	CHECK_INT(nulls, 1);
}

static void output_bounded(void)
{
	const char *argv[] = {"sh", "-c",
			      "i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done", NULL};
	const char *text;

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), 0);
	text = release_log();
	CHECK(strstr(text, "line49\n") != NULL);
	CHECK(strstr(text, "line50\n") == NULL);
	CHECK(strstr(text, "150 more lines not logged") != NULL);
}

static void missing_program(void)
{
	const char *argv[] = {"baton-no-such-tool", NULL};
	const char *text;

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), -ENOENT);
	text = release_log();
	CHECK(strstr(text, "not found in the image") != NULL);
}

static void time_limit_kills_the_group(void)
{
	const char *argv[] = {"sh", "-c", "sleep 30 & sleep 30", NULL};
	const char *text;

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 1), 128 + 9);
	text = release_log();
	CHECK(strstr(text, "still running after 1 s") != NULL);
}

/* A tool that names itself ("sh: ...", as mdadm's "mdadm: ...") is named once in the log. */
static void own_prefix_not_doubled(void)
{
	const char *argv[] = {"sh", "-c", "echo 'sh: started'; echo 'shx: kept'", NULL};
	const char *text;

	catch_log();
	CHECK_INT(run_tool(argv, NULL, 0, 10), 0);
	text = release_log();
	CHECK(strstr(text, "sh: sh: started") == NULL);
	CHECK(strstr(text, "sh: started\n") != NULL);
	CHECK(strstr(text, "sh: shx: kept\n") != NULL);
}

/* The last non-empty line comes back for the caller's message, also past the logged lines. */
static void last_line_returned(void)
{
	const char *many[] = {"sh", "-c",
			      "i=0; while [ $i -lt 60 ]; do echo line$i; i=$((i+1)); done; "
			      "echo 'sh: the reason' >&2; echo; exit 2",
			      NULL};
	const char *quiet[] = {"sh", "-c", "exit 1", NULL};
	char last[8];

	catch_log();
	CHECK_INT(run_tool_last_line(many, NULL, 0, 10, last, sizeof(last)), 2);
	release_log();
	CHECK_STR(last, "the rea");
	strcpy(last, "kept");
	catch_log();
	CHECK_INT(run_tool_last_line(quiet, NULL, 0, 10, last, sizeof(last)), 1);
	release_log();
	CHECK_STR(last, "kept");
}

const struct unit_case run_cases[] = {
    {"exit_status_returned", exit_status_returned},
    {"input_on_stdin_output_logged", input_on_stdin_output_logged},
    {"no_input_reads_end_of_file", no_input_reads_end_of_file},
    {"no_descriptor_leaked", no_descriptor_leaked},
    {"output_bounded", output_bounded},
    {"missing_program", missing_program},
    {"time_limit_kills_the_group", time_limit_kills_the_group},
    {"own_prefix_not_doubled", own_prefix_not_doubled},
    {"last_line_returned", last_line_returned},
    {NULL, NULL},
};
