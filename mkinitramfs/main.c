// SPDX-License-Identifier: MIT
/* mkinitramfs: builds a baton initramfs image for one kernel, reproducibly. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "busybox.h"
#include "closure.h"
#include "compress.h"
#include "cpio.h"
#include "genlog.h"
#include "hookdirs.h"
#include "image.h"
#include "kernel.h"
#include "modstage.h"
#include "plymouth.h"
#include "tree.h"
#include "util.h"

/* Exit codes, documented in --help and mkinitramfs(8). */
#define MAIN_EXIT_OK 0
#define MAIN_EXIT_USAGE 1
#define MAIN_EXIT_FAILURE 2

/*
 * Loaded on demand (coldplug, root filesystem type) when no -m is given: enough to boot
 * common virtual (virtio, QEMU's AHCI/NVMe) and physical (SATA, NVMe) storage. vfat mounts
 * need their codepage and charset tables (Debian: codepage 437, iocharset ascii, utf8), which
 * the kernel would otherwise request through a modprobe the image does not have.
 */
static const char *const main_generic_modules[] = {
    "virtio_blk", "virtio_scsi", "virtio_pci", "nvme",	    "ahci",	 "sd_mod",   "ext4",
    "xfs",	  "btrfs",	 "vfat",       "nls_cp437", "nls_ascii", "nls_utf8",
};
#define MAIN_GENERIC_MODULES (sizeof(main_generic_modules) / sizeof(main_generic_modules[0]))

/* The name of the init program looked for next to the mkinitramfs executable. */
#define MAIN_DEFAULT_INIT "init"

/* First capacity of the -m name list; it doubles from there. */
#define MAIN_INITIAL_MODULES 8

/* The stock hook --plymouth adds (hooks/plymouth in baton's tree). */
#define MAIN_PLYMOUTH_HOOK "plymouth"

/* Where staging directories go when $TMPDIR is unset. */
#define MAIN_DEFAULT_TMPDIR "/tmp"

/* Staging directory names: this prefix and mkdtemp()'s six characters. */
#define MAIN_STAGING_PREFIX "mkinitramfs."

/* The image's mode when --mode is not given: it may carry keys (dracut writes 0600 too). */
#define MAIN_DEFAULT_MODE 0600

/* --mode takes permission bits only: set-id and sticky bits mean nothing on an image. */
#define MAIN_MODE_MAX 0777

enum {
	MAIN_OPT_INIT = 0x100,
	MAIN_OPT_COMPRESS,
	MAIN_OPT_VERSION,
	MAIN_OPT_BINARY,
	MAIN_OPT_SHELL,
	MAIN_OPT_HOOK,
	MAIN_OPT_PLYMOUTH,
	MAIN_OPT_MODE,
};

/* A growable list of option values (--binary, --hook), in the order given. */
struct main_list {
	char **v;
	size_t count;
	size_t cap;
};

struct main_options {
	const char *output;
	const char *kver;
	const char *basedir;
	char init[PATH_MAX];
	bool compress;
	char **modules; /* -m names, split at commas, first occurrence kept */
	size_t module_count;
	size_t module_cap;
	uint32_t mtime;
	struct main_list binaries; /* --binary */
	struct main_list hooks;	   /* --hook as given, then the folders found */
	bool shell;		/* busybox in the image: --shell, or implied by shell hooks */
	bool shell_requested; /* --shell itself: a rescue shell is allowed */
	bool plymouth;
	mode_t mode; /* --mode */
};

static const char main_usage[] =
    "Usage: mkinitramfs -o OUTPUT [-k KVER] [-b BASEDIR] [-m MODULE[,MODULE...]]...\n"
    "                   [--binary PATH]... [--shell] [--hook DIR|NAME]... [--plymouth]\n"
    "                   [--init PATH] [--compress gzip|none] [--mode OCTAL] [-v]\n";

static void main_help(void)
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
	    main_usage, MAIN_DEFAULT_INIT, MAIN_DEFAULT_MODE, MAIN_DEFAULT_TMPDIR, MAIN_EXIT_OK,
	    MAIN_EXIT_USAGE, MAIN_EXIT_FAILURE);
}

__attribute__((format(printf, 1, 2))) static int main_usage_error(const char *fmt, ...)
{
	char msg[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	fprintf(stderr, "%sTry 'mkinitramfs --help' for more information.\n", main_usage);
	return MAIN_EXIT_USAGE;
}

static bool main_has_module(const struct main_options *o, const char *name)
{
	for (size_t i = 0; i < o->module_count; i++)
		if (strcmp(o->modules[i], name) == 0)
			return true;
	return false;
}

static int main_list_push(struct main_list *l, const char *value)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : MAIN_INITIAL_MODULES;
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

static void main_list_free(struct main_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct main_list){0};
}

/* Splits one -m argument at commas into o->modules. Returns 0, -EINVAL or -ENOMEM. */
static int main_add_modules(struct main_options *o, const char *arg)
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
		if (main_has_module(o, name)) {
			free(name);
		} else {
			if (o->module_count == o->module_cap) {
				size_t cap =
				    o->module_cap ? o->module_cap * 2 : MAIN_INITIAL_MODULES;
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
static int main_default_init(char *buf)
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
	return util_pathf(buf, "%s/%s", exe, MAIN_DEFAULT_INIT);
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org): decimal seconds, fitting the 32-bit field. */
static int main_parse_epoch(const char *s, uint32_t *ret)
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
static int main_parse_mode(const char *s, mode_t *ret)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 4)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > MAIN_MODE_MAX)
		return -ERANGE;
	*ret = (mode_t)v;
	return 0;
}

static int main_parse(int argc, char **argv, struct main_options *o)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"kver", required_argument, NULL, 'k'},
	    {"basedir", required_argument, NULL, 'b'},
	    {"modules", required_argument, NULL, 'm'},
	    {"init", required_argument, NULL, MAIN_OPT_INIT},
	    {"compress", required_argument, NULL, MAIN_OPT_COMPRESS},
	    {"binary", required_argument, NULL, MAIN_OPT_BINARY},
	    {"shell", no_argument, NULL, MAIN_OPT_SHELL},
	    {"hook", required_argument, NULL, MAIN_OPT_HOOK},
	    {"plymouth", no_argument, NULL, MAIN_OPT_PLYMOUTH},
	    {"mode", required_argument, NULL, MAIN_OPT_MODE},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, MAIN_OPT_VERSION},
	    {0},
	};
	const char *epoch;
	int c, r;

	o->basedir = "/";
	o->compress = true;
	o->mode = MAIN_DEFAULT_MODE;
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
			r = main_add_modules(o, optarg);
			if (r == -EINVAL)
				return main_usage_error(
				    "-m '%s': empty module name (a stray comma?)", optarg);
			if (r < 0) {
				log_error_errno(r, "out of memory");
				return MAIN_EXIT_FAILURE;
			}
			break;
		case MAIN_OPT_INIT:
			if (util_pathf(o->init, "%s", optarg) < 0)
				return main_usage_error("--init: path too long");
			break;
		case MAIN_OPT_COMPRESS:
			if (strcmp(optarg, "gzip") == 0)
				o->compress = true;
			else if (strcmp(optarg, "none") == 0)
				o->compress = false;
			else
				return main_usage_error("--compress '%s': expected gzip or none",
							optarg);
			break;
		case MAIN_OPT_MODE:
			if (main_parse_mode(optarg, &o->mode) < 0)
				return main_usage_error(
				    "--mode '%s': expected an octal mode from 0000 "
				    "to 0777, such as 0600 or 0644",
				    optarg);
			break;
		case MAIN_OPT_BINARY:
		case MAIN_OPT_HOOK:
			if (!optarg[0])
				return main_usage_error("--%s: empty value",
							c == MAIN_OPT_BINARY ? "binary" : "hook");
			r = main_list_push(c == MAIN_OPT_BINARY ? &o->binaries : &o->hooks, optarg);
			if (r < 0) {
				log_error_errno(r, "out of memory");
				return MAIN_EXIT_FAILURE;
			}
			break;
		case MAIN_OPT_SHELL:
			o->shell = o->shell_requested = true;
			break;
		case MAIN_OPT_PLYMOUTH:
			o->plymouth = true;
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			main_help();
			exit(MAIN_EXIT_OK);
		case MAIN_OPT_VERSION:
			printf("mkinitramfs (baton) %s\n", BATON_VERSION);
			exit(MAIN_EXIT_OK);
		case ':':
			if (optopt && optopt < MAIN_OPT_INIT)
				return main_usage_error("option '-%c' needs a value", optopt);
			return main_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < MAIN_OPT_INIT)
				return main_usage_error("unknown option '-%c'", optopt);
			return main_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return main_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->output)
		return main_usage_error("no output file: give one with -o OUTPUT");
	if (!o->output[0])
		return main_usage_error("-o: empty file name");
	if (o->kver && (!o->kver[0] || strchr(o->kver, '/') || strcmp(o->kver, ".") == 0 ||
			strcmp(o->kver, "..") == 0 || strlen(o->kver) >= KERNEL_KVER_MAX))
		return main_usage_error("-k '%s': not a kernel version (a directory name under "
					"lib/modules, as uname -r prints it)",
					o->kver);
	if (!o->basedir[0])
		return main_usage_error("-b: empty directory name");

	epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && main_parse_epoch(epoch, &o->mtime) < 0)
		return main_usage_error("SOURCE_DATE_EPOCH='%s' is not a number of seconds from 0 "
					"to %lu; fix or unset it",
					epoch, (unsigned long)UINT32_MAX);
	return MAIN_EXIT_OK;
}

/* The output's directory must exist and be writable: checked before any work is done. */
static int main_check_output(const char *output)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(output, '/');
	struct stat st;

	if (util_pathf(dir, "%s", output) < 0)
		return log_error_errno(-ENAMETOOLONG, "output name too long: %s", output);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == output)
		snprintf(dir, sizeof(dir), "/");
	else
		dir[slash - output] = '\0';
	if (stat(dir, &st) < 0)
		return log_error_errno(-errno,
				       "cannot write %s: its directory %s: %m; create it "
				       "first (mkdir -p %s) or choose another -o",
				       output, dir, dir);
	if (!S_ISDIR(st.st_mode))
		return log_error_errno(-ENOTDIR, "cannot write %s: %s is not a directory", output,
				       dir);
	if (access(dir, W_OK) < 0)
		return log_error_errno(-errno,
				       "cannot write %s: directory %s: %m; choose another "
				       "-o",
				       output, dir);
	return image_check_output(output);
}

static double main_elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void main_size(char *buf, size_t size, size_t bytes)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
}

/* Everything after validation: resolve, stage, archive, compress, write. */
/*
 * Checks the hook folders, plymouth and busybox before anything is built, and turns --hook
 * arguments into folders. --plymouth adds its stock hook; shell hooks need --shell.
 */
static int main_check_extras(struct main_options *o, const struct kernel_source *src,
			     struct plymouth_plan *plan)
{
	const struct tree t = {.basedir = src->basedir, .shown_basedir = src->shown_basedir};
	bool has_plymouth_hook = false;
	int r;

	if (o->plymouth) {
		r = plymouth_plan(&t, plan);
		if (r < 0)
			return r;
		for (size_t i = 0; i < o->hooks.count; i++)
			has_plymouth_hook =
			    has_plymouth_hook || strcmp(o->hooks.v[i], MAIN_PLYMOUTH_HOOK) == 0;
		if (!has_plymouth_hook && main_list_push(&o->hooks, MAIN_PLYMOUTH_HOOK) < 0)
			return log_error_errno(-ENOMEM, "out of memory");
		if (!o->shell)
			log_debug("--plymouth: its hooks are shell scripts, adding --shell");
		o->shell = true;
	}
	for (size_t i = 0; i < o->hooks.count; i++) {
		char dir[PATH_MAX];
		char *copy;

		r = hookdirs_find(o->hooks.v[i], dir);
		if (r < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->hooks.v[j], dir) == 0) {
				log_error("--hook %s: folder %s given twice", o->hooks.v[i], dir);
				return -EINVAL;
			}
		if (!o->shell && hookdirs_need_shell(dir)) {
			log_note("hook folder %s has /bin/sh scripts: adding busybox as with --shell",
				 dir);
			o->shell = true;
		}
		copy = strdup(dir);
		if (!copy)
			return log_error_errno(-ENOMEM, "out of memory");
		free(o->hooks.v[i]);
		o->hooks.v[i] = copy;
	}
	if (o->shell)
		return busybox_check(&t);
	return 0;
}

static int main_build(const struct main_options *o, const struct kernel_source *src,
		      const struct plymouth_plan *plan, const char *workdir,
		      const struct timespec *start, bool *ret_written)
{
	struct closure *res = NULL;
	struct cpio_archive *a = NULL;
	struct cpio_buf buf = {0};
	unsigned char *gz = NULL;
	size_t gz_len = 0;
	char stage[PATH_MAX], raw_size[32], out_size[32], extras[160];
	int r;

	r = closure_new(src, workdir, &res);
	if (r < 0)
		goto out;
	if (o->module_count) {
		log_debug("modules named with -m, with what they need:");
		for (size_t i = 0; i < o->module_count; i++) {
			r = closure_add(res, o->modules[i], true);
			if (r < 0)
				goto out;
		}
	} else {
		log_debug("no -m: the generic set, with what it needs:");
		for (size_t i = 0; i < MAIN_GENERIC_MODULES; i++) {
			r = closure_add(res, main_generic_modules[i], false);
			if (r < 0)
				goto out;
		}
	}
	r = util_interrupted();
	if (r < 0)
		goto out;
	r = util_pathf(stage, "%s/root", workdir);
	if (r < 0)
		goto out;
	r = modstage_write(res, stage);
	if (r < 0)
		goto out;

	r = cpio_new(&a);
	if (r < 0) {
		log_error_errno(r, "out of memory");
		goto out;
	}
	struct image_spec spec = {
	    .init_path = o->init,
	    .src = src,
	    .stage_root = stage,
	    .load = o->module_count ? (const char *const *)o->modules : NULL,
	    .load_count = o->module_count,
	};
	struct image_stats stats = {0};

	spec.binaries = (const char *const *)o->binaries.v;
	spec.binary_count = o->binaries.count;
	spec.hook_dirs = (const char *const *)o->hooks.v;
	spec.hook_count = o->hooks.count;
	spec.shell = o->shell;
	spec.shell_allowed = o->shell_requested;
	spec.plymouth = o->plymouth ? plan : NULL;

	spec.firmware_count =
	    closure_firmware(res, &spec.firmware, &spec.firmware_modules);
	r = image_build(&spec, a, &stats);
	if (r < 0)
		goto out;
	r = cpio_write(a, o->mtime, cpio_buf_sink, &buf);
	if (r < 0) {
		log_error_errno(r, "cannot assemble the archive: %m");
		goto out;
	}
	if (o->compress) {
		r = compress_gzip(buf.data, buf.len, &gz, &gz_len);
		if (r < 0) {
			log_error_errno(r, "cannot compress the image: %m");
			goto out;
		}
	}
	r = util_interrupted();
	if (r < 0)
		goto out;
	r = image_write(o->output, gz ? gz : buf.data, gz ? gz_len : buf.len, o->mode, ret_written);
	if (r < 0)
		goto out;

	main_size(raw_size, sizeof(raw_size), buf.len);
	snprintf(extras, sizeof(extras), "%zu firmware files", stats.firmware);
	if (stats.binaries)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras),
			 ", %zu programs and libraries", stats.binaries);
	if (stats.applets)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras),
			 ", %zu busybox applets", stats.applets);
	if (stats.hooks)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras), ", %zu hooks",
			 stats.hooks);
	if (gz) {
		main_size(out_size, sizeof(out_size), gz_len);
		log_note("wrote %s: kernel %s, %zu modules, %s, %s uncompressed, %s gzip, %.2f s",
			 o->output, src->kver, closure_count(res), extras, raw_size,
			 out_size, main_elapsed(start));
	} else {
		log_note("wrote %s: kernel %s, %zu modules, %s, %s, not compressed, %.2f s",
			 o->output, src->kver, closure_count(res), extras, raw_size,
			 main_elapsed(start));
	}
out:
	free(gz);
	cpio_buf_free(&buf);
	cpio_free(a);
	closure_free(res);
	return r;
}

int main(int argc, char **argv)
{
	struct main_options o = {0};
	struct plymouth_plan plan = {0};
	struct kernel_source src;
	struct timespec start;
	char workdir[PATH_MAX];
	const char *tmpdir;
	bool written = false, existed;
	int r, status, lock_fd = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	status = main_parse(argc, argv, &o);
	if (status != MAIN_EXIT_OK)
		goto out;

	/* Validate everything first, then act. */
	status = MAIN_EXIT_FAILURE;
	if (main_check_output(o.output) < 0)
		goto out;
	if (!o.init[0]) {
		r = main_default_init(o.init);
		if (r < 0) {
			log_error_errno(r,
					"cannot find the directory of this program to look for "
					"its '%s' next to it: %m; pass --init PATH",
					MAIN_DEFAULT_INIT);
			goto out;
		}
		if (access(o.init, F_OK) < 0) {
			log_error("no init program at %s (the default: '%s' next to mkinitramfs); "
				  "build it with 'make', or pass --init PATH",
				  o.init, MAIN_DEFAULT_INIT);
			goto out;
		}
	}
	if (kernel_find(o.basedir, o.kver, &src) < 0)
		goto out;
	if (image_check_init(o.init, &src) < 0)
		goto out;
	if (main_check_extras(&o, &src, &plan) < 0)
		goto out;

	r = util_catch_signals();
	if (r < 0) {
		log_error_errno(r, "sigaction: %m");
		goto out;
	}
	tmpdir = getenv("TMPDIR");
	if (!tmpdir || !tmpdir[0])
		tmpdir = MAIN_DEFAULT_TMPDIR;
	/* What a run killed with SIGKILL (or a crash) left: nothing else will remove it. */
	r = util_clean_stale_dirs(tmpdir, MAIN_STAGING_PREFIX);
	if (r > 0)
		log_note("removed %d staging %s in %s left by interrupted runs", r,
			 r == 1 ? "directory" : "directories", tmpdir);
	(void)image_clean_stale(o.output);
	r = util_pathf(workdir, "%s/%sXXXXXX", tmpdir, MAIN_STAGING_PREFIX);
	if (r >= 0)
		r = util_mkdtemp_locked(workdir, &lock_fd);
	if (r < 0) {
		log_error_errno(r,
				"cannot create a staging directory in %s: %m; set TMPDIR "
				"to a writable directory",
				tmpdir);
		goto out;
	}
	existed = access(o.output, F_OK) == 0;
	r = main_build(&o, &src, &plan, workdir, &start, &written);
	if (util_rm_rf(workdir) < 0)
		log_warn("cannot remove the staging directory %s: %m", workdir);
	close(lock_fd);
	if (util_interrupted() < 0) {
		int sig = util_caught_signal();

		/* The rename is the point of no return: say which side of it the signal came. */
		if (written)
			log_error("%s after %s was written: the new image is in place",
				  strsignal(sig), o.output);
		else
			log_error("%s: interrupted, %s was not written%s", strsignal(sig), o.output,
				  existed ? " (the previous image is unchanged)" : "");
		util_reraise();
	}
	if (r >= 0)
		status = MAIN_EXIT_OK;
	else if (!written)
		log_error("%s was not written%s", o.output,
			  existed ? "; the previous image is unchanged" : "");
out:
	for (size_t i = 0; i < o.module_count; i++)
		free(o.modules[i]);
	free(o.modules);
	main_list_free(&o.binaries);
	main_list_free(&o.hooks);
	return status;
}
