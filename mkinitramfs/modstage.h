/* SPDX-License-Identifier: MIT */
/* Writes a closure's modules, decompressed, into the staging tree, then its boot indexes. */
#pragma once

#include "closure.h"

/*
 * Writes every module, decompressed, to ROOT/lib/modules/KVER/<path>.ko, copies
 * modules.order and modules.builtin{,.modinfo}, and runs depmod on ROOT so the indexes
 * describe exactly these modules.
 */
int modstage_write(struct closure *c, const char *root);
