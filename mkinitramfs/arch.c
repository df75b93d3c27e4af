// SPDX-License-Identifier: MIT
/* The kernel's architecture, read from its modules, and the baton init built for it. */
#include "arch.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compress.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "util.h"

/* Nesting of lib/modules/KVER; kernel trees are about 6 levels deep (kernel/drivers/net/...). */
#define ARCH_TREE_DEPTH_MAX 32

/* Module file names, plain or compressed (kmod's KMOD_EXTENSION_UNCOMPRESSED and friends). */
static const char *const arch_module_suffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

/* Debian's architecture names (dpkg-architecture -qDEB_HOST_ARCH) of its release ports. */
static const struct {
	uint16_t machine;
	unsigned char elf_class;
	const char *name;
} arch_names[] = {
    {EM_X86_64, ELFCLASS64, "amd64"},  {EM_AARCH64, ELFCLASS64, "arm64"},
    {EM_386, ELFCLASS32, "i386"},      {EM_ARM, ELFCLASS32, "armhf"},
    {EM_PPC64, ELFCLASS64, "ppc64el"}, {EM_S390, ELFCLASS64, "s390x"},
    {EM_RISCV, ELFCLASS64, "riscv64"}, {EM_MIPS, ELFCLASS64, "mips64el"},
};

/*
 * Where an init may be, for an architecture ARCH (Debian's name): in a build tree (`make`
 * writes build/init, `make ARCH=arm64` build/arm64/init) when this program is named
 * mkinitramfs; else in an installation under any PREFIX (PREFIX/sbin/baton-mkinitramfs finds
 * PREFIX/lib/baton/init and PREFIX/lib/baton/init-ARCH), then in the default one's place.
 * Never "init" beside an installed program: /usr/sbin/init is the system's own init.
 */
enum arch_form {
	ARCH_NATIVE, /* PATH */
	ARCH_IN_DIR, /* ARCH/PATH */
	ARCH_SUFFIX, /* PATH-ARCH */
};
struct arch_place {
	bool beside; /* PATH is relative to this program's folder */
	const char *path;
	enum arch_form form;
};
static const struct arch_place arch_build_inits[] = {
    {true, OPTIONS_DEFAULT_INIT, ARCH_NATIVE},
    {true, OPTIONS_DEFAULT_INIT, ARCH_IN_DIR},
};
static const struct arch_place arch_installed_inits[] = {
    {true, "../lib/baton/" OPTIONS_DEFAULT_INIT, ARCH_NATIVE},
    {true, "../lib/baton/" OPTIONS_DEFAULT_INIT, ARCH_SUFFIX},
    {false, OPTIONS_INSTALLED_INIT, ARCH_NATIVE},
    {false, OPTIONS_INSTALLED_INIT, ARCH_SUFFIX},
};

/* The list of places tried, for the error message: a few paths with their verdicts. */
#define ARCH_TRIED_MAX (4 * PATH_MAX)

static bool arch_is_module_name(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(arch_module_suffixes); i++) {
		size_t n = strlen(arch_module_suffixes[i]);

		if (len > n && strcmp(name + len - n, arch_module_suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* The first module file under dir (depth levels down) with a readable ELF header. */
static int arch_find_module(const char *dir, int depth, char *ret_path, struct elfinfo_header *ret)
{
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	if (depth > ARCH_TREE_DEPTH_MAX)
		return -ENOENT;
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while (r == -ENOENT && (de = readdir(d))) {
		unsigned char *data = NULL, *plain = NULL;
		size_t len, plain_len;
		char path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' || util_pathf(path, "%s/%s", dir, de->d_name) < 0 ||
		    lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* build and source link to kernel headers; lstat does not follow them. */
			r = arch_find_module(path, depth + 1, ret_path, ret);
			continue;
		}
		if (!arch_is_module_name(de->d_name) || util_read_file(path, &data, &len) < 0)
			continue;
		if (compress_detect(data, len) != COMPRESS_NONE &&
		    compress_unpack(data, len, &plain, &plain_len) < 0) {
			free(data);
			continue;
		}
		if (elfinfo_header(plain ? plain : data, plain ? plain_len : len, ret) == 0) {
			memcpy(ret_path, path, PATH_MAX);
			r = 0;
		}
		free(plain);
		free(data);
	}
	closedir(d);
	return r;
}

int arch_of_kernel(const struct kernel_source *src, char *ret_module, struct elfinfo_header *ret)
{
	return arch_find_module(src->moddir, 0, ret_module, ret);
}

void arch_describe(char *buf, size_t size, const struct elfinfo_header *h)
{
	const char *triplet = elfinfo_multiarch(h->elf_class, h->machine);

	snprintf(buf, size, "%s %s-endian %s (e_machine %u)",
		 h->elf_class == ELFCLASS64 ? "64-bit" : "32-bit",
		 h->data == ELFDATA2MSB ? "big" : "little", triplet ? triplet : "machine",
		 h->machine);
}

const char *arch_debian_name(const struct elfinfo_header *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].machine == h->machine && arch_names[i].elf_class == h->elf_class)
			return arch_names[i].name;
	return NULL;
}

/* The ELF identity of the file at path; -errno, or -ENOEXEC when it is no ELF file. */
static int arch_read_header(const char *path, struct elfinfo_header *ret)
{
	unsigned char head[sizeof(Elf64_Ehdr)];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return -errno;
	return elfinfo_header(head, (size_t)n, ret);
}

static bool arch_same(const struct elfinfo_header *a, const struct elfinfo_header *b)
{
	return a->elf_class == b->elf_class && a->data == b->data && a->machine == b->machine;
}

/* Is this program built for h? Then `make` (not make ARCH=...) builds the init for it. */
static bool arch_is_native(const struct elfinfo_header *h)
{
	struct elfinfo_header self;

	return arch_read_header("/proc/self/exe", &self) == 0 && arch_same(&self, h);
}

/*
 * Looks for an init built for want among the places above. Returns 0 with its path in ret,
 * -ENOENT; tried gets "PATH (what it is)" for each place looked at.
 */
static int arch_find_init(const struct elfinfo_header *want, char *ret, char *tried, size_t size)
{
	const char *name = arch_debian_name(want);
	const struct arch_place *places;
	char exe[PATH_MAX], *slash;
	size_t count, used = 0;
	ssize_t n;

	tried[0] = '\0';
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (strcmp(slash + 1, "mkinitramfs") == 0) {
		places = arch_build_inits;
		count = ARRAY_SIZE(arch_build_inits);
	} else {
		places = arch_installed_inits;
		count = ARRAY_SIZE(arch_installed_inits);
	}
	for (size_t i = 0; i < count; i++) {
		char path[PATH_MAX], have[ARCH_DESCRIBE_MAX];
		struct elfinfo_header h;
		int r, len;

		const struct arch_place *p = &places[i];
		const char *dir = p->beside ? exe : "", *sep = p->beside ? "/" : "";

		/* Only the native places when Debian has no name for the machine. */
		if (!name && p->form != ARCH_NATIVE)
			continue;
		if (p->form == ARCH_IN_DIR)
			r = util_pathf(path, "%s%s%s/%s", dir, sep, name, p->path);
		else if (p->form == ARCH_SUFFIX)
			r = util_pathf(path, "%s%s%s-%s", dir, sep, p->path, name);
		else
			r = util_pathf(path, "%s%s%s", dir, sep, p->path);
		if (r < 0)
			continue;
		r = arch_read_header(path, &h);
		if (r == 0 && arch_same(&h, want)) {
			memcpy(ret, path, sizeof(path));
			return 0;
		}
		if (r == 0)
			arch_describe(have, sizeof(have), &h);
		else
			snprintf(have, sizeof(have), "%s",
				 r == -ENOEXEC ? "not an ELF file" : strerror(-r));
		len =
		    snprintf(tried + used, size - used, "%s%s (%s)", used ? ", " : "", path, have);
		if (len > 0 && (size_t)len < size - used)
			used += (size_t)len;
	}
	return -ENOENT;
}

void arch_suggest_init(char *buf, size_t size, const struct elfinfo_header *h)
{
	const char *name = arch_debian_name(h);
	char found[PATH_MAX], tried[ARCH_TRIED_MAX];

	if (arch_find_init(h, found, tried, sizeof(tried)) == 0)
		snprintf(buf, size, "pass --init %s (built for it), or leave --init out", found);
	else if (arch_is_native(h))
		snprintf(buf, size, "build baton with 'make' and leave --init out");
	else if (name)
		snprintf(
		    buf, size,
		    "build baton for it with 'make ARCH=%s' (build/%s/init) and leave --init out, or name a baton init built for %s with --init PATH",
		    name, name, name);
	else
		snprintf(buf, size,
			 "build baton for that architecture and name it with --init PATH");
}

/* No module tells the kernel's machine: the native init, where it always was. */
static int arch_native_init(char *ret)
{
	int r;

	r = options_default_init(ret);
	if (r < 0)
		return log_error_errno(
		    r,
		    "cannot find the directory of this program to look for its '%s' next to it: %m; pass --init PATH",
		    OPTIONS_DEFAULT_INIT);
	if (access(ret, F_OK) < 0) {
		log_error(
		    "no init program at %s (the default: '%s' next to mkinitramfs in a build tree, else %s); build it with 'make', install baton, or pass --init PATH",
		    ret, OPTIONS_DEFAULT_INIT, OPTIONS_INSTALLED_INIT);
		return -ENOENT;
	}
	return 0;
}

int arch_default_init(const struct kernel_source *src, char *ret)
{
	char module[PATH_MAX], want[ARCH_DESCRIBE_MAX], tried[ARCH_TRIED_MAX], hint[PATH_MAX + 128];
	struct elfinfo_header k;
	int r;

	if (arch_of_kernel(src, module, &k) < 0)
		return arch_native_init(ret);
	arch_describe(want, sizeof(want), &k);
	r = arch_find_init(&k, ret, tried, sizeof(tried));
	if (r == 0) {
		log_debug("init %s: built for %s, as kernel %s (its module %s)", ret, want,
			  src->kver, module);
		return 0;
	}
	if (r != -ENOENT)
		return log_error_errno(
		    r,
		    "cannot find the directory of this program to look for an init: %m; pass --init PATH");
	arch_suggest_init(hint, sizeof(hint), &k);
	log_error(
	    "no baton init for kernel %s, which runs %s programs (read from its module %s); looked at %s; %s",
	    src->kver, want, module, tried, hint);
	return -ENOENT;
}
