// SPDX-License-Identifier: MIT
/* libFuzzer target for elfinfo_parse(): any file gives a sound struct or -ENOEXEC, never a fault.
 */
#include "elfinfo.h"
#include "fuzz.h"

#include <errno.h>
#include <string.h>

/* ELFINFO_NEEDED_MAX in elfinfo.c: more DT_NEEDED entries than that is a malformed file. */
#define FUZZ_NEEDED_MAX 4096

/* A string elfinfo copied out of the file: NUL-terminated, as long as the file at most. */
static void check_string(const char *s, size_t size)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(strlen(s) < size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfinfo info;
	int r;

	/*
	 * The generator reads whole files with read(): mkinitramfs/binaries.c calls
	 * elfinfo_is_elf() first and elfinfo_parse() only on what it accepts; parse must also
	 * refuse on its own what is not ELF, so it is called on everything.
	 */
	(void)elfinfo_is_elf(data, size);
	memset(&info, FUZZ_POISON, sizeof(info));
	r = elfinfo_parse(data, size, &info);
	FUZZ_CHECK(r == 0 || r == -ENOEXEC || r == -ENOMEM);
	if (r < 0)
		return 0;

	FUZZ_CHECK(elfinfo_is_elf(data, size));
	FUZZ_CHECK(info.elf_class == 1 || info.elf_class == 2);
	FUZZ_CHECK(info.needed.count <= FUZZ_NEEDED_MAX);
	FUZZ_CHECK(info.needed.count == 0 || info.needed.v != NULL);
	if (info.interp)
		check_string(info.interp, size);
	if (info.rpath)
		check_string(info.rpath, size);
	if (info.runpath)
		check_string(info.runpath, size);
	for (size_t i = 0; i < info.needed.count; i++)
		check_string(info.needed.v[i], size);
	(void)elfinfo_multiarch(info.elf_class, info.machine);
	elfinfo_free(&info);
	FUZZ_CHECK(info.needed.v == NULL && info.needed.count == 0 && info.interp == NULL);
	return 0;
}
