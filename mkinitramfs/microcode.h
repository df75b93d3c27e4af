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

/* The start of an AMD container (arch/x86/kernel/cpu/microcode/amd.c, UCODE_MAGIC). */
#define MICROCODE_AMD_MAGIC 0x00414d44u

/* Intel's update header and the sizes a 0 in it stands for (Intel SDM vol. 3A, 10.11.1). */
#define MICROCODE_INTEL_HEADER 48
#define MICROCODE_INTEL_DEFAULT_DATA 2000
#define MICROCODE_INTEL_DEFAULT_TOTAL 2048

/*
 * Builds the early archive from BASEDIR/lib/firmware/{amd-ucode,intel-ucode} (or usr/lib/...):
 * every file of a vendor concatenated in name order into MICROCODE_DIR/AuthenticAMD.bin or
 * GenuineIntel.bin (as Debian's amd64-microcode hook and dracut do); a file that is not
 * microcode is left out with a warning. With host_only, only the running CPU's vendor, and
 * only the files of its family (Intel FF-MM-SS, AMD microcode_amd_famNNh.bin). Leaves out
 * empty (ret->len 0) when the tree has no microcode. Returns 0 or -errno after logging;
 * *ret_files counts the files packed.
 */
int microcode_build(const struct kernel_source *src, bool host_only, uint32_t mtime,
		    struct cpio_buf *ret, size_t *ret_files);
