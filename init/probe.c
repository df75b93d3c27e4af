// SPDX-License-Identifier: MIT
/* How baton asks libblkid about a block device: one probe configuration, shared with the fuzzer. */
#include "probe.h"

#include <errno.h>

/*
 * The superblock probe: the type is needed to mount, the tags for root= forms; without_raid
 * leaves out the RAID probers (md, LVM, a dozen firmware RAIDs), which read the last MiB of
 * the disk at a dozen places, each a read of its own: 58 reads of an 8 MiB ext4 disk against
 * 36 without them, and the root on the last of 32 such disks found in 1.26 s instead of
 * 2.11 s (bench, icount). What that probe finds is only a candidate: see probe.h.
 */
static int probe_superblocks(const char *path, bool without_raid, blkid_probe *ret)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);

	if (!pr)
		return errno > 0 ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
						  BLKID_SUBLKS_TYPE);
	if (without_raid)
		blkid_probe_filter_superblocks_usage(pr, BLKID_FLTR_NOTIN, BLKID_USAGE_RAID);
	blkid_probe_enable_partitions(pr, 0);
	*ret = pr;
	return blkid_do_safeprobe(pr);
}

int probe_path(const char *path, bool partition_entry, blkid_probe *ret)
{
	blkid_probe pr;

	if (!partition_entry)
		return probe_superblocks(path, false, ret);
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return errno > 0 ? -errno : -EIO;
	/* PART_ENTRY_UUID and _NAME: reading the whole disk's table, so only on demand. */
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	*ret = pr;
	return blkid_do_safeprobe(pr);
}

int probe_path_quick(const char *path, blkid_probe *ret)
{
	return probe_superblocks(path, true, ret);
}
