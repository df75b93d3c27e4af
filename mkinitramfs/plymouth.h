/* SPDX-License-Identifier: MIT */
/* --plymouth: Debian's plymouth, its configured theme and plugins, for the stock plymouth hook. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "binaries.h"
#include "tree.h"

/* The theme used when the configured one is missing: it needs no graphics at all. */
#define PLYMOUTH_FALLBACK_THEME "text"

/* Longest theme or plugin name read from the configuration. */
#define PLYMOUTH_NAME_MAX 128

struct plymouth_plan {
	char plymouthd[PATH_MAX];
	char plymouth[PATH_MAX];
	char plugin_dir[PATH_MAX]; /* /usr/lib/x86_64-linux-gnu/plymouth */
	char theme[PLYMOUTH_NAME_MAX];
	char module[PLYMOUTH_NAME_MAX]; /* the theme's ModuleName: its plugin */
	char image_dir[PATH_MAX];	/* the theme's ImageDir, "" when none */
	bool graphical;			/* needs a renderer (DRM or frame buffer) */
};

/*
 * Finds plymouthd, plymouth and the plugin folder in the base directory, and the theme
 * (Theme= of etc/plymouth/plymouthd.conf, else of usr/share/plymouth/plymouthd.defaults),
 * falling back to PLYMOUTH_FALLBACK_THEME when that theme or its plugin is not installed.
 * Logs what is missing and how to install it.
 */
int plymouth_plan(const struct tree *t, struct plymouth_plan *ret);

/* Adds the programs, plugins, themes and configuration the plan names. */
int plymouth_add(struct tree *t, struct binaries *b, const struct plymouth_plan *plan);
