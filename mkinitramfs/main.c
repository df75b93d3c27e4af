// SPDX-License-Identifier: MIT
/* mkinitramfs: builds a baton initramfs image for one kernel, reproducibly. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
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
#include "options.h"
#include "output.h"
#include "plymouth.h"
#include "tree.h"
#include "util.h"

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

/* The stock hook --plymouth adds (hooks/plymouth in baton's tree). */
#define MAIN_PLYMOUTH_HOOK "plymouth"

/* Staging directory names: this prefix and mkdtemp()'s six characters. */
#define MAIN_STAGING_PREFIX "mkinitramfs."

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

/* Adds the -m modules, or the generic set without -m, with what they need. */
static int main_resolve(const struct options *o, struct closure *res)
{
	int r;

	if (o->module_count) {
		log_debug("modules named with -m, with what they need:");
		for (size_t i = 0; i < o->module_count; i++) {
			r = closure_add(res, o->modules[i], true);
			if (r < 0)
				return r;
		}
	} else {
		log_debug("no -m: the generic set, with what it needs:");
		for (size_t i = 0; i < MAIN_GENERIC_MODULES; i++) {
			r = closure_add(res, main_generic_modules[i], false);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* The one line a successful run prints; gz_len is 0 when the image is not compressed. */
static void main_summary(const struct options *o, const struct kernel_source *src, size_t modules,
			 const struct image_stats *stats, size_t raw_len, size_t gz_len,
			 const struct timespec *start)
{
	char raw_size[32], out_size[32], extras[160];

	main_size(raw_size, sizeof(raw_size), raw_len);
	snprintf(extras, sizeof(extras), "%zu firmware files", stats->firmware);
	if (stats->binaries)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras),
			 ", %zu programs and libraries", stats->binaries);
	if (stats->applets)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras),
			 ", %zu busybox applets", stats->applets);
	if (stats->hooks)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras), ", %zu hooks",
			 stats->hooks);
	if (gz_len) {
		main_size(out_size, sizeof(out_size), gz_len);
		log_note("wrote %s: kernel %s, %zu modules, %s, %s uncompressed, %s gzip, %.2f s",
			 o->output, src->kver, modules, extras, raw_size, out_size,
			 main_elapsed(start));
	} else {
		log_note("wrote %s: kernel %s, %zu modules, %s, %s, not compressed, %.2f s",
			 o->output, src->kver, modules, extras, raw_size, main_elapsed(start));
	}
}

/*
 * Checks the hook folders, plymouth and busybox before anything is built, and turns --hook
 * arguments into folders. --plymouth adds its stock hook; shell hooks need --shell.
 */
static int main_check_extras(struct options *o, const struct kernel_source *src,
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
		if (!has_plymouth_hook && options_list_push(&o->hooks, MAIN_PLYMOUTH_HOOK) < 0)
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
			log_note(
			    "hook folder %s has /bin/sh scripts: adding busybox as with --shell",
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

/* Everything after validation: resolve, stage, archive, compress, write. */
static int main_build(const struct options *o, const struct kernel_source *src,
		      const struct plymouth_plan *plan, const char *workdir,
		      const struct timespec *start, bool *ret_written)
{
	struct closure *res = NULL;
	struct cpio_archive *a = NULL;
	struct cpio_buf buf = {0};
	unsigned char *gz = NULL;
	size_t gz_len = 0;
	char stage[PATH_MAX];
	int r;

	r = closure_new(src, workdir, &res);
	if (r < 0)
		goto out;
	r = main_resolve(o, res);
	if (r < 0)
		goto out;
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
	spec.crypttab = o->crypttab;
	spec.image_mode = o->mode;

	spec.firmware_count = closure_firmware(res, &spec.firmware, &spec.firmware_modules);
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
	r = output_write(o->output, gz ? gz : buf.data, gz ? gz_len : buf.len, o->mode,
			 ret_written);
	if (r < 0)
		goto out;

	main_summary(o, src, closure_count(res), &stats, buf.len, gz ? gz_len : 0, start);
out:
	free(gz);
	cpio_buf_free(&buf);
	cpio_free(a);
	closure_free(res);
	return r;
}

/* Without --init: the init next to this program, which must exist. */
static int main_default_init(struct options *o)
{
	int r;

	r = options_default_init(o->init);
	if (r < 0)
		return log_error_errno(
		    r,
		    "cannot find the directory of this program to look for its '%s' next to it: %m; pass --init PATH",
		    OPTIONS_DEFAULT_INIT);
	if (access(o->init, F_OK) < 0) {
		log_error(
		    "no init program at %s (the default: '%s' next to mkinitramfs); build it with 'make', or pass --init PATH",
		    o->init, OPTIONS_DEFAULT_INIT);
		return -ENOENT;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct plymouth_plan plan = {0};
	struct kernel_source src;
	struct timespec start;
	char workdir[PATH_MAX];
	const char *tmpdir;
	bool written = false, existed;
	int r, status, lock_fd = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	status = options_parse(argc, argv, &o);
	if (status != OPTIONS_EXIT_OK)
		goto out;

	/* Validate everything first, then act. */
	status = OPTIONS_EXIT_FAILURE;
	if (output_check(o.output) < 0)
		goto out;
	if (!o.init[0] && main_default_init(&o) < 0)
		goto out;
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
		tmpdir = OPTIONS_DEFAULT_TMPDIR;
	/* What a run killed with SIGKILL (or a crash) left: nothing else will remove it. */
	r = util_clean_stale_dirs(tmpdir, MAIN_STAGING_PREFIX);
	if (r > 0)
		log_note("removed %d staging %s in %s left by interrupted runs", r,
			 r == 1 ? "directory" : "directories", tmpdir);
	(void)output_clean_stale(o.output);
	r = util_pathf(workdir, "%s/%sXXXXXX", tmpdir, MAIN_STAGING_PREFIX);
	if (r >= 0)
		r = util_mkdtemp_locked(workdir, &lock_fd);
	if (r < 0) {
		log_error_errno(
		    r,
		    "cannot create a staging directory in %s: %m; set TMPDIR to a writable directory",
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
		status = OPTIONS_EXIT_OK;
	else if (!written)
		log_error("%s was not written%s", o.output,
			  existed ? "; the previous image is unchanged" : "");
out:
	options_free(&o);
	return status;
}
