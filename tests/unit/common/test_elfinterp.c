// SPDX-License-Identifier: MIT
/* common/elfinterp.c: PT_INTERP as fs/binfmt_elf.c reads it, in both classes and byte orders. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "elfinterp.h"
#include "unit.h"

/* Room for a header, two program headers and an interpreter path. */
#define TEST_ELF_SIZE 512

struct test_elf {
	unsigned char data[TEST_ELF_SIZE];
	bool is64, big;
};

static void put(struct test_elf *e, size_t off, uint64_t v, size_t size)
{
	for (size_t i = 0; i < size; i++)
		e->data[off + (e->big ? size - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

/* Writes program header i (after the ELF header) as (type, offset, filesz). */
static void put_phdr(struct test_elf *e, unsigned i, uint32_t type, uint64_t off, uint64_t size)
{
	size_t ph = e->is64 ? sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr)
			    : sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr);

	put(e, ph, type, 4);
	if (e->is64) {
		put(e, ph + offsetof(Elf64_Phdr, p_offset), off, 8);
		put(e, ph + offsetof(Elf64_Phdr, p_filesz), size, 8);
	} else {
		put(e, ph + offsetof(Elf32_Phdr, p_offset), off, 4);
		put(e, ph + offsetof(Elf32_Phdr, p_filesz), size, 4);
	}
}

/* An ELF file whose second program header is PT_INTERP naming interp (filesz: with its NUL). */
static void make_elf(struct test_elf *e, bool is64, bool big, const char *interp)
{
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t at = ehsize + 2 * phsize;

	memset(e, 0, sizeof(*e));
	e->is64 = is64;
	e->big = big;
	memcpy(e->data, ELFMAG, SELFMAG);
	e->data[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	e->data[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	e->data[EI_VERSION] = EV_CURRENT;
	if (is64) {
		put(e, offsetof(Elf64_Ehdr, e_phoff), ehsize, 8);
		put(e, offsetof(Elf64_Ehdr, e_phentsize), phsize, 2);
		put(e, offsetof(Elf64_Ehdr, e_phnum), 2, 2);
	} else {
		put(e, offsetof(Elf32_Ehdr, e_phoff), ehsize, 4);
		put(e, offsetof(Elf32_Ehdr, e_phentsize), phsize, 2);
		put(e, offsetof(Elf32_Ehdr, e_phnum), 2, 2);
	}
	put_phdr(e, 0, PT_LOAD, 0, at);
	put_phdr(e, 1, interp ? PT_INTERP : PT_NOTE, at, interp ? strlen(interp) + 1 : 0);
	if (interp)
		memcpy(e->data + at, interp, strlen(interp) + 1);
}

static int find(const struct test_elf *e, char *ret, size_t size)
{
	return elfinterp_find_mem(e->data, sizeof(e->data), ret, size);
}

static void both_classes_both_orders(void)
{
	struct test_elf e;
	char buf[PATH_MAX];

	for (int is64 = 0; is64 <= 1; is64++) {
		for (int big = 0; big <= 1; big++) {
			make_elf(&e, is64, big, "/lib/ld-linux.so.2");
			CHECK_INT(find(&e, buf, sizeof(buf)), 0);
			CHECK_STR(buf, "/lib/ld-linux.so.2");
			make_elf(&e, is64, big, NULL);
			CHECK_INT(find(&e, buf, sizeof(buf)), 0);
			CHECK_STR(buf, "");
		}
	}
}

/* binfmt_elf: p_filesz from 2 to PATH_MAX, and the last byte a NUL. */
static void kernel_rules_for_the_segment(void)
{
	size_t at = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
	struct test_elf e;
	char buf[PATH_MAX], small[8];

	make_elf(&e, true, false, "/lib/ld.so");
	CHECK_INT(find(&e, small, sizeof(small)), -ENOEXEC); /* 11 bytes do not fit in 8 */
	CHECK_STR(small, "");
	put_phdr(&e, 1, PT_INTERP, at, 1);
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	put_phdr(&e, 1, PT_INTERP, at, 4); /* "/lib" without its NUL */
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	CHECK_STR(buf, "");
	put_phdr(&e, 1, PT_INTERP, at, 11); /* with it */
	CHECK_INT(find(&e, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/lib/ld.so");
	put_phdr(&e, 1, PT_INTERP, TEST_ELF_SIZE - 4, 11); /* past the end of the file */
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	put_phdr(&e, 1, PT_INTERP, UINT64_MAX - 2, 11);
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
}

static void not_elf_or_damaged(void)
{
	struct test_elf e;
	char buf[PATH_MAX];

	make_elf(&e, true, false, "/lib/ld.so");
	CHECK_INT(elfinterp_find_mem(e.data, 40, buf, sizeof(buf)), -ENOEXEC); /* header cut */
	e.data[EI_CLASS] = 3;
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	make_elf(&e, true, false, "/lib/ld.so");
	e.data[EI_DATA] = 0;
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	make_elf(&e, true, false, "/lib/ld.so");
	put(&e, offsetof(Elf64_Ehdr, e_phentsize), 8, 2); /* smaller than a program header */
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	make_elf(&e, true, false, "/lib/ld.so");
	put(&e, offsetof(Elf64_Ehdr, e_phoff), UINT64_MAX - 8, 8);
	CHECK_INT(find(&e, buf, sizeof(buf)), -ENOEXEC);
	CHECK_INT(elfinterp_find_mem("#!/bin/sh\n\0\0\0\0\0\0", 16, buf, sizeof(buf)), -ENOEXEC);
}

static int fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* This test program is linked dynamically (the sanitizers): it names its loader. */
static void this_program_through_a_reader(void)
{
	char buf[PATH_MAX];
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_INT(elfinterp_find(fd_read, &fd, buf, sizeof(buf)), 0);
	CHECK(buf[0] == '/');
	CHECK(access(buf, X_OK) == 0);
	close(fd);
}

const struct unit_case elfinterp_cases[] = {
    {"both_classes_both_orders", both_classes_both_orders},
    {"kernel_rules_for_the_segment", kernel_rules_for_the_segment},
    {"not_elf_or_damaged", not_elf_or_damaged},
    {"this_program_through_a_reader", this_program_through_a_reader},
    {NULL, NULL},
};
