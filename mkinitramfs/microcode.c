// SPDX-License-Identifier: MIT
/* The early microcode archive: an uncompressed cpio the kernel reads before the image proper. */
#include "microcode.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* The two vendors the kernel's loader knows, their firmware folders and the file it reads. */
static const struct {
	const char *vendor; /* /proc/cpuinfo vendor_id */
	const char *folder; /* under lib/firmware (Debian's amd64-microcode, intel-microcode) */
} microcode_vendors[] = {
    {"AuthenticAMD", "amd-ucode"},
    {"GenuineIntel", "intel-ucode"},
};

/* The running CPU's vendor_id and family, from /proc/cpuinfo. Returns 0 or -errno. */
static int microcode_cpu(char *vendor, size_t len, unsigned int *ret_family)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return -errno;
	*ret_family = 0;
	while (fgets(line, sizeof(line), f) && found < 2) {
		char v[64];

		if (sscanf(line, "vendor_id : %63s", v) == 1) {
			snprintf(vendor, len, "%s", v);
			found++;
		} else if (sscanf(line, "cpu family : %u", ret_family) == 1) {
			found++;
		}
	}
	fclose(f);
	return found == 2 ? 0 : -ENODATA;
}

/* Intel's files are named FF-MM-SS in hex: family, model, stepping. */
static bool microcode_intel_family(const char *name, unsigned int family)
{
	unsigned int f;

	return sscanf(name, "%x-", &f) == 1 && f == family;
}

/*
 * AMD's containers are per family: microcode_amd_famNNh.bin from family 0x15 on, and
 * microcode_amd.bin for the families before (0x10-0x14), as linux-firmware names them and as
 * the kernel's late loader (arch/x86/kernel/cpu/microcode/amd.c) and dracut look for them.
 */
static bool microcode_amd_family(const char *name, unsigned int family)
{
	char want[32];

	if (family >= 0x15)
		snprintf(want, sizeof(want), "microcode_amd_fam%02xh.bin", family);
	else
		snprintf(want, sizeof(want), "microcode_amd.bin");
	return strcmp(name, want) == 0;
}

static uint32_t microcode_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Whether data is what the kernel's early loader can walk. It stops at the first blob it cannot
 * parse, so a stray file (a README, a signature) would hide every update after it. Intel: a
 * sequence of updates, each a 48-byte header with header and loader version 1, a total size
 * (0 means 2048) holding the data size (0 means 2000), the sizes tiling the file exactly
 * (struct microcode_header_intel, Intel SDM vol. 3A 10.11.1). AMD: a container starting with
 * the magic 0x00414d44 (amd.c UCODE_MAGIC).
 */
static bool microcode_valid(const unsigned char *data, size_t len, bool intel)
{
	size_t off = 0;

	if (!intel)
		return len >= 4 && microcode_le32(data) == MICROCODE_AMD_MAGIC;
	while (len - off >= MICROCODE_INTEL_HEADER) {
		const unsigned char *h = data + off;
		size_t datasize = microcode_le32(h + 28), total = microcode_le32(h + 32);

		if (!datasize)
			datasize = MICROCODE_INTEL_DEFAULT_DATA;
		if (!total)
			total = MICROCODE_INTEL_DEFAULT_TOTAL;
		if (microcode_le32(h) != 1 || microcode_le32(h + 20) != 1 || total % 4 ||
		    total < datasize + MICROCODE_INTEL_HEADER || total > len - off)
			return false;
		off += total;
	}
	return off && off == len;
}

static int microcode_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Concatenates the vendor's files under dir (in name order) into *ret. Returns 0 or -errno. */
static int microcode_vendor(const char *dir, bool intel, bool one_family, unsigned int family,
			    struct cpio_buf *ret, size_t *ret_files)
{
	struct dirent **names = NULL;
	int n, r = 0;

	n = scandir(dir, &names, microcode_filter, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : log_error_errno(-errno, "cannot list %s: %m", dir);
	for (int i = 0; i < n && r >= 0; i++) {
		char path[PATH_MAX];
		unsigned char *data = NULL;
		size_t len = 0;

		if (one_family && (intel ? !microcode_intel_family(names[i]->d_name, family)
					 : !microcode_amd_family(names[i]->d_name, family)))
			continue;
		r = util_pathf(path, "%s/%s", dir, names[i]->d_name);
		if (r < 0)
			break;
		r = util_read_file(path, &data, &len);
		if (r == -EISDIR || r == -EINVAL) { /* a folder or a special file: not microcode */
			r = 0;
			continue;
		}
		if (r < 0) {
			log_error_errno(r, "cannot read the microcode file %s: %m", path);
			break;
		}
		if (!microcode_valid(data, len, intel)) {
			log_warning(
			    "%s is not %s microcode, so the kernel would stop reading there: leaving it out, ignoring",
			    path, intel ? "Intel" : "AMD");
			free(data);
			continue;
		}
		r = cpio_buf_sink(ret, data, len);
		free(data);
		if (r < 0)
			log_error_errno(r, "out of memory");
		else
			(*ret_files)++;
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* One Intel update inside the concatenated files. */
struct microcode_update {
	size_t off, len;
	uint32_t sig, pf;
	size_t order; /* its place in name order, so equal keys keep it */
};

static int microcode_update_cmp(const void *x, const void *y)
{
	const struct microcode_update *a = x, *b = y;

	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	if (a->pf != b->pf)
		return a->pf > b->pf ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * Intel's files repeat updates (one update serves several FF-MM-SS names through its extended
 * signatures): keep each update once, ordered by signature and then platform mask, highest
 * first. That is what initramfs-tools' hook writes with iucode_tool --write-earlyfw, byte for
 * byte for Debian's intel-microcode; the kernel takes the best match wherever it is. blob
 * holds whole, checked updates (microcode_valid). Returns 0 or -ENOMEM.
 */
static int microcode_intel_merge(struct cpio_buf *blob)
{
	struct microcode_update *u = NULL;
	struct cpio_buf out = {0};
	size_t n = 0, cap = 0;
	int r = 0;

	for (size_t off = 0; off < blob->len; n++) {
		const unsigned char *h = blob->data + off;
		size_t total =
		    microcode_le32(h + 32) ? microcode_le32(h + 32) : MICROCODE_INTEL_DEFAULT_TOTAL;

		if (n == cap) {
			struct microcode_update *m =
			    reallocarray(u, cap ? cap * 2 : 256, sizeof(*u));

			if (!m) {
				free(u);
				return -ENOMEM;
			}
			u = m;
			cap = cap ? cap * 2 : 256;
		}
		u[n] = (struct microcode_update){off, total, microcode_le32(h + 12),
						 microcode_le32(h + 24), n};
		off += total;
	}
	if (n)
		qsort(u, n, sizeof(*u), microcode_update_cmp);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		bool dup = false;

		/* Identical bytes have the same signature and mask: look back in that run only. */
		for (size_t j = i; j-- > 0 && u[j].sig == u[i].sig && u[j].pf == u[i].pf && !dup;)
			dup = u[j].len == u[i].len &&
			      memcmp(blob->data + u[j].off, blob->data + u[i].off, u[i].len) == 0;
		if (!dup)
			r = cpio_buf_sink(&out, blob->data + u[i].off, u[i].len);
	}
	free(u);
	if (r < 0) {
		cpio_buf_free(&out);
		return r;
	}
	cpio_buf_free(blob);
	*blob = out;
	return 0;
}

/* The firmware folder of a vendor under the tree: lib/firmware, else usr/lib/firmware. */
static int microcode_folder(const struct kernel_source *src, const char *folder, char *ret)
{
	int r = util_pathf(ret, "%s/lib/firmware/%s", src->basedir, folder);

	if (r >= 0 && !util_is_dir(ret))
		r = util_pathf(ret, "%s/usr/lib/firmware/%s", src->basedir, folder);
	return r;
}

int microcode_build(const struct kernel_source *src, bool host_only, uint32_t mtime,
		    struct cpio_buf *ret, size_t *ret_files)
{
	struct cpio_archive *a = NULL;
	struct cpio_buf blobs[2] = {{0}};
	char cpu[64] = "";
	unsigned int family = 0;
	bool any = false;
	int r;

	*ret_files = 0;
	if (host_only && microcode_cpu(cpu, sizeof(cpu), &family) < 0) {
		log_warning(
		    "--host-only: cannot read the CPU's vendor from /proc/cpuinfo: packing every vendor's microcode");
		host_only = false;
	}
	for (size_t i = 0; i < 2; i++) {
		char dir[PATH_MAX];
		bool intel = strcmp(microcode_vendors[i].vendor, "GenuineIntel") == 0;

		if (host_only && strcmp(cpu, microcode_vendors[i].vendor) != 0)
			continue;
		r = microcode_folder(src, microcode_vendors[i].folder, dir);
		if (r >= 0)
			r = microcode_vendor(dir, intel, host_only, family, &blobs[i], ret_files);
		if (r >= 0 && intel && microcode_intel_merge(&blobs[i]) < 0)
			r = log_error_errno(-ENOMEM, "out of memory");
		if (r < 0)
			goto out;
		any = any || blobs[i].len;
	}
	if (!any) {
		log_debug(
		    "no CPU microcode under %s/lib/firmware (amd64-microcode, intel-microcode): no early archive",
		    src->shown_basedir);
		r = 0;
		goto out;
	}
	r = cpio_new(&a);
	if (r >= 0)
		r = cpio_add_dir(a, "kernel", 0755);
	if (r >= 0)
		r = cpio_add_dir(a, "kernel/x86", 0755);
	if (r >= 0)
		r = cpio_add_dir(a, MICROCODE_DIR, 0755);
	for (size_t i = 0; r >= 0 && i < 2; i++) {
		char name[PATH_MAX];

		if (!blobs[i].len)
			continue;
		r = util_pathf(name, "%s/%s.bin", MICROCODE_DIR, microcode_vendors[i].vendor);
		if (r >= 0)
			r = cpio_add_file(a, name, 0644, blobs[i].data, blobs[i].len);
	}
	if (r >= 0)
		r = cpio_write(a, mtime, cpio_buf_sink, ret);
	if (r < 0)
		log_error_errno(r, "cannot assemble the early microcode archive: %m");
out:
	cpio_free(a);
	cpio_buf_free(&blobs[0]);
	cpio_buf_free(&blobs[1]);
	return r;
}
