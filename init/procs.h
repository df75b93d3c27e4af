/* SPDX-License-Identifier: MIT */
/* Before the switch: stop every process the initramfs started, except those marked to survive. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * Sends SIGTERM to every process but PID 1, kernel threads and root-storage daemons whose
 * argv[0] starts with '@' (systemd's convention, docs/ROOT_STORAGE_DAEMONS.md), waits a bounded
 * time, then SIGKILLs what is left and reaps the zombies. Returns how many needed SIGKILL.
 */
int procs_stop_initramfs(void);

/* Is pid a kernel thread (PF_KTHREAD in /proc/PID/stat), or gone or unreadable? */
bool procs_is_kernel_thread(pid_t pid);
