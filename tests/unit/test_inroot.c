// SPDX-License-Identifier: MIT
/* Tests of init resolution inside a root: symlink chains stay inside, executables are checked. */
#include "inroot.h"
#include "macro.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];
static int rootfd = -1;

static void put(const char *path, const char *content, mode_t mode)
{
	int fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
	CHECK(fchmodat(rootfd, path, mode, 0) == 0);
}

/* Copies a file from the host (an ELF binary) into the test root. */
static void copy_in(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = openat(rootfd, to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ssize_t n;

	CHECK(in >= 0 && out >= 0);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void build_root(void)
{
	static const char *const dirs[] = {
	    "sbin",  "bin",   "lib", "lib/systemd", "usr", "usr/lib", "usr/lib/systemd",
	    "lib64", "noexec"};

	strcpy(root, "/tmp/baton-inroot-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		CHECK(mkdirat(rootfd, dirs[i], 0755) == 0);
	/* Debian's chain: absolute link, then a relative one (merged /usr). */
	CHECK(symlinkat("/lib/systemd/systemd", rootfd, "sbin/init") == 0);
	CHECK(symlinkat("../../usr/lib/systemd/systemd", rootfd, "lib/systemd/systemd") == 0);
	put("usr/lib/systemd/systemd", "#!/bin/sh\necho hi\n", 0755);
	copy_in("/proc/self/exe", "bin/sh"); /* dynamic: its PT_INTERP is not in the root yet */
	/* A link that would leave the root if followed from the host's "/". */
	CHECK(symlinkat("../../../../../../../bin/true", rootfd, "sbin/escape") == 0);
	put("sbin/plain", "not a program\n", 0755);
	put("sbin/noperm", "#!/bin/sh\n", 0644);
	put("sbin/nointerp", "#!/bin/missing-shell -e\n", 0755);
}

static void remove_root(void)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static void test_resolution(void)
{
	char why[512];

	build_root();
	/* The chain resolves inside the root, ending at a script whose interpreter is bin/sh. */
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/init", why, sizeof(why)), -ENOENT);
	CHECK(strstr(why, "interpreter /bin/sh") != NULL && strstr(why, "ELF interpreter") != NULL);
	/* Give bin/sh its ELF interpreter inside the root: now everything resolves. */
	CHECK(access("/lib64/ld-linux-x86-64.so.2", F_OK) == 0);
	put("lib64/ld-linux-x86-64.so.2", "", 0755);
	CHECK_INT(inroot_check_executable(rootfd, "/bin/sh", why, sizeof(why)), 0);
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/init", why, sizeof(why)), 0);
	CHECK_INT(inroot_check_executable(rootfd, "sbin/init", why, sizeof(why)), 0);

	/* An escaping link is clamped at the root: /bin/true of the host is not found. */
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/escape", why, sizeof(why)), -ENOENT);
	CHECK_INT(inroot_check_executable(rootfd, "/sbin", why, sizeof(why)), -EISDIR);
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/plain", why, sizeof(why)), -ENOEXEC);
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/noperm", why, sizeof(why)), -EACCES);
	CHECK_INT(inroot_check_executable(rootfd, "/sbin/nointerp", why, sizeof(why)), -ENOENT);
	CHECK(strstr(why, "/bin/missing-shell") != NULL);
	CHECK_INT(inroot_check_executable(rootfd, "/nonexistent", why, sizeof(why)), -ENOENT);
	remove_root();
}

static void test_open_stays_inside(void)
{
	int fd;

	build_root();
	fd = inroot_open(rootfd, "/sbin/init", O_PATH);
	CHECK(fd >= 0);
	if (fd >= 0) {
		struct stat a, b;

		CHECK(fstat(fd, &a) == 0);
		CHECK(fstatat(rootfd, "usr/lib/systemd/systemd", &b, 0) == 0);
		CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
		close(fd);
	}
	CHECK_INT(inroot_open(rootfd, "/../../../etc/hostname", O_RDONLY), -ENOENT);
	remove_root();
}

const struct unit_case inroot_cases[] = {
    {"resolution", test_resolution},
    {"open_stays_inside", test_open_stays_inside},
    {NULL, NULL},
};
