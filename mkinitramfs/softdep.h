/* SPDX-License-Identifier: MIT */
/* Merges modules.softdep into one line per module, the only form libkmod 30 fully applies. */
#pragma once

#include <stddef.h>

/*
 * Rewrites the text of a modules.softdep file (depmod writes one "softdep NAME pre: ... post:
 * ..." line per MODULE_SOFTDEP of a module) so that each module has a single line holding
 * all its pre and post names, in their first order, without repeats. Words that come before
 * any "pre:" or "post:" are dropped, since libkmod ignores them too; a module left with no
 * name gets no line. Other lines (comments, blank lines, other commands) are dropped as well.
 * Pure: no I/O. On success *ret_text is a malloc()ed NUL-terminated string. Returns 0,
 * -ENOMEM, or -EINVAL for a "softdep" line without a module name.
 */
int softdep_merge(const char *text, size_t len, char **ret_text);
