/* SPDX-License-Identifier: MIT */
/* File, directory and process helpers of the image generator; they return 0 or -errno. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/*
 * Largest file read whole into memory: the biggest kernel module or init binary is far
 * smaller; this only stops a wrong path (a disk image, /dev/zero) from eating the machine.
 */
#define UTIL_READ_MAX (1024UL * 1024 * 1024)

/* Formats a path into buf (PATH_MAX bytes); -ENAMETOOLONG instead of truncating. */
__attribute__((format(printf, 2, 3))) int util_pathf(char *buf, const char *fmt, ...);

/* Reads a regular file whole; *ret_data is malloc()ed (NUL-terminated, not counted). */
int util_read_file(const char *path, unsigned char **ret_data, size_t *ret_len);

/* Creates a new file (never overwrites) and writes data to it. */
int util_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* Creates a directory and its missing parents, like mkdir -p. */
int util_mkdir_p(const char *path, mode_t mode);

/* Removes a tree without following symlinks or crossing into other filesystems. */
int util_rm_rf(const char *path);

/* Returns 1 if path is a directory (following symlinks), 0 if it is not or does not exist. */
int util_is_dir(const char *path);

/*
 * Catches SIGINT, SIGTERM and SIGHUP so that temporary files can be removed first;
 * util_interrupted() then returns -EINTR, and util_reraise() ends the process by the signal.
 */
int util_catch_signals(void);
int util_interrupted(void);
void util_reraise(void);
/* The signal caught, or 0. */
int util_caught_signal(void);

/*
 * Creates a directory from a mkdtemp() template (rewritten in place) holding a file named
 * UTIL_LOCK_NAME, locked with flock() for as long as *ret_lock_fd stays open: the mark of a
 * run still alive, which util_clean_stale_dirs() leaves alone.
 */
#define UTIL_LOCK_NAME "lock"
int util_mkdtemp_locked(char *tmpl, int *ret_lock_fd);

/*
 * Removes the directories PARENT/PREFIXxxxxxx that util_mkdtemp_locked() made in a run that
 * is gone (killed with SIGKILL, a crash): owned by this user, with a lock file nobody holds.
 * Returns how many were removed (one that cannot be removed is skipped), or -errno if PARENT
 * cannot be read.
 */
int util_clean_stale_dirs(const char *parent, const char *prefix);

/* Is name PREFIX followed by the six characters mkstemp() and mkdtemp() put for XXXXXX? */
int util_is_temp_name(const char *name, const char *prefix);

/*
 * Runs argv[0] (searched in PATH) and waits for it. Returns -errno if it could not be
 * started; otherwise 0 and its wait status in *ret_status.
 */
int util_run(char *const argv[], int *ret_status);

/*
 * Like util_run, and collects the program's standard output (at most UTIL_READ_MAX bytes) in
 * *ret_out, malloc()ed and NUL-terminated; standard error is left alone.
 */
int util_run_capture(char *const argv[], char **ret_out, size_t *ret_len, int *ret_status);
