// SPDX-License-Identifier: MIT
/* libFuzzer target: libblkid probes a hostile disk image the way baton probes every disk at boot.
 */
#include "devices.h"
#include "fuzz.h"
#include "probe.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * The second view of each input: a disk this large, the input at its start and a hole after.
 * Probers skip devices smaller than their minimum (btrfs 1 MiB, swap 40 KiB, jfs 16 MiB, zfs
 * 64 MiB: libblkid's idinfo .minsz), so only a large disk lets every one of them read the input.
 */
#define FUZZ_BLKID_DISK_SIZE (65 * 1024 * 1024)

static int disk_fd = -1;
static char disk_path[64];
static bool verbose;

/* The tags baton copies out of a probe (init/devices.c, copy_tag()), into buffers as large. */
static void copy_tag(blkid_probe pr, const char *tag)
{
	char buf[DEVICE_TAG_MAX];
	const char *val = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (blkid_probe_lookup_value(pr, tag, &val, &len) == 0 && val) {
		/* libblkid's values are NUL-terminated strings and len counts the NUL. */
		FUZZ_CHECK(len >= 1 && strnlen(val, len) == len - 1);
		snprintf(buf, sizeof(buf), "%s", val);
	}
	if (verbose && buf[0])
		fprintf(stderr, "  %s=\"%s\"\n", tag, buf);
}

/* baton's own probe (init/probe.c, as init/devices.c's probe_device() calls it), then its tags. */
static void probe_like_baton(const char *path, bool partition_entry)
{
	blkid_probe pr = NULL;
	int r;

	r = probe_path(path, partition_entry, &pr);
	if (!pr)
		return;
	if (verbose)
		fprintf(stderr, "%s probe: %d\n", partition_entry ? "partitions" : "superblocks",
			r);
	/*
	 * 0 found, 1 nothing, -2 ambivalent, else an error: documented as -1, in fact -errno, and
	 * sometimes a stale one (exfat.c returns -errno when no label is found; corpus file
	 * exfat-stale-errno gives -ENOTTY). baton tests only -2, so any negative value is sound.
	 */
	FUZZ_CHECK(r <= 1);
	if (!partition_entry) {
		copy_tag(pr, "TYPE");
		copy_tag(pr, "UUID");
		copy_tag(pr, "LABEL");
	} else {
		copy_tag(pr, "PTTYPE");
		copy_tag(pr, "PART_ENTRY_UUID");
		copy_tag(pr, "PART_ENTRY_NAME");
	}
	blkid_free_probe(pr);
}

/* One memfd for the whole run, reached by path as baton reaches /dev/NAME. */
static int disk_open(void)
{
	disk_fd = memfd_create("fuzz-blkid-disk", MFD_CLOEXEC);
	if (disk_fd < 0) {
		perror("fuzz-blkid: memfd_create");
		return -errno;
	}
	snprintf(disk_path, sizeof(disk_path), "/proc/self/fd/%d", disk_fd);
	verbose = getenv("FUZZ_BLKID_VERBOSE") != NULL;
	return 0;
}

/* The disk holds data and is size bytes long (a hole after the data). */
static void disk_set(const uint8_t *data, size_t len, off_t size)
{
	FUZZ_CHECK(ftruncate(disk_fd, 0) == 0);
	FUZZ_CHECK(pwrite(disk_fd, data, len, 0) == (ssize_t)len);
	FUZZ_CHECK(ftruncate(disk_fd, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (disk_fd < 0 && disk_open() < 0)
		abort();

	/* A disk exactly as large as the input: probers that read the end see the input's end. */
	disk_set(data, size, (off_t)size);
	probe_like_baton(disk_path, false);
	probe_like_baton(disk_path, true);

	/* A large disk that starts with the input: every prober's minimum size is met. */
	if (size < FUZZ_BLKID_DISK_SIZE) {
		disk_set(data, size, FUZZ_BLKID_DISK_SIZE);
		probe_like_baton(disk_path, false);
		probe_like_baton(disk_path, true);
	}
	return 0;
}
