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

		if (intel && one_family && !microcode_intel_family(names[i]->d_name, family))
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
