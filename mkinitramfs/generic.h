/* SPDX-License-Identifier: MIT */
/* The generic module set: what an image built without -m carries, per kernel architecture. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

/* The machines a module entry is for: every one, x86 PCs (64- and 32-bit), or arm64 boards. */
enum generic_arch {
	GENERIC_ALL,
	GENERIC_X86,
	GENERIC_ARM64,
};

/*
 * The family of the kernel in src, read from one of its modules (arch.h); GENERIC_ALL when no
 * module can be read (all built in) or the machine is neither, so that only common entries apply.
 */
enum generic_arch generic_kernel_arch(const struct kernel_source *src);

/* Is an entry tagged arch meant for the kernel in src? Says why not in a debug line. */
bool generic_arch_fits(const struct kernel_source *src, const char *name, enum generic_arch arch);

/*
 * Calls add(name, data) for each module of the generic set that is meant for the kernel in src
 * (its machine read from its modules, see arch.h): the entries for every architecture and those
 * for its own; entries of other architectures are skipped with a debug line. Stops at and
 * returns the first negative result of add; else 0.
 */
int generic_for_each(const struct kernel_source *src, int (*add)(const char *name, void *data),
		     void *data);
