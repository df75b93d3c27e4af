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
#include <unistd.h>

#include "arch.h"
#include "busybox.h"
#include "closure.h"
#include "compress.h"
#include "config.h"
#include "cpio.h"
#include "generic.h"
#include "hookdirs.h"
#include "hostonly.h"
#include "image.h"
#include "kernel.h"
#include "list.h"
#include "log.h"
#include "macro.h"
#include "microcode.h"
#include "monotime.h"
#include "modstage.h"
#include "options.h"
#include "output.h"
#include "keymap.h"
#include "plymouth.h"
#include "stacks.h"
#include "tree.h"
#include "util.h"

/* What --host-only found on the running system: modules, stacks, dm-crypt names. */
static struct hostonly_set main_host;

/* The stock hook --plymouth adds (hooks/plymouth in baton's tree). */
#define MAIN_PLYMOUTH_HOOK "plymouth"

/* Staging directory names: this prefix and mkdtemp()'s six characters. */
#define MAIN_STAGING_PREFIX "mkinitramfs."

/* Seconds since start_ms (monotime_ms()). */
static double main_elapsed(long long start_ms)
{
	return (double)(monotime_ms() - start_ms) / 1000.0;
}

static void main_size(char *buf, size_t size, size_t bytes)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
}

/* Whether --omit-modules names name (its values are comma lists). */
static bool main_omitted(const struct options *o, const char *name)
{
	for (size_t i = 0; i < o->omit.count; i++) {
		for (const char *p = o->omit.v[i]; *p;) {
			size_t len = strcspn(p, ",");

			if (len == strlen(name) && strncmp(p, name, len) == 0)
				return true;
			p += len + (p[len] == ',');
		}
	}
	return false;
}

/* A module a configuration file named that the kernel does not have: say which line. */
static int main_blame(int r, const char *name, const struct kernel_source *src)
{
	const char *where = config_origin("modules", name);

	if (r < 0 && where)
		log_error("%s: module '%s' does not exist for kernel %s: remove it from that line",
			  where, name, src->kver);
	return r;
}

/* One module of the generic set, unless --omit-modules names it. */
struct main_generic {
	const struct options *o;
	struct closure *res;
};
static int main_add_generic(const char *name, void *data)
{
	struct main_generic *g = data;

	return main_omitted(g->o, name) ? 0 : closure_add(g->res, name, false);
}

/* Adds the -m modules, or the host-only set, or the generic set, with what they need. */
static int main_resolve_set(const struct options *o, struct closure *res)
{
	const struct kernel_source *src = closure_source(res);
	const struct hostonly_set *host = &main_host;
	int r = 0;

	if (o->modules.count) {
		log_debug("modules named with -m, with what they need:");
		for (size_t i = 0; i < o->modules.count; i++) {
			r = main_blame(closure_add(res, o->modules.v[i], true), o->modules.v[i],
				       src);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (o->host_only) {
		hostonly_explain(host, o->explain);
		for (size_t i = 0; r >= 0 && i < host->count; i++)
			if (!main_omitted(o, host->names[i]))
				r = closure_add(res, host->names[i], false);
		if (r < 0 || host->count)
			return r;
	}
	log_debug("no -m: the generic set, with what it needs:");
	return generic_for_each(src, main_add_generic, &(struct main_generic){o, res});
}

/* The one line a successful run prints; gz_len is 0 when the image is not compressed. */
static void main_summary(const struct options *o, const struct kernel_source *src, size_t modules,
			 const struct image_stats *stats, size_t raw_len, size_t gz_len,
			 long long start_ms)
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
	if (stats->shutdown)
		snprintf(extras + strlen(extras), sizeof(extras) - strlen(extras),
			 ", shutdown return (%zu files)", stats->shutdown_files);
	if (gz_len) {
		main_size(out_size, sizeof(out_size), gz_len);
		log_notice(
		    "wrote %s: kernel %s, %zu modules, %s, %s uncompressed, %s %s:%d, %.2f s",
		    o->output, src->kver, modules, extras, raw_size, out_size,
		    compress_format_name(o->compress.format), compress_level(&o->compress),
		    main_elapsed(start_ms));
	} else {
		log_notice("wrote %s: kernel %s, %zu modules, %s, %s, not compressed, %.2f s",
			   o->output, src->kver, modules, extras, raw_size, main_elapsed(start_ms));
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
		if (!has_plymouth_hook && strv_push(&o->hooks, MAIN_PLYMOUTH_HOOK) < 0)
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
			log_notice(
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
	/* Host-only first: the stacks and crypttab entries follow what the root is on. */
	if (o->host_only) {
		r = hostonly_detect(src, o->host_only == OPTIONS_HOST_ONLY_FORCE, &main_host);
		if (r < 0)
			return r;
	}
	r = stacks_plan(&t, o, main_host.applied ? &main_host.stacks : NULL);
	if (r < 0)
		return r;
	/* After the stacks: the keymap comes with the LUKS stack's prompt. */
	r = keymap_plan(&t, o);
	if (r < 0)
		return r;
	if (o->shell)
		return busybox_check(&t);
	return 0;
}

/*
 * Puts the early microcode archive in front of the image (in *gz when compressed, else in
 * *buf), uncompressed and first, as the kernel's early loader expects.
 */
static int main_microcode(const struct options *o, const struct kernel_source *src,
			  unsigned char **gz, size_t *gz_len, struct cpio_buf *buf)
{
	struct cpio_buf early = {0};
	size_t files = 0;
	bool host;
	int r;

	if (o->no_microcode)
		return 0;
	/* Only the running CPU's when host-only applies to modules too (not in a chroot, not -b).
	 */
	host = o->host_only == OPTIONS_HOST_ONLY_FORCE ||
	       (o->host_only == OPTIONS_HOST_ONLY_YES && !hostonly_not_target(src));
	r = microcode_build(src, host, o->mtime, &early, &files);
	if (r < 0 || !early.len)
		return r;
	log_debug("early microcode archive: %zu files, %zu bytes", files, early.len);
	r = cpio_buf_sink(&early, *gz ? *gz : buf->data, *gz ? *gz_len : buf->len);
	if (r < 0) {
		cpio_buf_free(&early);
		return log_error_errno(r, "out of memory");
	}
	if (*gz) {
		free(*gz);
		*gz = early.data;
		*gz_len = early.len;
	} else {
		cpio_buf_free(buf);
		*buf = early;
	}
	return 0;
}

/*
 * Everything after validation: resolve, stage, archive, compress, write. Long (~90 lines)
 * because it is the generator's sequence, each step one call and one exit check, read in order.
 */
static int main_build(const struct options *o, const struct kernel_source *src,
		      const struct plymouth_plan *plan, const char *workdir, long long start_ms,
		      bool *ret_written)
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
	r = main_resolve_set(o, res);
	/* Then the storage stacks' modules, loaded on demand whichever set was chosen. */
	if (r >= 0)
		r = stacks_add_modules(o, res);
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
	    .load = o->modules.count ? (const char *const *)o->modules.v : NULL,
	    .load_count = o->modules.count,
	};
	struct image_stats stats = {0};

	spec.binaries = (const char *const *)o->binaries.v;
	spec.binary_count = o->binaries.count;
	spec.hook_dirs = (const char *const *)o->hooks.v;
	spec.hook_count = o->hooks.count;
	spec.shell = o->shell;
	spec.shell_allowed = o->shell_requested;
	spec.plymouth = o->plymouth ? plan : NULL;
	spec.shutdown = o->shutdown;
	spec.crypttab = o->crypttab;
	spec.keymap_file = o->keymap_file;
	spec.font_file = o->font_file;
	spec.crypttab_names = (const char *const *)main_host.crypt_names.v;
	spec.crypttab_name_count = main_host.crypt_names.count;
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
	if (o->compress.format != COMPRESS_NONE) {
		r = compress_image(&o->compress, buf.data, buf.len, &gz, &gz_len);
		if (r < 0) {
			log_error_errno(r, "cannot compress the image: %m");
			goto out;
		}
	}
	r = util_interrupted();
	if (r < 0)
		goto out;
	r = main_microcode(o, src, &gz, &gz_len, &buf);
	if (r < 0)
		goto out;
	r = output_write(o->output, gz ? gz : buf.data, gz ? gz_len : buf.len, o->mode,
			 ret_written);
	if (r < 0)
		goto out;

	main_summary(o, src, closure_count(res), &stats, buf.len, gz ? gz_len : 0, start_ms);
out:
	free(gz);
	cpio_buf_free(&buf);
	cpio_free(a);
	closure_free(res);
	return r;
}

/* The generator at a glance: validate everything, then build; one cleanup path (~80 lines). */
int main(int argc, char **argv)
{
	struct options o = {0};
	struct plymouth_plan plan = {0};
	struct kernel_source src;
	long long start_ms = monotime_ms();
	char workdir[PATH_MAX];
	const char *tmpdir;
	bool written = false, existed;
	int r, status, lock_fd = -1;

	if (list_wanted(argc, argv))
		return list_main(argc, argv);
	status = OPTIONS_EXIT_USAGE;
	if (config_expand(argc, argv, options_table(), &argc, &argv) < 0)
		goto out;
	status = options_parse(argc, argv, &o);
	if (status != OPTIONS_EXIT_OK)
		goto out;

	/* Validate everything first, then act. */
	status = OPTIONS_EXIT_FAILURE;
	if (output_check(o.output) < 0)
		goto out;
	if (kernel_find(o.basedir, o.kver, &src) < 0)
		goto out;
	/* Without --init: the init built for the kernel's architecture. */
	if (!o.init[0] && arch_default_init(&src, o.init) < 0)
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
		log_notice("removed %d staging %s in %s left by interrupted runs", r,
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
	r = main_build(&o, &src, &plan, workdir, start_ms, &written);
	if (util_rm_rf(workdir) < 0)
		log_warning("cannot remove the staging directory %s: %m", workdir);
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
	hostonly_free(&main_host);
	config_free();
	return status;
}
