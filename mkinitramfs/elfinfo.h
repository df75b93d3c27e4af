/* SPDX-License-Identifier: MIT */
/* Reads what the dynamic loader reads from an ELF file: its interpreter and needed libraries. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strv.h"

struct elfinfo {
	unsigned char elf_class; /* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;	 /* e_machine: EM_X86_64, EM_AARCH64, ... */
	char *interp;		 /* PT_INTERP, or NULL (a static program, a library) */
	struct strv needed;	 /* DT_NEEDED names, in order */
	char *rpath;		 /* DT_RPATH, or NULL */
	char *runpath;		 /* DT_RUNPATH, or NULL */
};

/* Does data start like an ELF file? */
bool elfinfo_is_elf(const void *data, size_t len);

/* The identity of an ELF file: what decides which kernel can run or load it. */
struct elfinfo_header {
	unsigned char elf_class; /* ELFCLASS32 or ELFCLASS64 */
	unsigned char data;	 /* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t type;		 /* e_type: ET_EXEC, ET_DYN, ET_REL, ... */
	uint16_t machine;	 /* e_machine: EM_X86_64, EM_AARCH64, ... */
};

/*
 * Reads the ELF header's class, byte order, type and machine. Pure: no I/O. Returns 0, or
 * -ENOEXEC if data is not an ELF file with a known class and byte order and a whole header.
 */
int elfinfo_header(const void *data, size_t len, struct elfinfo_header *ret);

/*
 * Parses a little- or big-endian ELF32/ELF64 file's program headers and dynamic section.
 * Every offset is checked against len. Pure: no I/O. Returns 0, -ENOEXEC if data is not a
 * well-formed ELF file, -ENOMEM. Free the result with elfinfo_free().
 */
int elfinfo_parse(const void *data, size_t len, struct elfinfo *ret);
void elfinfo_free(struct elfinfo *info);

/* Debian's multiarch triplet for a machine ("x86_64-linux-gnu"), or NULL if unknown. */
const char *elfinfo_multiarch(unsigned char elf_class, uint16_t machine);
