/* SPDX-License-Identifier: MIT */
/* The generic module set: what an image built without -m carries, per kernel architecture. */
#pragma once

#include <stddef.h>

#include "kernel.h"

/*
 * Calls add(name, data) for each module of the generic set that is meant for the kernel in src
 * (its machine read from its modules, see arch.h): the entries for every architecture and those
 * for its own; entries of other architectures are skipped with a debug line. Stops at and
 * returns the first negative result of add; else 0.
 */
int generic_for_each(const struct kernel_source *src, int (*add)(const char *name, void *data),
		     void *data);
