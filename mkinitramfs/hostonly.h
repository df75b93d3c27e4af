/* SPDX-License-Identifier: MIT */
/* --host-only: the modules this running machine needs to reach its root, found through sysfs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"
#include "strv.h"

/* The modules found, each once, with why it is there (printed by --explain). */
struct hostonly_set {
	char **names;
	char **reasons;
	size_t count;
	size_t cap;
	bool applied;		 /* the running system was walked (it is the target, or force) */
	unsigned stacks;	 /* STACKS_* bits (stacks.h) of the stacks on the way to the root */
	struct strv crypt_names; /* dm-crypt mapper names on the way: the crypttab entries needed */
};

/*
 * Walks from the mounts of / and /usr and the resume device through sysfs to every device on
 * the way (and under dm/md stacks), taking drivers, modaliases resolved by libkmod on the
 * target kernel, filesystem types and, when a dm-crypt device is there, the keyboard's path;
 * notes the storage stacks met (md, lvm, luks, verity, btrfs) and the dm-crypt names.
 * When the running system is not the target (a chroot, a container, -b) and force is false,
 * says so and returns 0 with an empty set: the caller builds a generic image. Returns 0 or
 * -errno after logging.
 */
int hostonly_detect(const struct kernel_source *src, bool force, struct hostonly_set *ret);

/*
 * Why the running system is not the one the image is for (-b names another tree, a container,
 * a chroot, no /proc), or NULL when it is. Whatever host-only takes from the running machine
 * (modules, the CPU's microcode) follows this one answer.
 */
const char *hostonly_not_target(const struct kernel_source *src);

/* Logs each module with its reason: as notes when explain is true, else as debug lines. */
void hostonly_explain(const struct hostonly_set *s, bool explain);

void hostonly_free(struct hostonly_set *s);
