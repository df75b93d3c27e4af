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

#include "config.h"
#include "image.h"
#include "kernel.h"
#include "log.h"
#include "stacks.h"
#include "util.h"

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
	OPTIONS_OPT_SHUTDOWN,
	OPTIONS_OPT_NO_SHUTDOWN,
	OPTIONS_OPT_STACK,
	OPTIONS_OPT_NO_STACK,
	OPTIONS_OPT_CONFIG,
	OPTIONS_OPT_HOST_ONLY,
	OPTIONS_OPT_EXPLAIN,
	OPTIONS_OPT_OMIT,
	OPTIONS_OPT_NO_MICROCODE,
	OPTIONS_OPT_KEYMAP,
	OPTIONS_OPT_FONT,
	OPTIONS_OPT_NO_KEYMAP,
};

static const char options_usage[] =
    "Usage: mkinitramfs -o OUTPUT [-k KVER] [-b BASEDIR] [-m MODULE[,MODULE...]]...\n"
    "                   [--binary PATH]... [--shell] [--hook DIR|NAME]... [--plymouth]\n"
    "                   [--init PATH] [--compress ALGO[:LEVEL]] [--mode OCTAL] [-v]\n"
    "                   [--shutdown | --no-shutdown]\n"
    "                   [--stack md|lvm|luks|btrfs|verity]... [--no-stack NAME]...\n";

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
	    "      --shutdown         copy the init (and the stack tools in the image) to\n"
	    "                         /run/initramfs at boot, for systemd's return to the\n"
	    "                         initramfs at shutdown; default: when the image holds\n"
	    "                         lvm, dmsetup, cryptsetup or mdadm\n"
	    "      --no-shutdown      never (baton.shutdown=0 does the same at boot)\n"
	    "      --stack=LIST       storage stacks the image carries (md, lvm, luks, btrfs,\n"
	    "                         verity;\n"
	    "                         comma list, repeatable): their tools from BASEDIR with\n"
	    "                         their libraries and plugins, their modules and the\n"
	    "                         tree's mdadm.conf and lvm.conf; an error if BASEDIR lacks\n"
	    "                         the tool. Default: each stack whose tool BASEDIR has\n"
	    "                         (mdadm, lvm, cryptsetup, btrfs, veritysetup)\n"
	    "      --no-stack=LIST    leave these stacks out even when BASEDIR has their tool\n"
	    "      --init=PATH        the init program, a static ELF program for the kernel's\n"
	    "                         architecture; default: '%s' next to mkinitramfs in a\n"
	    "                         build tree, else " OPTIONS_INSTALLED_INIT "\n"
	    "      --compress=ALGO[:LEVEL]  zstd (levels 1-19), lz4 (1-12, the legacy frame),\n"
	    "                         gzip (1-12) or none; default zstd:12 (lz4:9, gzip:10)\n"
	    "      --mode=OCTAL       the image's permissions, 0000 to 0777, whatever the\n"
	    "                         umask or the replaced image's; default %04o (it may\n"
	    "                         carry keys)\n"
	    "      --host-only[=yes|no|force]  only the modules this running system needs for\n"
	    "                         its root (generic in a chroot, a container or with -b,\n"
	    "                         unless =force)\n"
	    "      --explain          with --host-only: why each module is there\n"
	    "      --omit-modules=LIST  leave these out of the generic or host-only set\n"
	    "      --no-microcode     no early CPU microcode archive\n"
	    "      --keymap=FILE      the console keymap loaded before a passphrase prompt (a\n"
	    "                         file or keymap name of BASEDIR); default: BASEDIR's\n"
	    "                         console-setup or vconsole.conf, when the image carries\n"
	    "                         LUKS or plymouth\n"
	    "      --font=FILE        the console font loaded with it (a file or font name)\n"
	    "      --no-keymap        neither keymap nor font\n"
	    "      --confdir=DIR      read DIR/mkinitramfs.conf and DIR/conf.d/*.conf (default\n"
	    "                         /etc/baton): KEY=VALUE lines, KEY a long option\n"
	    "      --no-config        read no configuration file\n"
	    "      --list [--long] IMAGE  print what an image holds and exit\n"
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

	const char *where = config_where(optind - 1);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where)
		log_error("%s: %s", where, msg);
	else
		log_error("%s", msg);
	fprintf(stderr, "%sTry 'mkinitramfs --help' for more information.\n", options_usage);
	return OPTIONS_EXIT_USAGE;
}

/* Splits one -m argument at commas into o->modules. Returns 0, -EINVAL or -ENOMEM. */
static int options_add_modules(struct options *o, const char *arg)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		int r;

		if (len == 0)
			return -EINVAL;
		r = strv_addn(&o->modules, p, len);
		if (r < 0)
			return r;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/*
 * The default --init: "init" beside a program named mkinitramfs (the build tree), else
 * ../lib/baton/init from the program's directory (/usr/sbin/baton-mkinitramfs finds
 * /usr/lib/baton/init under any PREFIX), else OPTIONS_INSTALLED_INIT. Never "init" beside an
 * installed program: /usr/sbin/init is the system's own init.
 */
int options_default_init(char *buf)
{
	char exe[PATH_MAX];
	const char *base;
	ssize_t n;
	char *slash;
	int r;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return util_pathf(buf, "%s", OPTIONS_INSTALLED_INIT);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	base = slash + 1;
	if (strcmp(base, "mkinitramfs") == 0)
		return util_pathf(buf, "%s/%s", exe, OPTIONS_DEFAULT_INIT);
	r = util_pathf(buf, "%s/../lib/baton/%s", exe, OPTIONS_DEFAULT_INIT);
	if (r >= 0 && access(buf, F_OK) == 0)
		return 0;
	return util_pathf(buf, "%s", OPTIONS_INSTALLED_INIT);
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

/* The long options; configuration files use the same names as keys (config.c). */
static const struct option options_longopts[] = {
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
    {"mode", required_argument, NULL, OPTIONS_OPT_MODE},
    {"crypttab", no_argument, NULL, OPTIONS_OPT_CRYPTTAB},
    {"no-crypttab", no_argument, NULL, OPTIONS_OPT_NO_CRYPTTAB},
    {"shutdown", no_argument, NULL, OPTIONS_OPT_SHUTDOWN},
    {"no-shutdown", no_argument, NULL, OPTIONS_OPT_NO_SHUTDOWN},
    {"stack", required_argument, NULL, OPTIONS_OPT_STACK},
    {"no-stack", required_argument, NULL, OPTIONS_OPT_NO_STACK},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPTIONS_OPT_VERSION},
    {"confdir", required_argument, NULL, OPTIONS_OPT_CONFIG},
    {"no-config", no_argument, NULL, OPTIONS_OPT_CONFIG},
    {"host-only", optional_argument, NULL, OPTIONS_OPT_HOST_ONLY},
    {"explain", no_argument, NULL, OPTIONS_OPT_EXPLAIN},
    {"omit-modules", required_argument, NULL, OPTIONS_OPT_OMIT},
    {"no-microcode", no_argument, NULL, OPTIONS_OPT_NO_MICROCODE},
    {"keymap", required_argument, NULL, OPTIONS_OPT_KEYMAP},
    {"font", required_argument, NULL, OPTIONS_OPT_FONT},
    {"no-keymap", no_argument, NULL, OPTIONS_OPT_NO_KEYMAP},
    {0},
};

const struct option *options_table(void)
{
	return options_longopts;
}

/*
 * Over 80 lines on purpose: getopt's loop with one short case per option, then the checks
 * that need every option seen; split up, the option table and its cases would drift apart.
 */
int options_parse(int argc, char **argv, struct options *o)
{
	const char *epoch;
	int c, r;

	o->basedir = "/";
	o->compress = COMPRESS_DEFAULT;
	o->mode = OPTIONS_DEFAULT_MODE;
	opterr = 0; /* our messages, not getopt's */
	while ((c = getopt_long(argc, argv, ":o:k:b:m:vh", options_longopts, NULL)) != -1) {
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
			if (compress_parse(optarg, &o->compress) < 0)
				return options_usage_error("--compress '%s': expected %s", optarg,
							   COMPRESS_ACCEPTED);
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
			r = strv_push(c == OPTIONS_OPT_BINARY ? &o->binaries : &o->hooks, optarg);
			if (r < 0) {
				log_error_errno(r, "out of memory");
				return OPTIONS_EXIT_FAILURE;
			}
			break;
		case OPTIONS_OPT_STACK:
		case OPTIONS_OPT_NO_STACK:
			if (stacks_parse(optarg, c == OPTIONS_OPT_STACK ? &o->stacks_forced
									: &o->stacks_excluded) < 0)
				return options_usage_error(
				    "--%s '%s': not a list of stacks",
				    c == OPTIONS_OPT_STACK ? "stack" : "no-stack", optarg);
			break;
		case OPTIONS_OPT_SHELL:
			o->shell = o->shell_requested = true;
			break;
		case OPTIONS_OPT_PLYMOUTH:
			o->plymouth = true;
			break;
		case OPTIONS_OPT_SHUTDOWN:
		case OPTIONS_OPT_NO_SHUTDOWN:
			o->shutdown = c == OPTIONS_OPT_SHUTDOWN ? SHUTDOWN_ON : SHUTDOWN_OFF;
			break;
		case OPTIONS_OPT_CONFIG: /* read before parsing (config.c) */
			break;
		case OPTIONS_OPT_HOST_ONLY:
			if (!optarg || strcmp(optarg, "yes") == 0)
				o->host_only = OPTIONS_HOST_ONLY_YES;
			else if (strcmp(optarg, "force") == 0)
				o->host_only = OPTIONS_HOST_ONLY_FORCE;
			else if (strcmp(optarg, "no") == 0)
				o->host_only = OPTIONS_HOST_ONLY_NO;
			else
				return options_usage_error(
				    "--host-only='%s': expected yes, no or force", optarg);
			break;
		case OPTIONS_OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPTIONS_OPT_OMIT:
			if (!optarg[0] || strv_push(&o->omit, optarg) < 0)
				return options_usage_error("--omit-modules: empty value");
			break;
		case OPTIONS_OPT_NO_MICROCODE:
			o->no_microcode = true;
			break;
		case OPTIONS_OPT_KEYMAP:
			o->keymap = optarg;
			break;
		case OPTIONS_OPT_FONT:
			o->font = optarg;
			break;
		case OPTIONS_OPT_NO_KEYMAP:
			o->no_keymap = true;
			break;
		case OPTIONS_OPT_CRYPTTAB:
			o->crypttab = CRYPTTAB_ALL;
			break;
		case OPTIONS_OPT_NO_CRYPTTAB:
			o->crypttab = CRYPTTAB_NONE;
			break;
		case 'v':
			log_set_max_level(LOG_LEVEL_DEBUG);
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
	strv_free(&o->modules);
	strv_free(&o->binaries);
	strv_free(&o->hooks);
	strv_free(&o->omit);
}
