/* SPDX-License-Identifier: MIT */
/* Copies the firmware files the image's modules name from the base directory. */
#pragma once

#include <stddef.h>

#include "kernel.h"
#include "tree.h"

/* Where the image keeps firmware: the kernel's last built-in search path (see firmware.c). */
#define FIRMWARE_IMAGE_DIR "lib/firmware"

/*
 * Looks each name up under BASEDIR/lib/firmware and BASEDIR/usr/lib/firmware as the kernel
 * would (updates/KVER, updates, KVER, then the folder itself; as is, then .zst, then .xz) and
 * adds it as /lib/firmware/NAME. A compressed file keeps its suffix when the kernel's
 * configuration (BASEDIR/boot/config-KVER) says its loader reads that format, and is stored
 * decompressed otherwise. Missing firmware is only mentioned with --verbose, as most of it is
 * optional for booting. modules[i] names the module that wants names[i], for messages.
 * *ret_added gets the number of files added. Logs failures.
 */
int firmware_add(struct tree *t, const struct kernel_source *src, const char *const *names,
		 const char *const *modules, size_t count, size_t *ret_added);
