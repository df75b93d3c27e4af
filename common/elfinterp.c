// SPDX-License-Identifier: MIT
/* The ELF interpreter (PT_INTERP) of a program, read as the kernel's binfmt_elf reads it. */
#include "elfinterp.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* A field of size bytes at p, in the file's byte order. */
static uint64_t field(const unsigned char *p, size_t size, bool big)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v = (v << 8) | p[big ? i : size - 1 - i];
	return v;
}

int elfinterp_find(elfinterp_read_fn read, void *ctx, char *ret, size_t size)
{
	unsigned char eh[sizeof(Elf64_Ehdr)], ph[sizeof(Elf64_Phdr)];
	uint64_t phoff, phentsize, phnum;
	size_t ehsize, phsize;
	bool is64, big;
	int r;

	ret[0] = '\0';
	r = read(ctx, eh, EI_NIDENT, 0);
	if (r < 0)
		return r;
	if (memcmp(eh, ELFMAG, SELFMAG) != 0 ||
	    (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return -ENOEXEC;
	is64 = eh[EI_CLASS] == ELFCLASS64;
	big = eh[EI_DATA] == ELFDATA2MSB;
	ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	r = read(ctx, eh, ehsize, 0);
	if (r < 0)
		return r;
	phoff = is64 ? field(eh + offsetof(Elf64_Ehdr, e_phoff), 8, big)
		     : field(eh + offsetof(Elf32_Ehdr, e_phoff), 4, big);
	phentsize = field(
	    eh + (is64 ? offsetof(Elf64_Ehdr, e_phentsize) : offsetof(Elf32_Ehdr, e_phentsize)), 2,
	    big);
	phnum = field(eh + (is64 ? offsetof(Elf64_Ehdr, e_phnum) : offsetof(Elf32_Ehdr, e_phnum)),
		      2, big);
	if (phnum && phentsize < phsize)
		return -ENOEXEC;
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t at = i * phentsize, offset, filesz;

		if (phoff > UINT64_MAX - at)
			return -ENOEXEC;
		r = read(ctx, ph, phsize, phoff + at);
		if (r < 0)
			return r;
		if (field(ph, 4, big) != PT_INTERP)
			continue;
		offset = is64 ? field(ph + offsetof(Elf64_Phdr, p_offset), 8, big)
			      : field(ph + offsetof(Elf32_Phdr, p_offset), 4, big);
		filesz = is64 ? field(ph + offsetof(Elf64_Phdr, p_filesz), 8, big)
			      : field(ph + offsetof(Elf32_Phdr, p_filesz), 4, big);
		if (filesz < 2 || filesz > size)
			return -ENOEXEC;
		r = read(ctx, ret, (size_t)filesz, offset);
		if (r == 0 && ret[filesz - 1] != '\0')
			r = -ENOEXEC;
		if (r < 0)
			ret[0] = '\0';
		return r;
	}
	return 0;
}

struct elfinterp_mem {
	const unsigned char *data;
	size_t len;
};

static int elfinterp_mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct elfinterp_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		return -ENOEXEC;
	memcpy(buf, m->data + off, len);
	return 0;
}

int elfinterp_find_mem(const void *data, size_t len, char *ret, size_t size)
{
	struct elfinterp_mem m = {.data = data, .len = len};

	return elfinterp_find(elfinterp_mem_read, &m, ret, size);
}
