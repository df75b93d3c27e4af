/* SPDX-License-Identifier: MIT */
/* How baton asks libblkid about a block device: one probe configuration, shared with the fuzzer. */
#pragma once

#include <blkid/blkid.h>
#include <stdbool.h>

/*
 * Opens path and probes it as baton does at boot: the superblocks chain alone with TYPE, UUID
 * and LABEL, or (partition_entry) the partitions chain alone with the PART_ENTRY_* details,
 * then blkid_do_safeprobe(). Logs nothing. Returns safeprobe's result (0 found, 1 nothing, -2
 * more than one filesystem, another negative value on an error) with the probe in *ret for the
 * caller to read and free; or -errno with *ret untouched when path cannot be opened.
 * tests/fuzz/fuzz_blkid.c runs exactly this on hostile images.
 */
int probe_path(const char *path, bool partition_entry, blkid_probe *ret);

/*
 * The same superblock probe without libblkid's RAID probers (md, LVM, firmware RAID) and the
 * few that read far into the disk (LUKS, ufs, VMFS, nilfs2): what it finds is a candidate
 * only, since a RAID member can hold a filesystem at its start (md metadata 0.90 and 1.0) that
 * must not be mounted around the array; a caller confirms a candidate with probe_path() before
 * acting on it. What it finds rules a device out for a filesystem's tag: a full probe gives
 * the same tags, none (a second signature), or a RAID member's (never a root to mount; stack
 * hooks look for members through full probes). Finding nothing rules nothing out (a LUKS or
 * nilfs2 device): only probe_path() can say so. blkid_do_probe() instead of safeprobe: the
 * first signature found, where a second one (which the full probe reports as -2) is not looked
 * for. Returns 0 found, 1 nothing, a negative value on an error, or -errno as probe_path().
 */
int probe_path_quick(const char *path, blkid_probe *ret);
