/* SPDX-License-Identifier: MIT */
/* Small macros both programs use. */
#pragma once

/* 0, or a compile error when e is true (the kernel's BUILD_BUG_ON_ZERO). */
#define MACRO_BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))

/* Elements of an array; a pointer is a compile error (its size would count bytes of a pointer). */
#define ARRAY_SIZE(a)                                                                              \
	(sizeof(a) / sizeof((a)[0]) + MACRO_BUILD_BUG_ON_ZERO(__builtin_types_compatible_p(        \
					  __typeof__(a), __typeof__(&(a)[0]))))
