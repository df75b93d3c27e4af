/* SPDX-License-Identifier: MIT */
/* Runs the host's depmod: indexes for a source tree without them, and the image's boot indexes. */
#pragma once

#include <stdbool.h>

#include "kernel.h"

/* Does the source directory carry usable indexes of its own (an installed system)? */
bool depmod_has_index(const char *moddir);

/*
 * ROOT/usr/lib/modules -> ../../lib/modules: a depmod built for merged /usr looks there, the
 * host's kmod 30 in lib/modules; with the link both find the tree.
 */
int depmod_link_usr(const char *root);

/*
 * Indexes a source tree that has no indexes (an unpacked kernel package) without writing to
 * it: WORKDIR/index/lib/modules/KVER, a tree of links to the source's module folders, which
 * depmod indexes. ret_index_dir (PATH_MAX bytes) gets that directory, for libkmod.
 */
int depmod_index_tree(const struct kernel_source *src, const char *workdir, char *ret_index_dir);

/*
 * Gives the modules staged in ROOT/lib/modules/KVER the indexes the init's libkmod reads:
 * copies the source's kbuild files, runs depmod on ROOT, merges modules.softdep to one line
 * per module and removes the files libkmod never reads at boot.
 */
int depmod_index_image(const struct kernel_source *src, const char *workdir, const char *root);
