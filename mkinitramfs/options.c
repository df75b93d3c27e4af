// SPDX-License-Identifier: MIT
/* mkinitramfs's command line: the options, --help, and the checks every value gets first. */
#include "options.h"

#include "crypttab.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genlog.h"
#include "image.h"
#include "kernel.h"
#include "util.h"

/* First capacity of the -m name list; it doubles from there. */
#define OPTIONS_INITIAL_MODULES 8

/* The image's mode when --mode is not given: it may carry keys (dracut writes 0600 too). */
#define OPTIONS_DEFAULT_MODE 0600

/* --mode takes permission bits only: set-id and sticky bits mean nothing on an image. */
#define OPTIONS_MODE_MAX 0777

enum {
	OPTIONS_OPT_INIT = 0x100,
	OPTIONS_OPT_COMPRESS,
	OPTIONS_OPT_VERSION,
	OPTIONS_OPT_BINARY,
	OPTIONS_OPT_SHELL,
	OPTIONS_OPT_HOOK,
	OPTIONS_OPT_PLYMOUTH,
	OPTIONS_OPT_CRYPTTAB,
	OPTIONS_OPT_NO_CRYPTTAB,
	OPTIONS_OPT_MODE,
};

static const char options_usage[] =
    "Usage: mkinitramfs -o OUTPUT [-k KVER] [-b BASEDIR] [-m MODULE[,MODULE...]]...\n"
    "                   [--binary PATH]... [--shell] [--hook DIR|NAME]... [--plymouth]\n"
    "                   [--init PATH] [--compress gzip|none] [--mode OCTAL] [-v]\n";

static void options_help(void)
{
	printf(
	    "%s\n"
	    "Build a baton initramfs image: the baton init as /init, the kernel modules asked\n"
	    "for with their dependencies and softdeps (stored uncompressed, indexed by depmod),\n"
	    "in a cpio archive that is the same byte for byte for the same inputs.\n"
	    "\n"
	    "  -o, --output=OUTPUT    the image to write (its directory must exist); replaced\n"
	    "                         only if it is a regular file: a symbolic link, device,\n"
	    "                         FIFO or directory there is refused\n"
	    "  -k, --kver=KVER        kernel version; default: the only one under BASEDIR,\n"
	    "                         else the running kernel's (uname -r)\n"
	    "  -b, --basedir=BASEDIR  tree to take modules, modprobe.d, firmware and programs\n"
	    "                         from, default /;\n"
	    "                         modules in BASEDIR/lib/modules/KVER or\n"
	    "                         BASEDIR/usr/lib/modules/KVER (an unpacked kernel .deb "
	    "works)\n"
	    "  -m, --modules=LIST     modules by name or alias, comma-separated, repeatable;\n"
	    "                         the image loads them at boot, in this order. Without -m:\n"
	    "                         a generic set for common disks and filesystems, loaded\n"
	    "                         on demand\n"
	    "      --binary=PATH      add a program (or a bare name from /usr/sbin, /usr/bin,\n"
	    "                         /sbin, /bin) from BASEDIR with the shared libraries it\n"
	    "                         needs, read from its ELF headers; repeatable\n"
	    "      --shell            add busybox (Debian's busybox-static) as /bin/sh with its\n"
	    "                         applets, for the rescue shell and shell hooks; allows\n"
	    "                         a rescue shell even when the command line is unknown\n"
	    "      --hook=DIR|NAME    add a hook folder (STAGE/NN-name programs, optional\n"
	    "                         'binaries' and 'files' lists), or baton's stock hook NAME;\n"
	    "                         repeatable\n"
	    "      --plymouth         add plymouth, its theme and the plymouth hook (implies\n"
	    "                         --shell)\n"
	    "      --init=PATH        the init program, a static ELF program for the kernel's\n"
	    "                         architecture; default: '%s' next to mkinitramfs\n"
	    "      --compress=gzip|none  default gzip\n"
	    "      --mode=OCTAL       the image's permissions, 0000 to 0777, whatever the\n"
	    "                         umask or the replaced image's; default %04o (it may\n"
	    "                         carry keys)\n"
	    "      --crypttab         carry every entry of BASEDIR/etc/crypttab and its keyfiles\n"
	    "                         (default: those the root needs, by fstab's / on\n"
	    "                         /dev/mapper/NAME, or marked \"initramfs\")\n"
	    "      --no-crypttab      carry no crypttab\n"
	    "  -v, --verbose          list the modules added and why\n"
	    "  -h, --help             this help\n"
	    "      --version          print the version\n"
	    "\n"
	    "Environment: SOURCE_DATE_EPOCH sets every entry's mtime (default 0);\n"
	    "TMPDIR is where the staging directory goes (default %s); staging directories\n"
	    "and temporary images left by a killed run are removed by the next run.\n"
	    "\n"
	    "Exit status: %d success, %d bad usage, %d failure (the previous image, if any,\n"
	    "is left as it was, unless the message says the new one is in place).\n",
	    options_usage, OPTIONS_DEFAULT_INIT, OPTIONS_DEFAULT_MODE, OPTIONS_DEFAULT_TMPDIR,
	    OPTIONS_EXIT_OK, OPTIONS_EXIT_USAGE, OPTIONS_EXIT_FAILURE);
}

__attribute__((format(printf, 1, 2))) static int options_usage_error(const char *fmt, ...)
{
	char msg[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	fprintf(stderr, "%sTry 'mkinitramfs --help' for more information.\n", options_usage);
	return OPTIONS_EXIT_USAGE;
}

static bool options_has_module(const struct options *o, const char *name)
{
	for (size_t i = 0; i < o->module_count; i++)
		if (strcmp(o->modules[i], name) == 0)
			return true;
	return false;
}

int options_list_push(struct options_list *l, const char *value)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : OPTIONS_INITIAL_MODULES;
		char **v = reallocarray(l->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->count] = strdup(value);
	if (!l->v[l->count])
		return -ENOMEM;
	l->count++;
	return 0;
}

static void options_list_free(struct options_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct options_list){0};
}

/* Splits one -m argument at commas into o->modules. Returns 0, -EINVAL or -ENOMEM. */
static int options_add_modules(struct options *o, const char *arg)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		char *name;

		if (len == 0)
			return -EINVAL;
		name = strndup(p, len);
		if (!name)
			return -ENOMEM;
		if (options_has_module(o, name)) {
			free(name);
		} else {
			if (o->module_count == o->module_cap) {
				size_t cap =
				    o->module_cap ? o->module_cap * 2 : OPTIONS_INITIAL_MODULES;
				char **v = reallocarray(o->modules, cap, sizeof(*v));

				if (!v) {
					free(name);
					return -ENOMEM;
				}
				o->modules = v;
				o->module_cap = cap;
			}
			o->modules[o->module_count++] = name;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* The default --init: the file "init" in the directory of /proc/self/exe. */
int options_default_init(char *buf)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	return util_pathf(buf, "%s/%s", exe, OPTIONS_DEFAULT_INIT);
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org): decimal seconds, fitting the 32-bit field. */
static int options_parse_epoch(const char *s, uint32_t *ret)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*ret = (uint32_t)v;
	return 0;
}

/* --mode: octal permission bits, such as 600 or 0644. */
static int options_parse_mode(const char *s, mode_t *ret)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 4)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > OPTIONS_MODE_MAX)
		return -ERANGE;
	*ret = (mode_t)v;
	return 0;
}

/*
 * Over 80 lines on purpose: getopt's loop with one short case per option, then the checks
 * that need every option seen; split up, the option table and its cases would drift apart.
 */
int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"kver", required_argument, NULL, 'k'},
	    {"basedir", required_argument, NULL, 'b'},
	    {"modules", required_argument, NULL, 'm'},
	    {"init", required_argument, NULL, OPTIONS_OPT_INIT},
	    {"compress", required_argument, NULL, OPTIONS_OPT_COMPRESS},
	    {"binary", required_argument, NULL, OPTIONS_OPT_BINARY},
	    {"shell", no_argument, NULL, OPTIONS_OPT_SHELL},
	    {"hook", required_argument, NULL, OPTIONS_OPT_HOOK},
	    {"plymouth", no_argument, NULL, OPTIONS_OPT_PLYMOUTH},
	    {"crypttab", no_argument, NULL, OPTIONS_OPT_CRYPTTAB},
	    {"no-crypttab", no_argument, NULL, OPTIONS_OPT_NO_CRYPTTAB},
	    {"mode", required_argument, NULL, OPTIONS_OPT_MODE},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPTIONS_OPT_VERSION},
	    {0},
	};
	const char *epoch;
	int c, r;

	o->basedir = "/";
	o->compress = true;
	o->mode = OPTIONS_DEFAULT_MODE;
	opterr = 0; /* our messages, not getopt's */
	while ((c = getopt_long(argc, argv, ":o:k:b:m:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'k':
			o->kver = optarg;
			break;
		case 'b':
			o->basedir = optarg;
			break;
		case 'm':
			r = options_add_modules(o, optarg);
			if (r == -EINVAL)
				return options_usage_error(
				    "-m '%s': empty module name (a stray comma?)", optarg);
			if (r < 0) {
				log_error_errno(r, "out of memory");
				return OPTIONS_EXIT_FAILURE;
			}
			break;
		case OPTIONS_OPT_INIT:
			if (util_pathf(o->init, "%s", optarg) < 0)
				return options_usage_error("--init: path too long");
			break;
		case OPTIONS_OPT_COMPRESS:
			if (strcmp(optarg, "gzip") == 0)
				o->compress = true;
			else if (strcmp(optarg, "none") == 0)
				o->compress = false;
			else
				return options_usage_error("--compress '%s': expected gzip or none",
							   optarg);
			break;
		case OPTIONS_OPT_MODE:
			if (options_parse_mode(optarg, &o->mode) < 0)
				return options_usage_error(
				    "--mode '%s': expected an octal mode from 0000 "
				    "to 0777, such as 0600 or 0644",
				    optarg);
			break;
		case OPTIONS_OPT_BINARY:
		case OPTIONS_OPT_HOOK:
			if (!optarg[0])
				return options_usage_error("--%s: empty value",
							   c == OPTIONS_OPT_BINARY ? "binary"
										   : "hook");
			r = options_list_push(c == OPTIONS_OPT_BINARY ? &o->binaries : &o->hooks,
					      optarg);
			if (r < 0) {
				log_error_errno(r, "out of memory");
				return OPTIONS_EXIT_FAILURE;
			}
			break;
		case OPTIONS_OPT_SHELL:
			o->shell = o->shell_requested = true;
			break;
		case OPTIONS_OPT_PLYMOUTH:
			o->plymouth = true;
			break;
		case OPTIONS_OPT_CRYPTTAB:
			o->crypttab = CRYPTTAB_ALL;
			break;
		case OPTIONS_OPT_NO_CRYPTTAB:
			o->crypttab = CRYPTTAB_NONE;
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			options_help();
			exit(OPTIONS_EXIT_OK);
		case OPTIONS_OPT_VERSION:
			printf("mkinitramfs (baton) %s\n", BATON_VERSION);
			exit(OPTIONS_EXIT_OK);
		case ':':
			if (optopt && optopt < OPTIONS_OPT_INIT)
				return options_usage_error("option '-%c' needs a value", optopt);
			return options_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < OPTIONS_OPT_INIT)
				return options_usage_error("unknown option '-%c'", optopt);
			return options_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return options_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->output)
		return options_usage_error("no output file: give one with -o OUTPUT");
	if (!o->output[0])
		return options_usage_error("-o: empty file name");
	if (o->kver && (!o->kver[0] || strchr(o->kver, '/') || strcmp(o->kver, ".") == 0 ||
			strcmp(o->kver, "..") == 0 || strlen(o->kver) >= KERNEL_KVER_MAX))
		return options_usage_error("-k '%s': not a kernel version (a directory name under "
					   "lib/modules, as uname -r prints it)",
					   o->kver);
	if (!o->basedir[0])
		return options_usage_error("-b: empty directory name");

	epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && options_parse_epoch(epoch, &o->mtime) < 0)
		return options_usage_error(
		    "SOURCE_DATE_EPOCH='%s' is not a number of seconds from 0 "
		    "to %lu; fix or unset it",
		    epoch, (unsigned long)UINT32_MAX);
	return OPTIONS_EXIT_OK;
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < o->module_count; i++)
		free(o->modules[i]);
	free(o->modules);
	options_list_free(&o->binaries);
	options_list_free(&o->hooks);
}
