/* SPDX-License-Identifier: MIT */
/* /etc/baton/mkinitramfs.conf and conf.d/NAME.conf: KEY=VALUE lines turned into long options. */
#pragma once

#include <getopt.h>

/* Where the files are read from when --confdir is not given. */
#define CONFIG_DEFAULT_DIR "/etc/baton"
#define CONFIG_MAIN_FILE "mkinitramfs.conf"
#define CONFIG_DROPIN_DIR "conf.d"

/*
 * Reads the configuration (argv's --confdir=DIR, else CONFIG_DEFAULT_DIR; none with
 * --no-config) and returns a new argv: argv[0], the options the files give, then argv[1..].
 * Later files win; the command line comes last, so it overrides scalar settings and adds to
 * lists. Returns 0 (*ret_argv lives until config_free) or -errno after logging, naming the
 * file and line for a bad line.
 */
int config_expand(int argc, char **argv, const struct option *opts, int *ret_argc,
		  char ***ret_argv);

/* "FILE:LINE" that gave the expanded argv[index], or NULL when it came from the command line. */
const char *config_where(int index);

/*
 * "FILE:LINE" of the configuration line that named value for option (a comma-separated
 * element of one of its words counts), or NULL.
 */
const char *config_origin(const char *option, const char *value);

void config_free(void);
