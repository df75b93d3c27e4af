// SPDX-License-Identifier: MIT
/* The storage stacks an image carries (md, lvm, luks, btrfs, verity): tools, plugins, modules. */
#include "stacks.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "generic.h"
#include "log.h"
#include "macro.h"
#include "util.h"

/* Where a stack's tool is looked for in the tree, as the init's PATH finds it. */
static const char *const stacks_dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};
#define STACKS_DIRS ARRAY_SIZE(stacks_dirs)

/* Folders cryptsetup dlopens its token plugins from (systemd's TPM2/FIDO2/PKCS#11 tokens). */
#define STACKS_CRYPTSETUP_PLUGINS "/usr/lib/*/cryptsetup/libcryptsetup-token-*.so"
/* systemd's TPM2 token plugin: the one whose run-time libraries are carried below. */
#define STACKS_TPM2_PLUGIN "/libcryptsetup-token-systemd-tpm2.so"
/*
 * What the TPM2 plugin dlopens, so no ELF header names it: systemd's tpm2-util.c loads
 * libtss2-esys, -rc and -mu, then the TCTI "libtss2-tcti-" DRIVER ".so.0" for its default
 * device "device:/dev/tpmrm0". Their own DT_NEEDED libraries (libtss2-sys) follow as usual.
 */
static const char *const tpm2_libraries[] = {
    "/usr/lib/*/libtss2-esys.so.0", "/usr/lib/*/libtss2-rc.so.0", "/usr/lib/*/libtss2-mu.so.0",
    "/usr/lib/*/libtss2-tcti-device.so.0", NULL};

struct stacks_def {
	unsigned bit;
	const char *name;
	const char *tool;	    /* the program the init runs; NULL: none needed */
	const char *package;	    /* Debian's package holding it, for the error */
	const char *const *extras;  /* optional programs: added when the tree has them */
	const char *const *configs; /* optional configuration files from the tree */
	const char *const *modules; /* loaded on demand; a kernel lacking one is warned about */
};

static const char *const md_configs[] = {"/etc/mdadm/mdadm.conf", "/etc/mdadm.conf", NULL};
static const char *const md_modules[] = {"md_mod",  "raid0",  "raid1", "raid10",
					 "raid456", "linear", NULL};
/* lvm runs thin_check when it activates a thin pool (lvm.conf global/thin_check_executable). */
static const char *const lvm_extras[] = {"thin_check", NULL};
static const char *const lvm_configs[] = {"/etc/lvm/lvm.conf", "/etc/lvm/lvmlocal.conf", NULL};
static const char *const lvm_modules[] = {"dm_mod",    "dm_snapshot", "dm_thin_pool",
					  "dm_mirror", "dm_raid",     NULL};
/*
 * dm-crypt, the ciphers and hashes of LUKS1 and LUKS2 defaults (aes-xts-plain64, sha256;
 * aes-cbc-essiv for old LUKS1), and AF_ALG, through which libcryptsetup decrypts keyslots.
 */
static const char *const luks_modules[] = {
    "dm_mod", "dm_crypt", "aes_generic", "xts", "ecb", "cbc", "essiv", "sha256", "sha512", "af_alg",
    "algif_skcipher", "algif_hash",
    /* The TPM for systemd's TPM2 token: the core and the ACPI CRB interface. */
    "tpm", "tpm_crb", NULL};
/*
 * What exists on one architecture only: the CPU's AES instructions, and the TPM's bus (x86: the
 * TIS interface of PC firmware; arm64 boards: SPI and I2C TPM modules).
 */
static const struct {
	const char *name;
	enum generic_arch arch;
} luks_arch_modules[] = {
    {"aesni_intel", GENERIC_X86},   {"tpm_tis", GENERIC_X86},
    {"aes_ce_blk", GENERIC_ARM64},  {"sha2_ce", GENERIC_ARM64},
    {"tpm_tis_spi", GENERIC_ARM64}, {"tpm_tis_i2c_cr50", GENERIC_ARM64},
};
static const char *const btrfs_modules[] = {"btrfs", NULL};
/* dm-verity roots and /usr (init/verity.c runs veritysetup; systemd's roothash= and usrhash=). */
static const char *const verity_modules[] = {"dm_mod", "dm_verity", NULL};
static const char *const no_names[] = {NULL};

static const struct stacks_def stacks_defs[] = {
    {STACKS_MD, "md", "mdadm", "mdadm", no_names, md_configs, md_modules},
    {STACKS_LVM, "lvm", "lvm", "lvm2", lvm_extras, lvm_configs, lvm_modules},
    {STACKS_LUKS, "luks", "cryptsetup", "cryptsetup-bin", no_names, no_names, luks_modules},
    /* btrfs needs no tool: the init registers devices with the kernel itself. */
    {STACKS_BTRFS, "btrfs", NULL, "btrfs-progs", no_names, no_names, btrfs_modules},
    {STACKS_VERITY, "verity", "veritysetup", "cryptsetup-bin", no_names, no_names, verity_modules},
};
#define STACKS_COUNT ARRAY_SIZE(stacks_defs)

int stacks_parse(const char *arg, unsigned *mask)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < STACKS_COUNT; i++)
			if (strlen(stacks_defs[i].name) == len &&
			    strncmp(stacks_defs[i].name, p, len) == 0)
				break;
		if (i == STACKS_COUNT) {
			log_error("unknown stack '%.*s': expected md, lvm, luks, btrfs or verity",
				  (int)len, p);
			return -EINVAL;
		}
		*mask |= stacks_defs[i].bit;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Is path a regular file in the tree (links followed inside it)? */
static bool stacks_has_file(const struct tree *t, const char *path)
{
	char real[PATH_MAX], host[PATH_MAX];
	struct stat st;

	return tree_resolve(t, path, real) == 0 && tree_host_path(t, real, host) == 0 &&
	       stat(host, &st) == 0 && S_ISREG(st.st_mode);
}

/* The tool's path in the tree (PATH_MAX bytes), looked for as a bare name is; -ENOENT. */
static int stacks_find_tool(const struct tree *t, const char *tool, char *ret)
{
	for (size_t i = 0; i < STACKS_DIRS; i++) {
		if (util_pathf(ret, "%s/%s", stacks_dirs[i], tool) < 0)
			continue;
		if (stacks_has_file(t, ret))
			return 0;
	}
	return -ENOENT;
}

static int stacks_push(struct options *o, const char *path)
{
	if (strv_push(&o->binaries, path) < 0)
		return log_error_errno(-ENOMEM, "out of memory");
	return 0;
}

/* Pushes the tree's files matching pattern (a glob inside the tree); returns how many, or -errno.
 */
static int stacks_push_glob(const struct tree *t, struct options *o, const char *pattern)
{
	char host[PATH_MAX];
	glob_t g;
	int r = 0;

	if (util_pathf(host, "%s%s", t->basedir, pattern) < 0)
		return 0;
	if (glob(host, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
		r = stacks_push(o, g.gl_pathv[i] + strlen(t->basedir));
	r = r < 0 ? r : (int)g.gl_pathc;
	globfree(&g);
	return r;
}

/* The TPM2 plugin's run-time libraries, when the tree has the plugin; -errno. */
static int stacks_push_tpm2(const struct tree *t, struct options *o)
{
	int r;

	for (const char *const *l = tpm2_libraries; *l; l++) {
		r = stacks_push_glob(t, o, *l);
		if (r < 0)
			return r;
		/* Without them the plugin fails and the passphrase is asked for: no error. */
		if (r == 0)
			log_debug("stack luks: %s not in %s: TPM2 tokens will not unlock", *l,
				  t->shown_basedir);
	}
	return 0;
}

/* cryptsetup's token plugins: it dlopens them, so no ELF header names them. */
static int stacks_push_plugins(const struct tree *t, struct options *o)
{
	char pattern[PATH_MAX];
	glob_t g;
	bool tpm2 = false;
	int r = 0;

	if (util_pathf(pattern, "%s%s", t->basedir, STACKS_CRYPTSETUP_PLUGINS) < 0)
		return 0;
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc && r >= 0; i++) {
		const char *slash = strrchr(g.gl_pathv[i], '/');

		tpm2 |= strcmp(slash, STACKS_TPM2_PLUGIN) == 0;
		r = stacks_push(o, g.gl_pathv[i] + strlen(t->basedir));
	}
	globfree(&g);
	return r < 0 || !tpm2 ? r : stacks_push_tpm2(t, o);
}

/* Pushes what one stack brings from the tree: its tool, optional programs, configuration. */
static int stacks_push_stack(const struct tree *t, struct options *o, const struct stacks_def *d,
			     const char *tool_path)
{
	char path[PATH_MAX];
	int r = 0;

	if (tool_path)
		r = stacks_push(o, tool_path);
	for (const char *const *e = d->extras; r >= 0 && *e; e++)
		if (stacks_find_tool(t, *e, path) == 0)
			r = stacks_push(o, path);
	for (const char *const *c = d->configs; r >= 0 && *c; c++)
		if (stacks_has_file(t, *c))
			r = stacks_push(o, *c);
	if (r >= 0 && d->bit == STACKS_LUKS)
		r = stacks_push_plugins(t, o);
	return r;
}

int stacks_plan(const struct tree *t, struct options *o, const unsigned *host)
{
	o->stacks = 0;
	for (size_t i = 0; i < STACKS_COUNT; i++) {
		const struct stacks_def *d = &stacks_defs[i];
		bool forced = o->stacks_forced & d->bit;
		bool needed = host && (*host & d->bit);
		char tool[PATH_MAX];
		bool found;
		int r;

		if ((o->stacks_excluded & d->bit) && !forced)
			continue;
		/* btrfs: its tool only tells that the tree uses btrfs; the image needs none. */
		found = stacks_find_tool(t, d->tool ? d->tool : "btrfs", tool) == 0;
		if (!found && forced && d->tool) {
			log_error(
			    "--stack %s: %s is not in %s (looked in /usr/sbin, /usr/bin, /sbin, /bin): install Debian's %s package in that tree, or leave out --stack %s",
			    d->name, d->tool, t->shown_basedir, d->package, d->name);
			return -ENOENT;
		}
		if (!found && needed && d->tool) {
			log_error(
			    "--host-only: the root is on %s, but %s is not in %s (looked in /usr/sbin, /usr/bin, /sbin, /bin): install Debian's %s package, or pass --no-stack %s if the image should not assemble it",
			    d->name, d->tool, t->shown_basedir, d->package, d->name);
			return -ENOENT;
		}
		/* Host-only: only what the root is on, whatever else the tree has installed. */
		if (host && found && !forced && !needed)
			log_debug("stack %s: %s is installed, but the root is not on it: left out",
				  d->name, d->tool ? d->tool : "btrfs");
		if (host ? !forced && !needed : !found && !forced)
			continue;
		log_debug("stack %s: %s%s", d->name,
			  forced   ? "--stack"
			  : needed ? "host-only, "
				   : "found ",
			  forced ? "" : (d->tool ? tool : "btrfs-progs in the tree"));
		r = stacks_push_stack(t, o, d, d->tool ? tool : NULL);
		if (r < 0)
			return r;
		o->stacks |= d->bit;
	}
	return 0;
}

int stacks_add_modules(const struct options *o, struct closure *res)
{
	for (size_t i = 0; i < STACKS_COUNT; i++) {
		if (!(o->stacks & stacks_defs[i].bit))
			continue;
		log_debug("stack %s: its modules, loaded on demand:", stacks_defs[i].name);
		for (const char *const *m = stacks_defs[i].modules; *m; m++) {
			int r = closure_add(res, *m, false);

			if (r < 0)
				return r;
		}
		if (stacks_defs[i].bit != STACKS_LUKS)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(luks_arch_modules); j++) {
			const char *name = luks_arch_modules[j].name;
			int r = 0;

			if (generic_arch_fits(closure_source(res), name, luks_arch_modules[j].arch))
				r = closure_add(res, name, false);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
