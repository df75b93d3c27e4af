/* SPDX-License-Identifier: MIT */
/* Keeps the earlier boot's records in the persistent store (pstore) for the real system. */
#pragma once

/* Where the kernel shows pstore's records, and where baton copies them. */
#define PSTORE_DIR "/sys/fs/pstore"
#define PSTORE_COPY_DIR "/run/baton/pstore"

/* Largest record copied: ramoops' records are a few KiB to a few MiB (its *_size= parameters). */
#define PSTORE_FILE_MAX (16 * 1024 * 1024)

/*
 * Mounts pstore on PSTORE_DIR if nothing is there yet, copies each of its files to
 * PSTORE_COPY_DIR and logs what it copied, then unmounts what it mounted. The records stay in
 * the store for the real system (systemd-pstore archives and removes them). Returns the number
 * of files copied, 0 when there are none or the kernel has no pstore, -errno on a failed copy.
 */
int pstore_collect(void);
