// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput over corpus folders and files without libFuzzer,
 * so `make check` replays every corpus file (every crash ever found) under ASan and UBSan.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* gcc says __SANITIZE_ADDRESS__, clang (the blkid replay) __has_feature(address_sanitizer). */
#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif
#ifdef REPLAY_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#ifndef FUZZ_NAME
#define FUZZ_NAME "target"
#endif

/* Corpus files are command lines and device names; anything far larger is a mistake. */
#define REPLAY_FILE_MAX (1024 * 1024)

/* The input being run, for the message when it crashes. */
static char current[4096];

static void say_current(void)
{
	static const char pre[] = "fuzz-replay " FUZZ_NAME ": crashed on ";
	size_t n = strnlen(current, sizeof(current));

	(void)!write(STDERR_FILENO, pre, sizeof(pre) - 1);
	(void)!write(STDERR_FILENO, current, n);
	(void)!write(STDERR_FILENO, "\n", 1);
}

/* abort() from FUZZ_CHECK; faults are left to ASan's own handler, which reports them. */
static void on_abort(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int r = -errno;

		fprintf(stderr, "fuzz-replay " FUZZ_NAME ": %s: %s\n", path, strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (st.st_size > REPLAY_FILE_MAX) {
		fprintf(stderr, "fuzz-replay " FUZZ_NAME ": %s: larger than %d bytes\n", path,
			REPLAY_FILE_MAX);
		close(fd);
		return -EFBIG;
	}
	/*
	 * Exactly st_size bytes, as libFuzzer gives them: a read past the end is an ASan report.
	 * Even an empty input gets its own zero-byte block (ASan's malloc(0) is never NULL).
	 */
	buf = malloc((size_t)st.st_size);
	if (!buf && st.st_size) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "fuzz-replay " FUZZ_NAME ": %s: short read\n", path);
		free(buf);
		return -EIO;
	}
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

/* One folder entry: a regular file is run and counted, anything else skipped. */
static int run_entry(const char *dir, const char *name, unsigned *count)
{
	char path[4096];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	r = run_file(path);
	if (r == 0)
		(*count)++;
	return r;
}

/* Every regular file of a folder, in name order so that runs are repeatable. */
static int run_dir(const char *dir, unsigned *count)
{
	struct dirent **names;
	int n, r = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		r = -errno;
		fprintf(stderr, "fuzz-replay " FUZZ_NAME ": %s: %s\n", dir, strerror(-r));
		return r;
	}
	for (int i = 0; i < n; i++) {
		if (run_entry(dir, names[i]->d_name, count) < 0)
			r = -EIO;
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
		return 2;
	}
	signal(SIGABRT, on_abort);
#ifdef REPLAY_ASAN
	/* ASan and UBSan end the process themselves; this names the input before they do. */
	__sanitizer_set_death_callback(say_current);
#endif

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) < 0)
				failed = 1;
		} else if (run_file(argv[i]) < 0) {
			failed = 1;
		} else {
			count++;
		}
	}
	printf("fuzz-replay " FUZZ_NAME ": %u inputs\n", count);
	return failed;
}
