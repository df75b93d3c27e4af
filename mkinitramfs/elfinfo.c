// SPDX-License-Identifier: MIT
/* Reads what the dynamic loader reads from an ELF file: its interpreter and needed libraries. */
#include "elfinfo.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfinterp.h"

/* DT_NEEDED entries accepted from one file; real programs have a few dozen at most. */
#define ELFINFO_NEEDED_MAX 4096

struct elf_reader {
	const unsigned char *data;
	size_t len;
	bool is64;
	bool big; /* big-endian */
};

static uint64_t elf_get(const struct elf_reader *e, size_t off, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++) {
		size_t at = e->big ? off + i : off + size - 1 - i;

		v = (v << 8) | e->data[at];
	}
	return v;
}

/* Is [off, off + size) inside the file? */
static bool elf_in(const struct elf_reader *e, uint64_t off, uint64_t size)
{
	return off <= e->len && size <= e->len - off;
}

bool elfinfo_is_elf(const void *data, size_t len)
{
	return len >= EI_NIDENT && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* Checks e's identification bytes and header size; sets its class and byte order. */
static int elf_reader_init(struct elf_reader *e)
{
	if (!elfinfo_is_elf(e->data, e->len))
		return -ENOEXEC;
	if (e->data[EI_CLASS] != ELFCLASS32 && e->data[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	if (e->data[EI_DATA] != ELFDATA2LSB && e->data[EI_DATA] != ELFDATA2MSB)
		return -ENOEXEC;
	e->is64 = e->data[EI_CLASS] == ELFCLASS64;
	e->big = e->data[EI_DATA] == ELFDATA2MSB;
	if (e->len < (e->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -ENOEXEC;
	return 0;
}

int elfinfo_header(const void *data, size_t len, struct elfinfo_header *ret)
{
	struct elf_reader e = {.data = data, .len = len};

	if (elf_reader_init(&e) < 0)
		return -ENOEXEC;
	/* e_type and e_machine follow e_ident in both classes. */
	*ret = (struct elfinfo_header){
	    .elf_class = e.data[EI_CLASS],
	    .data = e.data[EI_DATA],
	    .type = (uint16_t)elf_get(&e, EI_NIDENT, 2),
	    .machine = (uint16_t)elf_get(&e, EI_NIDENT + 2, 2),
	};
	return 0;
}

struct elf_phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

static void elf_read_phdr(const struct elf_reader *e, size_t off, struct elf_phdr *ph)
{
	ph->type = (uint32_t)elf_get(e, off, 4);
	if (e->is64) {
		/* Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz, memsz, align. */
		ph->offset = elf_get(e, off + 8, 8);
		ph->vaddr = elf_get(e, off + 16, 8);
		ph->filesz = elf_get(e, off + 32, 8);
	} else {
		/* Elf32_Phdr: type, offset, vaddr, paddr, filesz, memsz, flags, align. */
		ph->offset = elf_get(e, off + 4, 4);
		ph->vaddr = elf_get(e, off + 8, 4);
		ph->filesz = elf_get(e, off + 16, 4);
	}
}

/* Copies the NUL-terminated string at off, which must end inside [off, end). */
static char *elf_strdup(const struct elf_reader *e, uint64_t off, uint64_t end)
{
	const unsigned char *nul;

	if (end > e->len || off >= end)
		return NULL;
	nul = memchr(e->data + off, '\0', (size_t)(end - off));
	if (!nul)
		return NULL;
	return strdup((const char *)e->data + off);
}

void elfinfo_free(struct elfinfo *info)
{
	free(info->interp);
	strv_free(&info->needed);
	free(info->rpath);
	free(info->runpath);
	*info = (struct elfinfo){0};
}

/* Where the program headers are: offset, count, size of one. */
struct elf_phdrs {
	uint64_t off, num, entsize;
};

/*
 * The dynamic string table: DT_STRTAB's address turned into a file offset through the PT_LOAD
 * segments, and DT_STRSZ. Returns 0 or -ENOEXEC.
 */
static int elfinfo_strtab(const struct elf_reader *e, const struct elf_phdrs *phdrs,
			  uint64_t dyn_off, uint64_t dyn_size, uint64_t *ret_off,
			  uint64_t *ret_size)
{
	size_t dyn_ent = e->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t strtab = 0, strsz = 0;
	bool has_strtab = false;

	for (uint64_t off = dyn_off; off + dyn_ent <= dyn_off + dyn_size; off += dyn_ent) {
		uint64_t tag = elf_get(e, (size_t)off, e->is64 ? 8 : 4);
		uint64_t val = elf_get(e, (size_t)off + dyn_ent / 2, e->is64 ? 8 : 4);

		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB) {
			strtab = val;
			has_strtab = true;
		} else if (tag == DT_STRSZ) {
			strsz = val;
		}
	}
	if (!has_strtab)
		return -ENOEXEC;
	for (uint64_t i = 0; i < phdrs->num; i++) {
		struct elf_phdr ph;

		elf_read_phdr(e, (size_t)(phdrs->off + i * phdrs->entsize), &ph);
		if (ph.type == PT_LOAD && strtab >= ph.vaddr && strtab - ph.vaddr < ph.filesz) {
			strtab = strtab - ph.vaddr + ph.offset;
			if (!elf_in(e, strtab, strsz))
				return -ENOEXEC;
			*ret_off = strtab;
			*ret_size = strsz;
			return 0;
		}
	}
	return -ENOEXEC;
}

/* DT_NEEDED, DT_RPATH and DT_RUNPATH into info. Returns 0, -ENOEXEC or -ENOMEM. */
static int elfinfo_names(const struct elf_reader *e, uint64_t dyn_off, uint64_t dyn_size,
			 uint64_t strtab, uint64_t strsz, struct elfinfo *info)
{
	size_t dyn_ent = e->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);

	for (uint64_t off = dyn_off; off + dyn_ent <= dyn_off + dyn_size; off += dyn_ent) {
		uint64_t tag = elf_get(e, (size_t)off, e->is64 ? 8 : 4);
		uint64_t val = elf_get(e, (size_t)off + dyn_ent / 2, e->is64 ? 8 : 4);
		char *s, **slot = NULL;

		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED && tag != DT_RPATH && tag != DT_RUNPATH)
			continue;
		if (val >= strsz)
			return -ENOEXEC;
		s = elf_strdup(e, strtab + val, strtab + strsz);
		if (!s)
			return errno == ENOMEM ? -ENOMEM : -ENOEXEC;
		if (tag == DT_RPATH)
			slot = &info->rpath;
		else if (tag == DT_RUNPATH)
			slot = &info->runpath;
		if (slot) {
			free(*slot);
			*slot = s;
			continue;
		}
		if (info->needed.count >= ELFINFO_NEEDED_MAX) {
			free(s);
			return -ENOEXEC;
		}
		if (strv_take(&info->needed, s) < 0)
			return -ENOMEM;
	}
	return 0;
}

int elfinfo_parse(const void *data, size_t len, struct elfinfo *ret)
{
	struct elf_reader e = {.data = data, .len = len};
	struct elfinfo info = {0};
	struct elf_phdrs phdrs;
	char interp[PATH_MAX];
	uint64_t dyn_off = 0, dyn_size = 0, strtab, strsz;
	bool has_dyn = false;
	int r = -ENOEXEC;

	if (elf_reader_init(&e) < 0)
		return -ENOEXEC;
	info.elf_class = e.data[EI_CLASS];
	info.machine = (uint16_t)elf_get(&e, 18, 2);
	if (e.is64)
		phdrs =
		    (struct elf_phdrs){elf_get(&e, 32, 8), elf_get(&e, 56, 2), elf_get(&e, 54, 2)};
	else
		phdrs =
		    (struct elf_phdrs){elf_get(&e, 28, 4), elf_get(&e, 44, 2), elf_get(&e, 42, 2)};
	if (phdrs.num && (phdrs.entsize < (e.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
			  !elf_in(&e, phdrs.off, phdrs.num * phdrs.entsize)))
		goto fail;

	/* The interpreter, read as the kernel and the init read it (common/elfinterp.c). */
	if (elfinterp_find_mem(data, len, interp, sizeof(interp)) < 0)
		goto fail;
	if (interp[0]) {
		info.interp = strdup(interp);
		if (!info.interp) {
			r = -ENOMEM;
			goto fail;
		}
	}

	/* Program headers: where the dynamic section is. */
	for (uint64_t i = 0; i < phdrs.num && !has_dyn; i++) {
		struct elf_phdr ph;

		elf_read_phdr(&e, (size_t)(phdrs.off + i * phdrs.entsize), &ph);
		if (ph.type == PT_DYNAMIC) {
			if (!elf_in(&e, ph.offset, ph.filesz))
				goto fail;
			dyn_off = ph.offset;
			dyn_size = ph.filesz;
			has_dyn = true;
		}
	}
	if (has_dyn) {
		r = elfinfo_strtab(&e, &phdrs, dyn_off, dyn_size, &strtab, &strsz);
		if (r == 0)
			r = elfinfo_names(&e, dyn_off, dyn_size, strtab, strsz, &info);
		if (r < 0)
			goto fail;
	}
	*ret = info;
	return 0;
fail:
	elfinfo_free(&info);
	return r;
}

const char *elfinfo_multiarch(unsigned char elf_class, uint16_t machine)
{
	/* Debian's triplets (dpkg-architecture -qDEB_HOST_MULTIARCH) of its release architectures.
	 */
	switch (machine) {
	case EM_X86_64:
		return elf_class == ELFCLASS64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_ARM:
		return "arm-linux-gnueabihf";
	case EM_PPC64:
		return "powerpc64le-linux-gnu";
	case EM_S390:
		return "s390x-linux-gnu";
	case EM_RISCV:
		return "riscv64-linux-gnu";
	case EM_MIPS:
		return "mips64el-linux-gnuabi64";
	default:
		return NULL;
	}
}
