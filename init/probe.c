// SPDX-License-Identifier: MIT
/* How baton asks libblkid about a block device: one probe configuration, shared with the fuzzer. */
#include "probe.h"

#include "macro.h"

#include <errno.h>
#include <string.h>

/*
 * Probers that read far from a disk's start, each read a request of its own: LUKS2's search
 * for its second header (six reads from 128 KiB to 4 MiB), ufs (256 KiB), VMFS (2 MiB), nilfs2
 * (its second superblock at the end). Of an 8 MiB ext4 disk's 29 reads, these were 9.
 */
static const char *const far_readers[] = {"crypto_LUKS", "ufs", "VMFS", "nilfs2"};

/*
 * The names the quick probe leaves out: every RAID prober (md, LVM, a dozen firmware RAIDs,
 * which read the last MiB of the disk at a dozen places) and the far readers. Built once from
 * libblkid's own list, which blkid_probe_filter_superblocks_type() takes NULL-terminated.
 */
static char **quick_left_out(void)
{
	static char *names[256];
	static bool built;
	const char *name;
	size_t n = 0;
	int usage;

	if (built)
		return names;
	for (size_t i = 0;
	     n < ARRAY_SIZE(names) - 1 && blkid_superblocks_get_name(i, &name, &usage) == 0; i++) {
		bool far = false;

		for (size_t j = 0; j < ARRAY_SIZE(far_readers); j++)
			far = far || strcmp(name, far_readers[j]) == 0;
		if (far || (usage & BLKID_USAGE_RAID))
			names[n++] = (char *)name;
	}
	names[n] = NULL;
	built = true;
	return names;
}

/*
 * The superblock probe: the type is needed to mount, the tags for root= forms; quick leaves
 * out quick_left_out()'s probers: 58 reads of an 8 MiB ext4 disk with the RAID probers, 29
 * without, 20 without the far readers too; the root on the last of 32 such disks was found in
 * 2.11 s with all, 1.26 s without RAID (bench, icount). What that probe finds is only a
 * candidate, and what it does not find is not proof of nothing: see probe.h.
 */
static int probe_superblocks(const char *path, bool quick, blkid_probe *ret)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);

	if (!pr)
		return errno > 0 ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
						  BLKID_SUBLKS_TYPE);
	if (quick)
		blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, quick_left_out());
	blkid_probe_enable_partitions(pr, 0);
	*ret = pr;
	/*
	 * A candidate needs the first signature only: safeprobe's search for a second (14 reads of
	 * an ext4 disk against 8) is left to the full probe that confirms it. 128 ext4 LUNs, root
	 * on the last, from ext4 loaded to the root found (icount, two pairs of boots; the disk
	 * waits move with the host's load): 178 and 259 ms with safeprobe, 135 and 176 without.
	 */
	return quick ? blkid_do_probe(pr) : blkid_do_safeprobe(pr);
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
