// SPDX-License-Identifier: MIT
/* Tests of the deletion guard: statx results forced as old and new kernels give them. */
#include "switchroot.h"
#include "unit.h"

#include <sys/stat.h>

/* Device numbers: the initramfs (tmpfs, anonymous) and a disk mounted inside it. */
#define TMPFS_MAJOR 0
#define TMPFS_MINOR 2
#define DISK_MAJOR 254
#define DISK_MINOR 1

/* The mask statx fills on every kernel since 4.11 (STATX_BASIC_STATS). */
#define BASIC 0x07ffU

/* A statx result: mask, attributes_mask, attributes, device, mount id, file type. */
static struct switchroot_statx sx(uint32_t mask, uint64_t attr_mask, uint64_t attr, uint32_t major,
				  uint32_t minor, uint64_t mnt_id, uint16_t type)
{
	struct switchroot_statx r = {
	    .stx_mask = mask,
	    .stx_attributes_mask = attr_mask,
	    .stx_attributes = attr,
	    .stx_dev_major = major,
	    .stx_dev_minor = minor,
	    .stx_mnt_id = mnt_id,
	    .stx_mode = (uint16_t)(type | 0755),
	};

	return r;
}

/* The guard's verdict for two results given by value. */
static bool may(struct switchroot_statx top, struct switchroot_statx entry)
{
	return switchroot_may_remove(&top, &entry);
}

#define MNT SWITCHROOT_STATX_MNT_ID
#define ROOT SWITCHROOT_ATTR_MOUNT_ROOT

/* Linux >= 5.8: mount id and mount-root attribute both known. */
static void test_new_kernel(void)
{
	struct switchroot_statx top =
	    sx(BASIC | MNT, ROOT, ROOT, TMPFS_MAJOR, TMPFS_MINOR, 20, S_IFDIR);

	/* A file and a directory of the initramfs. */
	CHECK(may(top, sx(BASIC | MNT, ROOT, 0, TMPFS_MAJOR, TMPFS_MINOR, 20, S_IFREG)));
	CHECK(may(top, sx(BASIC | MNT, ROOT, 0, TMPFS_MAJOR, TMPFS_MINOR, 20, S_IFDIR)));
	/* A disk mounted on a directory. */
	CHECK(!may(top, sx(BASIC | MNT, ROOT, ROOT, DISK_MAJOR, DISK_MINOR, 31, S_IFDIR)));
	/* A bind mount of the initramfs into itself: same device, another mount. */
	CHECK(!may(top, sx(BASIC | MNT, ROOT, ROOT, TMPFS_MAJOR, TMPFS_MINOR, 32, S_IFDIR)));
}

/* No STATX_MNT_ID in the mask: the mount ids are not compared, whatever they read. */
static void test_mask_without_mnt_id(void)
{
	struct switchroot_statx top = sx(BASIC, ROOT, ROOT, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR);

	CHECK(may(top, sx(BASIC, ROOT, 0, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR)));
	/* Garbage where the kernel filled nothing does not count either way. */
	CHECK(may(top, sx(BASIC, ROOT, 0, TMPFS_MAJOR, TMPFS_MINOR, 77, S_IFREG)));
	CHECK(may(top, sx(BASIC, ROOT, 0, TMPFS_MAJOR, TMPFS_MINOR, 77, S_IFDIR)));
	/* The mount-root attribute still tells a bind mount of the same filesystem. */
	CHECK(!may(top, sx(BASIC, ROOT, ROOT, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR)));
	CHECK(!may(top, sx(BASIC, ROOT, ROOT, DISK_MAJOR, DISK_MINOR, 0, S_IFDIR)));
}

/* No STATX_ATTR_MOUNT_ROOT in attributes_mask: the attribute bit is not trusted. */
static void test_attributes_mask_without_mount_root(void)
{
	struct switchroot_statx top = sx(BASIC | MNT, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 20, S_IFDIR);

	CHECK(may(top, sx(BASIC | MNT, 0, ROOT, TMPFS_MAJOR, TMPFS_MINOR, 20, S_IFDIR)));
	CHECK(!may(top, sx(BASIC | MNT, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 32, S_IFDIR)));
	CHECK(!may(top, sx(BASIC | MNT, 0, 0, DISK_MAJOR, DISK_MINOR, 31, S_IFDIR)));
}

/* Linux < 5.8: neither; the device numbers decide (both mount ids read 0). */
static void test_neither(void)
{
	struct switchroot_statx top = sx(BASIC, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR);

	CHECK(may(top, sx(BASIC, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR)));
	CHECK(!may(top, sx(BASIC, 0, 0, DISK_MAJOR, DISK_MINOR, 0, S_IFDIR)));
	CHECK(!may(top, sx(BASIC, 0, 0, DISK_MAJOR, DISK_MINOR, 0, S_IFREG)));
}

/* A result that says nothing (no file type in stx_mask): never removed. */
static void test_nothing_known(void)
{
	struct switchroot_statx top = sx(BASIC, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFDIR);
	struct switchroot_statx none = {0};

	CHECK(!may(top, none));
	CHECK(!may(none, sx(BASIC, 0, 0, TMPFS_MAJOR, TMPFS_MINOR, 0, S_IFREG)));
}

const struct unit_case switchroot_cases[] = {
    {"new_kernel", test_new_kernel},
    {"mask_without_mnt_id", test_mask_without_mnt_id},
    {"attributes_mask_without_mount_root", test_attributes_mask_without_mount_root},
    {"neither", test_neither},
    {"nothing_known", test_nothing_known},
    {NULL, NULL},
};
