/* SPDX-License-Identifier: MIT */
/* The kernel's architecture, read from its modules, and the baton init built for it. */
#pragma once

#include <stddef.h>

#include "elfinfo.h"
#include "kernel.h"

/* Buffer size for arch_describe(): "64-bit little-endian aarch64-linux-gnu (e_machine 183)". */
#define ARCH_DESCRIBE_MAX 96

/*
 * Reads the ELF identity of one of the kernel's modules under src->moddir: the kernel's own,
 * since it loads only modules built for it. Returns 0 with the module's path in ret_module
 * (PATH_MAX), -ENOENT if the tree holds no readable module (everything built in).
 */
int arch_of_kernel(const struct kernel_source *src, char *ret_module, struct elfinfo_header *ret);

/* "64-bit little-endian aarch64-linux-gnu (e_machine 183)", for messages. */
void arch_describe(char *buf, size_t size, const struct elfinfo_header *h);

/* Debian's name of the architecture ("amd64", "arm64"), or NULL for one Debian does not have. */
const char *arch_debian_name(const struct elfinfo_header *h);

/*
 * The default init for the kernel in src: the first of the inits this program knows (see
 * arch.c) whose class, byte order and machine are the kernel's; without modules to read the
 * kernel's machine from, the native one. Logs what was tried on failure; -ENOENT.
 */
int arch_default_init(const struct kernel_source *src, char *ret);

/*
 * For an error message about an init of the wrong architecture: writes into buf how to get one
 * for h (an existing init to pass with --init, or how to build it).
 */
void arch_suggest_init(char *buf, size_t size, const struct elfinfo_header *h);
