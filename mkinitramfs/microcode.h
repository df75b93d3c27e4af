/* SPDX-License-Identifier: MIT */
/* The early microcode archive: an uncompressed cpio the kernel reads before the image proper. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cpio.h"
#include "kernel.h"

/*
 * The kernel's early loader looks for these in an uncompressed cpio at the very start of the
 * initrd (Documentation/arch/x86/microcode.rst, "Early load microcode").
 */
#define MICROCODE_DIR "kernel/x86/microcode"

/*
 * Builds the early archive from BASEDIR/lib/firmware/{amd-ucode,intel-ucode} (or usr/lib/...):
 * every file of a vendor concatenated in name order into MICROCODE_DIR/AuthenticAMD.bin or
 * GenuineIntel.bin. With host_only, only the running CPU's vendor, and for Intel only the
 * files of its family. Leaves out empty (ret->len 0) when the tree has no microcode. Returns
 * 0 or -errno after logging; *ret_files counts the files packed.
 */
int microcode_build(const struct kernel_source *src, bool host_only, uint32_t mtime,
		    struct cpio_buf *ret, size_t *ret_files);
