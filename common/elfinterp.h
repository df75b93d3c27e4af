/* SPDX-License-Identifier: MIT */
/* The ELF interpreter (PT_INTERP) of a program, read as the kernel's binfmt_elf reads it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Reads len bytes at offset off into buf: 0, -ENOEXEC when the file ends first, or another
 * -errno. The init reads a file with pread(), the generator a file it holds in memory.
 */
typedef int (*elfinterp_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/*
 * Finds the first PT_INTERP segment of a 32- or 64-bit ELF file of either byte order and copies
 * the path into ret (size bytes, at least 2); ret is "" for a file without one (a static
 * program, most libraries). As fs/binfmt_elf.c: the segment must be 2 to size bytes and end in
 * a NUL. Returns 0, -ENOEXEC for a file that is not such an ELF file, or read's error.
 */
int elfinterp_find(elfinterp_read_fn read, void *ctx, char *ret, size_t size);

/* The same for a file of len bytes in memory. */
int elfinterp_find_mem(const void *data, size_t len, char *ret, size_t size);
